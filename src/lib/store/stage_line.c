/*
 * stage_line.c - an item line's columns, read once (stage_line.h).
 */
#include "stage_line.h"

#include <string.h>

/* The members a line's columns come from, in one walk (sj_members). */
enum { M_T, M_ENTITY, M_SYS_ID, M_KEY, M_NAME, M_ACTION, M_VERSION, M_BASE,
	M_POLICY, M_VENDOR, M_PAYLOAD, M_OLD, M_SEAL, M_COUNT };
static const char *const member_names[M_COUNT] = { "t", "entity", "sys_id",
	"key", "name", "action", "version", "base", "policy", "vendor",
	"payload", "old", "seal" };

/* Column c from a JSON value as ->> gives it. */
static void set_text(ferry_stage_line *sl, int c, sj_value v)
{
	sl->null[c] = !sj_text(&sl->col[c], v);
}

/* Whether needle's bytes occur in hay (SQLite's instr() > 0). */
static int contains(const ferry_str *hay, const ferry_str *needle)
{
	const char *p = hay->ptr, *end = hay->ptr + hay->size;

	if (needle->size == 0)
		return 1;
	while (p && (size_t)(end - p) >= needle->size) {
		if (!memcmp(p, needle->ptr, needle->size))
			return 1;
		p = memchr(p + 1, needle->ptr[0], (size_t)(end - p - 1));
	}
	return 0;
}

/*
 * payload and old without the library's spans: the value as -> gives
 * it (without white space) when those bytes are in the line, else with
 * a space after its first brace, which no canonical text has, so that
 * the canonical check refuses a value not written as it reads.
 */
static void set_verbatim(ferry_stage_line *sl, int c, sj_value v)
{
	ferry_str *col = &sl->col[c];

	if (!sj_arrow(col, v)) {
		sl->null[c] = 1;
		return;
	}
	sl->null[c] = 0;
	if (ferry_str_failed(col) || contains(&sl->line, col))
		return;
	ferry_str_put(col, "  ", 2);	/* room for "{ " */
	if (ferry_str_failed(col))
		return;
	memmove(col->ptr + 2, col->ptr + 1, col->size - 3);
	col->ptr[0] = '{';
	col->ptr[1] = ' ';
	ferry_str_truncate(col, col->size - 1);
}

/* payload or old from the library's span (NULL: the line lacks it). */
static void set_span(ferry_stage_line *sl, int c, const char *p, size_t n)
{
	sl->null[c] = p == NULL;
	if (p)
		ferry_str_put(&sl->col[c], p, n);
}

/* A span of the line as the same bytes of sl's copy of it. */
static sj_value in_copy(const ferry_stage_line *sl, const ferry_import_line *l,
	const char *p, size_t n)
{
	sj_value v;

	v.p = sl->line.ptr + (p - l->line);
	v.n = n;
	v.kind = SJ_NONE;	/* sj_members() tells it */
	return v;
}

int ferry_stage_line__read(ferry_stage_line *sl, const ferry_import_line *l)
{
	sj_value m[M_COUNT], known[2];
	size_t nknown = 0;
	const char *t;
	int c, record;

	ferry_str_clear(&sl->line);
	ferry_str_put(&sl->line, l->line, l->len);
	if (ferry_str_failed(&sl->line))
		return -1;
	if (!sj_parse(sl->line.ptr, sl->line.size, &sl->root))
		return FERRY_STAGE_NOT_JSON;
	for (c = 0; c < FERRY_NCOLS; c++) {
		ferry_str_clear(&sl->col[c]);
		sl->null[c] = 1;
	}
	sl->version_from = FERRY_VERSION_WRITTEN;
	/* The library's spans: the walk need not go through them again. */
	if (l->spans && l->payload)
		known[nknown++] = in_copy(sl, l, l->payload, l->payload_len);
	if (l->spans && l->old)
		known[nknown++] = in_copy(sl, l, l->old, l->old_len);
	sj_members(sl->root, member_names, M_COUNT, m, known, nknown);
	set_text(sl, FERRY_COL_T, m[M_T]);
	t = FERRY_STAGED(sl, FERRY_COL_T);
	record = t && !strcmp(t, "record");
	sl->absent = (m[record ? M_KEY : M_NAME].kind == SJ_NONE ?
		1u << FERRY_COL_RKEY : 0) | (m[M_VERSION].kind == SJ_NONE ?
		1u << FERRY_COL_VERSION : 0) | (m[M_VENDOR].kind == SJ_NONE ?
		1u << FERRY_COL_VENDOR : 0);
	set_text(sl, FERRY_COL_ENTITY, m[M_ENTITY]);
	set_text(sl, FERRY_COL_SYS_ID, m[M_SYS_ID]);
	set_text(sl, FERRY_COL_RKEY, m[record ? M_KEY : M_NAME]);
	set_text(sl, FERRY_COL_ACTION, m[M_ACTION]);
	set_text(sl, FERRY_COL_VERSION, m[M_VERSION]);
	set_text(sl, FERRY_COL_BASE, m[M_BASE]);
	set_text(sl, FERRY_COL_POLICY, m[M_POLICY]);
	if (m[M_VENDOR].kind == SJ_TRUE || m[M_VENDOR].kind == SJ_FALSE) {
		ferry_str_putc(&sl->col[FERRY_COL_VENDOR],
			m[M_VENDOR].kind == SJ_TRUE ? '1' : '0');
		sl->null[FERRY_COL_VENDOR] = 0;
	}
	if (l->spans) {
		set_span(sl, FERRY_COL_PAYLOAD, l->payload, l->payload_len);
		set_span(sl, FERRY_COL_OLD, l->old, l->old_len);
	} else {
		set_verbatim(sl, FERRY_COL_PAYLOAD, m[M_PAYLOAD]);
		set_verbatim(sl, FERRY_COL_OLD, m[M_OLD]);
	}
	/* An "old" of null is no old values (nullif(old, 'null')). */
	if (!sl->null[FERRY_COL_OLD] && !strcmp(ferry_str_cstr(
	    &sl->col[FERRY_COL_OLD]), "null"))
		sl->null[FERRY_COL_OLD] = 1;
	if (!record) {
		ferry_str_put(&sl->col[FERRY_COL_BODY], l->line, l->len);
		sl->null[FERRY_COL_BODY] = 0;
	}
	set_text(sl, FERRY_COL_SEAL, m[M_SEAL]);
	for (c = 0; c < FERRY_NCOLS; c++)
		if (ferry_str_failed(&sl->col[c]))
			return -1;
	return 0;
}

void ferry_stage_line__dispose(ferry_stage_line *sl)
{
	int c;

	ferry_str_dispose(&sl->line);
	for (c = 0; c < FERRY_NCOLS; c++)
		ferry_str_dispose(&sl->col[c]);
}
