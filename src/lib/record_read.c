/*
 * record_read.c - record load's input read and parsed a batch ahead.
 *
 * Parsing the JSON of each line was about a fifth of a record load
 * (docs/performance.md), and converting its values and making its
 * version's payload, key and hash another third; only the checks and
 * the writes need the instance.  A reader does the reading, the parsing
 * and what the caller's prepare hook does with each line on a thread of
 * its own, a batch of lines ahead of the load (relay.h), so on two cores
 * they overlap the writes; from a regular file only (is_file).  Lines
 * come out in the input's order, blank lines left out, each with its
 * object (or what prepare made of it) or the error the load reports for
 * it; the thread stops at the first error, which is the last line it
 * hands out.
 */
#include "records.h"

#include "alloc.h"
#include "relay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Lines a batch: at least a write batch of record_load.c (LOAD_BATCH),
 * so that the thread prepares a whole one while the load writes the one
 * before (256 against a write batch of 1,000 left the load waiting:
 * 0.72 s against 0.62 s for 20,000 records; matched, 256 against 250
 * costs nothing); two batches of prepared lines stay under 1.5 MB. */
#define READ_LINES 256
/* ... or fewer, once their text reaches this: long lines make a batch
 * short, so that two batches ahead stay a few MB whatever the lines. */
#define READ_BYTES ((size_t)8 << 20)

/* What the caller is done with, for prepare's discard. */
typedef struct {
	void **p;
	size_t n, cap;
} spent_list;

typedef struct {
	ferry_record_line line[READ_LINES];
	size_t n;
	struct ferry_record_reader *r;
	spent_list spent;	/* given back with the batch, discarded by
				 * the side that fills it */
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
	ferry_record_prep prep;	/* prepare NULL for none */
	spent_list spent;	/* the caller's, until its batch goes back */
};

/* Read one line into rl: 1 with a line or an error, 0 at the end. */
static int read_one(ferry_record_reader *r, ferry_record_line *rl)
{
	ssize_t len;
	int rc;

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
	rl->len = (size_t)len;
	if ((size_t)len > FERRY_RECORD_LINE_MAX) {
		rl->error = FERRY_EINVALID;
		rl->too_long = 1;
		ferry_str_printf(&rl->why, "line %llu is longer than %zu bytes",
			(unsigned long long)r->lineno, FERRY_RECORD_LINE_MAX);
		return 1;
	}
	if (r->prep.prepare_text && (rc = r->prep.prepare_text(rl, r->buf,
	    (size_t)len, r->prep.arg)) != 0) {
		if (rc < 0)
			rl->error = FERRY_ENOMEM;
		return 1;
	}
	rl->error = ferry__record_parse_text(&rl->obj, r->buf, (size_t)len,
		&rl->why);
	if (ferry_str_failed(&rl->why))
		rl->error = FERRY_ENOMEM;
	if (rl->error == 0 && r->prep.prepare &&
	    r->prep.prepare(rl, r->buf, (size_t)len, r->prep.arg) < 0)
		rl->error = FERRY_ENOMEM;
	return 1;
}

/* Free what the caller did not take of a line. */
static void line_clear(ferry_record_reader *r, ferry_record_line *rl)
{
	json_decref(rl->obj);
	rl->obj = NULL;
	if (rl->prepared)
		r->prep.discard(rl->prepared, r->prep.arg);
	rl->prepared = NULL;
}

static void discard_spent(ferry_record_reader *r, spent_list *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		r->prep.discard(s->p[i], r->prep.arg);
	s->n = 0;
}

/* Fill a batch (the reading side): 1 when no batch follows. */
static int fill(void *batch, void *arg)
{
	ferry_record_reader *r = arg;
	read_batch *b = batch;
	size_t bytes = 0;

	discard_spent(r, &b->spent);
	b->n = 0;
	while (b->n < r->batch && bytes < READ_BYTES) {
		ferry_record_line *rl = &b->line[b->n];

		line_clear(r, rl);	/* what the caller did not take */
		rl->len = 0;
		rl->error = 0;
		rl->too_long = 0;
		ferry_str_clear(&rl->why);
		if (read_one(r, rl) == 0)
			return 1;
		bytes += rl->len;
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

/* The caller gives a batch back (its side of the relay): what it spent
 * since goes with it, in exchange for the batch's emptied list. */
static void used(void *batch)
{
	read_batch *b = batch;
	spent_list t = b->spent;

	b->spent = b->r->spent;
	b->r->spent = t;
}

int ferry__record_reader_spend(ferry_record_reader *r, void *prepared)
{
	spent_list *s = &r->spent;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : READ_LINES;
		void **p = ferry__realloc(s->p, cap * sizeof(*p));

		if (!p)
			return FERRY_ENOMEM;
		s->p = p;
		s->cap = cap;
	}
	s->p[s->n++] = prepared;
	return 0;
}

int ferry__record_reader_new(ferry_record_reader **out, FILE *in,
	const ferry_record_prep *prep)
{
	ferry_record_reader *r;

	*out = NULL;
	if ((r = ferry__calloc(1, sizeof(*r))) == NULL)
		return FERRY_ENOMEM;
	r->in = in;
	if (prep)
		r->prep = *prep;
	r->batch = is_file(in) ? READ_LINES : 1;
	r->b[0].r = r->b[1].r = r;
	ferry_relay_start(&r->relay, &r->b[0], &r->b[1], fill, lines, used,
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
	for (i = 0; i < 2; i++) {
		for (k = 0; k < READ_LINES; k++) {
			line_clear(r, &r->b[i].line[k]);
			ferry_str_dispose(&r->b[i].line[k].why);
		}
		discard_spent(r, &r->b[i].spent);
		ferry__free(r->b[i].spent.p);
	}
	discard_spent(r, &r->spent);
	ferry__free(r->spent.p);
	free(r->buf);
	ferry__free(r);
}
