/*
 * record_read.c - record load's input read and parsed a batch ahead.
 *
 * Parsing the JSON of each line was about a fifth of a record load
 * (docs/performance.md); the rest, checking and writing, needs the
 * instance.  A reader does the reading and parsing on a thread of its
 * own, a batch of lines ahead of the load (relay.h), so on two cores
 * the two overlap; from a regular file only (is_file).  Lines come out in the input's order, blank lines
 * left out, each with its object or the error the load reports for it;
 * the thread stops at the first error, which is the last line it hands
 * out.
 */
#include "records.h"

#include "alloc.h"
#include "relay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Lines a batch: a hand-over costs nothing next to them, and two
 * batches of parsed objects stay a few MB. */
#define READ_LINES 256

typedef struct {
	ferry_record_line line[READ_LINES];
	size_t n;
} read_batch;

struct ferry_record_reader {
	FILE *in;
	size_t batch;		/* lines a batch: READ_LINES, or 1 for a
				 * pipe or terminal, read as it comes */
	char *buf;		/* getline's buffer (reading side) */
	size_t cap;
	uint64_t lineno;
	read_batch b[2];
	ferry_relay relay;
};

/* Read one line into rl: 1 with a line or an error, 0 at the end. */
static int read_one(ferry_record_reader *r, ferry_record_line *rl)
{
	ssize_t len;

	for (;;) {
		errno = 0;
		if ((len = getline(&r->buf, &r->cap, r->in)) < 0) {
			if (!ferror(r->in) && errno != ENOMEM)
				return 0;
			rl->lineno = r->lineno;
			rl->error = errno == ENOMEM ? FERRY_ENOMEM : FERRY_EIO;
			ferry_str_puts(&rl->why, "cannot read the input");
			return 1;
		}
		r->lineno++;
		while (len > 0 && (r->buf[len - 1] == '\n' ||
		    r->buf[len - 1] == '\r'))
			r->buf[--len] = '\0';
		if (strspn(r->buf, " \t") != (size_t)len)
			break;
	}
	rl->lineno = r->lineno;
	if ((size_t)len > FERRY_RECORD_LINE_MAX) {
		rl->error = FERRY_EINVALID;
		rl->too_long = 1;
		ferry_str_printf(&rl->why, "line %llu is longer than %zu bytes",
			(unsigned long long)r->lineno, FERRY_RECORD_LINE_MAX);
		return 1;
	}
	rl->error = ferry__record_parse_text(&rl->obj, r->buf, (size_t)len,
		&rl->why);
	if (ferry_str_failed(&rl->why))
		rl->error = FERRY_ENOMEM;
	return 1;
}

/* Fill a batch (the reading side): 1 when no batch follows. */
static int fill(void *batch, void *arg)
{
	ferry_record_reader *r = arg;
	read_batch *b = batch;

	b->n = 0;
	while (b->n < r->batch) {
		ferry_record_line *rl = &b->line[b->n];

		json_decref(rl->obj);	/* one the caller did not take */
		rl->obj = NULL;
		rl->error = 0;
		rl->too_long = 0;
		ferry_str_clear(&rl->why);
		if (read_one(r, rl) == 0)
			return 1;
		b->n++;
		if (rl->error)
			return 1;
	}
	return 0;
}

/*
 * Read ahead only from a regular file: a pipe or a terminal may stay
 * open without sending more, and a load that stops early (a bad line)
 * would wait on a read ahead.  Those are read a line at a time, as the
 * load asks.
 */
static int is_file(FILE *in)
{
	struct stat sb;
	int fd = fileno(in);

	return fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
}

static size_t lines(const void *batch)
{
	return ((const read_batch *)batch)->n;
}

int ferry__record_reader_new(ferry_record_reader **out, FILE *in)
{
	ferry_record_reader *r;

	*out = NULL;
	if ((r = ferry__calloc(1, sizeof(*r))) == NULL)
		return FERRY_ENOMEM;
	r->in = in;
	r->batch = is_file(in) ? READ_LINES : 1;
	ferry_relay_start(&r->relay, &r->b[0], &r->b[1], fill, lines, NULL,
		r, r->batch > 1);
	*out = r;
	return 0;
}

int ferry__record_reader_next(ferry_record_reader *r,
	ferry_record_line **line)
{
	void *batch;
	size_t i;

	if (ferry_relay_next(&r->relay, &batch, &i) == 0)
		return 0;
	*line = &((read_batch *)batch)->line[i];
	return 1;
}

void ferry__record_reader_free(ferry_record_reader *r)
{
	int i;
	size_t k;

	if (!r)
		return;
	ferry_relay_stop(&r->relay);
	for (i = 0; i < 2; i++)
		for (k = 0; k < READ_LINES; k++) {
			json_decref(r->b[i].line[k].obj);
			ferry_str_dispose(&r->b[i].line[k].why);
		}
	free(r->buf);
	ferry__free(r);
}
