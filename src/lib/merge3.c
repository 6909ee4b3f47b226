/*
 * merge3.c - the field-level three-way merge rule (merge3.h).  Values
 * are canonical JSON, so equal values have equal text.
 */
#include "merge3.h"

#include <string.h>

static int same(const char *a, const char *b)
{
	return !strcmp(a ? a : "null", b ? b : "null");
}

ferry_merge3 ferry__merge3(const char *base, const char *target,
	const char *package)
{
	ferry_merge3 m;

	if (!base || same(base, package))
		m = FERRY_MERGE3_TARGET;
	else if (same(target, base))
		m = FERRY_MERGE3_PACKAGE;
	else if (same(target, package))
		m = FERRY_MERGE3_SAME;
	else
		m = FERRY_MERGE3_CONFLICT;
	return m;
}

const char *ferry__merge3_name(ferry_merge3 m)
{
	static const char *const names[] = { "target", "package", "same",
		"conflict" };

	return (unsigned)m < 4 ? names[m] : "target";
}
