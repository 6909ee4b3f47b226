/*
 * plan_harness.c - calls the store's import plan and commit operations
 * (store_ops.h) on an instance, SQLite file or PostgreSQL database alike,
 * and prints what they hand back, so that tests/pg/manual_plan.sh can run
 * the same steps on both stores and compare.  Not part of ferry: built by
 * that script against the build's libraries.
 *
 *   plan_harness LOCATION OP ARGS...
 *
 * Fields are given as "name:type,name:type" (sorted by name here).
 */
#include "db.h"
#include "imports.h"
#include "store/store.h"
#include "types.h"

#include <ferry.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fields(ferry_fieldset *fs, const char *spec)
{
	char *copy = strdup(spec), *save = NULL, *tok;

	memset(fs, 0, sizeof(*fs));
	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		ferry_field f;
		ferry_str err = FERRY_STR_INIT;
		char *colon = strchr(tok, ':');

		memset(&f, 0, sizeof(f));
		*colon = '\0';
		snprintf(f.name, sizeof(f.name), "%s", tok);
		if (colon[1]) {
			if (ferry_type__parse(&f.type, colon + 1, &err) < 0) {
				fprintf(stderr, "bad type %s\n", colon + 1);
				exit(2);
			}
			ferry_type__format(f.type_text, &f.type);
		}
		ferry_fieldset_add(fs, &f);
		ferry_str_dispose(&err);
	}
	free(copy);
}

static int word_n(const char *w, int64_t n, void *p)
{
	printf("%s %s %lld\n", (const char *)p, w ? w : "(null)",
		(long long)n);
	return 0;
}

static int number(int64_t n, void *p)
{
	printf("%s %lld\n", (const char *)p, (long long)n);
	return 0;
}

static int referrer(const char *e, const char *f, const char *r, void *p)
{
	(void)p;
	printf("referrer %s.%s -> %s\n", e, f, r);
	return 0;
}

#define S(x) ((x) ? (x) : "(null)")

static int problem(const ferry_import_problem_row *r, void *p)
{
	printf("%s %lld t=%s entity=%s sys_id=%s key=%s kind=%s severity=%s "
		"facts=%s resolution=%s action=%s decision=%s whole=%d\n",
		(const char *)p, (long long)r->item, S(r->t), S(r->entity),
		S(r->sys_id), S(r->key), S(r->kind), S(r->severity),
		S(r->facts), S(r->resolution), S(r->action), S(r->decision),
		r->whole);
	return 0;
}

static int outcome(const ferry_import_outcome_row *r, void *p)
{
	(void)p;
	printf("outcome %lld %s %s %s %s %s\n", (long long)r->item, S(r->t),
		S(r->entity), S(r->key), S(r->outcome), S(r->detail));
	return 0;
}

