/*
 * import_feed.c - a load's item lines, read and judged a batch ahead.
 *
 * Staging a package is two kinds of work of about the same size: reading
 * each line (decompressing, hashing and checking it in the .sop reader,
 * reading its columns, judging the item on its own) and storing it.  A
 * feed does the reading on a thread of its own, a batch of lines ahead
 * of the caller, who stores them: on two cores the two overlap
 * (docs/performance.md).  The lines come out in the file's order with
 * the same columns and verdicts as reading them inline, which is what a
 * feed does when the thread cannot start.
 *
 * Only the thread touches the reader while it runs; after
 * ferry__feed_free() the reader is the caller's again, positioned after
 * the last line the thread read (possibly a batch beyond the last one
 * handed out).  The thread stops at the first line it cannot read, so a
 * refused line is the last a feed hands out.
 */
#include "imports.h"
#include "canonical.h"
#include "store/stage_line.h"

#include "alloc.h"
#include "sop.h"
#include "relay.h"

#include <string.h>

/* A batch: enough lines that the hand-over costs nothing next to them,
 * few bytes enough that two batches cost little memory. */
#define FEED_LINES 256
#define FEED_BYTES ((size_t)4 << 20)
/* A slot whose buffers grew beyond this is emptied once used, so that
 * one long line does not keep its memory for the rest of the load. */
#define FEED_KEEP ((size_t)1 << 20)

typedef struct {
	ferry_stage_line sl;
	ferry_fed_line fed;
} feed_slot;

typedef struct {
	feed_slot slot[FEED_LINES];
	size_t n;
	int reader_rc;	/* of the last batch: 0 verified end, < 0 the
			 * reader's failure, 1 stopped after a refused line */
} feed_batch;

