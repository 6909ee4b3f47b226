/*
 * pq.h - libpq, loaded when an instance on PostgreSQL is first opened.
 *
 * Most runs of ferry never talk to PostgreSQL, and linking libpq (with
 * its TLS, Kerberos and LDAP libraries) into every run cost each of them
 * more start-up time than the SQLite store's whole work on a small
 * command.  So the backend reaches libpq through a table of function
 * pointers that ferry_pq__load() fills from libpq.so.5; the rest of the
 * backend calls PQexec() and the others by their usual names, which the
 * macros below point at the table.  Only this header and pq.c know.
 */
#ifndef FERRY_STORE_PQ_H
#define FERRY_STORE_PQ_H

#include <libpq-fe.h>
#include <libpq-events.h>

/* Every libpq function the backend calls. */
#define FERRY_PQ_FUNCTIONS(X) \
	X(PQclear) X(PQcmdTuples) X(PQconnectdbParams) \
	X(PQconnectionNeedsPassword) X(PQconnectionUsedPassword) \
	X(PQconninfo) X(PQconninfoFree) X(PQconninfoParse) \
	X(PQerrorMessage) X(PQexec) X(PQexecParams) X(PQexecPrepared) \
	X(PQfinish) X(PQfreemem) X(PQgetCopyData) X(PQgetResult) \
	X(PQgetisnull) X(PQgetlength) \
	X(PQgetvalue) X(PQinstanceData) X(PQlibVersion) X(PQnfields) \
	X(PQntuples) X(PQpass) X(PQprepare) X(PQputCopyData) \
	X(PQputCopyEnd) X(PQregisterEventProc) X(PQresultErrorField) \
	X(PQresultErrorMessage) X(PQresultStatus) X(PQsetInstanceData) \
	X(PQstatus) X(PQtransactionStatus)

typedef struct {
#define FERRY_PQ_MEMBER(f) __typeof__(f) *f;
	FERRY_PQ_FUNCTIONS(FERRY_PQ_MEMBER)
#undef FERRY_PQ_MEMBER
} ferry_pq_api;

extern ferry_pq_api ferry_pq;

/*
 * Load libpq once for the process.  0, or -1 with *why saying why (a
 * static string: the library is missing, or lacks a function).
 */
int ferry_pq__load(const char **why);

#ifndef FERRY_PQ_LOADER
#define PQclear (ferry_pq.PQclear)
#define PQcmdTuples (ferry_pq.PQcmdTuples)
#define PQconnectdbParams (ferry_pq.PQconnectdbParams)
#define PQconnectionNeedsPassword (ferry_pq.PQconnectionNeedsPassword)
#define PQconnectionUsedPassword (ferry_pq.PQconnectionUsedPassword)
#define PQconninfo (ferry_pq.PQconninfo)
#define PQconninfoFree (ferry_pq.PQconninfoFree)
#define PQconninfoParse (ferry_pq.PQconninfoParse)
#define PQerrorMessage (ferry_pq.PQerrorMessage)
#define PQexec (ferry_pq.PQexec)
#define PQexecParams (ferry_pq.PQexecParams)
#define PQexecPrepared (ferry_pq.PQexecPrepared)
#define PQfinish (ferry_pq.PQfinish)
#define PQfreemem (ferry_pq.PQfreemem)
#define PQgetCopyData (ferry_pq.PQgetCopyData)
#define PQgetResult (ferry_pq.PQgetResult)
#define PQgetisnull (ferry_pq.PQgetisnull)
#define PQgetlength (ferry_pq.PQgetlength)
#define PQgetvalue (ferry_pq.PQgetvalue)
#define PQinstanceData (ferry_pq.PQinstanceData)
#define PQlibVersion (ferry_pq.PQlibVersion)
#define PQnfields (ferry_pq.PQnfields)
#define PQntuples (ferry_pq.PQntuples)
#define PQpass (ferry_pq.PQpass)
#define PQprepare (ferry_pq.PQprepare)
#define PQputCopyData (ferry_pq.PQputCopyData)
#define PQputCopyEnd (ferry_pq.PQputCopyEnd)
#define PQregisterEventProc (ferry_pq.PQregisterEventProc)
#define PQresultErrorField (ferry_pq.PQresultErrorField)
#define PQresultErrorMessage (ferry_pq.PQresultErrorMessage)
#define PQresultStatus (ferry_pq.PQresultStatus)
#define PQsetInstanceData (ferry_pq.PQsetInstanceData)
#define PQstatus (ferry_pq.PQstatus)
#define PQtransactionStatus (ferry_pq.PQtransactionStatus)
#endif

#endif
