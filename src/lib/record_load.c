/*
 * record_load.c - `ferry record load`: JSON Lines into an entity, a batch
 * of lines at a time.
 *
 * Every line is what a put of it would be, in line order, with the same
 * errors.  What makes a batch cheaper is that most lines of a bulk load
 * are new records, or changes to records that are there: the store is
 * asked once a batch whether their sys_ids and the records they refer to
 * exist (ferry_store__record_presence), and what the changed records hold
 * now (ferry_store__record_current_many).  New records' writes go out
 * together (ferry__record_insert_many), and so do changes
 * (ferry__record_update_many), each run of one kind in line order.  A
 * line that is anything else (an error, a sys_id met earlier in the
 * batch, a reference to a record not known to exist, a protected record)
 * goes through the put path of record.c in its turn, after the writes
 * before it, so it sees them.  On a server store this turns about ten
 * round trips a record into a few a batch; SQLite does the same lookups
 * either way.
 *
 * The work of a line that needs no instance (converting its values,
 * making its version's payload, key and hash) is done on the reading
 * thread (prepare_line, record_read.c), so the writes here overlap it.
 */
#include "records.h"

#include "alloc.h"
#include "store/store.h"
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Lines a batch: large enough that a round trip is little a record,
 * small enough that a batch's values stay small beside the page cache.
 * Lines in flight (this batch, the reader's next, what goes back) are
 * about 2.5 KB each: at 1,000 a load of 2,000 changes peaked at 14.7 MB
 * where one of 200 took 10.1 MB; at 250 it takes 10.6 MB, in the same
 * time on both stores (docs/performance.md, "Record load's batch: 250
 * lines"). */
#define LOAD_BATCH 250
/* ... or fewer, once their text reaches this: a batch of long lines
 * holds its values and objects for a few MB of input, not for a
 * thousand lines of any length. */
#define LOAD_BYTES ((size_t)16 << 20)
/* Slots of the batch's sys_id set: a power of two above twice the
 * batch. */
#define SEEN_SLOTS 512
/* Bits of the filter of the sys_ids a load into an untouched entity has
 * written (below): 4 Mi bits, 512 KB, eight bits a sys_id for half a
 * million, where a false "maybe" is about one in forty, and it only
 * costs the lookup the filter spares. */
#define WRITTEN_BITS ((size_t)1 << 22)
#define WRITTEN_PROBES 4

/*
 * What the reading thread makes of a line (prepare_line): the values of
 * a line that may be a new record, its version's parts when it names its
 * sys_id, and its text in place of its parsed object, which is parsed
 * again only for a line that takes the put path.
 */
typedef struct {
	char sys_id[37];	/* given, or "" */
	ferry_value *values;
	int *set;
	ferry_record_made made;	/* when sys_id is given */
	char *text;
	size_t len;
} prepared_line;

typedef struct {
	json_t *obj;		/* NULL with prep: its text */
	prepared_line *prep;	/* NULL for a line taken here */
	uint64_t line;
	char sys_id[37];	/* given, or made for a line without one */
	int fresh;		/* may be a new record written in the batch */
	ferry_value *values;	/* a fresh line's values (fs->n), prep's
				 * with prep */
	int *set;
} load_line;

typedef struct {
	ferry_db *db;
	ferry_record_reader *reader;	/* while load_lines() reads */
	const char *entity;
	const ferry_fieldset *fs;
	ferry_write_opts o;
	load_line lines[LOAD_BATCH];
	size_t n;
	size_t bytes;		/* the lines' text */
	uint64_t count;		/* lines written */
	int *refs;		/* indexes of fs's reference fields */
	size_t nrefs;
	unsigned char *present;	/* each line's own sys_id */
	unsigned char *ref_present;	/* [line * nrefs + k] */
	const char **ids;	/* lookup arguments */
	size_t *at;		/* the line of each lookup argument */
	int seen[SEEN_SLOTS];	/* line index + 1 of each sys_id met */
	/* For an entity that had no record when the load began (NULL
	 * otherwise): a Bloom filter of the sys_ids of every batch written
	 * so far.  Only those can be there, so a sys_id it has not seen is
	 * not looked up. */
	unsigned char *written;
	/* what the records of the lines that may change one hold now:
	 * cur[cur_of[i] - 1] for line i, cur_of[i] 0 for none */
	ferry_record_current cur[LOAD_BATCH];
	size_t cur_of[LOAD_BATCH];
	size_t ncur;
	/* the writes waiting, in line order: new records (npending) or
	 * changes (nchanges), one kind at a time */
	const char *pending_ids[LOAD_BATCH];
	ferry_value *pending_values[LOAD_BATCH];
	const ferry_record_made *pending_made[LOAD_BATCH];
	size_t pending_line[LOAD_BATCH];
	size_t npending;
	ferry_record_change changes[LOAD_BATCH];
	ferry_value *change_values[LOAD_BATCH];	/* borrowed values */
	ferry_record_made change_made[LOAD_BATCH];
	size_t change_line[LOAD_BATCH];
	size_t nchanges;
} loader;

/* Prefix the current message with the line it came from. */
static int at_line(ferry_db *db, int error, uint64_t line)
{
	char *msg = ferry__strdup(ferry_errmsg(db));

	ferry__error(db, error, "line %llu: %s", (unsigned long long)line,
		msg ? msg : "");
	ferry__free(msg);
	return error;
}

/* FNV-1a (64 bits) of a sys_id: the batch's set takes its low bits, the
 * filter of written sys_ids mixes it further. */
static uint64_t sys_id_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* The batch line index of sys_id among the lines met so far, or -1. */
static int seen_find(const loader *l, const char *sys_id)
{
	uint32_t i = (uint32_t)sys_id_hash(sys_id) & (SEEN_SLOTS - 1);

	for (; l->seen[i]; i = (i + 1) & (SEEN_SLOTS - 1))
		if (!strcmp(l->lines[l->seen[i] - 1].sys_id, sys_id))
			return l->seen[i] - 1;
	return -1;
}

static void seen_add(loader *l, size_t line)
{
	uint32_t i = (uint32_t)sys_id_hash(l->lines[line].sys_id) &
		(SEEN_SLOTS - 1);

	if (!l->lines[line].sys_id[0] || seen_find(l, l->lines[line].sys_id)
	    >= 0)
		return;
	while (l->seen[i])
		i = (i + 1) & (SEEN_SLOTS - 1);
	l->seen[i] = (int)line + 1;
}

/* The filter's bits of a sys_id: its hash mixed (splitmix64's
 * finalizer), split into the two halves of double hashing. */
static void written_bits(const char *sys_id, size_t bits[WRITTEN_PROBES])
{
	uint64_t h = sys_id_hash(sys_id);
	uint32_t a, b;
	size_t k;

	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
	h ^= h >> 31;
	a = (uint32_t)h;
	b = (uint32_t)(h >> 32) | 1;
	for (k = 0; k < WRITTEN_PROBES; k++)
		bits[k] = (a + (uint32_t)k * b) & (WRITTEN_BITS - 1);
}

static void written_add(loader *l, const char *sys_id)
{
	size_t bits[WRITTEN_PROBES], k;

	if (!l->written || !sys_id[0])
		return;
	written_bits(sys_id, bits);
	for (k = 0; k < WRITTEN_PROBES; k++)
		l->written[bits[k] >> 3] |= (unsigned char)(1u << (bits[k] & 7));
}

/* 0: no batch of this load wrote sys_id, so an untouched entity has no
 * record of it; 1: it may have. */
static int written_maybe(const loader *l, const char *sys_id)
{
	size_t bits[WRITTEN_PROBES], k;

	if (!l->written)
		return 1;
	written_bits(sys_id, bits);
	for (k = 0; k < WRITTEN_PROBES; k++)
		if (!(l->written[bits[k] >> 3] & (1u << (bits[k] & 7))))
			return 0;
	return 1;
}

/* A prepared line is one allocation (prepared_new); its values' texts
 * and its version's parts are their own. */
static void prepared_free(prepared_line *p, size_t nfields)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < nfields; i++)
		ferry_value_dispose(&p->values[i]);
	ferry__record_made_dispose(&p->made);
	ferry__free(p);
}

