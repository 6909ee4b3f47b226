/*
 * export.c - exporting a completed local pack to a .sop file (seed 000).
 *
 * Items are written in a fixed order from stored canonical text, so the
 * same pack content gives the same item bytes and the same VersionStamp,
 * whoever exports it and whenever.  The two modes differ only in the
 * protection policy written: "pack" keeps it; "application" turns
 * `changed` into `protected` for entities listed in the property
 * protected.essences and into `open` for the others.
 */
#include "keys.h"
#include "records.h"

#include "alloc.h"
#include "canonical.h"
#include "sop.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define ESSENCES_PROPERTY "protected.essences"

/* Characters the seed replaces with '_' in file names. */
static const char forbidden[] = "\\/:*?\"<>|";

int ferry_pack_file_name(ferry_buf *out, const char *pack_name,
	int64_t completed_at, const char *zone)
{
	ferry_str s = FERRY_STR_INIT;
	struct tm tm;
	char stamp[32];
	const char *p;

	FERRY_ASSERT_ARG(out);
	FERRY_ASSERT_ARG(pack_name);
	FERRY_ASSERT_ARG(zone);
	if (ferry_time_local(&tm, completed_at, zone) < 0)
		return FERRY_EINVALID;
	for (p = pack_name; *p; p++)
		ferry_str_putc(&s, strchr(forbidden, *p) ? '_' : *p);
	strftime(stamp, sizeof(stamp), "_%Y-%m-%d %H:%M:%S.sop", &tm);
	ferry_str_puts(&s, stamp);
	if (ferry_str_failed(&s)) {
		ferry_str_dispose(&s);
		return FERRY_ENOMEM;
	}
	ferry_buf_dispose(out);
	out->size = s.size;
	out->ptr = ferry_str_detach(&s);
	return out->ptr ? 0 : FERRY_ENOMEM;
}

/* 1 if entity is listed in the comma-separated list (spaces ignored). */
static int listed(const char *list, const char *entity)
{
	size_t n = strlen(entity);
	const char *p = list;

	while (*p) {
		const char *end;
		size_t len;

		while (*p == ' ' || *p == ',')
			p++;
		end = p;
		while (*end && *end != ',')
			end++;
		len = (size_t)(end - p);
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && !strncmp(p, entity, n))
			return 1;
		p = end;
	}
	return 0;
}

typedef struct {
	ferry_db *db;
	ferry_sop_writer *w;
	ferry_str line;
	ferry_str old;		/* scratch: old values of one update */
	int application;
	unsigned format;	/* of the file: FERRY_SOP_FORMAT_VERSION or 1 */
	int refuse_vendor;	/* application mode without --force */
	int64_t vendor;		/* vendor records seen */
	uint64_t written, total;	/* record items, for progress */
	ferry_str first_vendor;	/* "entity sys_id" of the first one */
	const char *essences;
	const char *pack_name;
	int64_t out_of_date;	/* items whose record changed since */
	ferry_str err;
} export_state;

static int write_item(export_state *s, const char *line, size_t len)
{
	int error;

	if ((error = ferry_sop__writer_item(s->w, line, len)) < 0)
		return ferry__error(s->db, error, "%s",
			ferry_sop__writer_errmsg(s->w));
	return 0;
}

static int write_line(export_state *s)
{
	if (ferry_str_failed(&s->line))
		return ferry__oom(s->db);
	return write_item(s, s->line.ptr, s->line.size);
}

static int schema_item(const char *entity, void *payload)
{
	export_state *s = payload;
	ferry_str def = FERRY_STR_INIT;
	int error;

	/* System entities have no declared schema: every instance has
	 * theirs.  (ServiceNow's sys_script_include is a user entity.) */
	if (ferry__is_system_entity(entity))
		return 0;
	if ((error = ferry__entity_doc(s->db, entity, &def)) < 0) {
		ferry_str_dispose(&def);
		if (error == FERRY_ENOTFOUND)
			return ferry__error(s->db, FERRY_ECONFLICT, "the pack "
				"holds %s records but the entity no longer "
				"exists; reopen the pack and remove them",
				entity);
		return error;
	}
	ferry_str_clear(&s->line);
	ferry_str_puts(&s->line, "{\"t\":\"schema\",\"entity\":");
	ferry_str_puts_json(&s->line, entity);
	ferry_str_puts(&s->line, ",\"definition\":");
	ferry_str_put(&s->line, def.ptr, def.size);
	ferry_str_putc(&s->line, '}');
	ferry_str_dispose(&def);
	return write_line(s);
}

