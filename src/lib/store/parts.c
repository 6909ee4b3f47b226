/*
 * parts.c - the part of an instance a table belongs to (parts.h).
 */
#include "parts.h"

#include <string.h>

/* Which part a table and its indexes belong to: the first entry whose
 * name begins the table's; entity tables are the rest. */
ferry_size_part ferry_store__size_part(const char *table)
{
	static const struct {
		const char *prefix;
		ferry_size_part part;
	} parts[] = {
		{ "ferry_version", FERRY_PART_VERSIONS },
		{ "ferry_import_item", FERRY_PART_STAGING },
		{ "ferry_import_payload", FERRY_PART_STAGING },
		{ "ferry_import", FERRY_PART_IMPORTS },
		{ "ferry_pack", FERRY_PART_PACKS },
		{ "ferry_definition", FERRY_PART_DEFINITIONS },
		{ "ferry_audit", FERRY_PART_AUDIT },
		{ "ferry_user", FERRY_PART_ACCESS },
		{ "ferry_token", FERRY_PART_ACCESS },
		{ "ferry_session", FERRY_PART_ACCESS },
		{ "ferry_login_failure", FERRY_PART_ACCESS },
		{ "ferry_key", FERRY_PART_ACCESS },
		{ "ferry_trust", FERRY_PART_ACCESS },
		{ "ferry_", FERRY_PART_OTHER },
		{ "sqlite_", FERRY_PART_OTHER },	/* SQLite's own */
		{ "sys_", FERRY_PART_CATALOG },
	};
	size_t i;

	if (!table)
		return FERRY_PART_OTHER;
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		size_t n = strlen(parts[i].prefix);

		if (!strncmp(table, parts[i].prefix, n))
			return parts[i].part;
	}
	return FERRY_PART_RECORDS;
}

