/*
 * merge3.h - the field-level three-way merge of an import, in one place:
 * preview (through the SQL function ferry_merge3), diff, accept, merge
 * and commit all decide a field with ferry__merge3().
 *
 * For one field of a record the package changes: base is the value the
 * package's change was made against (the item's "old"), target the
 * target's value now, package the package's value, each as canonical
 * JSON (null where there is none).  docs/import.md, "Resolve", gives the
 * table.
 */
#ifndef FERRY_LIB_MERGE3_H
#define FERRY_LIB_MERGE3_H

typedef enum {
	FERRY_MERGE3_TARGET = 0,	/* the package leaves it: target's */
	FERRY_MERGE3_PACKAGE = 1,	/* only the package changed it */
	FERRY_MERGE3_SAME = 2,		/* both sides made the same change */
	FERRY_MERGE3_CONFLICT = 3	/* both changed it, differently */
} ferry_merge3;

/*
 * Decide one field.  base NULL means the package does not change the
 * field (it is not in "old").  target and package NULL mean JSON null.
 */
ferry_merge3 ferry__merge3(const char *base, const char *target,
	const char *package);

/* The word for a decision in documents: "target", "package", "same",
 * "conflict". */
const char *ferry__merge3_name(ferry_merge3 m);

#endif