struct ferry_line_feed {
	ferry_sop_reader *r;
	feed_batch b[2];
	ferry_relay relay;
	int64_t item;		/* items read so far (reading side) */
	ferry_str err;		/* the reader's message (reading side) */
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Keep member m of a line as *v if its key is `key` (once). */
static int span_member(const ferry_canon_member *m, const char *key,
	const char **v, size_t *len)
{
	size_t n = strlen(key);

	if (m->key_len != n || memcmp(m->key, key, n) != 0)
		return 0;
	if (*v || is_space(m->value[0]) || is_space(m->value[m->value_len -
	    1]))
		return -1;	/* twice, or spaces around it */
	*v = m->value;
	*len = m->value_len;
	return 1;
}

/*
 * The payload and old members of an item line, found by walking it as
 * compact JSON, so that the store need not pull them out and look for
 * them in the line again (ferry_import_line).  A line the walk cannot
 * take for certain (spaces between members, an escape in a key, a member
 * twice) leaves spans unset, and the store finds them its own way; so
 * does one that is not JSON, which the store then refuses.
 */
static void line_spans(ferry_import_line *l)
{
	ferry_canon_iter it;
	ferry_canon_member m;
	int rc;

	l->spans = 0;
	l->payload = l->old = NULL;
	l->payload_len = l->old_len = 0;
	if (ferry_canon__begin(&it, l->line, l->len) < 0)
		return;
	while ((rc = ferry_canon__next(&it, &m)) == 1) {
		if (memchr(m.key, '\\', m.key_len) ||
		    span_member(&m, "payload", &l->payload,
		    &l->payload_len) < 0 ||
		    span_member(&m, "old", &l->old, &l->old_len) < 0)
			return;
	}
	l->spans = rc == 0;
}

static int is_record(const ferry_stage_line *sl)
{
	const char *t = FERRY_STAGED(sl, FERRY_COL_T);

	return t && !strcmp(t, "record");
}

/* Put text in column c (of a member the line left out). */
static void set_col(ferry_stage_line *sl, int c, const char *text, size_t n)
{
	ferry_str_clear(&sl->col[c]);
	ferry_str_put(&sl->col[c], text, n);
	sl->null[c] = 0;
}

/* Whether the item's seal is the one over version hash h. */
static int sealed_with(const ferry_stage_line *sl, const char *h)
{
	const char *policy = FERRY_STAGED(sl, FERRY_COL_POLICY);
	const char *seal = FERRY_STAGED(sl, FERRY_COL_SEAL);
	char want[FERRY_HASH_HEX];

	if (!policy || !seal)
		return 0;
	ferry__item_seal(want, h, policy,
		ferry_str_cstr(&sl->col[FERRY_COL_VENDOR])[0] == '1');
	return !strcmp(want, seal);
}

/*
 * A format 2 record item as format 1 would have written it
 * (docs/format.md 5.2): a left-out key is the sys_id, a left-out vendor
 * flag false, and a left-out version the hash of the item's content
 * (for a delete, without its payload).  Left out means no member at
 * all: one written, even as null or of another type, is taken as
 * written and judged as format 1 judges it.  A version is hashed under
 * the record's own last action, which for a record inserted and then
 * updated in the pack is not the item's (insert): as in format 1's
 * check, the other action is tried when the seal is not over the first
 * hash.  -1 when memory ran out.
 */
static int complete_record(ferry_stage_line *sl)
{
	const char *sys_id = FERRY_STAGED(sl, FERRY_COL_SYS_ID);
	const char *entity, *rkey, *action;
	const ferry_str *payload = &sl->col[FERRY_COL_PAYLOAD];
	const char *p = sl->null[FERRY_COL_PAYLOAD] ? "" : payload->ptr;
	size_t n = sl->null[FERRY_COL_PAYLOAD] ? 0 : payload->size;
	char hash[FERRY_HASH_HEX], other[FERRY_HASH_HEX];
	int c, sealed;

	if ((sl->absent & 1u << FERRY_COL_RKEY) && sys_id)
		set_col(sl, FERRY_COL_RKEY, sys_id, strlen(sys_id));
	if (sl->absent & 1u << FERRY_COL_VENDOR)
		set_col(sl, FERRY_COL_VENDOR, "0", 1);
	entity = FERRY_STAGED(sl, FERRY_COL_ENTITY);
	rkey = FERRY_STAGED(sl, FERRY_COL_RKEY);
	action = FERRY_STAGED(sl, FERRY_COL_ACTION);
	/* Whatever entity, key and action say: a line with a bad one is
	 * refused for it (checked before the version), not for the
	 * version derived from it. */
	if (!entity)
		entity = "";
	if (!rkey)
		rkey = sys_id ? sys_id : "";
	if (!action)
		action = "";
	if (sl->absent & 1u << FERRY_COL_VERSION) {
		ferry__version_hash(hash, entity, rkey, action, p, n);
		sealed = sealed_with(sl, hash);
		if (!sealed && (!strcmp(action, "insert") ||
		    !strcmp(action, "update"))) {
			ferry__version_hash(other, entity, rkey, !strcmp(action,
				"insert") ? "update" : "insert", p, n);
			if ((sealed = sealed_with(sl, other)) != 0)
				memcpy(hash, other, sizeof(hash));
		}
		set_col(sl, FERRY_COL_VERSION, hash, FERRY_HASH_HEX - 1);
		/* The verdict need not hash the seal again. */
		sl->version_from = sealed ? FERRY_VERSION_DERIVED_SEALED :
			FERRY_VERSION_DERIVED;
	}
	for (c = 0; c < FERRY_NCOLS; c++)
		if (ferry_str_failed(&sl->col[c]))
			return -1;
	return 0;
}

int ferry__import_read_line(ferry_stage_line *sl, const char *line,
	size_t len, unsigned format, ferry_fed_line *out)
{
	ferry_import_line l = { line, len, 0, NULL, NULL, 0, 0 };
	int rc;

	out->line = sl;
	out->code = NULL;
	out->system = 0;
	/* A column is at most a byte longer than its line (stage_line.c):
	 * every store takes a text of an int's length. */
	if (len >= (size_t)0x7fffffff)
		return out->rc = FERRY_STAGE_TOO_LONG;
	line_spans(&l);
	rc = ferry_stage_line__read(sl, &l);
	if (rc == 0 && format >= 2 && is_record(sl) &&
	    complete_record(sl) < 0)
		rc = -1;
	if (rc == 0 && ferry__import_verdict(sl, &out->code, &out->system) < 0)
		rc = -1;
	return out->rc = rc;
}

/* Read the next batch (the reading side): 1 when it is the last. */
static int fill(void *batch, void *arg)
{
	ferry_line_feed *f = arg;
	feed_batch *b = batch;
	size_t bytes = 0;

	b->n = 0;
	while (b->n < FEED_LINES && bytes < FEED_BYTES) {
		feed_slot *s = &b->slot[b->n];
		const char *line;
		size_t len;
		int rc = ferry_sop__reader_next(f->r, &line, &len, &f->err);

		if (rc != 1) {
			b->reader_rc = rc;
			return 1;
		}
		b->n++;
		bytes += len;
		s->fed.item = ++f->item;
		if (ferry__import_read_line(&s->sl, line, len,
		    ferry_sop__reader_format(f->r), &s->fed) != 0) {
			b->reader_rc = 1;
			return 1;
		}
	}
	return 0;
}

static size_t lines(const void *batch)
{
	return ((const feed_batch *)batch)->n;
}

/* Empty the slots whose buffers grew past FEED_KEEP. */
static void trim(void *batch)
{
	feed_batch *b = batch;
	size_t i;
	int c;

	for (i = 0; i < b->n; i++) {
		ferry_stage_line *sl = &b->slot[i].sl;
		size_t held = sl->line.asize;

		for (c = 0; c < FERRY_NCOLS; c++)
			held += sl->col[c].asize;
		if (held > FEED_KEEP)
			ferry_stage_line__dispose(sl);
	}
}

int ferry__feed_new(ferry_line_feed **out, ferry_sop_reader *r)
{
	ferry_line_feed *f;

	*out = NULL;
	if ((f = ferry__calloc(1, sizeof(*f))) == NULL)
		return FERRY_ENOMEM;
	f->r = r;
	/* A package is a file (load verified it by reading it whole). */
	ferry_relay_start(&f->relay, &f->b[0], &f->b[1], fill, lines, trim,
		f, 1);
	*out = f;
	return 0;
}

int ferry__feed_next(ferry_line_feed *f, const ferry_fed_line **line,
	ferry_str *err)
{
	void *batch;
	feed_batch *b;
	size_t i;

	if (ferry_relay_next(&f->relay, &batch, &i) == 1) {
		*line = &((feed_batch *)batch)->slot[i].fed;
		return 1;
	}
	/* After a refused line the caller stops asking. */
	b = batch;
	if (b->reader_rc < 0 && err) {
		ferry_str_clear(err);
		ferry_str_put(err, f->err.ptr, f->err.size);
	}
	return b->reader_rc == 1 ? FERRY_ERROR : b->reader_rc;
}

void ferry__feed_free(ferry_line_feed *f)
{
	int i;
	size_t k;

	if (!f)
		return;
	ferry_relay_stop(&f->relay);
	for (i = 0; i < 2; i++)
		for (k = 0; k < FEED_LINES; k++)
			ferry_stage_line__dispose(&f->b[i].slot[k].sl);
	ferry_str_dispose(&f->err);
	ferry__free(f);
}
