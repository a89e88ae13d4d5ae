/*
 * pq.c - libpq through dlopen (see pq.h).
 *
 * Each forwarder has the exact prototype of <libpq-fe.h> (the compiler
 * checks it) and calls the pointer found by dlsym.  pq_load runs before
 * the first connection (sync_pg.c's open); every other forwarder is only
 * reached through a connection, so it finds its pointer set.  dlopen by
 * soname: under setgid the loader ignores LD_LIBRARY_PATH, so only the
 * system's libpq is ever loaded.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "pq.h"

#define PQ_FUNCS(X) \
	X(PQconnectdbParams) X(PQstatus) X(PQerrorMessage) X(PQfinish) \
	X(PQexec) X(PQexecParams) X(PQresultStatus) X(PQresultErrorField) \
	X(PQntuples) X(PQgetvalue) X(PQclear) X(PQtransactionStatus) \
	X(PQputCopyData) X(PQputCopyEnd) X(PQgetResult)

static struct {
#define PQ_PTR(name) __typeof__(name) *name;
	PQ_FUNCS(PQ_PTR)
#undef PQ_PTR
} pq;

static pthread_once_t pq_once = PTHREAD_ONCE_INIT;
static char pq_why[300];

static void pq_open(void)
{
	void *h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(pq_why, sizeof pq_why, "%s", dlerror());
		return;
	}
#define PQ_SYM(name)                                                      \
	if (!pq_why[0]) {                                                 \
		*(void **)&pq.name = dlsym(h, #name);                     \
		if (!pq.name)                                             \
			snprintf(pq_why, sizeof pq_why, "libpq.so.5: no %s", #name); \
	}
	PQ_FUNCS(PQ_SYM)
#undef PQ_SYM
	if (pq_why[0]) {
		memset(&pq, 0, sizeof pq);
		dlclose(h);
	}
}

int pq_load(struct hall_err *err)
{
	pthread_once(&pq_once, pq_open);
	if (!pq_why[0])
		return HALL_OK;
	return hall_err_set(err, HALL_ECONFIG, "central",
		"无法载入 PostgreSQL 客户端库（%s）：请安装 libpq5（apt-get install libpq5）",
		"cannot load the PostgreSQL client library (%s): install libpq5 (apt-get install libpq5)",
		pq_why);
}

/* The forwarders: same names and prototypes as libpq's own, hidden, so
 * that they never stand in for libpq's own symbols should libpq ever be
 * linked into the process as well. */
#pragma GCC visibility push(hidden)
PGconn *PQconnectdbParams(const char *const *keywords, const char *const *values,
                          int expand_dbname)
{
	return pq.PQconnectdbParams ? pq.PQconnectdbParams(keywords, values, expand_dbname) : NULL;
}
ConnStatusType PQstatus(const PGconn *conn)
{
	return conn ? pq.PQstatus(conn) : CONNECTION_BAD;
}
char *PQerrorMessage(const PGconn *conn)
{
	return conn ? pq.PQerrorMessage(conn) : (char *)"libpq not loaded";
}
void PQfinish(PGconn *conn)
{
	if (conn)
		pq.PQfinish(conn);
}
PGresult *PQexec(PGconn *conn, const char *query)
{
	return conn ? pq.PQexec(conn, query) : NULL;
}
PGresult *PQexecParams(PGconn *conn, const char *command, int nParams,
                       const Oid *paramTypes, const char *const *paramValues,
                       const int *paramLengths, const int *paramFormats,
                       int resultFormat)
{
	return conn ? pq.PQexecParams(conn, command, nParams, paramTypes, paramValues,
	                              paramLengths, paramFormats, resultFormat) : NULL;
}
ExecStatusType PQresultStatus(const PGresult *res)
{
	return res ? pq.PQresultStatus(res) : PGRES_FATAL_ERROR;
}
char *PQresultErrorField(const PGresult *res, int fieldcode)
{
	return res ? pq.PQresultErrorField(res, fieldcode) : NULL;
}
int PQntuples(const PGresult *res)
{
	return res ? pq.PQntuples(res) : 0;
}
char *PQgetvalue(const PGresult *res, int tup_num, int field_num)
{
	return res ? pq.PQgetvalue(res, tup_num, field_num) : (char *)"";
}
void PQclear(PGresult *res)
{
	if (res)
		pq.PQclear(res);
}
PGTransactionStatusType PQtransactionStatus(const PGconn *conn)
{
	return conn ? pq.PQtransactionStatus(conn) : PQTRANS_UNKNOWN;
}
int PQputCopyData(PGconn *conn, const char *buffer, int nbytes)
{
	return conn ? pq.PQputCopyData(conn, buffer, nbytes) : -1;
}
int PQputCopyEnd(PGconn *conn, const char *errormsg)
{
	return conn ? pq.PQputCopyEnd(conn, errormsg) : -1;
}
PGresult *PQgetResult(PGconn *conn)
{
	return conn ? pq.PQgetResult(conn) : NULL;
}
#pragma GCC visibility pop
