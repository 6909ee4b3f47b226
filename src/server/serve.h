/*
 * serve.h - starting ferry serve: what the CLI's `ferry serve` command
 * calls.  The server's workings are in server.h.
 */
#ifndef FERRY_SERVE_H
#define FERRY_SERVE_H

#include <stdint.h>

/* What `ferry serve` was asked for. */
typedef struct {
	const char *db_path;	/* the instance */
	const char *listen;	/* ADDR:PORT; NULL: 127.0.0.1:8080 */
	const char *tls_cert;	/* PEM files: both or neither */
	const char *tls_key;
	uint64_t max_upload;	/* bytes an upload may have */
	unsigned workers;	/* request threads */
	unsigned timeout;	/* seconds a connection may sit idle */
	const char *now;	/* fixed clock (FERRY_NOW) or NULL */
} ferry_server_options;

#define FERRY_SERVER_MAX_UPLOAD_DEFAULT ((uint64_t)1 << 30)
#define FERRY_SERVER_WORKERS_DEFAULT 4
#define FERRY_SERVER_TIMEOUT_DEFAULT 30
#define FERRY_SERVER_BODY_MAX (1024 * 1024)	/* a JSON body */

/* Start, serve until SIGTERM or SIGINT, stop gracefully.  Returns 0, or
 * 1 after printing "ferry: ..." on stderr. */
int ferry_server_run(const ferry_server_options *opts);

#endif
