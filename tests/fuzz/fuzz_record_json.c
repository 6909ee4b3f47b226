/*
 * fuzz_record_json.c - libFuzzer harness for the record JSON conversion:
 * the bytes as a record's JSON object (parsed as 'record put' parses it),
 * each member checked against a field type chosen by its name's length,
 * then the canonical form built.  A value that converts must convert
 * again, from its canonical form, to the same canonical form: that is
 * what makes version hashes stable.
 *
 * And the bytes as a line of `record load`, read from its text
 * (record_text.c) against fields named as the object's members: what
 * that reader takes, jansson must parse and the converter take, to the
 * same values.
 */
#include "fuzz_util.h"
#include "records.h"
#include "types.h"

#include "text.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const types[] = { "nvarchar(10)", "nchar(3)", "int",
	"bigint", "decimal(10,2)", "bool", "date", "datetime", "text",
	"json", "ref(x)", "decimal(38,10)", "float", "time" };

#define NTYPES (sizeof(types) / sizeof(types[0]))

/* Convert v, then its canonical form again: the two must agree. */
static void one(const char *name, json_t *v)
{
	ferry_field f;
	ferry_value a, b;
	ferry_str err = FERRY_STR_INIT, ca = FERRY_STR_INIT,
		cb = FERRY_STR_INIT;
	json_t *again;

	memset(&f, 0, sizeof(f));
	snprintf(f.name, sizeof(f.name), "f");
	snprintf(f.type_text, sizeof(f.type_text), "%s",
		types[strlen(name) % NTYPES]);
	if (ferry_type__parse(&f.type, f.type_text, &err) < 0)
		abort();
	if (ferry_type__convert(&a, &f, v, &err) == 0) {
		ferry_type__canonical(&ca, &f, &a);
		again = json_loadb(ca.ptr, ca.size, JSON_DECODE_ANY, NULL);
		if (!again || ferry_type__convert(&b, &f, again, &err) < 0)
			abort();
		ferry_type__canonical(&cb, &f, &b);
		if (ca.size != cb.size || memcmp(ca.ptr, cb.ptr, ca.size))
			abort();
		if (a.kind != FERRY_V_NULL && !ferry_type__fits(&f, a.i, a.s,
		    a.kind == FERRY_V_INT))
			abort();
		json_decref(again);
		ferry_value_dispose(&b);
	} else if (ferry_str_failed(&err) == 0 && err.size == 0) {
		abort();	/* a refusal always says why */
	}
	ferry_value_dispose(&a);
	ferry_str_dispose(&err);
	ferry_str_dispose(&ca);
	ferry_str_dispose(&cb);
}

/* Fields named as obj's members (none for NULL), typed as one() types
 * them. */
static void fields_of(ferry_fieldset *fs, json_t *obj)
{
	ferry_str err = FERRY_STR_INIT;
	const char *key;
	json_t *v;
	ferry_field f;

	memset(fs, 0, sizeof(*fs));
	json_object_foreach(obj, key, v) {
		if (strlen(key) >= sizeof(f.name) || !strcmp(key, "sys_id"))
			continue;
		memset(&f, 0, sizeof(f));
		snprintf(f.name, sizeof(f.name), "%s", key);
		if (ferry_type__parse(&f.type, types[strlen(key) % NTYPES],
		    &err) < 0)
			abort();
		ferry_type__format(f.type_text, &f.type);
		if (ferry_fieldset_add(fs, &f) < 0)
			abort();
	}
	ferry_str_dispose(&err);
}

/* The line read from its text against the line parsed: see above. */
static void as_a_line(const char *text, size_t size, json_t *obj)
{
	ferry_fieldset fs;
	ferry_value *a, *b;
	int *sa, *sb, ok = 0;
	char ida[37] = "", idb[37];
	json_t *id;
	size_t i, n;

	fields_of(&fs, obj);
	n = fs.n ? fs.n : 1;
	a = calloc(n, sizeof(*a));
	b = calloc(n, sizeof(*b));
	sa = calloc(n, sizeof(*sa));
	sb = calloc(n, sizeof(*sb));
	if (!a || !b || !sa || !sb)
		abort();
	if (ferry__record_values_of_text("thing", &fs, text, size, b, sb,
	    idb) == 1) {
		id = obj ? json_object_get(obj, "sys_id") : NULL;
		if (id && json_is_string(id))
			snprintf(ida, sizeof(ida), "%s", json_string_value(id));
		ok = obj && (!id || json_is_null(id) || ferry_sys_id_valid(
			ida)) && ferry__record_new_values(NULL, "thing", &fs,
			obj, a, sa) == 0;
		if (!ok || strcmp(ida, idb))
			abort();
		for (i = 0; i < fs.n; i++)
			if (sa[i] != sb[i] || a[i].kind != b[i].kind ||
			    a[i].i != b[i].i || a[i].len != b[i].len ||
			    (a[i].kind == FERRY_V_TEXT && memcmp(a[i].s,
			    b[i].s, a[i].len)))
				abort();
	}
	for (i = 0; i < fs.n; i++) {
		ferry_value_dispose(&a[i]);
		ferry_value_dispose(&b[i]);
	}
	free(a);
	free(b);
	free(sa);
	free(sb);
	ferry_fieldset_dispose(&fs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = NULL, *v;
	const char *key;
	ferry_str canon = FERRY_STR_INIT;
	char *text;

	if (ferry_utf8_valid((const char *)data, size))
		obj = json_loadb((const char *)data, size,
			JSON_REJECT_DUPLICATES, NULL);
	/* As record load hands a line over: NUL-terminated. */
	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	as_a_line(text, size, json_is_object(obj) ? obj : NULL);
	free(text);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return 0;
	}
	json_object_foreach(obj, key, v)
		one(key, v);
	ferry_json__canonical(&canon, obj);
	json_decref(obj);
	ferry_str_dispose(&canon);
	return 0;
}
