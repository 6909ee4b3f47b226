/*
 * schema_merge.h - the safe schema-merge rules (seed 002), in one place
 * for entity unpacking and for imports of packs that carry entity and
 * field changes.
 *
 * An existing entity is merged, never overwritten:
 * - a field in the package and not in the target (new, or deleted
 *   there) is added;
 * - SQL size only grows: larger in the package -> grown; smaller -> kept;
 * - the type is never changed: package nchar(15) onto target
 *   nvarchar(10) -> nvarchar(15);
 * - Description, Display Name and Default Value of an existing field are
 *   kept;
 * - fields only in the target are kept;
 * - a field's external name (its name in the system it came from,
 *   docs/interop.md) is part of what the field is: a package field
 *   whose external name differs from the target field's of the same
 *   name is a collision and is refused.  The exception: when one side
 *   has no external name and the other's is not a ferry system column
 *   (Aptify's OwnerID for ownerid), the target's is kept like its
 *   display name.  ServiceNow's sys_policy (field ext_sys_policy) onto
 *   the target's own field ext_sys_policy, or the other way round, is
 *   always refused: they are two different fields under one name.
 * "Size" is the n of nvarchar(n) and nchar(n); a decimal's precision and
 * scale are part of its type and are kept like the type.
 */
#ifndef FERRY_LIB_SCHEMA_MERGE_H
#define FERRY_LIB_SCHEMA_MERGE_H

#include "records.h"

/* A field as a package describes it. */
typedef struct {
	const char *name;
	const char *type;		/* "nchar(15)" */
	const char *display;		/* may be NULL */
	const char *description;	/* may be NULL */
	const char *default_value;	/* JSON text, may be NULL */
	const char *external_name;	/* may be NULL */
} ferry_field_def;

typedef enum {
	FERRY_MERGE_ADD = 1,	/* not in the target: add it */
	FERRY_MERGE_GROW,	/* in the target, package larger: grow */
	FERRY_MERGE_KEEP	/* in the target: keep it as it is */
} ferry_merge_action;

/* The action's word in reports: "added", "grown", "kept". */
const char *ferry__merge_action_name(ferry_merge_action a);

/*
 * Decide what merging pkg into target (NULL when the target lacks the
 * field) does.  Pure: no database.  new_type receives the type the
 * target ends with; reason a sentence saying why.  Returns the action,
 * or -1 when pkg's type cannot be read (reason says why).
 */
int ferry__merge_field_plan(const ferry_field *target,
	const ferry_field_def *pkg, char new_type[FERRY_TYPE_TEXT_MAX],
	ferry_str *reason);

/*
 * Apply the plan for one field of an existing entity: add or grow it
 * through the catalog write path with options o.  action and reason are
 * as from the plan.
 */
int ferry__merge_field(ferry_db *db, const char *entity,
	const ferry_field_def *pkg, const ferry_write_opts *o,
	ferry_merge_action *action, ferry_str *reason);

#endif
