/*
 * fuzz_sop.c - libFuzzer harness for the .sop reader: any bytes as a
 * package file, read to the end.  The reader must refuse or accept
 * without a crash, a leak, a hang or unbounded memory; an accepted file
 * must have a stamp and a count that match what was read.
 */
#include "fuzz_util.h"
#include "sop.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ferry_sop_reader *r = NULL;
	ferry_str err = FERRY_STR_INIT;
	const char *path, *line;
	size_t len;
	uint64_t n = 0;
	int rc;

	if ((path = fuzz_write("in.sop", data, size)) == NULL)
		abort();
	if (ferry_sop__reader_open(&r, path, &err) == 0) {
		while ((rc = ferry_sop__reader_next(r, &line, &len, &err)) == 1)
			if (len == 0 || line[len] != '\0' || ++n == 0)
				abort();
		if (rc == 0 && (ferry_sop__reader_items(r) != n ||
		    !ferry_sop__reader_stamp(r) ||
		    strlen(ferry_sop__reader_stamp(r)) != 64))
			abort();
		if (rc < 0 && strncmp(ferry_str_cstr(&err), path,
		    strlen(path)) != 0)
			abort();	/* every message names the file */
	}
	ferry_sop__reader_free(r);
	ferry_str_dispose(&err);
	return 0;
}
