/*
 * gen.c - ferry-bench-gen: the benchmark's data set, reproducible from a
 * seed.
 *
 *   ferry-bench-gen --seed S --records N [--entities E] --out DIR
 *
 * writes into DIR:
 *
 *   schema.sh       the catalog as ferry commands ("$FERRY" entity create,
 *                   field add, and a few form templates); run it with
 *                   FERRY=<ferry binary> and FERRY_DB=<instance>
 *   load/EE.jsonl   the N records, one JSON Lines file per entity, each
 *                   line with an explicit sys_id: `ferry record load`
 *   update/EE.jsonl every record again with `status` and `rev` changed:
 *                   the source's second pack
 *   local/EE.jsonl  10% of the records changed in the target: half change
 *                   `note` (the package never does: a clean merge), half
 *                   change `status` (the package does: a conflict)
 *   manifest.json   what was written: entity names, files, counts, bytes
 *
 * Entities are loaded in order: entity e > 0 has a `parent` field that
 * refers to records of an earlier entity, so references always point to
 * records that exist by then.  Every value comes from a xoshiro256** stream
 * seeded by (seed, entity, record), and every sys_id from a hash of the
 * same, so any file can be rewritten alone and the same seed gives the
 * same bytes.  Texts carry what a JSON writer must escape: quotes,
 * backslashes, newlines, tabs and UTF-8 from two to four bytes; a quarter
 * of the records spell their non-ASCII characters as \u escapes (with
 * surrogate pairs) so that readers decode both forms.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ENTITIES 500
#define LOCAL_EVERY 10		/* one record in LOCAL_EVERY changes locally */

typedef struct {
	uint64_t s[4];
} rng;

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* One stream per (seed, a, b): the same record always gets the same
 * values, whatever else is generated. */
static void rng_seed(rng *r, uint64_t seed, uint64_t a, uint64_t b)
{
	uint64_t x = seed ^ (a * UINT64_C(0xd1b54a32d192ed03)) ^
		(b * UINT64_C(0x8cb92ba72f3d8dd7));
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix(&x);
}

static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

static uint32_t below(rng *r, uint32_t n)
{
	return (uint32_t)((rng_next(r) >> 32) * n >> 32);
}

