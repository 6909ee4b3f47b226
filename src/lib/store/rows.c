/*
 * rows.c - setting up and freeing the row structs of store.h, which are
 * the same whichever backend fills them, and the words in them that both
 * backends judge.
 */
#include "store.h"

#include "alloc.h"

#include <string.h>

void ferry_version_ref_dispose(ferry_version_ref *v)
{
	ferry_str_dispose(&v->hash);
	ferry_str_dispose(&v->action);
	ferry_str_dispose(&v->payload);
	v->id = 0;
}

void ferry_store__definition_row_init(ferry_definition_row *row)
{
	memset(row, 0, sizeof(*row));
	ferry_str_init(&row->signature, 0);
	ferry_str_init(&row->outputs, 0);
	ferry_str_init(&row->body, 0);
	ferry_str_init(&row->parent, 0);
	ferry_str_init(&row->master, 0);
}

void ferry_store__definition_row_dispose(ferry_definition_row *row)
{
	if (!row)
		return;
	ferry_str_dispose(&row->signature);
	ferry_str_dispose(&row->outputs);
	ferry_str_dispose(&row->body);
	ferry_str_dispose(&row->parent);
	ferry_str_dispose(&row->master);
}

void ferry_import_item_dispose(ferry_import_item *it)
{
	char **strs[] = { &it->t, &it->entity, &it->sys_id, &it->rkey,
		&it->action, &it->version, &it->base, &it->policy,
		&it->payload, &it->old, &it->body, &it->target_id,
		&it->target_version, &it->target_policy, &it->decision,
		&it->act, &it->resolution, &it->merged };
	size_t i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		ferry__free(*strs[i]);
		*strs[i] = NULL;
	}
	it->item = 0;
	it->vendor = 0;
	it->whole = 0;
	it->body_len = 0;
}

void ferry_import_touched_dispose(ferry_import_touched *t)
{
	ferry_str_dispose(&t->parent_action);
	ferry_str_dispose(&t->parent_payload);
}
