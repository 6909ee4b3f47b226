/*
 * api_load.c - a bounded load test of ferry serve over loopback: N
 * clients on keep-alive connections send M requests in all, token
 * authenticated, reads (GET a record) mixed with writes (POST a new
 * record), and report requests per second, latency percentiles and the
 * count of each status class as one JSON document on stdout.
 *
 * usage: ferry-bench-api PORT TOKEN ENTITY IDS_FILE CLIENTS REQUESTS
 *        WRITE_PERCENT
 *
 * IDS_FILE holds the sys_ids to read, one a line.  Every write creates a
 * record whose field "n" is unique, so the caller can count that no
 * acknowledged write was lost (bench/api-load does).
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
	int port;
	const char *token;
	const char *entity;
	char **ids;
	size_t nids;
	long requests;
	int write_pct;
	atomic_long next;
	double *lat_ms;		/* per request */
	char *is_write;
	atomic_long s2xx, s4xx, s5xx, sother, writes_ok, errors;
} load;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int connect_to(int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one response; its status, or -1 when the connection broke. */
static int read_response(int fd, char *buf, size_t size)
{
	size_t have = 0, need = 0;
	char *end = NULL, *cl;
	int status;

	for (;;) {
		ssize_t r;

		if (end && have >= need)
			break;
		if (have == size)
			return -1;
		r = recv(fd, buf + have, size - have - 1, 0);
		if (r <= 0)
			return -1;
		have += (size_t)r;
		buf[have] = '\0';
		if (!end && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			cl = strcasestr(buf, "\r\nContent-Length:");
			need = (size_t)(end + 4 - buf) + (cl && cl < end ?
				strtoul(cl + 17, NULL, 10) : 0);
			if (need >= size)
				return -1;
		}
	}
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	return status;
}

static void *client(void *payload)
{
	load *l = payload;
	char req[1024], *buf = malloc(1 << 20);
	int fd = -1;
	long i;

	if (!buf)
		return NULL;
	while ((i = atomic_fetch_add(&l->next, 1)) < l->requests) {
		int w = (int)(i % 100) < l->write_pct, n, status;
		double t0;

		if (w) {
			char body[96];
			int bl = snprintf(body, sizeof(body),
				"{\"n\":%ld,\"label\":\"load\"}", i);

			n = snprintf(req, sizeof(req), "POST /api/v1/records/"
				"%s HTTP/1.1\r\nHost: x\r\nAuthorization: "
				"Bearer "
				"%s\r\nContent-Type: application/json\r\n"
				"Content-Length: %d\r\n\r\n%s", l->entity,
				l->token, bl, body);
		} else {
			n = snprintf(req, sizeof(req), "GET /api/v1/records/%s/"
				"%s HTTP/1.1\r\nHost: x\r\nAuthorization: "
				"Bearer %s\r\n\r\n", l->entity,
				l->ids[(size_t)i % l->nids], l->token);
		}
		t0 = now_ms();
		status = -1;
		for (int attempt = 0; attempt < 2 && status < 0; attempt++) {
			if (fd < 0 && (fd = connect_to(l->port)) < 0)
				break;
			if (send_all(fd, req, (size_t)n) == 0)
				status = read_response(fd, buf, 1 << 20);
			if (status < 0) {
				close(fd);
				fd = -1;
				if (w)
					break;	/* never resend a write */
			}
		}
		l->lat_ms[i] = now_ms() - t0;
		l->is_write[i] = (char)w;
		if (status < 0)
			atomic_fetch_add(&l->errors, 1);
		else if (status < 300)
			atomic_fetch_add(&l->s2xx, 1);
		else if (status >= 400 && status < 500)
			atomic_fetch_add(&l->s4xx, 1);
		else if (status >= 500)
			atomic_fetch_add(&l->s5xx, 1);
		else
			atomic_fetch_add(&l->sother, 1);
		if (w && status >= 200 && status < 300)
			atomic_fetch_add(&l->writes_ok, 1);
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(p * (double)(n - 1) + 0.5);
	return v[k];
}

static void summary(const char *name, load *l, int writes)
{
	double *v = malloc(sizeof(double) * (size_t)l->requests);
	size_t n = 0;
	long i;

	for (i = 0; i < l->requests; i++)
		if (writes < 0 || l->is_write[i] == writes)
			v[n++] = l->lat_ms[i];
	qsort(v, n, sizeof(double), cmp);
	printf("\"%s\":{\"requests\":%zu,\"p50_ms\":%.2f,\"p99_ms\":%.2f,"
		"\"max_ms\":%.2f}", name, n, pct(v, n, 0.5), pct(v, n, 0.99),
		n ? v[n - 1] : 0.0);
	free(v);
}

int main(int argc, char **argv)
{
	load l;
	pthread_t *t;
	char line[256];
	FILE *f;
	int clients, i;
	double t0, secs;

	if (argc != 8) {
		fprintf(stderr, "usage: ferry-bench-api PORT TOKEN ENTITY "
			"IDS_FILE CLIENTS REQUESTS WRITE_PERCENT\n");
		return 2;
	}
	memset(&l, 0, sizeof(l));
	l.port = (int)strtol(argv[1], NULL, 10);
	l.token = argv[2];
	l.entity = argv[3];
	clients = (int)strtol(argv[5], NULL, 10);
	l.requests = strtol(argv[6], NULL, 10);
	l.write_pct = (int)strtol(argv[7], NULL, 10);
	if (!(f = fopen(argv[4], "r")))
		return perror(argv[4]), 1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		l.ids = realloc(l.ids, (l.nids + 1) * sizeof(*l.ids));
		l.ids[l.nids++] = strdup(line);
	}
	fclose(f);
	if (!l.nids || clients < 1 || l.requests < 1)
		return fprintf(stderr, "nothing to do\n"), 2;
	l.lat_ms = calloc((size_t)l.requests, sizeof(double));
	l.is_write = calloc((size_t)l.requests, 1);
	t = calloc((size_t)clients, sizeof(*t));
	t0 = now_ms();
	for (i = 0; i < clients; i++)
		pthread_create(&t[i], NULL, client, &l);
	for (i = 0; i < clients; i++)
		pthread_join(t[i], NULL);
	secs = (now_ms() - t0) / 1e3;
	printf("{\"clients\":%d,\"requests\":%ld,\"seconds\":%.3f,"
		"\"requests_per_second\":%.0f,\"status\":{\"2xx\":%ld,"
		"\"4xx\":%ld,\"5xx\":%ld,\"other\":%ld,\"broken\":%ld},"
		"\"writes_ok\":%ld,", clients, l.requests, secs,
		(double)l.requests / secs, (long)l.s2xx, (long)l.s4xx,
		(long)l.s5xx, (long)l.sother, (long)l.errors,
		(long)l.writes_ok);
	summary("all", &l, -1);
	putchar(',');
	summary("reads", &l, 0);
	putchar(',');
	summary("writes", &l, 1);
	puts("}");
	return 0;
}