/* The policy written for a record in this export mode. */
static const char *export_policy(const export_state *s,
	const ferry_export_row *r)
{
	ferry_policy p;

	if (!s->application || ferry_policy_parse(&p, r->policy) < 0 ||
	    p != FERRY_POLICY_CHANGED)
		return r->policy;
	return ferry_policy_name(listed(s->essences, r->entity) ?
		FERRY_POLICY_PROTECTED : FERRY_POLICY_OPEN);
}

/*
 * A record item's line.  Format 2 (docs/format.md 5.2) leaves out the
 * members of format 1 that a reader can tell without them: the version
 * hash, which the importer computes from the content (and the seal
 * still covers), a key equal to the sys_id, and a null base, a false
 * vendor flag and null old values.  A sixth of a line's bytes, each
 * hashed and compressed by export and read again by load
 * (docs/performance.md).
 */
static void record_line(export_state *s, const ferry_export_row *r)
{
	ferry_str *l = &s->line;
	const char *policy = export_policy(s, r);
	int all = s->format == 1, old = r->old || r->base_payload;
	char seal[FERRY_HASH_HEX];

	ferry_str_clear(l);
	ferry_str_puts(l, "{\"t\":\"record\",\"entity\":");
	ferry_str_puts_json(l, r->entity);
	ferry_str_puts(l, ",\"sys_id\":");
	ferry_str_puts_json(l, r->sys_id);
	if (all || strcmp(r->rkey, r->sys_id) != 0) {
		ferry_str_puts(l, ",\"key\":");
		ferry_str_puts_json(l, r->rkey);
	}
	ferry_str_puts(l, ",\"action\":");
	ferry_str_puts_json(l, r->action);
	if (all) {
		ferry_str_puts(l, ",\"version\":");
		ferry_str_puts_json(l, r->version);
	}
	if (all || r->base) {
		ferry_str_puts(l, ",\"base\":");
		if (r->base)
			ferry_str_puts_json(l, r->base);
		else
			ferry_str_puts(l, "null");
	}
	ferry_str_puts(l, ",\"policy\":");
	ferry_str_puts_json(l, policy);
	if (all || r->vendor)
		ferry_str_puts(l, r->vendor ? ",\"vendor\":true" :
			",\"vendor\":false");
	ferry__item_seal(seal, r->version, policy, r->vendor);
	ferry_str_puts(l, ",\"seal\":\"");
	ferry_str_put(l, seal, FERRY_HASH_HEX - 1);
	ferry_str_puts(l, "\",\"payload\":");
	ferry_str_put(l, r->payload, r->payload_len);
	if (all || old) {
		ferry_str_puts(l, ",\"old\":");
		if (old)
			ferry_str_put(l, s->old.ptr, s->old.size);
		else
			ferry_str_puts(l, "null");
	}
	ferry_str_putc(l, '}');
}

/* A record item's line in s->line: its old values, then record_line(). */
static int build_record_line(export_state *s, const ferry_export_row *r)
{
	/* Old values: kept by capture, or computed for an item captured
	 * before items kept them. */
	ferry_str_clear(&s->old);
	if (r->old)
		ferry_str_put(&s->old, r->old, r->old_len);
	else if (r->base_payload && ferry_canon__old_values(&s->old,
	    r->base_payload, r->base_payload_len, r->payload,
	    r->payload_len) < 0)
		return ferry__payload_damaged(s->db, r->entity, r->sys_id);
	record_line(s, r);
	return ferry_str_failed(&s->line) ? ferry__oom(s->db) : 0;
}