static void line_dispose(loader *l, load_line *ln)
{
	json_decref(ln->obj);
	if (ln->prep) {
		if (!l->reader || ferry__record_reader_spend(l->reader,
		    ln->prep) < 0)
			prepared_free(ln->prep, l->fs->n);
	} else {
		if (ln->values)
			ferry_values_dispose(ln->values, l->fs->n);
		ferry__free(ln->set);
	}
	memset(ln, 0, sizeof(*ln));
}

/* The sys_id a line names into out: 1, 0 when it names none ("" or
 * null), -1 when it is not a sys_id (the put path says why). */
static int line_sys_id(json_t *obj, char out[37])
{
	json_t *jid = json_object_get(obj, "sys_id");

	out[0] = '\0';
	if (!jid || json_is_null(jid))
		return 0;
	if (!json_is_string(jid) || !ferry_sys_id_valid(json_string_value(jid)))
		return -1;
	snprintf(out, 37, "%s", json_string_value(jid));
	return 1;
}

/*
 * A line's prepared_line with its text kept, values still to set: one
 * allocation holding the line, its values, their flags and its text
 * (four were about 1% of a load's time, and freeing them more).
 */
static prepared_line *prepared_new(const loader *l, const char *text,
	size_t len)
{
	size_t nf = l->fs->n ? l->fs->n : 1;
	size_t values_at = sizeof(prepared_line);
	size_t set_at = values_at + nf * sizeof(ferry_value);
	size_t text_at = set_at + nf * sizeof(int);
	prepared_line *p;
	char *block;

	if (len >= SIZE_MAX - text_at ||
	    (block = ferry__malloc(text_at + len + 1)) == NULL)
		return NULL;
	p = (prepared_line *)(void *)block;
	memset(block, 0, text_at);
	p->values = (ferry_value *)(void *)(block + values_at);
	p->set = (int *)(void *)(block + set_at);
	p->text = block + text_at;
	memcpy(p->text, text, len);
	p->text[len] = '\0';
	p->len = len;
	return p;
}

