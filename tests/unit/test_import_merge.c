/*
 * test_import_merge.c - the three-way merge of an import, through the
 * public API: its rule table (merge3.h), the problem kinds' table, and a
 * seeded randomised test of thousands of records, each changed in a
 * random subset of fields on each side and answered with a random
 * resolution, checking the invariants of docs/import.md, "Resolve":
 *
 * - after accept, every field only the target changed keeps the target's
 *   value and every field the package changed has the package's value;
 * - after accept --whole, the record is the package's;
 * - after skip, the record is the target's;
 * - after merge, every field the patch names has the patch's value and
 *   every other field follows the three-way result;
 * - without a resolution (no conflict), the three-way result;
 * - nothing is lost that the diff did not show as a conflict, and the
 *   diff's conflicts are exactly the fields both sides changed
 *   differently;
 * - same changes are same_change, not conflicts; a record whose target
 *   already holds the package's content is already_applied.
 *
 * FERRY_TEST_SEED picks another seed; a failure prints the seed.
 */
#include "helpers.h"

#include "ferry.h"
#include "imports.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW "2021-12-31T12:00:00Z"
#define NFIELDS 6		/* f0..f3 nvarchar(20), f4..f5 int */
#define RECORDS 400		/* records (cases) per round */
#define ROUNDS 8

/* ---- the rule table ------------------------------------------------------ */

