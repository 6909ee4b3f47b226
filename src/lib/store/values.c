/*
 * values.c - the containers of store/values.h: field sets kept sorted by
 * name, stored values and their disposal.
 */
#include "values.h"

#include "alloc.h"

#include <string.h>

int ferry_type__is_integer(const ferry_type *t)
{
	return t->base == FERRY_T_INT || t->base == FERRY_T_BIGINT ||
		t->base == FERRY_T_BOOL;
}

int ferry_type__sized(const ferry_type *t)
{
	return t->base == FERRY_T_NVARCHAR || t->base == FERRY_T_NCHAR;
}

void ferry_fieldset_dispose(ferry_fieldset *fs)
{
	size_t i;

	if (!fs)
		return;
	for (i = 0; i < fs->n; i++) {
		ferry__free(fs->fields[i].display);
		ferry__free(fs->fields[i].description);
		ferry__free(fs->fields[i].default_value);
		ferry__free(fs->fields[i].external_name);
	}
	ferry__free(fs->fields);
	fs->fields = NULL;
	fs->n = 0;
}

int ferry_fieldset_find(const ferry_fieldset *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (!strcmp(fs->fields[i].name, name))
			return (int)i;
	return -1;
}

int ferry_fieldset_add(ferry_fieldset *fs, const ferry_field *f)
{
	ferry_field *nf, *slot;
	size_t pos = fs->n;

	nf = ferry__realloc(fs->fields, (fs->n + 1) * sizeof(*nf));
	if (nf == NULL)
		return -1;
	fs->fields = nf;
	while (pos > 0 && strcmp(nf[pos - 1].name, f->name) > 0)
		pos--;
	memmove(nf + pos + 1, nf + pos, (fs->n - pos) * sizeof(*nf));
	slot = nf + pos;
	*slot = *f;
	slot->display = ferry__strdup(f->display);
	slot->description = ferry__strdup(f->description);
	slot->default_value = ferry__strdup(f->default_value);
	slot->external_name = ferry__strdup(f->external_name);
	fs->n++;
	if ((f->display && !slot->display) ||
	    (f->description && !slot->description) ||
	    (f->default_value && !slot->default_value) ||
	    (f->external_name && !slot->external_name))
		return -1;
	return 0;
}

void ferry_value_dispose(ferry_value *v)
{
	if (v) {
		ferry__free(v->s);
		memset(v, 0, sizeof(*v));
	}
}

void ferry_values_dispose(ferry_value *v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		ferry_value_dispose(&v[i]);
	ferry__free(v);
}

static const char *const policy_names[] = { "open", "changed", "protected" };
static const char *const action_names[] = { "insert", "update", "delete" };
static const char *const pack_state_names[] = { "in_progress", "completed" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The index of text in names, or -1. */
static int find_name(const char *const *names, size_t n, const char *text)
{
	size_t i;

	for (i = 0; text && i < n; i++)
		if (!strcmp(names[i], text))
			return (int)i;
	return -1;
}

const char *ferry_policy_name(ferry_policy p)
{
	return (size_t)p < COUNT(policy_names) ? policy_names[p] : "";
}

const char *ferry_action_name(ferry_action a)
{
	return (size_t)a < COUNT(action_names) ? action_names[a] : "";
}

const char *ferry_pack_state_name(ferry_pack_state s)
{
	return (size_t)s < COUNT(pack_state_names) ? pack_state_names[s] : "";
}

int ferry_policy_parse(ferry_policy *out, const char *text)
{
	int i = find_name(policy_names, COUNT(policy_names), text);

	if (i >= 0)
		*out = (ferry_policy)i;
	return i < 0 ? -1 : 0;
}

int ferry_action_parse(ferry_action *out, const char *text)
{
	int i = find_name(action_names, COUNT(action_names), text);

	if (i >= 0)
		*out = (ferry_action)i;
	return i < 0 ? -1 : 0;
}

int ferry_pack_state_parse(ferry_pack_state *out, const char *text)
{
	int i = find_name(pack_state_names, COUNT(pack_state_names), text);

	if (i >= 0)
		*out = (ferry_pack_state)i;
	return i < 0 ? -1 : 0;
}