/* With p's values set: its version's parts when the line names its
 * sys_id, then p is the line's.  0, or FERRY_ENOMEM (p freed). */
static int prepared_take(const loader *l, ferry_record_line *rl,
	prepared_line *p, const char *sys_id)
{
	if (sys_id[0]) {
		memcpy(p->sys_id, sys_id, sizeof(p->sys_id));
		if (ferry__record_make(&p->made, l->entity, l->fs, p->values,
		    p->sys_id, FERRY_ACTION_INSERT) < 0) {
			prepared_free(p, l->fs->n);
			return FERRY_ENOMEM;
		}
	}
	rl->prepared = p;
	return 0;
}

/*
 * On the reading thread (ferry_record_prep), first: a line that may be a
 * new record, read from its text without parsing it into an object
 * (record_text.c), as nearly every line of a load is.  A line that
 * reader declines is parsed, and goes to prepare_line().
 */
static int prepare_text(ferry_record_line *rl, const char *text, size_t len,
	void *arg)
{
	const loader *l = arg;
	char sys_id[37];
	prepared_line *p;
	int rc;

	if (ferry__is_system_entity(l->entity))
		return 0;
	if ((p = prepared_new(l, text, len)) == NULL)
		return FERRY_ENOMEM;
	if ((rc = ferry__record_values_of_text(l->entity, l->fs, text, len,
	    p->values, p->set, sys_id)) != 1) {
		prepared_free(p, l->fs->n);
		return rc;
	}
	return prepared_take(l, rl, p, sys_id) < 0 ? FERRY_ENOMEM : 1;
}