static int run(ferry_db *db, int argc, char **argv)
{
	const char *op = argv[0];
	int64_t id = argc > 1 ? strtoll(argv[1], NULL, 10) : 0;
	ferry_fieldset fs, check;
	int error = 0;

	if (!strcmp(op, "reset"))
		return ferry_store__import_plan_reset(db, id);
	if (!strcmp(op, "plan")) {	/* ID ENTITY BY_NAME FIELDS|- */
		int none = !strcmp(argv[4], "-");

		if (!none)
			fields(&fs, argv[4]);
		error = ferry_store__import_plan_records(db, id, argv[2],
			none ? NULL : &fs, atoi(argv[3]),
			&ferry__record_decisions);
		return error;
	}
	if (!strcmp(op, "put"))	/* ID ITEM TID TVER DECISION DETAIL */
		return ferry_store__import_plan_put(db, id,
			strtoll(argv[2], NULL, 10), argv[3], argv[4], argv[5],
			argv[6]);
	if (!strcmp(op, "rest"))
		return ferry_store__import_plan_rest(db, id);
	if (!strcmp(op, "problem"))	/* ID ITEM KIND SEVERITY FACTS */
		return ferry_store__import_problem_put(db, id,
			strtoll(argv[2], NULL, 10), argv[3], argv[4], argv[5]);
	if (!strcmp(op, "problems"))
		return ferry_store__import_problems_records(db, id,
			ferry__record_problems);
	if (!strcmp(op, "missing_entity"))	/* ID ENTITY FACTS */
		return ferry_store__import_problems_entity(db, id, argv[2],
			argv[3]);
	if (!strcmp(op, "field")) {	/* ID ENTITY FIELD CHECK TYPE */
		ferry_field target;
		ferry_str err = FERRY_STR_INIT;

		memset(&target, 0, sizeof(target));
		snprintf(target.name, sizeof(target.name), "%s", argv[3]);
		if (ferry_type__parse(&target.type, argv[5], &err) < 0)
			return 2;
		ferry_type__format(target.type_text, &target.type);
		return ferry_store__import_problems_field(db, id, argv[2],
			argv[3], (ferry_value_check)atoi(argv[4]), &target);
	}
	if (!strcmp(op, "referrers"))
		return ferry_store__import_referrers(db, id, referrer, NULL);
	if (!strcmp(op, "referenced"))	/* ID ENTITY FIELD REF_ENTITY */
		return ferry_store__import_problems_referenced(db, id, argv[2],
			argv[3], argv[4]);
	if (!strcmp(op, "unresolved")) {
		int64_t n;

		error = ferry_store__import_unresolved(db, id, &n, number,
			"unresolved-item");
		printf("unresolved %lld\n", (long long)n);
		return error;
	}
	if (!strcmp(op, "decisions"))
		return ferry_store__import_decision_counts(db, id, word_n,
			"decision");
	if (!strcmp(op, "each")) {	/* ID [SEVERITY KIND ENTITY LIMIT OFF] */
		ferry_problem_filter f = { NULL, NULL, NULL, 0, 0 };

		if (argc > 2) {
			f.severity = *argv[2] ? argv[2] : NULL;
			f.kind = *argv[3] ? argv[3] : NULL;
			f.entity = *argv[4] ? argv[4] : NULL;
			f.limit = atoi(argv[5]);
			f.offset = atoi(argv[6]);
		}
		return ferry_store__import_problems_each(db, id, &f, problem,
			"problem");
	}
	if (!strcmp(op, "kinds")) {	/* ID SEVERITY */
		ferry_problem_filter f = { NULL, NULL, NULL, 0, 0 };
		int64_t matched;

		f.severity = argc > 2 ? argv[2] : NULL;
		error = ferry_store__import_problem_kinds(db, id, &f, word_n,
			"kind", &matched);
		printf("matched %lld\n", (long long)matched);
		return error;
	}
	if (!strcmp(op, "problem_of")) {	/* ID ITEM KINDS */
		ferry_str k = FERRY_STR_INIT;

		error = ferry_store__import_problem_of(db, id,
			strtoll(argv[2], NULL, 10), argv[3], &k);
		printf("problem_of %d %s\n", error, ferry_str_cstr(&k));
		ferry_str_dispose(&k);
		return error < 0 ? error : 0;
	}
	if (!strcmp(op, "resolve"))	/* ID ITEM RES MERGED WHOLE */
		return ferry_store__import_resolution_set(db, id,
			strtoll(argv[2], NULL, 10), argv[3],
			strcmp(argv[4], "-") ? argv[4] : NULL, atoi(argv[5]),
			"tester", "2026-01-01T00:00:00Z");
	if (!strcmp(op, "unresolve"))	/* ID ITEM */
		return ferry_store__import_resolution_clear(db, id,
			strtoll(argv[2], NULL, 10));
	if (!strcmp(op, "resolve_all")) {	/* ID RES WHOLE NOT_KINDS|- */
		int64_t resolved, left;

		error = ferry_store__import_resolve_all(db, id, argv[2],
			atoi(argv[3]), strcmp(argv[4], "-") ? argv[4] : NULL,
			"tester", "2026-01-01T00:00:00Z", &resolved, &left,
			number, "left-item");
		printf("resolved %lld left %lld\n", (long long)resolved,
			(long long)left);
		return error;
	}
	if (!strcmp(op, "ref_exists")) {	/* ID ENTITY SYS_ID TABLE */
		error = ferry_store__import_ref_exists(db, id, argv[2],
			argv[3], atoi(argv[4]));
		printf("ref_exists %d\n", error);
		return error < 0 ? error : 0;
	}
	if (!strcmp(op, "acts"))
		return ferry_store__import_acts(db, id, &ferry__resolved_acts);
	if (!strcmp(op, "fast")) {	/* ID ENTITY FIELDS CHECK UPDATES APP */
		ferry_import_write w = { id, atoi(argv[6]), "tester",
			"2026-01-02T00:00:00Z" };
		int64_t done;

		fields(&fs, argv[3]);
		memset(&check, 0, sizeof(check));
		if (strcmp(argv[4], "-"))
			fields(&check, argv[4]);
		error = ferry_store__import_fast(db, &w, argv[2], &fs, &check,
			atoi(argv[5]), &done);
		printf("fast done %lld\n", (long long)done);
		return error;
	}
	if (!strcmp(op, "act_count")) {	/* ID ACT */
		int64_t n;

		error = ferry_store__import_act_count(db, id, argv[2], &n);
		printf("act_count %s %lld\n", argv[2], (long long)n);
		return error;
	}
	if (!strcmp(op, "next")) {	/* ID ENTITY WHAT */
		ferry_import_item it;
		char after[128] = "";

		memset(&it, 0, sizeof(it));
		while ((error = ferry_store__import_next(db, id, argv[2],
		    atoi(argv[3]), after, &it)) == 0) {
			printf("next %lld %s %s %s %s %s act=%s dec=%s res=%s "
				"whole=%d payload=%s\n", (long long)it.item,
				S(it.entity), S(it.sys_id), S(it.rkey),
				S(it.action), S(it.version), S(it.act),
				S(it.decision), S(it.resolution), it.whole,
				S(it.payload));
			snprintf(after, sizeof(after), "%s", it.sys_id);
		}
		ferry_import_item_dispose(&it);
		return error == FERRY_ENOTFOUND ? 0 : error;
	}
	if (!strcmp(op, "adopt"))	/* ENTITY SYS_ID FROM TO */
		return ferry_store__import_adopt(db, argv[1], argv[2], argv[3],
			argv[4]);
	if (!strcmp(op, "outcome"))	/* ID ITEM OUTCOME DETAIL */
		return ferry_store__import_outcome(db, id,
			strtoll(argv[2], NULL, 10), argv[3],
			strcmp(argv[4], "-") ? argv[4] : NULL);
	if (!strcmp(op, "outcomes")) {
		error = ferry_store__import_outcome_counts(db, id, word_n,
			"outcome-count");
		if (!error)
			error = ferry_store__import_outcomes_each(db, id,
				FERRY_IMPORT_CATALOG, outcome, NULL);
		if (!error)
			error = ferry_store__import_outcomes_each(db, id, 2,
				outcome, NULL);
		return error;
	}
	if (!strcmp(op, "touched")) {
		ferry_import_touched t;
		int64_t after = 0;

		memset(&t, 0, sizeof(t));
		while ((error = ferry_store__import_touched_next(db, id, after,
		    &t)) == 0) {
			printf("touched %lld %s %s %s latest=%lld parent=%lld "
				"%s %s %s %d %s item=%lld\n", (long long)t.id,
				t.entity, t.sys_id, t.action,
				(long long)t.latest, (long long)t.parent,
				ferry_str_cstr(&t.parent_action),
				ferry_str_cstr(&t.parent_payload),
				t.parent_policy, t.parent_vendor,
				t.parent_hash, (long long)t.item);
			after = t.id;
		}
		ferry_str_dispose(&t.parent_action);
		ferry_str_dispose(&t.parent_payload);
		return error == FERRY_ENOTFOUND ? 0 : error;
	}
	if (!strcmp(op, "of_kinds"))	/* ID KINDS */
		return ferry_store__import_problems_of_kinds(db, id, argv[2],
			problem, "of-kind");
	if (!strcmp(op, "discard"))
		return ferry_store__import_discard(db, id);
	fprintf(stderr, "unknown op %s\n", op);
	return 2;
}

int main(int argc, char **argv)
{
	ferry_db *db;
	int error;

	if (argc < 3) {
		fprintf(stderr, "usage: plan_harness LOCATION OP ARGS...\n");
		return 2;
	}
	if ((error = ferry_db_open(&db, argv[1])) != 0) {
		fprintf(stderr, "open: %s\n", ferry_errmsg(db));
		return 1;
	}
	if ((error = ferry_store__begin(db)) == 0) {
		error = run(db, argc - 2, argv + 2);
		error = ferry_store__end(db, error);
	}
	if (error < 0)
		fprintf(stderr, "%s: %s\n", argv[2], ferry_errmsg(db));
	ferry_db_close(db);
	return error < 0 ? 1 : error;
}
