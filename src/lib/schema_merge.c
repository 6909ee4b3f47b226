/*
 * schema_merge.c - the safe schema-merge rules (see schema_merge.h).
 */
#include "schema_merge.h"

#include "store/store.h"

#include <string.h>

const char *ferry__merge_action_name(ferry_merge_action a)
{
	switch (a) {
	case FERRY_MERGE_ADD: return "added";
	case FERRY_MERGE_GROW: return "grown";
	case FERRY_MERGE_KEEP: return "kept";
	}
	return "?";
}

static int differs(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) != (b == NULL);
	return strcmp(a, b) != 0;
}

/* Say so when the target's labels differ from the package's: they stay. */
static void note_labels_kept(const ferry_field *target,
	const ferry_field_def *pkg, ferry_str *reason)
{
	if (differs(pkg->display, target->display) ||
	    differs(pkg->description, target->description) ||
	    differs(pkg->default_value, target->default_value))
		ferry_str_puts(reason, "; the target's description, display "
			"name and default value are kept");
}

/* "the external name 'sys_policy'" or "no external name". */
static void put_external(ferry_str *s, const char *external)
{
	if (external)
		ferry_str_printf(s, "the external name '%s'", external);
	else
		ferry_str_puts(s, "no external name (ferry's own field of that "
			"name)");
}

/* 1 when pkg and target are two different fields under one name. */
static int external_collides(const ferry_field *target,
	const ferry_field_def *pkg)
{
	const char *t = target->external_name, *p = pkg->external_name;

	if (!differs(t, p))
		return 0;
	if (t && p)
		return 1;
	return ferry__field_name_reserved(t ? t : p);
}

int ferry__merge_field_plan(const ferry_field *target,
	const ferry_field_def *pkg, char new_type[FERRY_TYPE_TEXT_MAX],
	ferry_str *reason)
{
	ferry_type pt, nt;
	ferry_str err = FERRY_STR_INIT;

	if (target && external_collides(target, pkg)) {
		ferry_str_printf(reason, "field %s collides: in the package "
			"it has ", pkg->name);
		put_external(reason, pkg->external_name);
		ferry_str_puts(reason, ", in the target ");
		put_external(reason, target->external_name);
		ferry_str_puts(reason, "; they are different fields, so "
			"rename one of them in its source system before "
			"importing");
		return -1;
	}

	if (!pkg->type || ferry_type__parse(&pt, pkg->type, &err) < 0) {
		ferry_str_printf(reason, "the package's type for field %s is "
			"unreadable: %s", pkg->name, ferry_str_cstr(&err));
		ferry_str_dispose(&err);
		return -1;
	}
	ferry_str_dispose(&err);
	if (!target) {
		ferry_type__format(new_type, &pt);
		ferry_str_printf(reason, "not in the target (new, or deleted "
			"there): added as %s", new_type);
		return FERRY_MERGE_ADD;
	}
	nt = target->type;
	if (ferry_type__sized(&nt) && ferry_type__sized(&pt) &&
	    pt.size > nt.size) {
		/* The size grows; the target's type stays. */
		nt.size = pt.size;
		ferry_type__format(new_type, &nt);
		ferry_str_printf(reason, "size grows: package %s onto target "
			"%s gives %s (the type is never changed)", pkg->type,
			target->type_text, new_type);
		note_labels_kept(target, pkg, reason);
		return FERRY_MERGE_GROW;
	}
	ferry_type__format(new_type, &nt);
	if (pt.base != nt.base ||
	    (pt.base == FERRY_T_REF && strcmp(pt.ref, nt.ref) != 0))
		ferry_str_printf(reason, "the type is never changed: target "
			"keeps %s (package has %s)", target->type_text,
			pkg->type);
	else if (ferry_type__sized(&pt) && pt.size < nt.size)
		ferry_str_printf(reason, "size only grows: target keeps %s "
			"(package has %s)", target->type_text, pkg->type);
	else
		ferry_str_printf(reason, "same type %s", target->type_text);
	note_labels_kept(target, pkg, reason);
	return FERRY_MERGE_KEEP;
}

int ferry__merge_field(ferry_db *db, const char *entity,
	const ferry_field_def *pkg, const ferry_write_opts *o,
	ferry_merge_action *action, ferry_str *reason)
{
	ferry_fieldset fs = { NULL, 0 };
	char new_type[FERRY_TYPE_TEXT_MAX];
	int error, i, a;

	if ((error = ferry__fields(db, entity, &fs)) < 0)
		return error;
	i = ferry_fieldset_find(&fs, pkg->name);
	a = ferry__merge_field_plan(i >= 0 ? &fs.fields[i] : NULL, pkg,
		new_type, reason);
	if (a < 0) {
		error = ferry__error(db, FERRY_EINVALID, "%s",
			ferry_str_cstr(reason));
		goto done;
	}
	*action = (ferry_merge_action)a;
	if (a == FERRY_MERGE_ADD)
		error = ferry__field_add(db, entity, pkg->name, new_type,
			pkg->display, pkg->description, pkg->default_value,
			pkg->external_name, o);
	else if (a == FERRY_MERGE_GROW)
		error = ferry__field_set(db, entity, pkg->name, new_type, NULL,
			NULL, NULL, o);
done:
	ferry_fieldset_dispose(&fs);
	return error;
}