/*
 * On the reading thread, for a line parsed: a line that may be a new
 * record, as take_line() would find it, is converted here, its object
 * freed and its text kept.  Any other line is left as it is, and a
 * refusal too: take_line() converts it again with the handle, to say
 * why in its turn.
 */
static int prepare_line(ferry_record_line *rl, const char *text, size_t len,
	void *arg)
{
	const loader *l = arg;
	char sys_id[37];
	prepared_line *p;

	if (ferry__is_system_entity(l->entity) ||
	    line_sys_id(rl->obj, sys_id) < 0)
		return 0;
	if ((p = prepared_new(l, text, len)) == NULL)
		return FERRY_ENOMEM;
	if (ferry__record_new_values(NULL, l->entity, l->fs, rl->obj,
	    p->values, p->set) < 0) {
		prepared_free(p, l->fs->n);
		return 0;
	}
	if (prepared_take(l, rl, p, sys_id) < 0)
		return FERRY_ENOMEM;
	json_decref(rl->obj);
	rl->obj = NULL;
	return 0;
}

static void discard_prepared(void *prepared, void *arg)
{
	prepared_free(prepared, ((const loader *)arg)->fs->n);
}

/*
 * Take a line into the batch: its sys_id (a new one, made now in line
 * order as a put would, when it has none), and for a line that may be a
 * new record its values, as prepare_line() made them or made here.
 * Failing here only sends the line the put way, which then fails with
 * the right message in its turn.
 */
static int take_line(loader *l, ferry_record_line *rl)
{
	load_line *ln = &l->lines[l->n++];
	prepared_line *p = rl->prepared;
	int named;
	size_t nf = l->fs->n ? l->fs->n : 1;

	memset(ln, 0, sizeof(*ln));
	ln->line = rl->lineno;
	ln->obj = rl->obj;
	rl->obj = NULL;		/* the batch's now */
	if (p) {
		rl->prepared = NULL;
		ln->prep = p;
		ln->values = p->values;
		ln->set = p->set;
		ln->fresh = 1;
		if (p->sys_id[0])
			memcpy(ln->sys_id, p->sys_id, sizeof(ln->sys_id));
		else
			ferry_uuid_new(ln->sys_id);
		return 0;
	}
	if ((named = line_sys_id(ln->obj, ln->sys_id)) < 0)
		return 0;
	if (!named)
		ferry_uuid_new(ln->sys_id);
	if (ferry__is_system_entity(l->entity))
		return 0;	/* their objects have rules of their own */
	ln->values = ferry__calloc(nf, sizeof(*ln->values));
	ln->set = ferry__calloc(nf, sizeof(*ln->set));
	if (!ln->values || !ln->set)
		return ferry__oom(l->db);
	ln->fresh = ferry__record_new_values(l->db, l->entity, l->fs,
		ln->obj, ln->values, ln->set) == 0;
	return 0;
}

static void current_dispose(loader *l)
{
	size_t i;

	for (i = 0; i < l->ncur; i++) {
		ferry_values_dispose(l->cur[i].values, l->fs->n);
		l->cur[i].values = NULL;
	}
	l->ncur = 0;
}

/* What the records of the fresh lines whose sys_id has a row hold now. */
static int look_up_current(loader *l)
{
	size_t i, nf = l->fs->n ? l->fs->n : 1;

	current_dispose(l);
	for (i = 0; i < l->n; i++) {
		l->cur_of[i] = 0;
		if (!l->lines[i].fresh || !(l->present[i] & FERRY_PRESENT_ROW))
			continue;
		if ((l->cur[l->ncur].values = ferry__calloc(nf,
		    sizeof(ferry_value))) == NULL)
			return ferry__oom(l->db);
		l->ids[l->ncur] = l->lines[i].sys_id;
		l->cur_of[i] = ++l->ncur;
	}
	return ferry_store__record_current_many(l->db, l->entity, l->fs,
		l->ids, l->ncur, l->cur);
}