static void rule_merge3_table(void **state)
{
	static const struct {
		const char *base, *target, *package;
		ferry_merge3 want;
	} rows[] = {
		/* the package leaves the field */
		{ NULL, "\"t\"", "\"t\"", FERRY_MERGE3_TARGET },
		{ "\"b\"", "\"t\"", "\"b\"", FERRY_MERGE3_TARGET },
		/* only the package changed it */
		{ "\"b\"", "\"b\"", "\"p\"", FERRY_MERGE3_PACKAGE },
		{ "null", NULL, "\"p\"", FERRY_MERGE3_PACKAGE },
		/* both, alike */
		{ "\"b\"", "\"p\"", "\"p\"", FERRY_MERGE3_SAME },
		{ "\"b\"", "null", NULL, FERRY_MERGE3_SAME },
		/* both, differently */
		{ "\"b\"", "\"t\"", "\"p\"", FERRY_MERGE3_CONFLICT },
		{ "1", "null", "2", FERRY_MERGE3_CONFLICT },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(ferry__merge3(rows[i].base, rows[i].target,
			rows[i].package), rows[i].want);
	assert_string_equal(ferry__merge3_name(FERRY_MERGE3_CONFLICT),
		"conflict");
}

/* The kinds accept cannot answer, in the store's SQL, are exactly the
 * table's kinds without accept. */
static void rule_not_acceptable_matches_table(void **state)
{
	ferry_str s = FERRY_STR_INIT;
	char a[512], b[512], *tok, *save;
	int n = 0;

	(void)state;
	ferry__problem_kinds_without(&s, FERRY_RESOLVE_ACCEPT);
	snprintf(a, sizeof(a), ",%s,", ferry_str_cstr(&s));
	snprintf(b, sizeof(b), "%s", FERRY_IMPORT_NOT_ACCEPTABLE);
	for (tok = strtok_r(b, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save), n++) {
		char want[80];

		snprintf(want, sizeof(want), ",%s,", tok);
		assert_non_null(strstr(a, want));
	}
	for (tok = a; *tok; tok++)
		n -= *tok == ',';
	assert_int_equal(n, -1);
	ferry_str_dispose(&s);
}

/* A problem's advice names only what the item allows, shell-quoted. */
static void rule_advice_only_allowed(void **state)
{
	ferry_str s = FERRY_STR_INIT;

	(void)state;
	ferry__problem_advice(&s, "missing_entity", 3, 5,
		FERRY_RESOLVE_ACCEPT | FERRY_RESOLVE_SKIP |
		FERRY_RESOLVE_MERGE);
	assert_null(strstr(s.ptr, "accept"));
	assert_null(strstr(s.ptr, "merge"));
	assert_non_null(strstr(s.ptr, "'ferry import resolve 3 skip 5'"));
	ferry_str_clear(&s);
	ferry__problem_advice(&s, "local_change", 3, 5, FERRY_RESOLVE_ACCEPT |
		FERRY_RESOLVE_SKIP);
	assert_null(strstr(s.ptr, "merge"));
	assert_non_null(strstr(s.ptr, "accept 5"));
	ferry_str_clear(&s);
	ferry__shell_quote(&s, "it's a name");
	assert_string_equal(s.ptr, "'it'\\''s a name'");
	ferry_str_clear(&s);
	ferry__shell_quote(&s, "plain_name-1.2");
	assert_string_equal(s.ptr, "plain_name-1.2");
	ferry_str_dispose(&s);
}

/* ---- the randomised test ------------------------------------------------- */

static uint64_t rng_state, rng_seed;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static int chance(int in)
{
	return rnd() % (uint64_t)in == 0;
}

/* A value as canonical JSON text ("null", "12", "\"s3\""), owned. */
typedef char *val;

static val new_value(int field)
{
	char buf[32];

	if (chance(8))
		return strdup("null");
	if (field >= 4)
		snprintf(buf, sizeof(buf), "%d", (int)(rnd() % 1000));
	else
		snprintf(buf, sizeof(buf), "\"v%d\"", (int)(rnd() % 100000));
	return strdup(buf);
}

static int veq(const char *a, const char *b)
{
	return !strcmp(a, b);
}

enum { R_NONE, R_ACCEPT, R_WHOLE, R_SKIP, R_MERGE, R_COUNT };

typedef struct {
	char sys_id[40];
	val base[NFIELDS], pkg[NFIELDS], tgt[NFIELDS];
	int pchanged[NFIELDS], tchanged[NFIELDS];
	int in_patch[NFIELDS];
	val patch[NFIELDS];
	int changed;		/* in the package at all */
	int resolution;
	int64_t item;
	int diff_conflict[NFIELDS];
	int seen_in_diff;
	char kinds[200];	/* problem kinds of its item */
} rec;

static void rec_free(rec *r)
{
	int f;

	for (f = 0; f < NFIELDS; f++) {
		free(r->base[f]);
		free(r->pkg[f]);
		free(r->tgt[f]);
		free(r->patch[f]);
	}
}

static void check(int ok, const char *what, const rec *r, int f)
{
	if (ok)
		return;
	fail_msg("seed %llu: %s (record %s, field f%d, resolution %d, "
		"kinds %s)", (unsigned long long)rng_seed, what, r->sys_id, f,
		r->resolution, r->kinds);
}

static void new_uuid(char *out)
{
	uint64_t a = rnd(), b = rnd();

	snprintf(out, 40, "%08x-%04x-4%03x-%04x-%012llx",
		(unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
		(unsigned)a & 0xfff, (unsigned)(0x8000 | (b >> 48 & 0x3fff)),
		(unsigned long long)(b & 0xffffffffffffULL));
}

static ferry_db *make_db(const char *dir, const char *name)
{
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;
	ferry_db *db = NULL;

	o.name = name;
	o.now = NOW;
	assert_int_equal(ferry_db_create(&db, test_path(dir, name), &o), 0);
	return db;
}

/* Write records as JSON Lines: with values[f] for the fields in mask (or
 * every field when mask is NULL). */
static void load_lines(ferry_db *db, rec *recs, size_t n, int side)
{
	ferry_str s = FERRY_STR_INIT;
	FILE *in;
	size_t i;
	int f, any;

	for (i = 0; i < n; i++) {
		rec *r = &recs[i];

		any = 0;
		for (f = 0; f < NFIELDS; f++)
			any |= side == 0 || (side == 1 ? r->pchanged[f] :
				r->tchanged[f]);
		if (!any)
			continue;
		ferry_str_printf(&s, "{\"sys_id\":\"%s\"", r->sys_id);
		for (f = 0; f < NFIELDS; f++) {
			if (side == 1 && !r->pchanged[f])
				continue;
			if (side == 2 && !r->tchanged[f])
				continue;
			ferry_str_printf(&s, ",\"f%d\":%s", f, side == 0 ?
				r->base[f] : side == 1 ? r->pkg[f] :
				r->tgt[f]);
		}
		ferry_str_puts(&s, "}\n");
	}
	if (s.size == 0)
		ferry_str_puts(&s, "\n");
	in = fmemopen(s.ptr, s.size, "r");
	assert_non_null(in);
	if (ferry_record_load(NULL, db, "rec", in) != 0)
		fail_msg("record load: %s", ferry_errmsg(db));
	fclose(in);
	ferry_str_dispose(&s);
}

static void export_pack(ferry_db *db, const char *dir, const char *pack)
{
	ferry_export_options o = FERRY_EXPORT_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	char file[64];

	snprintf(file, sizeof(file), "%s.sop", pack);
	o.output = test_path(dir, file);
	o.overwrite = 1;
	assert_int_equal(ferry_pack_complete(db, pack), 0);
	if (ferry_pack_export(&out, db, pack, &o) != 0)
		fail_msg("export: %s", ferry_errmsg(db));
	ferry_buf_dispose(&out);
}

static rec *find_rec(rec *recs, size_t n, const char *sys_id)
{
	size_t i;

	for (i = 0; sys_id && i < n; i++)
		if (!strcmp(recs[i].sys_id, sys_id))
			return &recs[i];
	return NULL;
}

static json_t *doc_of(ferry_buf *b)
{
	json_t *d = json_loadb(b->ptr, b->size, 0, NULL);

	assert_non_null(d);
	ferry_buf_dispose(b);
	return d;
}

/* The canonical JSON text of a value, owned. */
static char *canon(json_t *v)
{
	return json_dumps(v ? v : json_null(), JSON_ENCODE_ANY |
		JSON_COMPACT);
}

typedef struct {
	rec *recs;
	size_t n;
	size_t seen;
} list_state;

static int read_final(const char *json, size_t len, void *payload)
{
	list_state *s = payload;
	json_t *d = json_loadb(json, len, 0, NULL);
	rec *r = find_rec(s->recs, s->n, json_string_value(json_object_get(d,
		"sys_id")));
	int f;

	assert_non_null(r);
	s->seen++;
	for (f = 0; f < NFIELDS; f++) {
		char name[16], *got;
		const char *want;
		int only_t = r->tchanged[f] && !r->pchanged[f];
		int p_changed = r->pchanged[f];

		snprintf(name, sizeof(name), "f%d", f);
		got = canon(json_object_get(d, name));
		switch (r->resolution) {
		case R_ACCEPT:
			want = p_changed ? r->pkg[f] : r->tgt[f];
			check(!only_t || veq(got, r->tgt[f]), "accept: a "
				"field only the target changed keeps the "
				"target's value", r, f);
			break;
		case R_WHOLE:
			want = r->pkg[f];
			break;
		case R_SKIP:
			want = r->tgt[f];
			break;
		case R_MERGE:
			want = r->in_patch[f] ? r->patch[f] : p_changed ?
				r->pkg[f] : r->tgt[f];
			break;
		default:
			want = p_changed ? r->pkg[f] : r->tgt[f];
		}
		if (!veq(got, want))
			fprintf(stderr, "got %s, want %s (base %s, target %s, "
				"package %s, patch %s)\n", got, want,
				r->base[f], r->tgt[f], r->pkg[f],
				r->in_patch[f] ? r->patch[f] : "-");
		check(veq(got, want), "the field's value after commit", r, f);
		/* Nothing lost that the diff did not show as a conflict. */
		if (r->resolution == R_ACCEPT || r->resolution == R_NONE ||
		    (r->resolution == R_MERGE && !r->in_patch[f])) {
			if (r->tchanged[f] && !veq(r->tgt[f], r->base[f]) &&
			    !veq(got, r->tgt[f]))
				check(r->diff_conflict[f], "a target change "
					"lost without a conflict", r, f);
			if (r->pchanged[f] && !veq(got, r->pkg[f]))
				check(r->diff_conflict[f], "a package change "
					"lost without a conflict", r, f);
		}
		free(got);
	}
	json_decref(d);
	return 0;
}

static void one_round(const char *dir, int round)
{
	char name[32];
	ferry_db *src, *dst;
	ferry_buf out = FERRY_BUF_INIT;
	rec *recs = calloc(RECORDS, sizeof(*recs));
	json_t *doc, *items, *it, *fields, *fl;
	int64_t id, *pick[R_COUNT];
	size_t np[R_COUNT] = { 0 }, i, k;
	list_state ls;
	int f;

	assert_non_null(recs);
	for (k = 0; k < R_COUNT; k++) {
		pick[k] = calloc(RECORDS, sizeof(int64_t));
		assert_non_null(pick[k]);
	}
	snprintf(name, sizeof(name), "src%d.db", round);
	src = make_db(dir, name);
	snprintf(name, sizeof(name), "dst%d.db", round);
	dst = make_db(dir, name);
	assert_int_equal(ferry_pack_create(src, "base", NULL, 1), 0);
	assert_int_equal(ferry_entity_create(src, "rec", NULL, NULL), 0);
	for (f = 0; f < NFIELDS; f++) {
		snprintf(name, sizeof(name), "f%d", f);
		assert_int_equal(ferry_field_add(src, "rec", name, f >= 4 ?
			"int" : "nvarchar(20)", NULL, NULL, NULL), 0);
	}
	/* The base, in both instances. */
	for (i = 0; i < RECORDS; i++) {
		new_uuid(recs[i].sys_id);
		for (f = 0; f < NFIELDS; f++)
			recs[i].base[f] = new_value(f);
	}
	load_lines(src, recs, RECORDS, 0);
	export_pack(src, dir, "base");
	{
		ferry_apply_options ao = FERRY_APPLY_OPTIONS_INIT;

		ao.no_backup = 1;
		if (ferry_import_apply(&out, dst, test_path(dir, "base.sop"),
		    &ao) != 0)
			fail_msg("apply base: %s", ferry_errmsg(dst));
		ferry_buf_dispose(&out);
	}
	/* Random changes on each side; a third of the target's changes to
	 * a field the package changes are the very same change. */
	for (i = 0; i < RECORDS; i++) {
		rec *r = &recs[i];

		for (f = 0; f < NFIELDS; f++) {
			r->pchanged[f] = chance(2);
			r->pkg[f] = r->pchanged[f] ? new_value(f) :
				strdup(r->base[f]);
			r->tchanged[f] = chance(2);
			r->tgt[f] = !r->tchanged[f] ? strdup(r->base[f]) :
				r->pchanged[f] && chance(3) ?
				strdup(r->pkg[f]) : new_value(f);
			r->changed |= r->pchanged[f] &&
				!veq(r->pkg[f], r->base[f]);
		}
		/* A change to the same value is no change. */
		for (f = 0; f < NFIELDS; f++) {
			r->pchanged[f] &= !veq(r->pkg[f], r->base[f]);
			r->tchanged[f] &= !veq(r->tgt[f], r->base[f]);
		}
	}
	assert_int_equal(ferry_pack_create(src, "p2", NULL, 1), 0);
	load_lines(src, recs, RECORDS, 1);
	export_pack(src, dir, "p2");
	load_lines(dst, recs, RECORDS, 2);
	if (ferry_import_load(&out, dst, test_path(dir, "p2.sop")) != 0)
		fail_msg("load: %s", ferry_errmsg(dst));
	doc = doc_of(&out);
	id = json_integer_value(json_object_get(doc, "id"));
	json_decref(doc);
	assert_int_equal(ferry_import_preview(&out, dst, id), 0);
	doc = doc_of(&out);
	json_array_foreach(json_object_get(doc, "problems"), i, it) {
		rec *r = find_rec(recs, RECORDS, json_string_value(
			json_object_get(it, "sys_id")));

		if (!r)
			continue;
		r->item = json_integer_value(json_object_get(it, "item"));
		strncat(r->kinds, json_string_value(json_object_get(it,
			"kind")), sizeof(r->kinds) - strlen(r->kinds) - 2);
		strcat(r->kinds, ",");
	}
	json_decref(doc);
	/* Every item's number, from show. */
	assert_int_equal(ferry_import_show(&out, dst, id), 0);
	doc = doc_of(&out);
	json_array_foreach(json_object_get(doc, "items"), i, it) {
		rec *r = find_rec(recs, RECORDS, json_string_value(
			json_object_get(it, "sys_id")));

		if (r)
			r->item = json_integer_value(json_object_get(it,
				"item"));
	}
	json_decref(doc);
	/* The diff: conflicts are exactly the fields both changed
	 * differently. */
	assert_int_equal(ferry_import_diff(&out, dst, id, NULL, 0), 0);
	doc = doc_of(&out);
	items = json_object_get(doc, "items");
	json_array_foreach(items, i, it) {
		rec *r = find_rec(recs, RECORDS, json_string_value(
			json_object_get(it, "sys_id")));

		assert_non_null(r);
		r->seen_in_diff = 1;
		fields = json_object_get(it, "fields");
		json_array_foreach(fields, k, fl) {
			f = atoi(json_string_value(json_object_get(fl,
				"name")) + 1);
			r->diff_conflict[f] = json_is_true(json_object_get(fl,
				"conflict"));
		}
	}
	json_decref(doc);
	for (i = 0; i < RECORDS; i++) {
		rec *r = &recs[i];
		int conflicts = 0, same = 0, applied = 1;

		for (f = 0; f < NFIELDS; f++) {
			int c = r->pchanged[f] && r->tchanged[f] &&
				!veq(r->pkg[f], r->tgt[f]);

			if (r->changed && r->seen_in_diff)
				check(r->diff_conflict[f] == c, "the diff's "
					"conflict flag", r, f);
			conflicts += c;
			same += r->pchanged[f] && r->tchanged[f] && !c;
			applied &= veq(r->pkg[f], r->tgt[f]);
		}
		if (!r->changed) {
			r->resolution = R_NONE;
			continue;
		}
		check(r->item > 0, "every changed record is an item", r, 0);
		if (applied) {
			check(strstr(r->kinds, "already_applied,") != NULL,
				"already_applied when the target holds the "
				"package's content", r, 0);
		} else {
			check(!conflicts || strstr(r->kinds,
				"local_change,") != NULL, "a conflict is a "
				"local_change", r, 0);
			check((strstr(r->kinds, "same_change,") != NULL) ==
				(same > 0), "same_change iff a same change", r,
				0);
		}
		if (conflicts && !applied)
			check(r->seen_in_diff, "a conflicting record is in "
				"the diff", r, 0);
		/* A resolution: none only where nothing conflicts. */
		do
			r->resolution = (int)(rnd() % R_COUNT);
		while (r->resolution == R_NONE && conflicts && !applied);
		if (applied && r->resolution != R_NONE)
			r->resolution = R_NONE;
		if (r->resolution == R_MERGE) {
			for (f = 0; f < NFIELDS; f++) {
				int c = r->pchanged[f] && r->tchanged[f] &&
					!veq(r->pkg[f], r->tgt[f]);

				r->in_patch[f] = c || chance(4);
				if (r->in_patch[f])
					r->patch[f] = new_value(f);
			}
		}
		if (r->resolution != R_NONE && r->resolution != R_MERGE)
			pick[r->resolution][np[r->resolution]++] = r->item;
	}
	/* The answers. */
	{
		static const char *const words[R_COUNT] = { NULL, "accept",
			"accept_whole", "skip", NULL };

		for (k = R_ACCEPT; k <= R_SKIP; k++) {
			if (!np[k])
				continue;
			if (ferry_import_resolve(&out, dst, id, words[k],
			    pick[k], np[k]) != 0)
				fail_msg("resolve %s: %s", words[k],
					ferry_errmsg(dst));
			ferry_buf_dispose(&out);
		}
	}
	for (i = 0; i < RECORDS; i++) {
		rec *r = &recs[i];
		ferry_str p = FERRY_STR_INIT;

		if (r->resolution != R_MERGE)
			continue;
		ferry_str_putc(&p, '{');
		for (f = 0; f < NFIELDS; f++)
			if (r->in_patch[f])
				ferry_str_printf(&p, "%s\"f%d\":%s", p.size > 1 ?
					"," : "", f, r->patch[f]);
		ferry_str_putc(&p, '}');
		if (p.size == 2) {
			/* An empty patch is refused: accept instead. */
			r->resolution = R_ACCEPT;
			assert_int_equal(ferry_import_resolve(&out, dst, id,
				"accept", &r->item, 1), 0);
			ferry_buf_dispose(&out);
		} else if (ferry_import_merge(dst, id, r->item, p.ptr) != 0) {
			fail_msg("merge %s: %s", p.ptr, ferry_errmsg(dst));
		}
		ferry_str_dispose(&p);
	}
	{
		ferry_commit_options co = FERRY_COMMIT_OPTIONS_INIT;

		co.no_backup = 1;
		if (ferry_import_commit(&out, dst, id, &co) != 0)
			fail_msg("commit: %s", ferry_errmsg(dst));
		ferry_buf_dispose(&out);
	}
	memset(&ls, 0, sizeof(ls));
	ls.recs = recs;
	ls.n = RECORDS;
	assert_int_equal(ferry_record_list(dst, "rec", read_final, &ls), 0);
	assert_int_equal(ls.seen, RECORDS);
	for (i = 0; i < RECORDS; i++)
		rec_free(&recs[i]);
	for (k = 0; k < R_COUNT; k++)
		free(pick[k]);
	free(recs);
	ferry_db_close(src);
	ferry_db_close(dst);
}

static void rule_random_resolutions_keep_every_change(void **state)
{
	const char *seed = getenv("FERRY_TEST_SEED");
	int round;

	rng_state = seed ? strtoull(seed, NULL, 10) : 20211231ULL;
	if (!rng_state)
		rng_state = 1;
	rng_seed = rng_state;
	for (round = 0; round < ROUNDS; round++)
		one_round(*state, round);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule_merge3_table),
		cmocka_unit_test(rule_not_acceptable_matches_table),
		cmocka_unit_test(rule_advice_only_allowed),
		cmocka_unit_test_setup_teardown(
			rule_random_resolutions_keep_every_change,
			test_tmpdir_setup, test_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
