/*
 * auth.h - staff, roles and passwords.
 *
 * Passwords are hashed with yescrypt (libxcrypt, "$y$"), never stored in
 * clear.  Roles: a clerk serves customers; a manager also approves
 * reversals, signs off daily closes and exports every clerk's data; an
 * admin manages users and rules.  Role checks live here, in the core.
 *
 * At a central store (store_is_central) the staff table also holds a copy
 * of every hall's accounts, keyed (hall, id); only the branch's own
 * accounts (hall code '000', added at the central itself with
 * auth_user_add, the first one an admin as on an empty hall store) log
 * in, are listed and are managed there.  A hall's copied account never
 * logs in at the central.  The lockout policy there is the central's own
 * (its work_settings rows of hall '000'; default 5 failures, 15 minutes).
 */
#ifndef HALL_AUTH_H
#define HALL_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "hall/err.h"
#include "hall/store.h"

enum hall_role { ROLE_CLERK = 0, ROLE_MANAGER = 1, ROLE_ADMIN = 2 };

#define AUTH_PASSWORD_MIN 8
/* Lockout: this many wrong passwords in a row lock the account for this
 * many minutes; an administrator sets both per hall (hall rules set
 * lockout_failures|lockout_minutes, worules.h). */
#define AUTH_LOCKOUT_FAILURES 5
#define AUTH_LOCKOUT_FAILURES_MIN 3
#define AUTH_LOCKOUT_FAILURES_MAX 20
#define AUTH_LOCKOUT_MINUTES 15
#define AUTH_LOCKOUT_MINUTES_MAX 1440
#define AUTH_ID_MAX 16

struct hall_user {
	char id[AUTH_ID_MAX + 1];   /* staff id: 1-16 digits or letters */
	char name[192];
	enum hall_role role;
	bool active;
	bool must_change;           /* forced change at next login */
	char pw_tag[17];            /* auth_login: a tag of the password hash
	                             * it checked ("" otherwise) */
};

/* The person at the counter: who, in which role, at which counter. */
struct hall_actor {
	struct hall_user user;
	int counter;                /* counter (window) number, 1-99 */
};

const char *auth_role_key(enum hall_role r);      /* "clerk" ... */
const char *auth_role_label(enum hall_role r);    /* 营业员 / Clerk ... */
int auth_role_parse(const char *key, enum hall_role *out);

/* Hash a password with a fresh salt; out needs 128 bytes. */
int auth_hash(const char *password, char *out, size_t outsz,
              struct hall_err *err);
/* Constant-time check of password against a stored hash. */
bool auth_verify(const char *password, const char *hash);

/* Check id + password and fill *out.  Wrong password, unknown id and
 * inactive user all give HALL_EAUTH with the same message.  Every
 * attempt is audited (audit.h: "login", "login.fail", "login.locked"). */
int auth_login(struct store *s, const char *id, const char *password,
               struct hall_user *out, struct hall_err *err);

/* Record that the person at the counter logged out (or the counter
 * screen closed with someone logged in): an audit row "logout".  Every
 * login, failed login and lockout is recorded by auth_login itself. */
int auth_logout(struct store *s, const struct hall_actor *actor,
                struct hall_err *err);

/* The hall's lockout policy: failures before a lock, minutes locked. */
int auth_lockout_failures(struct store *s);
int auth_lockout_minutes(struct store *s);

/* Look a user up without a password (for display). */
int auth_user_get(struct store *s, const char *id, struct hall_user *out,
                  struct hall_err *err);

/* User management: actor must be an admin (except on an empty store, where
 * the first user added is allowed and must be an admin). */
int auth_user_add(struct store *s, const struct hall_actor *actor,
                  const char *id, const char *name, enum hall_role role,
                  const char *password, struct hall_err *err);
/* Set a password: an admin for anyone (forces a change at next login),
 * or a user for themselves. */
int auth_user_passwd(struct store *s, const struct hall_actor *actor,
                     const char *id, const char *password,
                     struct hall_err *err);
/* How many accounts log in here (at a central: the branch's own); 0 on
 * an empty store, where the first auth_user_add needs no actor. */
int auth_user_count(struct store *s, int64_t *n, struct hall_err *err);
/* Call fn for every user in id order. */
int auth_user_list(struct store *s,
                   void (*fn)(void *ud, const struct hall_user *u), void *ud,
                   struct hall_err *err);

/* Command-line sessions (`hall login`): a clerk types the password once
 * per shift instead of once per command (a yescrypt check costs about
 * 16 ms, more than the rest of a `hall submit`).  A session is a random
 * token of AUTH_TOKEN_LEN hex digits that the CLI keeps in a 0600 file of
 * the Unix user; the store keeps only its SHA-256, the staff id, the Unix
 * user it was issued to, its end, and a tag of the password hash, so a
 * changed or reset password ends it. */
#define AUTH_TOKEN_LEN 64
#define AUTH_SESSION_MINUTES 480        /* default: one shift */
#define AUTH_SESSION_MAX_MINUTES 720

/* Open a session for actor (just logged in with auth_login, whose
 * pw_tag must still match the stored password) issued to Unix user uid,
 * ending after minutes; token gets the secret.  The user's earlier
 * sessions for that Unix user end.  Refused for administrators (every
 * admin command takes the password) and while the user must change the
 * password.  Audited ("session.open"). */
int auth_session_open(struct store *s, const struct hall_actor *actor,
                      int64_t uid, int minutes, char token[AUTH_TOKEN_LEN + 1],
                      struct hall_err *err);
/* Log in by session: id's session with this token, issued to uid, not
 * ended, not expired, opened under the current password, the user active,
 * not locked and not due a password change.  Fills *out, audits
 * "login.session" (deferred like a login, audit.h).  Else HALL_EAUTH
 * saying why, audited as "login.fail" (detail "session: why"). */
int auth_session_check(struct store *s, const char *id, const char *token,
                       int64_t uid, struct hall_user *out,
                       struct hall_err *err);
/* End the session of staff id with this token issued to uid (`hall
 * logout`), whatever state the account is in: holding the token is proof
 * enough.  *ended tells whether a live session was ended; only then is a
 * "logout" audited.  An unknown or ended token is not an error. */
int auth_session_close(struct store *s, const char *id, const char *token,
                       int64_t uid, bool *ended, struct hall_err *err);

/* Role checks: HALL_OK or HALL_EPERM with a message naming the action. */
int auth_require(const struct hall_actor *actor, enum hall_role min_role,
                 const char *what_zh, const char *what_en,
                 struct hall_err *err);

#endif