/* Ask the store about the fresh lines' sys_ids and references. */
static int look_up(loader *l)
{
	unsigned char *found = l->present + LOAD_BATCH;
	size_t i, k, m;
	int error;

	for (i = m = 0; i < l->n; i++)
		if (l->lines[i].fresh &&
		    written_maybe(l, l->lines[i].sys_id)) {
			l->ids[m] = l->lines[i].sys_id;
			l->at[m++] = i;
		}
	memset(l->present, 0, l->n);
	if ((error = ferry_store__record_presence(l->db, l->entity, l->ids, m,
	    FERRY_PRESENT_ROW | FERRY_PRESENT_VERSION, found)) < 0)
		return error;
	for (i = 0; i < m; i++)
		l->present[l->at[i]] = found[i];
	memset(l->ref_present, 0, l->n * (l->nrefs ? l->nrefs : 1));
	for (k = 0; k < l->nrefs; k++) {
		const ferry_field *f = &l->fs->fields[l->refs[k]];

		for (i = m = 0; i < l->n; i++) {
			const load_line *ln = &l->lines[i];

			if (!ln->fresh ||
			    ln->values[l->refs[k]].kind != FERRY_V_TEXT)
				continue;
			l->ids[m] = ln->values[l->refs[k]].s;
			l->at[m++] = i;
		}
		if ((error = ferry_store__record_presence(l->db, f->type.ref,
		    l->ids, m, FERRY_PRESENT_ROW, found)) < 0)
			return error;
		for (i = 0; i < m; i++)
			l->ref_present[l->at[i] * l->nrefs + k] = found[i];
	}
	return look_up_current(l);
}

/* The references line i writes all hold: the store has them, or (its own
 * entity) a line before it in the batch made them.  A change writes only
 * the fields its line gives. */
static int refs_hold(const loader *l, size_t i, int given_only)
{
	const load_line *ln = &l->lines[i];
	size_t k;

	for (k = 0; k < l->nrefs; k++) {
		const ferry_field *f = &l->fs->fields[l->refs[k]];
		const ferry_value *v = &ln->values[l->refs[k]];

		if ((given_only && !ln->set[l->refs[k]]) ||
		    v->kind != FERRY_V_TEXT ||
		    (l->ref_present[i * l->nrefs + k] & FERRY_PRESENT_ROW))
			continue;
		if (strcmp(f->type.ref, l->entity) != 0 ||
		    seen_find(l, v->s) < 0)
			return 0;
	}
	return 1;
}

/* A fresh line that is a new record whose references hold. */
static int is_new(const loader *l, size_t i)
{
	const load_line *ln = &l->lines[i];

	if (!ln->fresh || l->present[i] || seen_find(l, ln->sys_id) >= 0)
		return 0;
	return refs_hold(l, i, 0);
}

/*
 * A fresh line that changes a record as it was when the batch began (no
 * line before it in the batch has its sys_id), that a local change may
 * change (open or changed), and whose references hold: the record it
 * was read for.
 */
static const ferry_record_current *changes_record(const loader *l,
	size_t i)
{
	const ferry_record_current *c;
	ferry_policy policy;

	if (!l->cur_of[i] || seen_find(l, l->lines[i].sys_id) >= 0)
		return NULL;
	c = &l->cur[l->cur_of[i] - 1];
	if (!c->found || !c->latest_id ||
	    ferry_policy_parse(&policy, c->meta.policy) < 0 ||
	    policy == FERRY_POLICY_PROTECTED || !refs_hold(l, i, 1))
		return NULL;
	return c;
}