/* The sys_id of record `index` of entity `e`: a version-4 UUID. */
static void uuid_of(char out[37], uint64_t seed, unsigned e, uint64_t index)
{
	rng r;
	unsigned char b[16];
	uint64_t hi, lo;
	int i;

	rng_seed(&r, seed ^ UINT64_C(0x5555aaaa5555aaaa), e + 1, index);
	hi = rng_next(&r);
	lo = rng_next(&r);
	for (i = 0; i < 8; i++) {
		b[i] = (unsigned char)(hi >> (56 - 8 * i));
		b[8 + i] = (unsigned char)(lo >> (56 - 8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		"%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
		b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		b[15]);
}

/* A growing text buffer; the generator exits on allocation failure. */
typedef struct {
	char *p;
	size_t len, cap;
} sbuf;

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("ferry-bench-gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void sb_put(sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL)
			die("out of memory");
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		die("internal: formatted text too long");
	sb_put(b, tmp, (size_t)n);
}

/* Decode one UTF-8 character (the generator's own, so always valid). */
static uint32_t utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c;

	if (p[0] < 0x80) {
		c = p[0];
		*s += 1;
	} else if (p[0] < 0xe0) {
		c = ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
		*s += 2;
	} else if (p[0] < 0xf0) {
		c = ((uint32_t)(p[0] & 0x0f) << 12) |
			((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
		*s += 3;
	} else {
		c = ((uint32_t)(p[0] & 0x07) << 18) |
			((uint32_t)(p[1] & 0x3f) << 12) |
			((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
		*s += 4;
	}
	return c;
}

/* A JSON string; `ascii` spells non-ASCII characters as \u escapes. */
static void json_str(sbuf *b, const char *s, int ascii)
{
	const unsigned char *p = (const unsigned char *)s;

	sb_put(b, "\"", 1);
	while (*p) {
		uint32_t c;

		if (*p == '"' || *p == '\\') {
			sb_put(b, "\\", 1);
			sb_put(b, (const char *)p++, 1);
		} else if (*p == '\n') {
			sb_put(b, "\\n", 2);
			p++;
		} else if (*p == '\t') {
			sb_put(b, "\\t", 2);
			p++;
		} else if (*p == '\r') {
			sb_put(b, "\\r", 2);
			p++;
		} else if (*p < 0x20) {
			sb_printf(b, "\\u%04x", *p++);
		} else if (*p < 0x80 || !ascii) {
			sb_put(b, (const char *)p++, 1);
		} else if ((c = utf8_next(&p)) >= 0x10000) {
			c -= 0x10000;
			sb_printf(b, "\\u%04x\\u%04x", 0xd800 + (c >> 10),
				0xdc00 + (c & 0x3ff));
		} else {
			sb_printf(b, "\\u%04x", c);
		}
	}
	sb_put(b, "\"", 1);
}

/* A shell word in single quotes. */
static void sh_word(sbuf *b, const char *s)
{
	sb_put(b, "'", 1);
	for (; *s; s++) {
		if (*s == '\'')
			sb_puts(b, "'\\''");
		else
			sb_put(b, s, 1);
	}
	sb_put(b, "'", 1);
}

static const char *const words[] = {
	"alpha", "bravo", "invoice", "ledger", "customer", "order", "supply",
	"route", "device", "policy", "region", "branch", "tariff", "report",
	"café", "naïve", "Zürich", "São Paulo", "Øresund", "façade",
	"Ærø", "Москва", "данные", "привет",
	"東京", "数据", "配置", "ソウル",
	"🚀", "✓", "€100", "😀", "Δelta", "שלום",
	"\"quoted\"", "back\\slash", "C:\\temp\\x", "it's", "a/b", "<tag>",
	"50%", "tab\there", "{brace}", "[1,2]", "a&b", "x=y;", "`tick`",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static const char *const nouns[] = {
	"account", "asset", "case", "contract", "device", "employee",
	"facility", "incident", "invoice", "location", "order", "product",
	"project", "request", "service", "site", "supplier", "task", "team",
	"vendor",
};
#define NNOUNS (sizeof(nouns) / sizeof(nouns[0]))

static const char *const statuses[] = {
	"new", "open", "in review", "approved «ok»", "on hold", "closed",
};

static void words_into(sbuf *b, rng *r, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (i)
			sb_put(b, " ", 1);
		sb_puts(b, words[below(r, NWORDS)]);
	}
}

static void description(sbuf *b, rng *r)
{
	unsigned s, n = 2 + below(r, 2);

	for (s = 0; s < n; s++) {
		if (s)
			sb_puts(b, below(r, 3) == 0 ? ".\n\n" : ".\n");
		if (below(r, 4) == 0)
			sb_put(b, "\t", 1);
		words_into(b, r, 3 + below(r, 4));
	}
	sb_put(b, ".", 1);
}

static void script(sbuf *b, rng *r, const char *field)
{
	static const char *const calls[] = {
		"gs.log", "current.setValue", "gs.addInfoMessage",
		"answer.push",
	};

	sb_printf(b, "function f%u(r) {\n"
		"\tvar m = \"v: \\\"\" + r.%s + \"\\\"\";\n"
		"\tif (r.p.indexOf('C:\\\\t%u') >= 0) %s(m + '\\n');\n}",
		below(r, 1000), field, below(r, 100), calls[below(r, 4)]);
}

typedef struct {
	char name[64];
	unsigned parent;	/* entity parent refers to; e itself for none */
	uint64_t records;
	uint64_t clean, conflict;
	uint64_t bytes;		/* of its load file */
} entity;

static void entity_name(char *out, size_t n, unsigned e)
{
	snprintf(out, n, "b%02u_%s", e + 1, nouns[e % NNOUNS]);
}

static FILE *open_out(const char *dir, const char *sub, unsigned e)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%02u.jsonl", dir, sub, e + 1);
	if ((f = fopen(path, "w")) == NULL)
		die("cannot write %s: %s", path, strerror(errno));
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static void write_line(FILE *f, sbuf *b, const char *path)
{
	sb_put(b, "\n", 1);
	if (fwrite(b->p, 1, b->len, f) != b->len)
		die("cannot write %s: %s", path, strerror(errno));
	b->len = 0;
}

/* One record: its load line, its update line, maybe its local line. */
static void gen_record(sbuf *b, FILE *load, FILE *update, FILE *local,
	entity *ents, unsigned e, uint64_t j, uint64_t seed)
{
	entity *en = &ents[e];
	char id[37], ref[37];
	sbuf text = { NULL, 0, 0 };
	rng r;
	int ascii;

	rng_seed(&r, seed, e + 1, j);
	ascii = below(&r, 4) == 0;
	uuid_of(id, seed, e, j);

	sb_puts(b, "{\"sys_id\":\"");
	sb_puts(b, id);
	sb_puts(b, "\",\"name\":");
	words_into(&text, &r, 2 + below(&r, 3));
	sb_printf(&text, " #%" PRIu64, j);
	json_str(b, text.p, ascii);
	text.len = 0;
	sb_printf(b, ",\"code\":\"%c%c-%06u\"", 'A' + below(&r, 26),
		'A' + below(&r, 26), below(&r, 1000000));
	sb_puts(b, ",\"description\":");
	description(&text, &r);
	json_str(b, text.p, ascii);
	text.len = 0;
	sb_puts(b, ",\"script\":");
	script(&text, &r, nouns[below(&r, NNOUNS)]);
	json_str(b, text.p, ascii);
	text.len = 0;
	sb_printf(b, ",\"amount\":\"%u.%02u\",\"qty\":%u,\"active\":%s",
		below(&r, 1000000), below(&r, 100), below(&r, 10000),
		below(&r, 2) ? "true" : "false");
	sb_printf(b, ",\"due\":\"20%02u-%02u-%02u\"", 20 + below(&r, 10),
		1 + below(&r, 12), 1 + below(&r, 28));
	sb_printf(b, ",\"seen\":\"2023-%02u-%02uT%02u:%02u:%02uZ\"",
		1 + below(&r, 12), 1 + below(&r, 28), below(&r, 24),
		below(&r, 60), below(&r, 60));
	sb_puts(b, ",\"status\":");
	json_str(b, statuses[below(&r, 6)], ascii);
	sb_puts(b, ",\"rev\":1,\"attrs\":{\"k\":");
	json_str(b, words[below(&r, NWORDS)], ascii);
	sb_printf(b, ",\"n\":%u,\"tags\":[", below(&r, 100));
	json_str(b, words[below(&r, NWORDS)], ascii);
	sb_put(b, ",", 1);
	json_str(b, words[below(&r, NWORDS)], ascii);
	sb_puts(b, "]}");
	if (en->parent != e && ents[en->parent].records > 0 &&
	    below(&r, 10) != 0) {
		uuid_of(ref, seed, en->parent,
			below(&r, (uint32_t)ents[en->parent].records));
		sb_printf(b, ",\"parent\":\"%s\"", ref);
	}
	sb_puts(b, "}");
	en->bytes += b->len + 1;
	write_line(load, b, "load file");

	/* The source's second pack changes status and rev of every record. */
	sb_printf(b, "{\"sys_id\":\"%s\",\"status\":", id);
	sb_printf(&text, "v2: \"%s\" → %s", statuses[below(&r, 6)],
		words[below(&r, NWORDS)]);
	json_str(b, text.p, ascii);
	text.len = 0;
	sb_puts(b, ",\"rev\":2}");
	write_line(update, b, "update file");

	if (j % LOCAL_EVERY == LOCAL_EVERY - 3) {
		if ((j / LOCAL_EVERY) % 2 == 0) {
			sb_printf(b, "{\"sys_id\":\"%s\",\"note\":", id);
			sb_printf(&text, "checked locally\\%u — ok",
				below(&r, 1000));
			en->clean++;
		} else {
			sb_printf(b, "{\"sys_id\":\"%s\",\"status\":", id);
			sb_printf(&text, "local: 'held' #%u",
				below(&r, 1000));
			en->conflict++;
		}
		json_str(b, text.p, ascii);
		text.len = 0;
		sb_puts(b, "}");
		write_line(local, b, "local file");
	}
	free(text.p);
}

static void write_schema(const char *dir, entity *ents, unsigned n,
	uint64_t seed, uint64_t records)
{
	static const struct {
		const char *name, *type, *display;
	} fields[] = {
		{ "name", "nvarchar(120)", "Name" },
		{ "code", "nvarchar(24)", "Code" },
		{ "description", "text", "Description" },
		{ "script", "text", "Script \"on change\"" },
		{ "amount", "decimal(12,2)", "Amount (€)" },
		{ "qty", "int", "Quantity" },
		{ "active", "bool", "Active?" },
		{ "due", "date", "Due date" },
		{ "seen", "datetime", "Last seen" },
		{ "status", "nvarchar(80)", "Status" },
		{ "rev", "int", "Revision" },
		{ "note", "nvarchar(200)", "Local note" },
		{ "attrs", "json", "Attributes" },
	};
	char path[4096], parent[64];
	sbuf b = { NULL, 0, 0 };
	FILE *f;
	unsigned e;
	size_t i;

	sb_printf(&b, "#!/bin/sh\n# The benchmark catalog: ferry-bench-gen "
		"--seed %" PRIu64 " --records %" PRIu64 " --entities %u.\n"
		"# Run with FERRY=<ferry binary> and FERRY_DB=<instance>.\n"
		"set -e\n", seed, records, n);
	for (e = 0; e < n; e++) {
		sb_puts(&b, "\"$FERRY\" entity create ");
		sb_puts(&b, ents[e].name);
		sb_puts(&b, " --display ");
		{
			char disp[128];

			snprintf(disp, sizeof(disp), "%s «%02u» — l'été",
				nouns[e % NNOUNS], e + 1);
			sh_word(&b, disp);
		}
		sb_puts(&b, " --description ");
		sh_word(&b, "Benchmark entity: \"records\" with\nescapes \\ "
			"and ünïcödé; it's generated.");
		sb_puts(&b, " >/dev/null\n");
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			sb_printf(&b, "\"$FERRY\" field add %s %s '%s' "
				"--display ", ents[e].name, fields[i].name,
				fields[i].type);
			sh_word(&b, fields[i].display);
			sb_puts(&b, " >/dev/null\n");
		}
		if (ents[e].parent != e) {
			entity_name(parent, sizeof(parent), ents[e].parent);
			sb_printf(&b, "\"$FERRY\" field add %s parent "
				"'ref(%s)' --display 'Parent' >/dev/null\n",
				ents[e].name, parent);
		}
		if (e < 5) {
			sb_printf(&b, "\"$FERRY\" record put sys_form_template "
				"'{\"entity\":\"%s\",\"name\":\"%s form\","
				"\"definition\":{\"layout\":[\"name\",\"code\","
				"\"status\"],\"title\":\"Edit \\\"%s\\\" — "
				"ok\"}}' >/dev/null\n", ents[e].name,
				ents[e].name, nouns[e % NNOUNS]);
		}
	}
	snprintf(path, sizeof(path), "%s/schema.sh", dir);
	if ((f = fopen(path, "w")) == NULL ||
	    fwrite(b.p, 1, b.len, f) != b.len || fclose(f) != 0)
		die("cannot write %s: %s", path, strerror(errno));
	free(b.p);
}

static void write_manifest(const char *dir, entity *ents, unsigned n,
	uint64_t seed, uint64_t records)
{
	char path[4096];
	uint64_t bytes = 0, clean = 0, conflict = 0;
	FILE *f;
	unsigned e;

	for (e = 0; e < n; e++) {
		bytes += ents[e].bytes;
		clean += ents[e].clean;
		conflict += ents[e].conflict;
	}
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	if ((f = fopen(path, "w")) == NULL)
		die("cannot write %s: %s", path, strerror(errno));
	fprintf(f, "{\"seed\":%" PRIu64 ",\"records\":%" PRIu64
		",\"bytes\":%" PRIu64 ",\"local_clean\":%" PRIu64
		",\"local_conflict\":%" PRIu64 ",\"schema\":\"schema.sh\","
		"\"entities\":[\n", seed, records, bytes, clean, conflict);
	for (e = 0; e < n; e++)
		fprintf(f, "{\"name\":\"%s\",\"records\":%" PRIu64
			",\"bytes\":%" PRIu64 ",\"local\":%" PRIu64
			",\"load\":\"load/%02u.jsonl\","
			"\"update\":\"update/%02u.jsonl\","
			"\"changes\":\"local/%02u.jsonl\"}%s\n", ents[e].name,
			ents[e].records, ents[e].bytes,
			ents[e].clean + ents[e].conflict, e + 1, e + 1, e + 1,
			e + 1 < n ? "," : "");
	fputs("]}\n", f);
	if (fclose(f) != 0)
		die("cannot write %s: %s", path, strerror(errno));
}

static void make_dir(const char *dir, const char *sub)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s%s%s", dir, sub ? "/" : "",
		sub ? sub : "");
	if (mkdir(path, 0777) < 0 && errno != EEXIST)
		die("cannot create %s: %s", path, strerror(errno));
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end)
		die("%s takes a number; got '%s'", what, s);
	return v;
}

static void usage(void)
{
	fputs("usage: ferry-bench-gen --seed S --records N [--entities E] "
		"--out DIR\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static entity ents[MAX_ENTITIES];
	uint64_t seed = 42, records = 0, j;
	unsigned n = 50, e;
	const char *out = NULL;
	sbuf b = { NULL, 0, 0 };
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = parse_u64(argv[++i], "--seed");
		else if (!strcmp(argv[i], "--records") && i + 1 < argc)
			records = parse_u64(argv[++i], "--records");
		else if (!strcmp(argv[i], "--entities") && i + 1 < argc)
			n = (unsigned)parse_u64(argv[++i], "--entities");
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else
			usage();
	}
	if (!out || records == 0 || n == 0)
		usage();
	if (n > MAX_ENTITIES)
		die("--entities takes at most %d", MAX_ENTITIES);
	make_dir(out, NULL);
	make_dir(out, "load");
	make_dir(out, "update");
	make_dir(out, "local");

	for (e = 0; e < n; e++) {
		rng r;

		entity_name(ents[e].name, sizeof(ents[e].name), e);
		ents[e].records = records / n + (e < records % n);
		rng_seed(&r, seed, 0, e);
		/* Entity 0 refers to nothing; the others to an earlier one. */
		ents[e].parent = e == 0 ? 0 : below(&r, e);
	}
	write_schema(out, ents, n, seed, records);
	for (e = 0; e < n; e++) {
		FILE *load = open_out(out, "load", e);
		FILE *update = open_out(out, "update", e);
		FILE *local = open_out(out, "local", e);

		for (j = 0; j < ents[e].records; j++)
			gen_record(&b, load, update, local, ents, e, j, seed);
		if (fclose(load) != 0 || fclose(update) != 0 ||
		    fclose(local) != 0)
			die("cannot write the files of %s: %s", ents[e].name,
				strerror(errno));
	}
	write_manifest(out, ents, n, seed, records);
	free(b.p);
	return 0;
}