static int record_item(const ferry_export_row *r, void *payload)
{
	export_state *s = payload;
	int error;

	if (++s->written % 1000 == 0)
		ferry__progress(s->db, "exporting", s->written, s->total);
	if (r->vendor && !s->vendor++)
		ferry_str_printf(&s->first_vendor, "%s %s", r->entity,
			r->sys_id);
	if (r->vendor && s->refuse_vendor)
		return ferry__error(s->db, FERRY_ECONFLICT, "pack '%s' contains "
			"vendor records (%s %s, for one): exporting it as a new "
			"application may cause collisions while updating the "
			"system; use the plain export instead, or pass --force",
			s->pack_name, r->entity, r->sys_id);
	s->out_of_date += r->out_of_date;
	if ((error = build_record_line(s, r)) < 0)
		return error;
	return write_line(s);
}

/* A frozen pack's line, as built when it was completed. */
static int frozen_item(const ferry_frozen_line *l, void *payload)
{
	export_state *s = payload;

	if (++s->written % 1000 == 0)
		ferry__progress(s->db, "exporting", s->written, s->total);
	s->out_of_date += l->out_of_date;
	return write_item(s, l->line, l->len);
}

/*
 * The pack's items, each with a lookup of its version, as a bulk step
 * (store_ops.h): its cache keeps the upper pages of the versions' tree.
 * Only this part of an export: the rest reads each page once, where a
 * bulk cache only fills, a page fault for each page it takes
 * (docs/performance.md, "Pack export: the lines kept at completion").
 */
static int read_items(ferry_db *db, int64_t pack_id, ferry_export_cb cb,
	void *payload)
{
	int error;

	if ((error = ferry__bulk_begin(db, FERRY_BULK_WIDE)) == 0)
		error = ferry__bulk_end(db, ferry_store__export_rows(db,
			pack_id, cb, payload));
	return error;
}

/* ---- freezing a pack being completed ---------------------------------- */

/* Lines handed to the store at once, and the bytes that flush sooner. */
#define FREEZE_LINES 256
#define FREEZE_BYTES (1u << 20)

typedef struct {
	export_state s;
	ferry_str text;		/* entity NUL sys_id NUL line, a line after another */
	ferry_frozen_line lines[FREEZE_LINES];
	size_t offset[FREEZE_LINES];	/* of each line's entity in text */
	size_t n;
	int64_t pack_id, seq;
} freezer;

static int freeze_flush(freezer *f)
{
	size_t i;
	int error;

	if (ferry_str_failed(&f->text))
		return ferry__oom(f->s.db);
	/* The text is whole now: point into it. */
	for (i = 0; i < f->n; i++) {
		ferry_frozen_line *l = &f->lines[i];

		l->entity = f->text.ptr + f->offset[i];
		l->sys_id = l->entity + strlen(l->entity) + 1;
		l->line = l->sys_id + strlen(l->sys_id) + 1;
	}
	error = f->n ? ferry_store__pack_freeze_add(f->s.db, f->pack_id,
		f->lines, f->n) : 0;
	f->n = 0;
	ferry_str_clear(&f->text);
	return error;
}

static int freeze_item(const ferry_export_row *r, void *payload)
{
	freezer *f = payload;
	ferry_frozen_line *l = &f->lines[f->n];
	int error;

	if ((error = build_record_line(&f->s, r)) < 0)
		return error;
	l->seq = ++f->seq;
	l->out_of_date = r->out_of_date;
	l->len = f->s.line.size;
	f->offset[f->n++] = f->text.size;
	ferry_str_puts(&f->text, r->entity);
	ferry_str_putc(&f->text, '\0');
	ferry_str_puts(&f->text, r->sys_id);
	ferry_str_putc(&f->text, '\0');
	ferry_str_put(&f->text, f->s.line.ptr, f->s.line.size);
	ferry_str_putc(&f->text, '\0');
	if ((uint64_t)f->seq % 1000 == 0)
		ferry__progress(f->s.db, "completing", (uint64_t)f->seq,
			f->s.total);
	if (f->n == FREEZE_LINES || f->text.size >= FREEZE_BYTES)
		return freeze_flush(f);
	return 0;
}