/* Let the changes waiting go. */
static void changes_dispose(loader *l)
{
	size_t i;

	for (i = 0; i < l->nchanges; i++) {
		ferry__free(l->change_values[i]);
		ferry__record_made_dispose(&l->change_made[i]);
	}
	l->nchanges = 0;
}

/* Write the new records or the changes waiting; a failure is the first
 * one's line. */
static int write_pending(loader *l)
{
	int error = 0;

	if (l->npending) {
		error = ferry__record_insert_many(l->db, l->entity, l->fs,
			l->pending_ids, l->pending_values, l->pending_made,
			l->npending, &l->o);
		if (error < 0)
			error = at_line(l->db, error,
				l->lines[l->pending_line[0]].line);
	} else if (l->nchanges) {
		error = ferry__record_update_many(l->db, l->entity, l->fs,
			l->changes, l->nchanges, &l->o);
		if (error < 0)
			error = at_line(l->db, error,
				l->lines[l->change_line[0]].line);
	}
	changes_dispose(l);
	l->npending = 0;
	return error;
}

/*
 * Line i changes record c: every field the line gives, the rest as the
 * record holds them.  Writing what is there already is no change, as a
 * put of the line would find: nothing is queued.
 */
static int queue_change(loader *l, size_t i, const ferry_record_current *c)
{
	const load_line *ln = &l->lines[i];
	ferry_record_made made = { FERRY_STR_INIT, FERRY_STR_INIT, "" };
	ferry_record_change *ch;
	ferry_value *values;
	size_t f;
	int error;

	if ((values = ferry__calloc(l->fs->n ? l->fs->n : 1,
	    sizeof(*values))) == NULL)
		return ferry__oom(l->db);
	for (f = 0; f < l->fs->n; f++)
		values[f] = ln->set[f] ? ln->values[f] : c->values[f];
	if ((error = ferry__record_unchanged(l->db, l->entity, l->fs, values,
	    ln->sys_id, c->meta.version, &made)) != 0) {
		ferry__free(values);
		return error < 0 ? at_line(l->db, error, ln->line) : 0;
	}
	if (l->npending && (error = write_pending(l)) < 0) {
		ferry__free(values);
		ferry__record_made_dispose(&made);
		return error;
	}
	l->change_made[l->nchanges] = made;	/* the batch's now */
	ch = &l->changes[l->nchanges];
	memset(ch, 0, sizeof(*ch));
	ch->sys_id = ln->sys_id;
	ch->values = values;
	ch->made = &l->change_made[l->nchanges];
	ch->parent_id = c->latest_id;
	ch->parent_hash = c->latest_hash;
	ch->policy = FERRY_POLICY_CHANGED;	/* a local change's */
	ch->vendor = c->meta.vendor;
	l->change_values[l->nchanges] = values;
	l->change_line[l->nchanges++] = i;
	return 0;
}

/* Write line ln the way a put of it would. */
static int put_line(loader *l, load_line *ln)
{
	int error;

	if (!ln->obj && (error = ferry__record_parse(l->db, &ln->obj,
	    ln->prep->text, ln->prep->len)) < 0)
		return error;
	return ferry__record_put(l->db, l->entity, l->fs, ln->obj, 1,
		ln->sys_id);
}

