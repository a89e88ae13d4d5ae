/*
 * cmd_sec.h - the security and safety commands (issue 8): audit, show-id,
 * backup, restore, check.  Registered in the table of main.c.
 */
#ifndef HALL_CMD_SEC_H
#define HALL_CMD_SEC_H

#include "cli.h"

/* hall audit verify | show [filters] */
int cmd_audit(struct cli *c);
/* hall show-id ACCOUNT --reason TEXT: full ID number and phone, audited */
int cmd_show_id(struct cli *c);
/* hall backup --to FILE */
int cmd_backup(struct cli *c);
/* hall restore --from BACKUP --db PATH */
int cmd_restore(struct cli *c);
/* hall check [--full] */
int cmd_check(struct cli *c);

/* Who runs a command that reads the whole store (audit, backup, check):
 * with --user, that hall login (the core checks the role); without it,
 * nobody: allowed only when hall is not setgid-raised, i.e. the caller
 * reads the store file with their own rights (root, the hall group, cron)
 * and could copy it anyway.  *actor_out is NULL then.  0 or an exit
 * status. */
int cli_maint_actor(struct cli *c, struct store *s, struct hall_actor *buf,
                    const struct hall_actor **actor_out);

#endif