/*
 * The lines an export in the newest format and pack mode writes, built
 * once for a pack being completed: its versions never change, so those
 * bytes will not either, and its export then scans them in file order
 * (docs/architecture.md, "Pack export").  The policy written in pack
 * mode is the version's own, so nothing here depends on the export's
 * options; other formats and the application mode read the items.
 */
int ferry__pack_freeze(ferry_db *db, int64_t pack_id)
{
	freezer *f;
	int64_t count = 0;
	int error;

	if ((f = ferry__calloc(1, sizeof(*f))) == NULL)
		return ferry__oom(db);
	f->s.db = db;
	f->s.format = FERRY_SOP_FORMAT_VERSION;
	f->pack_id = pack_id;
	ferry_str_init(&f->s.line, FERRY_SOP_LINE_MAX);
	if ((error = ferry_store__pack_count(db, pack_id, &count)) == 0) {
		f->s.total = (uint64_t)count;
		error = read_items(db, pack_id, freeze_item, f);
	}
	if (error == 0)
		error = freeze_flush(f);
	if (error == 0)
		error = ferry_store__pack_freeze_end(db, pack_id,
			FERRY_SOP_FORMAT_VERSION);
	ferry_str_dispose(&f->s.line);
	ferry_str_dispose(&f->s.old);
	ferry_str_dispose(&f->text);
	ferry__free(f);
	return error;
}

static int definition_item(const char *line, size_t len, void *payload)
{
	return write_item(payload, line, len);
}

int ferry__package_origin(ferry_db *db, ferry_str *h)
{
	ferry_str id = FERRY_STR_INIT, name = FERRY_STR_INIT;
	char now[FERRY_ISO_LEN];
	int error;

	if ((error = ferry_store__instance(db, &id, &name)) < 0)
		goto done;
	ferry__now_iso(db, now);
	ferry_str_puts(h, ",\"source\":{\"id\":");
	ferry_str_puts_json(h, id.ptr);
	ferry_str_puts(h, ",\"name\":");
	ferry_str_puts_json(h, name.ptr);
	ferry_str_puts(h, "},\"exported_by\":");
	ferry_str_puts_json(h, db->user);
	ferry_str_puts(h, ",\"exported_at\":");
	ferry_str_puts_json(h, now);
	ferry_str_putc(h, '}');
	if (ferry_str_failed(h))
		error = ferry__oom(db);
done:
	ferry_str_dispose(&id);
	ferry_str_dispose(&name);
	return error;
}

static int build_header(ferry_db *db, ferry_str *h, const ferry_pack_row *p,
	int application)
{
	ferry_str description = FERRY_STR_INIT;
	int error;

	/* Whole: a description is never cut (it could end inside a UTF-8
	 * character in the file's header). */
	if ((error = ferry_store__pack_description(db, p->id,
	    &description)) < 0) {
		ferry_str_dispose(&description);
		return error;
	}
	ferry_str_puts(h, "{\"kind\":\"local_pack\",\"mode\":");
	ferry_str_puts(h, application ? "\"application\"" : "\"pack\"");
	ferry_str_puts(h, ",\"pack\":{\"id\":");
	ferry_str_puts_json(h, p->uid);
	ferry_str_puts(h, ",\"name\":");
	ferry_str_puts_json(h, p->name);
	ferry_str_puts(h, ",\"description\":");
	ferry_str_puts_json(h, ferry_str_cstr(&description));
	ferry_str_dispose(&description);
	ferry_str_puts(h, ",\"completed_at\":");
	ferry_str_puts_json(h, p->completed_at);
	ferry_str_putc(h, '}');
	return ferry__package_origin(db, h);
}

