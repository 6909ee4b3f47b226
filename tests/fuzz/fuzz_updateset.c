/*
 * fuzz_updateset.c - libFuzzer harness for the ServiceNow update-set
 * reader (updateset.c): the bytes as an "Export to XML" file, read whole
 * into package items.  A refusal always says why; a file that is read
 * gives item lines that are JSON objects, and a pack id and name.
 */
#include "db.h"
#include "fuzz_util.h"
#include "updateset.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ferry_db db;
	ferry_updateset us;
	const char *path = fuzz_write("u.xml", data, size);
	size_t i;
	int rc;

	if (!path)
		abort();
	memset(&db, 0, sizeof(db));
	rc = ferry__updateset_read(&db, path, &us);
	if (rc < 0 && db.errmsg.size == 0)
		abort();	/* a refusal always says why */
	if (rc == 0) {
		if (!us.pack_uid[0] || !us.header)
			abort();
		for (i = 0; i < us.n; i++) {
			json_t *j = json_loads(us.lines[i], 0, NULL);

			if (!json_is_object(j))
				abort();
			json_decref(j);
		}
		ferry__updateset_dispose(&us);
	}
	ferry_str_dispose(&db.errmsg);
	return 0;
}