/* Write the batch's lines in order, then empty it. */
static int flush(loader *l)
{
	size_t i;
	int error = 0;

	if (l->n == 0)
		return 0;
	memset(l->seen, 0, sizeof(l->seen));
	if ((error = look_up(l)) < 0)
		goto done;
	for (i = 0; i < l->n; i++) {
		load_line *ln = &l->lines[i];
		const ferry_record_current *c;

		if (is_new(l, i)) {
			if (l->nchanges && (error = write_pending(l)) < 0)
				goto done;
			l->pending_ids[l->npending] = ln->sys_id;
			l->pending_values[l->npending] = ln->values;
			l->pending_made[l->npending] = ln->prep &&
				ln->prep->sys_id[0] ? &ln->prep->made : NULL;
			l->pending_line[l->npending++] = i;
		} else if ((c = changes_record(l, i)) != NULL) {
			if ((error = queue_change(l, i, c)) < 0)
				goto done;
		} else if ((error = write_pending(l)) < 0) {
			goto done;
		} else if ((error = put_line(l, ln)) < 0) {
			error = at_line(l->db, error, ln->line);
			goto done;
		}
		seen_add(l, i);
		if (++l->count % 10000 == 0)
			ferry__progress(l->db, "loading records", l->count, 0);
	}
	error = write_pending(l);
done:
	changes_dispose(l);
	current_dispose(l);
	for (i = 0; i < l->n; i++) {
		written_add(l, l->lines[i].sys_id);
		line_dispose(l, &l->lines[i]);
	}
	l->n = 0;
	l->bytes = 0;
	l->npending = 0;
	return error;
}

static int loader_init(loader *l, ferry_db *db, const char *entity,
	const ferry_fieldset *fs)
{
	static const ferry_write_opts local = FERRY_WRITE_LOCAL;
	size_t i, nrefs;
	int untouched;

	memset(l, 0, sizeof(*l));
	l->db = db;
	l->entity = entity;
	l->fs = fs;
	l->o = local;
	for (i = 0; i < fs->n; i++)
		if (fs->fields[i].type.base == FERRY_T_REF)
			l->nrefs++;
	nrefs = l->nrefs ? l->nrefs : 1;
	l->refs = ferry__calloc(nrefs, sizeof(*l->refs));
	/* present holds each line's own, then a lookup's answers */
	l->present = ferry__calloc(2 * LOAD_BATCH, 1);
	l->ref_present = ferry__calloc(LOAD_BATCH * nrefs, 1);
	l->ids = ferry__calloc(LOAD_BATCH, sizeof(*l->ids));
	l->at = ferry__calloc(LOAD_BATCH, sizeof(*l->at));
	if (!l->refs || !l->present || !l->ref_present || !l->ids || !l->at)
		return ferry__oom(db);
	for (i = l->nrefs = 0; i < fs->n; i++)
		if (fs->fields[i].type.base == FERRY_T_REF)
			l->refs[l->nrefs++] = (int)i;
	/* Loading into an entity with no record yet (a data set's first
	 * load): two index probes a line spared, a quarter of the writing
	 * thread's time (docs/performance.md, "Record load: a data set in
	 * one run"). */
	if ((untouched = ferry_store__entity_untouched(db, entity)) < 0)
		return untouched;
	if (untouched && (l->written = ferry__calloc(WRITTEN_BITS / 8, 1)) ==
	    NULL)
		return ferry__oom(db);
	return 0;
}

static void loader_dispose(loader *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		line_dispose(l, &l->lines[i]);
	current_dispose(l);
	ferry__free(l->refs);
	ferry__free(l->present);
	ferry__free(l->ref_present);
	ferry__free(l->ids);
	ferry__free(l->at);
	ferry__free(l->written);
}

/*
 * The input's lines, read and parsed a batch ahead (record_read.c), taken
 * into batches.  A line in error is reported after the lines before it
 * are written, as a put of each in turn would.
 */
static int load_lines(loader *l, FILE *in)
{
	ferry_record_prep prep = { prepare_text, prepare_line,
		discard_prepared, l };
	ferry_record_reader *r = NULL;
	ferry_record_line *rl;
	int error = 0;

	if (ferry__record_reader_new(&r, in, &prep) < 0)
		return ferry__oom(l->db);
	l->reader = r;
	while (ferry__record_reader_next(r, &rl) == 1) {
		if (rl->error) {
			if ((error = flush(l)) < 0)
				break;
			if (rl->error == FERRY_ENOMEM)
				error = ferry__oom(l->db);
			else if (rl->too_long || rl->error == FERRY_EIO)
				error = ferry__error(l->db, rl->error, "%s",
					rl->why.ptr);
			else
				error = at_line(l->db, ferry__error(l->db,
					rl->error, "%s", rl->why.ptr),
					rl->lineno);
			break;
		}
		error = take_line(l, rl);
		l->bytes += rl->len;
		if (error < 0 || ((l->n == LOAD_BATCH ||
		    l->bytes >= LOAD_BYTES) && (error = flush(l)) < 0))
			break;
	}
	if (error == 0)
		error = flush(l);
	l->reader = NULL;
	ferry__record_reader_free(r);
	return error;
}

