/*
 * fuzz_record_json.c - libFuzzer harness for the record JSON conversion:
 * the bytes as a record's JSON object (parsed as 'record put' parses it),
 * each member checked against a field type chosen by its name's length,
 * then the canonical form built.  A value that converts must convert
 * again, from its canonical form, to the same canonical form: that is
 * what makes version hashes stable.
 */
#include "fuzz_util.h"
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj, *v;
	const char *key;
	ferry_str canon = FERRY_STR_INIT;

	if (!ferry_utf8_valid((const char *)data, size))
		return 0;
	obj = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
		NULL);
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