/* Where the file goes: --output, or the automatic name in --dir. */
static int target_path(ferry_db *db, ferry_str *path,
	const ferry_pack_row *p, const ferry_export_options *o)
{
	ferry_buf name = FERRY_BUF_INIT;
	int64_t completed;
	struct stat sb;
	const char *dir = o->dir ? o->dir : ".";
	int error;

	if (o->output) {
		ferry_str_puts(path, o->output);
		goto done;
	}
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return ferry__error(db, FERRY_ENOTFOUND, "no folder %s; create "
			"it first", dir);
	if (ferry_time_parse_iso(&completed, p->completed_at) < 0)
		return ferry__error(db, FERRY_EFORMAT, "pack '%s' has an "
			"unreadable completion time '%s'", p->name,
			p->completed_at);
	if ((error = ferry_pack_file_name(&name, p->name, completed,
	    db->user_tz)) < 0)
		return error == FERRY_ENOMEM ? ferry__oom(db) :
			ferry__error(db, error, "cannot show the "
			"completion time in time zone '%s'; fix it with 'ferry "
			"user set %s --tz ZONE'", db->user_tz, db->user);
	ferry_str_printf(path, "%s/%s", dir, name.ptr);
	ferry_buf_dispose(&name);
done:
	if (ferry_str_failed(path))
		return ferry__oom(db);
	return 0;
}