/* Prefix the current message with the source it came from. */
static int in_source(ferry_db *db, int error, const ferry_record_source *src)
{
	char *msg = ferry__strdup(ferry_errmsg(db));

	ferry__error(db, error, "%s: %s", src->name ? src->name : src->entity,
		msg ? msg : "");
	ferry__free(msg);
	return error;
}

/* One source's lines into its entity, inside the caller's transaction. */
static int load_source(uint64_t *count, ferry_db *db,
	const ferry_record_source *src)
{
	ferry_fieldset fs = { NULL, 0 };
	loader *l = NULL;
	int error;

	if ((error = ferry__fields(db, src->entity, &fs)) < 0)
		goto done;
	if ((l = ferry__calloc(1, sizeof(*l))) == NULL) {
		error = ferry__oom(db);
		goto done;
	}
	if ((error = loader_init(l, db, src->entity, &fs)) < 0 ||
	    (error = load_lines(l, src->in)) < 0)
		goto done;
	ferry__progress(db, "loading records", l->count, l->count);
done:
	if (l) {
		loader_dispose(l);
		if (error == 0)
			*count = l->count;
	}
	ferry__free(l);
	ferry_fieldset_dispose(&fs);
	return error;
}

static int bulk_record_load(uint64_t *counts, ferry_db *db,
	const ferry_record_source *src, size_t n)
{
	uint64_t count = 0;
	size_t i;
	int error;

	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0)
		goto done;
	/* Every entity first: a wrong name fails before any line is read. */
	for (i = 0; i < n && !error; i++)
		if ((error = ferry__record_check_entity(db,
		    src[i].entity)) < 0 && n > 1)
			error = in_source(db, error, &src[i]);
	for (i = 0; i < n && !error; i++) {
		error = load_source(&count, db, &src[i]);
		if (error < 0 && n > 1)
			error = in_source(db, error, &src[i]);
		else if (error == 0 && counts)
			counts[i] = count;
	}
done:
	/* Nothing was written when one input failed. */
	if (error < 0 && counts)
		for (i = 0; i < n; i++)
			counts[i] = 0;
	return ferry_store__end(db, error);
}

/* A bulk step (store_ops.h, "bulk"). */
int ferry_record_load_many(uint64_t *counts, ferry_db *db,
	const ferry_record_source *sources, size_t n)
{
	size_t i;
	int error;

	FERRY_CHECK_DB(db);
	if (counts)
		for (i = 0; i < n; i++)
			counts[i] = 0;
	if (n == 0 || !sources)
		return ferry__error(db, FERRY_EINVALID, "no file to load; "
			"name an entity and a file");
	for (i = 0; i < n; i++)
		if (!sources[i].entity || !sources[i].in)
			return ferry__error(db, FERRY_EINVALID, "source %zu "
				"names no entity or no file", i + 1);
	if ((error = ferry__bulk_begin(db, FERRY_BULK_APPEND)) == 0)
		error = ferry__bulk_end(db,
			bulk_record_load(counts, db, sources, n));
	return error;
}

int ferry_record_load(uint64_t *count, ferry_db *db, const char *entity,
	FILE *in)
{
	ferry_record_source src = { entity, in, NULL };

	FERRY_CHECK_DB(db);
	return ferry_record_load_many(count, db, &src, 1);
}
