/*
 * pq.h - libpq, loaded when the first PostgreSQL connection is made.
 *
 * Only `hall sync` and `hall central` with a postgresql:// URL talk to
 * PostgreSQL, yet linking libpq pulls GnuTLS, Kerberos, LDAP and friends
 * into every start of every command (about 4 ms of dynamic loading per
 * `hall submit`).  pq.c defines the PQ* functions hall uses as thin
 * forwarders to libpq.so.5 opened with dlopen on first use, so the rest of
 * the code calls libpq as usual (<libpq-fe.h> gives the types).
 */
#ifndef HALL_PQ_H
#define HALL_PQ_H

#include "hall/err.h"

/* Load libpq.so.5 (once; thread-safe).  HALL_OK, or HALL_ECONFIG with a
 * message saying which Debian package to install. */
int pq_load(struct hall_err *err);

#endif