int ferry_pack_export(ferry_buf *out, ferry_db *db, const char *name,
	const ferry_export_options *opts)
{
	ferry_export_options defaults = FERRY_EXPORT_OPTIONS_INIT;
	ferry_sop_write_options wo = FERRY_SOP_WRITE_OPTIONS_INIT;
	export_state s;
	ferry_pack_row p;
	ferry_str header = FERRY_STR_INIT, path = FERRY_STR_INIT,
		essences = FERRY_STR_INIT, doc = FERRY_STR_INIT;
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	char stamp[FERRY_HASH_HEX], now[FERRY_ISO_LEN];
	int64_t count = 0;
	int error, sign, recorded = 1, comma = 0;

	FERRY_CHECK_DB(db);
	memset(&s, 0, sizeof(s));
	if (!opts)
		opts = &defaults;
	sign = opts->version >= 2 && opts->sign;
	s.db = db;
	s.application = opts->as_application;
	s.format = opts->version >= 3 && opts->format ? opts->format :
		FERRY_SOP_FORMAT_VERSION;
	if (s.format > FERRY_SOP_FORMAT_VERSION)
		return ferry__error(db, FERRY_EINVALID, "ferry writes .sop "
			"formats 1 to %d, not %u: leave the format out for the "
			"newest, or ask for 1 for a target whose ferry reads "
			"only format 1", FERRY_SOP_FORMAT_VERSION, s.format);
	ferry_str_init(&s.line, FERRY_SOP_LINE_MAX);
	/* One transaction: the export reads one consistent state. */
	if ((error = ferry_store__begin_read(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0)
		goto done;
	error = ferry_store__pack_get(db, name ? name : "", &p);
	if (error == FERRY_ENOTFOUND)
		error = ferry__error(db, error, "no pack named '%s'; see "
			"'ferry pack list'", name ? name : "");
	if (error < 0)
		goto done;
	if (p.state != FERRY_PACK_COMPLETED) {
		error = ferry__error(db, FERRY_ESTATE, "pack '%s' is %s; only "
			"a completed pack is exported: run 'ferry pack complete "
			"%s' first", p.name, ferry_pack_state_name(p.state),
			p.name);
		goto done;
	}
	s.pack_name = p.name;
	s.refuse_vendor = s.application && !opts->force;
	if ((error = ferry_store__pack_count(db, p.id, &count)) < 0)
		goto done;
	s.total = (uint64_t)count;
	error = ferry_store__property_get(db, ESSENCES_PROPERTY, &essences);
	if (error < 0 && error != FERRY_ENOTFOUND)
		goto done;
	s.essences = ferry_str_cstr(&essences);
	if ((error = build_header(db, &header, &p, s.application)) < 0 ||
	    (error = target_path(db, &path, &p, opts)) < 0)
		goto done;
	wo.compress = !opts->uncompressed;
	wo.format = s.format;
	wo.overwrite = opts->overwrite;
	if (sign && (error = ferry__key_secret(db, sk)) < 0)
		goto done;
	wo.secret_key = sign ? sk : NULL;
	if ((error = ferry_sop__writer_open(&s.w, path.ptr, header.ptr, &wo,
	    &s.err)) < 0) {
		error = ferry__error(db, error, "%s", ferry_str_cstr(&s.err));
		goto done;
	}
	if ((error = ferry_store__pack_entities(db, p.id, schema_item,
	    &s)) < 0)
		goto done;
	/* The lines kept at completion when they are the ones this export
	 * writes; else the items, each line built now. */
	error = s.application ? FERRY_ENOTFOUND : ferry_store__export_frozen(
		db, p.id, s.format, frozen_item, &s);
	if (error == FERRY_ENOTFOUND)
		error = read_items(db, p.id, record_item, &s);
	if (error < 0 || (error = ferry_store__definition_items(db, p.id,
	    definition_item, &s)) < 0)
		goto done;
	if ((error = ferry_sop__writer_finish(s.w, stamp, &s.err)) < 0) {
		error = ferry__error(db, error, "%s", ferry_str_cstr(&s.err));
		goto done;
	}
	ferry__progress(db, "exporting", s.total, s.total);
	ferry__now_iso(db, now);
	if (!p.exported_at[0] && (error = ferry_store__pack_exported(db,
	    p.id, now, &recorded)) < 0)
		goto done;
	ferry_str_puts(&doc, "{\"path\":");
	ferry_str_puts_json(&doc, path.ptr);
	ferry_str_printf(&doc, ",\"stamp\":\"%s\",\"items\":%llu,\"mode\":%s,"
		"\"out_of_date\":%lld,\"signature\":", stamp,
		(unsigned long long)ferry_sop__writer_items(s.w),
		s.application ? "\"application\"" : "\"pack\"",
		(long long)s.out_of_date);
	ferry__signer_json(&doc, sign ? sk : NULL);
	ferry_str_puts(&doc, ",\"warnings\":[");
	if (!recorded) {
		ferry_str warn = FERRY_STR_INIT;

		ferry_str_printf(&warn, "the instance could not note that pack "
			"'%s' was exported (it is busy or read-only): 'ferry "
			"pack delete' treats it as never exported until it is "
			"exported again", p.name);
		ferry_str_puts_json(&doc, ferry_str_cstr(&warn));
		ferry_str_dispose(&warn);
		comma = 1;
	}
	if (s.out_of_date > 0) {
		ferry_str warn = FERRY_STR_INIT;

		ferry_str_printf(&warn, "%lld item(s) of pack '%s' are out of "
			"date: their records changed after they were captured; "
			"reopen the pack and add them again to ship the newest "
			"versions", (long long)s.out_of_date, p.name);
		if (comma)
			ferry_str_putc(&doc, ',');
		ferry_str_puts_json(&doc, ferry_str_cstr(&warn));
		ferry_str_dispose(&warn);
		comma = 1;
	}
	if (s.application && s.vendor) {
		/* Seed 000: --force exports, and the warning stays. */
		ferry_str warn = FERRY_STR_INIT;

		ferry_str_printf(&warn, "pack '%s' holds %lld vendor "
			"record(s) (%s, for one), exported as a new "
			"application because of --force: use this option "
			"cautiously, it may cause collisions while updating the "
			"system; the plain export is recommended", p.name,
			(long long)s.vendor, ferry_str_cstr(&s.first_vendor));
		if (comma)
			ferry_str_putc(&doc, ',');
		ferry_str_puts_json(&doc, ferry_str_cstr(&warn));
		ferry_str_dispose(&warn);
	}
	ferry_str_puts(&doc, "]}");
	error = ferry__buf_take(db, out, &doc);
done:
	sodium_memzero(sk, sizeof(sk));
	ferry_sop__writer_free(s.w);
	ferry_str_dispose(&s.line);
	ferry_str_dispose(&s.old);
	ferry_str_dispose(&s.first_vendor);
	ferry_str_dispose(&s.err);
	ferry_str_dispose(&header);
	ferry_str_dispose(&path);
	ferry_str_dispose(&essences);
	ferry_str_dispose(&doc);
	return ferry_store__end(db, error);
}

