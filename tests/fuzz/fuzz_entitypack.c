/*
 * fuzz_entitypack.c - libFuzzer harness for the entity pack reader.  The
 * bytes are lines: the first is a header (without the format members),
 * the others items.  They are sealed into a valid .sop file by the
 * writer, so that the fuzzer reaches the item rules behind the integrity
 * check (fuzz_sop.c covers the container itself), then read back as an
 * entity pack.  Lines the writer refuses end the input early.
 */
#include "entitypacks.h"
#include "fuzz_util.h"
#include "sop.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
		ok = ferry_sop__writer_item(w, s, nl ? (size_t)(nl - s) :
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
