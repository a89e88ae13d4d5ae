/*
 * config.h - where things are: the store, the forms, the counter number.
 *
 * Each setting is taken from the first of: the command line, the
 * environment (HALL_DB, HALL_FORMS, HALL_COUNTER, HALL_CENTRAL), the
 * configuration file, the built-in default.  The file is $HALL_CONFIG if
 * set, else ~/.config/hall/hall.conf if it exists, else
 * /etc/hall/hall.conf.  Format: "key = value" lines, '#' comments; keys:
 *   db       path of the hall store
 *   forms    folder of the *.form files
 *   counter  this terminal's counter (window) number
 *   central  URL of the central store for the nightly sync
 *   lang     zh or en
 */
#ifndef HALL_CONFIG_H
#define HALL_CONFIG_H

#include "hall/err.h"

#define CONFIG_PATH_MAX 1024

struct hall_config {
	char file[CONFIG_PATH_MAX];     /* the file read, "" if none */
	char db[CONFIG_PATH_MAX];
	char forms[CONFIG_PATH_MAX];
	char central[CONFIG_PATH_MAX];
	char lang[8];
	int counter;                    /* 0 when not set */
};

/* Read the environment and the configuration file.  A missing file is not
 * an error; a malformed one is (HALL_ECONFIG, "FILE:LINE: message"). */
int config_load(struct hall_config *c, struct hall_err *err);

/* The forms folder when none is configured: the installed share folder,
 * or forms/ beside the build folder when run from a source tree. */
void config_default_forms(char *out, size_t outsz);

#endif
