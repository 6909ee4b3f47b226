/*
 * fuzz_entitypack.c - libFuzzer harness for the entity pack reader.  The
 * bytes are lines: the first is a header (without the format members),
 * the others items.  They are sealed into a valid .sop file by the
 * writer, so that the fuzzer reaches the item rules behind the integrity
 * check (fuzz_sop.c covers the container itself), then read back as an
 * entity pack.  Lines the writer refuses end the input early.  In an
 * object item, the text @SEAL@ is replaced by the item's object seal, so
 * that the fuzzer also gets past that check (a wrong seal is one of the
 * item rules it meets otherwise).
 */
#define _GNU_SOURCE	/* memmem */
#include "entitypacks.h"
#include "fuzz_util.h"
#include "records.h"
#include "sop.h"
#include "types.h"

#include <jansson.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write one item, its @SEAL@ (if any) replaced by its object seal. */
static int put_item(ferry_sop_writer *w, const char *s, size_t n)
{
	const char *at = memmem(s, n, "@SEAL@", 6);
	json_t *j, *dv;
	const char *table, *entity, *name, *policy;
	ferry_str line = FERRY_STR_INIT, def = FERRY_STR_INIT;
	char seal[FERRY_HASH_HEX];
	int rc;

	if (!at)
		return ferry_sop__writer_item(w, s, n);
	j = json_loadb(s, n, 0, NULL);
	dv = json_object_get(j, "definition");
	table = json_string_value(json_object_get(j, "entity_object"));
	entity = json_string_value(json_object_get(j, "entity"));
	name = json_string_value(json_object_get(j, "name"));
	policy = json_object_get(j, "policy") ? json_string_value(
		json_object_get(j, "policy")) : "open";
	if (!table || !entity || !name || !policy) {
		json_decref(j);
		return ferry_sop__writer_item(w, s, n);
	}
	if (dv && !json_is_null(dv))
		ferry_json__canonical(&def, dv);
	else
		ferry_str_puts(&def, "null");
	ferry__object_seal(seal, table, entity, name, ferry_str_cstr(&def),
		policy);
	ferry_str_put(&line, s, (size_t)(at - s));
	ferry_str_puts(&line, seal);
	ferry_str_put(&line, at + 6, n - (size_t)(at - s) - 6);
	rc = ferry_str_failed(&line) ? -1 :
		ferry_sop__writer_item(w, line.ptr, line.size);
	ferry_str_dispose(&line);
	ferry_str_dispose(&def);
	json_decref(j);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ferry_sop_write_options opts = FERRY_SOP_WRITE_OPTIONS_INIT;
	ferry_sop_writer *w = NULL;
	ferry_entitypack_file p;
	const char *s = (const char *)data, *end = s + size, *nl;
	size_t hlen;
	char *header;
	int ok;

	nl = memchr(s, '\n', size);
	hlen = nl ? (size_t)(nl - s) : size;
	if (memchr(s, '\0', hlen))
		return 0;	/* the writer takes a C string */
	if ((header = strndup(s, hlen)) == NULL ||
	    ferry_entitypack__file_init(&p, fuzz_dir(), "e.sop") < 0)
		abort();
	opts.compress = 0;
	opts.overwrite = 1;
	ok = ferry_sop__writer_open(&w, p.path, header, &opts, NULL) == 0;
	free(header);
	for (s = nl ? nl + 1 : end; s < end && ok; s = nl ? nl + 1 : end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		ok = put_item(w, s, nl ? (size_t)(nl - s) :
			(size_t)(end - s)) == 0;
	}
	if (ok && ferry_sop__writer_finish(w, NULL, NULL) == 0) {
		if (ferry_entitypack__read(&p) == 0 && (!p.entity ||
		    p.stamp[0] == '\0'))
			abort();
		if (p.code != 0 && p.problem.size == 0)
			abort();	/* a refusal always says why */
	}
	ferry_sop__writer_free(w);
	ferry_entitypack__file_dispose(&p);
	return 0;
}
