/*
 * cmd_serve.c - ferry serve: the HTTP API and the web page on one port
 * (src/server).
 */
#include "cli.h"
#include "serve.h"

#include <stdlib.h>
#include <string.h>

static int parse_count(cli_ctx *ctx, const cli_args *a, const char *name,
	unsigned long long max, unsigned long long *out)
{
	const char *v = cli_opt_value(ctx, a, name);
	long long n;

	if (!v)
		return 0;
	if (cli_parse_int(ctx, v, name, &n) < 0)
		return -1;
	if (n < 1 || (unsigned long long)n > max) {
		cli_usage_error(ctx, "--%s must be between 1 and %llu", name,
			max);
		return -1;
	}
	*out = (unsigned long long)n;
	return 0;
}

static int run_serve(cli_ctx *ctx, const cli_args *a)
{
	ferry_server_options o;
	ferry_buf info = FERRY_BUF_INIT;
	unsigned long long max_upload = 0, workers = 0, timeout = 0;
	int error;

	memset(&o, 0, sizeof(o));
	o.db_path = ctx->db_path;
	o.listen = cli_opt_value(ctx, a, "listen");
	o.tls_cert = cli_opt_value(ctx, a, "tls-cert");
	o.tls_key = cli_opt_value(ctx, a, "tls-key");
	o.now = getenv("FERRY_NOW");
	if (o.now && !*o.now)
		o.now = NULL;
	if (!o.tls_cert != !o.tls_key)
		return cli_usage_error(ctx, "give both --tls-cert and "
			"--tls-key, or neither");
	if (parse_count(ctx, a, "max-upload", 1ULL << 40, &max_upload) < 0 ||
	    parse_count(ctx, a, "workers", 256, &workers) < 0 ||
	    parse_count(ctx, a, "timeout", 3600, &timeout) < 0)
		return CLI_EXIT_USAGE;
	o.max_upload = max_upload;
	o.workers = (unsigned)workers;
	o.timeout = (unsigned)timeout;
	/* The instance must open here, so a wrong --db fails at once. */
	if ((error = ferry_instance_info(&info, ctx->db)) < 0)
		return cli_fail(ctx, error);
	ferry_buf_dispose(&info);
	return ferry_server_run(&o);
}

static const cli_opt serve_opts[] = {
	{ "listen", "ADDR:PORT", "where to listen (default 127.0.0.1:8080)" },
	{ "tls-cert", "FILE", "serve HTTPS with this PEM certificate" },
	{ "tls-key", "FILE", "the certificate's PEM private key" },
	{ "max-upload", "BYTES", "largest upload taken (default 1 GiB)" },
	{ "workers", "N", "request threads (default 4)" },
	{ "timeout", "SECONDS", "close a connection idle this long (default "
	  "30)" },
	{ NULL, NULL, NULL }
};

const cli_command cli_serve_commands[] = {
	{ "serve", "[--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE] "
	  "[--max-upload BYTES] [--workers N] [--timeout SECONDS]",
	  "serve the HTTP API and the web page until SIGTERM or SIGINT",
	  serve_opts, 0, 0, 1, run_serve },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, NULL }
};
