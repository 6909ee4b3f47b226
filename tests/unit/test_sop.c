/*
 * test_sop.c - the .sop package file: writer, reader, and a corpus of
 * damaged files built here (truncated, altered, foreign, newer, hostile).
 *
 * Files with valid digests around invalid content are built by
 * build_plain(), which computes stamp and hash straight from
 * docs/format.md with libsodium; so these tests also check the writer
 * against the spec rather than against itself.
 */
#include "helpers.h"

#include "alloc.h"
#include "sop.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>
#include <zstd.h>

#define HEADER "{\"kind\":\"local_pack\",\"mode\":\"pack\"," \
	"\"pack\":{\"id\":\"1b4e28ba-2fa1-11d2-883f-0016d3cca427\"," \
	"\"name\":\"Fix VAT\",\"description\":\"\"," \
	"\"completed_at\":\"2024-05-02T12:00:00Z\"}," \
	"\"source\":{\"id\":\"6fa459ea-ee8a-3ca4-894e-db77e160355e\"," \
	"\"name\":\"dev\"},\"exported_by\":\"alice\"," \
	"\"exported_at\":\"2024-05-02T12:03:10Z\"}"
/* The header's start as this ferry writes it. */
#define QUOTE(x) #x
#define DIGITS(x) QUOTE(x)
#define HEADER_LINE "{\"format\":\"ferry-sop\",\"format_version\":" \
	DIGITS(FERRY_SOP_FORMAT_VERSION)
#define HEADER_ONLY HEADER_LINE "}"
/* A header of format 1, which this ferry still reads. */
#define V1 "{\"format\":\"ferry-sop\",\"format_version\":1}"

static int setup(void **state)
{
	*state = test_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	test_tmpdir_free(*state);
	return 0;
}

/* test_path() in a buffer of the caller's, for holding several paths. */
static char *path_of(char buf[1024], const char *dir, const char *name)
{
	snprintf(buf, 1024, "%s", test_path(dir, name));
	return buf;
}

static void put_zstd(const char *path, const void *data, size_t len)
{
	size_t cap = ZSTD_compressBound(len), n;
	ZSTD_CCtx *c = ZSTD_createCCtx();
	void *buf = malloc(cap);

	assert_non_null(buf);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1);
	n = ZSTD_compress2(c, buf, cap, data, len);
	assert_false(ZSTD_isError(n));
	test_file_put(path, buf, n);
	ZSTD_freeCCtx(c);
	free(buf);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void digest_hex(char out[FERRY_HASH_HEX], const void *p, size_t len)
{
	unsigned char md[FERRY_HASH_BYTES];

	crypto_generichash(md, sizeof(md), p, len, NULL, 0);
	sodium_bin2hex(out, FERRY_HASH_HEX, md, sizeof(md));
}

/*
 * A plain package from docs/format.md alone: header line, items, and a
 * trailer with the digests of exactly those bytes.  count < 0 writes the
 * true count.
 */
static void build_plain(ferry_str *out, const char *header_line,
	const char *const *items, size_t n, long count)
{
	ferry_str stamped = FERRY_STR_INIT;
	char stamp[FERRY_HASH_HEX], hash[FERRY_HASH_HEX];
	size_t i;

	ferry_str_clear(out);
	ferry_str_puts(out, header_line);
	ferry_str_putc(out, '\n');
	ferry_str_puts(&stamped, "ferry-stamp-1\n");
	for (i = 0; i < n; i++) {
		ferry_str_puts(out, items[i]);
		ferry_str_putc(out, '\n');
		ferry_str_puts(&stamped, items[i]);
		ferry_str_putc(&stamped, '\n');
	}
	digest_hex(stamp, stamped.ptr, stamped.size);
	/* hash = BLAKE2b(header line "\n" stamp hex), docs/format.md 6. */
	ferry_str_clear(&stamped);
	ferry_str_puts(&stamped, header_line);
	ferry_str_putc(&stamped, '\n');
	ferry_str_puts(&stamped, stamp);
	digest_hex(hash, stamped.ptr, stamped.size);
	ferry_str_printf(out, "{\"trailer\":\"ferry-sop\",\"items\":%ld,"
		"\"stamp\":\"%s\",\"hash\":\"%s\"}\n",
		count < 0 ? (long)n : count, stamp, hash);
	assert_false(ferry_str_failed(out));
	ferry_str_dispose(&stamped);
}

static void put_plain(const char *path, const char *header_line,
	const char *const *items, size_t n, long count)
{
	ferry_str s = FERRY_STR_INIT;

	build_plain(&s, header_line, items, n, count);
	test_file_put(path, s.ptr, s.size);
	ferry_str_dispose(&s);
}

static const char *item_text(char buf[128], unsigned i)
{
	snprintf(buf, 128, "{\"entity\":\"tax_rate\",\"sys_id\":"
		"\"%08x-0000-4000-8000-000000000000\",\"n\":%u}", i, i);
	return buf;
}

/* Write n generated items; returns the stamp. */
static void write_pack(const char *path, const char *header, int compress,
	unsigned n, char stamp[FERRY_HASH_HEX])
{
	ferry_sop_write_options opts = FERRY_SOP_WRITE_OPTIONS_INIT;
	ferry_str err = FERRY_STR_INIT;
	ferry_sop_writer *w;
	char buf[128];
	unsigned i;

	opts.compress = compress;
	assert_int_equal(ferry_sop__writer_open(&w, path, header, &opts,
		&err), 0);
	for (i = 0; i < n; i++) {
		item_text(buf, i);
		assert_int_equal(ferry_sop__writer_item(w, buf, strlen(buf)),
			0);
	}
	assert_int_equal(ferry_sop__writer_finish(w, stamp, &err), 0);
	ferry_sop__writer_free(w);
	ferry_str_dispose(&err);
}

/* Read back what write_pack wrote, checking every item. */
static void check_pack(const char *path, int compressed, unsigned n,
	const char *stamp)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_sop_reader *r;
	const char *line;
	size_t len;
	char buf[128];
	unsigned i;

	assert_int_equal(ferry_sop__reader_open(&r, path, &err), 0);
	assert_int_equal(ferry_sop__reader_compressed(r), compressed);
	assert_true(strncmp(ferry_sop__reader_header(r), HEADER_LINE,
		strlen(HEADER_LINE)) == 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(ferry_sop__reader_next(r, &line, &len, &err),
			1);
		assert_string_equal(line, item_text(buf, i));
		assert_int_equal(len, strlen(buf));
		assert_null(ferry_sop__reader_stamp(r));
	}
	assert_int_equal(ferry_sop__reader_next(r, &line, &len, &err), 0);
	assert_int_equal(ferry_sop__reader_next(r, &line, &len, &err), 0);
	assert_int_equal(ferry_sop__reader_items(r), n);
	assert_int_equal(ferry_sop__reader_lineno(r), n + 2);
	assert_string_equal(ferry_sop__reader_stamp(r), stamp);
	ferry_sop__reader_free(r);
	ferry_str_dispose(&err);
}

/*
 * The file is refused with this code and a message that contains needle,
 * begins with the path (or names it first) and is one line.
 */
static void assert_refused(const char *path, int code, const char *needle)
{
	ferry_str err = FERRY_STR_INIT;
	int rc = ferry_sop__verify(path, NULL, NULL, NULL, &err);
	const char *msg = ferry_str_cstr(&err);

	if (rc != code || !strstr(msg, needle))
		print_error("want %d \"%s\", got %d \"%s\"\n", code, needle, rc,
			msg);
	assert_int_equal(rc, code);
	assert_non_null(strstr(msg, needle));
	assert_true(strncmp(msg, path, strlen(path)) == 0);
	assert_null(strchr(msg, '\n'));
	ferry_str_dispose(&err);
}

/* Flip one byte of a file in place. */
static void flip_byte(const char *path, size_t at, unsigned char mask)
{
	size_t len;
	char *data = test_file_get(path, &len);

	assert_true(at < len);
	data[at] = (char)(data[at] ^ mask);
	test_file_put(path, data, len);
	free(data);
}

/* Keep the first len bytes of src in dst. */
static void cut_file(const char *dst, const char *src, size_t len)
{
	size_t n;
	char *data = test_file_get(src, &n);

	assert_true(len <= n);
	test_file_put(dst, data, len);
	free(data);
}

/* --- round trips ------------------------------------------------------ */

static void test_sop_roundtrip__plain(void **state)
{
	char stamp[FERRY_HASH_HEX];
	const char *p = test_path(*state, "a.sop");

	write_pack(p, HEADER, 0, 3, stamp);
	check_pack(p, 0, 3, stamp);
}

static void test_sop_roundtrip__compressed(void **state)
{
	char stamp[FERRY_HASH_HEX];
	const char *p = test_path(*state, "a.sop");
	size_t len;
	char *data;

	write_pack(p, HEADER, 1, 3, stamp);
	data = test_file_get(p, &len);
	assert_true(len > 4 && memcmp(data, "\x28\xb5\x2f\xfd", 4) == 0);
	free(data);
	check_pack(p, 1, 3, stamp);
}

static void test_sop_roundtrip__no_items(void **state)
{
	char stamp[FERRY_HASH_HEX], want[FERRY_HASH_HEX];
	const char *p = test_path(*state, "a.sop");
	int compress;

	digest_hex(want, "ferry-stamp-1\n", 14);
	for (compress = 0; compress <= 1; compress++) {
		write_pack(p, "{}", compress, 0, stamp);
		assert_string_equal(stamp, want);
		check_pack(p, compress, 0, stamp);
		unlink(p);
	}
}

static void test_sop_roundtrip__many_items(void **state)
{
	char stamp[FERRY_HASH_HEX], again[FERRY_HASH_HEX];
	const char *p = test_path(*state, "a.sop");

	/* Many buffer fills, so lines straddle them: the stamp hashed on
	 * the compressing thread, batch by batch, is the one hashed inline
	 * line by line. */
	write_pack(p, HEADER, 1, 200000, stamp);
	check_pack(p, 1, 200000, stamp);
	unlink(p);
	write_pack(p, HEADER, 0, 200000, again);
	assert_string_equal(stamp, again);
	check_pack(p, 0, 200000, again);
}

/* An item of `size` bytes: {"x":"aaa..."} */
static char *big_item(size_t size)
{
	char *s = malloc(size + 1);

	assert_non_null(s);
	memset(s, 'a', size);
	memcpy(s, "{\"x\":\"", 6);
	memcpy(s + size - 2, "\"}", 2);
	s[size] = '\0';
	return s;
}

static void roundtrip_one(const char *path, const char *item, size_t len,
	int compress)
{
	ferry_sop_write_options opts = FERRY_SOP_WRITE_OPTIONS_INIT;
	ferry_str err = FERRY_STR_INIT;
	ferry_sop_writer *w;
	ferry_sop_reader *r;
	const char *line;
	size_t n;

	opts.compress = compress;
	assert_int_equal(ferry_sop__writer_open(&w, path, "{}", &opts, &err),
		0);
	assert_int_equal(ferry_sop__writer_item(w, "{}", 2), 0);
	assert_int_equal(ferry_sop__writer_item(w, item, len), 0);
	assert_int_equal(ferry_sop__writer_item(w, "{}", 2), 0);
	assert_int_equal(ferry_sop__writer_finish(w, NULL, &err), 0);
	ferry_sop__writer_free(w);
	assert_int_equal(ferry_sop__reader_open(&r, path, &err), 0);
	assert_int_equal(ferry_sop__reader_next(r, &line, &n, &err), 1);
	assert_int_equal(ferry_sop__reader_next(r, &line, &n, &err), 1);
	assert_int_equal(n, len);
	assert_memory_equal(line, item, len);
	assert_int_equal(line[n], '\0');
	assert_int_equal(ferry_sop__reader_next(r, &line, &n, &err), 1);
	assert_string_equal(line, "{}");
	assert_int_equal(ferry_sop__reader_next(r, &line, &n, &err), 0);
	ferry_sop__reader_free(r);
	ferry_str_dispose(&err);
	unlink(path);
}

static void test_sop_roundtrip__big_item(void **state)
{
	char *item = big_item((size_t)1 << 20);

	roundtrip_one(test_path(*state, "a.sop"), item, (size_t)1 << 20, 0);
	roundtrip_one(test_path(*state, "a.sop"), item, (size_t)1 << 20, 1);
	free(item);
}

static void test_sop_roundtrip__item_at_limit(void **state)
{
	char *item = big_item(FERRY_SOP_LINE_MAX);

	roundtrip_one(test_path(*state, "a.sop"), item, FERRY_SOP_LINE_MAX,
		0);
	free(item);
}

static void test_sop_roundtrip__utf8_item(void **state)
{
	const char *item = "{\"name\":\"\xd0\x9d\xd0\x94\xd0\xa1 20%\","
		"\"emoji\":\"\xf0\x9f\x98\x80\"}";

	roundtrip_one(test_path(*state, "a.sop"), item, strlen(item), 1);
}

/* The plain file is byte for byte what docs/format.md describes. */
static void test_sop_roundtrip__plain_bytes_match_spec(void **state)
{
	const char *items[] = { "{\"a\":1}", "{\"b\":\"\xc3\xa9\"}" };
	ferry_sop_write_options opts = FERRY_SOP_WRITE_OPTIONS_INIT;
	ferry_str err = FERRY_STR_INIT, want = FERRY_STR_INIT;
	const char *p = test_path(*state, "a.sop");
	char stamp[FERRY_HASH_HEX];
	ferry_sop_writer *w;
	size_t len;
	char *data;

	opts.compress = 0;
	assert_int_equal(ferry_sop__writer_open(&w, p,
		"{\n  \"kind\": \"x\",\n  \"n\": [1, 2]\n}", &opts, &err), 0);
	assert_int_equal(ferry_sop__writer_item(w, items[0],
		strlen(items[0])), 0);
	assert_int_equal(ferry_sop__writer_item(w, items[1],
		strlen(items[1])), 0);
	assert_int_equal(ferry_sop__writer_items(w), 2);
	assert_int_equal(ferry_sop__writer_finish(w, stamp, &err), 0);
	ferry_sop__writer_free(w);
	build_plain(&want, HEADER_LINE ",\"kind\":\"x\",\"n\":[1,2]}", items,
		2, -1);
	data = test_file_get(p, &len);
	assert_int_equal(len, want.size);
	assert_memory_equal(data, want.ptr, len);
	assert_non_null(strstr(data, stamp));
	free(data);
	ferry_str_dispose(&want);
	ferry_str_dispose(&err);
}

/* The compressed file is the plain bytes as zstd, with a checksum. */
static void test_sop_roundtrip__compressed_is_plain_zstd(void **state)
{
	char a[1024], b[1024], stamp[FERRY_HASH_HEX];
	size_t plen, zlen, n;
	char *plain, *z, *out;

	path_of(a, *state, "a.sop");
	path_of(b, *state, "b.sop");
	write_pack(a, HEADER, 0, 50, stamp);
	write_pack(b, HEADER, 1, 50, stamp);
	plain = test_file_get(a, &plen);
	z = test_file_get(b, &zlen);
	/* Frame_Header_Descriptor bit 2: Content_Checksum_flag (RFC 8878). */
	assert_true(zlen > 5 && (z[4] & 0x04));
	out = malloc(plen + 1);
	n = ZSTD_decompress(out, plen + 1, z, zlen);
	assert_false(ZSTD_isError(n));
	assert_int_equal(n, plen);
	assert_memory_equal(out, plain, plen);
	free(out);
	free(z);
	free(plain);
}

static void test_sop_roundtrip__header_form(void **state)
{
	ferry_str err = FERRY_STR_INIT, header = FERRY_STR_INIT;
	const char *p = test_path(*state, "a.sop");
	char stamp[FERRY_HASH_HEX];
	uint64_t items = 9;

	write_pack(p, "{}", 1, 0, stamp);
	assert_int_equal(ferry_sop__verify(p, &header, stamp, &items, &err),
		0);
	assert_string_equal(ferry_str_cstr(&header), HEADER_ONLY);
	assert_int_equal(items, 0);
	unlink(p);
	write_pack(p, "{\"z\":1,\"a\":\"\xc3\xa9\\n/\"}", 0, 2, stamp);
	assert_int_equal(ferry_sop__verify(p, &header, NULL, &items, &err),
		0);
	assert_string_equal(ferry_str_cstr(&header),
		HEADER_LINE ",\"z\":1,\"a\":\"\xc3\xa9\\n/\"}");
	assert_int_equal(items, 2);
	ferry_str_dispose(&header);
	ferry_str_dispose(&err);
}

/* Readers accept several zstd frames (pzstd, cat a.zst b.zst). */
static void test_sop_roundtrip__multiple_frames(void **state)
{
	char a[1024], b[1024], stamp[FERRY_HASH_HEX];
	size_t len, zlen = 0, n, cut;
	char *plain, *z;
	ZSTD_CCtx *c = ZSTD_createCCtx();
	FILE *f;

	path_of(a, *state, "a.sop");
	path_of(b, *state, "b.sop");
	write_pack(a, HEADER, 0, 100, stamp);
	plain = test_file_get(a, &len);
	cut = len / 2 + 3;
	z = malloc(ZSTD_compressBound(len) * 2);
	n = ZSTD_compress2(c, z, ZSTD_compressBound(cut), plain, cut);
	assert_false(ZSTD_isError(n));
	zlen = n;
	n = ZSTD_compress2(c, z + zlen, ZSTD_compressBound(len - cut),
		plain + cut, len - cut);
	assert_false(ZSTD_isError(n));
	zlen += n;
	f = fopen(b, "wb");
	assert_int_equal(fwrite(z, 1, zlen, f), zlen);
	fclose(f);
	check_pack(b, 1, 100, stamp);
	ZSTD_freeCCtx(c);
	free(z);
	free(plain);
}

/* --- the stamp ------------------------------------------------------- */

static void test_sop_stamp__same_items_same_stamp(void **state)
{
	char a[1024], b[1024], s1[FERRY_HASH_HEX], s2[FERRY_HASH_HEX];
	size_t alen, blen;
	char *da, *db;

	path_of(a, *state, "a.sop");
	path_of(b, *state, "b.sop");
	write_pack(a, HEADER, 0, 20, s1);
	write_pack(b, "{\"exported_by\":\"bob\",\"exported_at\":"
		"\"2030-01-01T00:00:00Z\"}", 0, 20, s2);
	assert_string_equal(s1, s2);
	/* The same item bytes: the files differ in line 1 and the hash. */
	da = test_file_get(a, &alen);
	db = test_file_get(b, &blen);
	assert_int_equal(alen - (size_t)(strchr(da, '\n') - da),
		blen - (size_t)(strchr(db, '\n') - db));
	assert_true(strncmp(strchr(da, '\n'), strchr(db, '\n'),
		(size_t)(strstr(da, "{\"trailer\"") - strchr(da, '\n'))) == 0);
	free(da);
	free(db);
	unlink(b);
	write_pack(b, HEADER, 1, 20, s2);
	assert_string_equal(s1, s2);
}

static void test_sop_stamp__changed_item_new_stamp(void **state)
{
	const char *one[] = { "{\"a\":1}", "{\"b\":2}" };
	const char *two[] = { "{\"a\":1}", "{\"b\":3}" };
	const char *swapped[] = { "{\"b\":2}", "{\"a\":1}" };
	char s1[FERRY_HASH_HEX], s2[FERRY_HASH_HEX], s3[FERRY_HASH_HEX];
	ferry_str err = FERRY_STR_INIT;
	const char *p = test_path(*state, "a.sop");

	put_plain(p, V1, one, 2, -1);
	assert_int_equal(ferry_sop__verify(p, NULL, s1, NULL, &err), 0);
	put_plain(p, V1, two, 2, -1);
	assert_int_equal(ferry_sop__verify(p, NULL, s2, NULL, &err), 0);
	put_plain(p, V1, swapped, 2, -1);
	assert_int_equal(ferry_sop__verify(p, NULL, s3, NULL, &err), 0);
	assert_string_not_equal(s1, s2);
	assert_string_not_equal(s1, s3);
	ferry_str_dispose(&err);
}

/* --- the writer ------------------------------------------------------ */

static void test_sop_write__no_overwrite(void **state)
{
	ferry_str err = FERRY_STR_INIT;
	const char *p = test_path(*state, "a.sop");
	ferry_sop_writer *w = (ferry_sop_writer *)&err;
	size_t len;
	char *data;

	test_file_put(p, "mine", 4);
	assert_int_equal(ferry_sop__writer_open(&w, p, "{}", NULL, &err),
		FERRY_EEXISTS);
	assert_null(w);
	assert_non_null(strstr(ferry_str_cstr(&err),
		"a.sop already exists; pass --overwrite to replace it"));
	data = test_file_get(p, &len);
	assert_string_equal(data, "mine");
	free(data);
	assert_int_equal(count_entries(*state), 1);
	ferry_str_dispose(&err);
}

static void test_sop_write__exists_at_finish(void **state)
{
	ferry_str err = FERRY_STR_INIT;
	const char *p = test_path(*state, "a.sop");
	ferry_sop_writer *w;
	size_t len;
	char *data;

	assert_int_equal(ferry_sop__writer_open(&w, p, "{}", NULL, &err), 0);
	assert_int_equal(ferry_sop__writer_item(w, "{}", 2), 0);
	test_file_put(p, "mine", 4);
	assert_int_equal(ferry_sop__writer_finish(w, NULL, &err),
		FERRY_EEXISTS);
	assert_non_null(strstr(ferry_str_cstr(&err), "already exists"));
	ferry_sop__writer_free(w);
	data = test_file_get(p, &len);
	assert_string_equal(data, "mine");
	free(data);
	assert_int_equal(count_entries(*state), 1);
	ferry_str_dispose(&err);
}

static void test_sop_write__overwrite(void **state)
{
	ferry_sop_write_options opts = FERRY_SOP_WRITE_OPTIONS_INIT;
	ferry_str err = FERRY_STR_INIT;
	const char *p = test_path(*state, "a.sop");
	char stamp[FERRY_HASH_HEX];
	ferry_sop_writer *w;

	test_file_put(p, "mine", 4);
	opts.overwrite = 1;
	assert_int_equal(ferry_sop__writer_open(&w, p, "{}", &opts, &err), 0);
	assert_int_equal(ferry_sop__writer_finish(w, stamp, &err), 0);
	ferry_sop__writer_free(w);
	assert_int_equal(ferry_sop__verify(p, NULL, NULL, NULL, &err), 0);
	assert_int_equal(count_entries(*state), 1);
	ferry_str_dispose(&err);
}

static void test_sop_write__unfinished_leaves_nothing(void **state)
{
	ferry_str err = FERRY_STR_INIT;
	const char *p = test_path(*state, "a.sop");
	ferry_sop_writer *w;
	struct stat st;

	assert_int_equal(ferry_sop__writer_open(&w, p, HEADER, NULL, &err), 0);
	assert_int_equal(ferry_sop__writer_item(w, "{}", 2), 0);
	/* Only the temporary file exists while writing. */
	assert_int_equal(count_entries(*state), 1);
	assert_int_not_equal(lstat(p, &st), 0);
	ferry_sop__writer_free(w);
	assert_int_equal(count_entries(*state), 0);
	ferry_str_dispose(&err);
}

static void test_sop_write__file_mode(void **state)
{
	const char *p = test_path(*state, "a.sop");
	char stamp[FERRY_HASH_HEX];
	mode_t old = umask(022);
	struct stat st;

	write_pack(p, "{}", 1, 1, stamp);
	umask(old);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
}

static void test_sop_write__no_directory(void **state)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_sop_writer *w;

	assert_int_equal(ferry_sop__writer_open(&w,
		test_path(*state, "none/a.sop"), "{}", NULL, &err), FERRY_EIO);
	assert_non_null(strstr(ferry_str_cstr(&err),
		"cannot create a temporary file"));
	ferry_str_dispose(&err);
}

static void assert_bad_header(const char *dir, const char *header,
	const char *needle)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_sop_writer *w;

	assert_int_equal(ferry_sop__writer_open(&w, test_path(dir, "a.sop"),
		header, NULL, &err), FERRY_EINVALID);
	assert_non_null(strstr(ferry_str_cstr(&err), needle));
	assert_int_equal(count_entries(dir), 0);
	ferry_str_dispose(&err);
}

static void test_sop_write__bad_header(void **state)
{
	char *big = big_item(FERRY_SOP_HEADER_MAX);

	assert_bad_header(*state, "{\"a\":", "is not a JSON object (");
	assert_bad_header(*state, "[1]", "(another JSON value)");
	assert_bad_header(*state, "{\"a\":1,\"a\":2}", "not a JSON object");
	assert_bad_header(*state, "{\"a\":\"\xff\"}", "not a JSON object");
	assert_bad_header(*state, "{\"format\":\"x\"}",
		"must not contain \"format\"");
	assert_bad_header(*state, "{\"format_version\":2}",
		"must not contain \"format\"");
	assert_bad_header(*state, big, "longer than the limit of 1048576");
	free(big);
}

static void assert_bad_item(const char *dir, const char *item, size_t len,
	const char *needle)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_sop_writer *w;

	assert_int_equal(ferry_sop__writer_open(&w, test_path(dir, "a.sop"),
		"{}", NULL, &err), 0);
	assert_int_equal(ferry_sop__writer_item(w, "{}", 2), 0);
	assert_int_equal(ferry_sop__writer_item(w, item, len),
		FERRY_EINVALID);
	assert_non_null(strstr(ferry_sop__writer_errmsg(w), needle));
	/* Sticky: later items and finish fail the same way. */
	assert_int_equal(ferry_sop__writer_item(w, "{}", 2), FERRY_EINVALID);
	assert_int_equal(ferry_sop__writer_finish(w, NULL, &err),
		FERRY_EINVALID);
	assert_non_null(strstr(ferry_str_cstr(&err), needle));
	ferry_sop__writer_free(w);
	assert_int_equal(count_entries(dir), 0);
	ferry_str_dispose(&err);
}

static void test_sop_write__bad_item(void **state)
{
	char *big = big_item(FERRY_SOP_LINE_MAX + 1);

	assert_bad_item(*state, "{\"a\":\n1}", 8, "item 2 contains a newline");
	assert_bad_item(*state, "", 0, "item 2 is empty");
	assert_bad_item(*state, NULL, 0, "item 2 is empty");
	assert_bad_item(*state, "[1]", 3, "item 2 is not a JSON object");
	assert_bad_item(*state, " {}", 3, "item 2 is not a JSON object");
	assert_bad_item(*state, "{}\r", 3, "item 2 is not a JSON object");
	assert_bad_item(*state, "{\"a\":\"\xc0\xaf\"}", 10,
		"item 2 is not valid UTF-8");
	assert_bad_item(*state, "{\"trailer\":1}", 13,
		"item 2 starts with \"trailer\"");
	assert_bad_item(*state, big, FERRY_SOP_LINE_MAX + 1,
		"item 2 is longer than the limit of 67108864 bytes");
	free(big);
}

/* --- the reader: foreign files --------------------------------------- */

static void test_sop_foreign__empty(void **state)
{
	const char *p = test_path(*state, "a.sop");

	test_file_put(p, "", 0);
	assert_refused(p, FERRY_EFORMAT,
		"not a ferry package (the file is empty); check the file name");
}

static void test_sop_foreign__png(void **state)
{
	const char *p = test_path(*state, "a.sop");

	test_file_put(p, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
	assert_refused(p, FERRY_EFORMAT,
		"not a ferry package (neither zstd data nor JSON text)");
	test_file_put(p, "\x28\xb5\x2f", 3);
	assert_refused(p, FERRY_EFORMAT, "neither zstd data nor JSON text");
	test_file_put(p, "\xef\xbb\xbf" V1 "\n", 3 + strlen(V1) + 1);
	assert_refused(p, FERRY_EFORMAT, "neither zstd data nor JSON text");
}

static void test_sop_foreign__json_without_format(void **state)
{
	const char *p = test_path(*state, "a.sop");
	const char *json = "{\"kind\":\"local_pack\",\"format\":\"ferry-sop\","
		"\"format_version\":1}\n";

	test_file_put(p, json, strlen(json));
	assert_refused(p, FERRY_EFORMAT, "not a ferry package (it does not "
		"start with a ferry header)");
	test_file_put(p, "{}", 2);
	assert_refused(p, FERRY_EFORMAT, "does not start with a ferry header");
	/* A foreign .zst file is foreign too. */
	put_zstd(p, json, strlen(json));
	assert_refused(p, FERRY_EFORMAT, "does not start with a ferry header");
}

static void test_sop_foreign__bad_version(void **state)
{
	static const char *const bad[] = {
		"{\"format\":\"ferry-sop\",\"format_version\":0}\n",
		"{\"format\":\"ferry-sop\",\"format_version\":01}\n",
		"{\"format\":\"ferry-sop\",\"format_version\":1.5}\n",
		"{\"format\":\"ferry-sop\",\"format_version\":\"1\"}\n",
		"{\"format\":\"ferry-sop\",\"format_version\":-1}\n",
	};
	const char *p = test_path(*state, "a.sop");
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		test_file_put(p, bad[i], strlen(bad[i]));
		assert_refused(p, FERRY_EFORMAT, "not a ferry package "
			"(format_version is not a positive integer)");
	}
}

/* The writer declares the format it is asked for; the reader tells it. */
static void test_sop_version__written_and_told(void **state)
{
	ferry_sop_write_options opts = FERRY_SOP_WRITE_OPTIONS_INIT;
	ferry_str err = FERRY_STR_INIT;
	const char *p = test_path(*state, "a.sop");
	char stamp[FERRY_HASH_HEX];
	ferry_sop_writer *w;
	ferry_sop_reader *r;
	unsigned format;

	for (format = 0; format <= FERRY_SOP_FORMAT_VERSION; format++) {
		opts.format = format;
		opts.overwrite = 1;
		assert_int_equal(ferry_sop__writer_open(&w, p, "{}", &opts,
			&err), 0);
		assert_int_equal(ferry_sop__writer_finish(w, stamp, &err), 0);
		ferry_sop__writer_free(w);
		assert_int_equal(ferry_sop__reader_open(&r, p, &err), 0);
		assert_int_equal(ferry_sop__reader_format(r), format ? format :
			FERRY_SOP_FORMAT_VERSION);
		ferry_sop__reader_free(r);
	}
	/* A package of format 1 made by hand is read as format 1. */
	put_plain(p, V1, NULL, 0, -1);
	assert_int_equal(ferry_sop__reader_open(&r, p, &err), 0);
	assert_int_equal(ferry_sop__reader_format(r), 1);
	ferry_sop__reader_free(r);
	ferry_str_dispose(&err);
}

static void test_sop_version__newer(void **state)
{
	const char *v2 = "{\"format\":\"ferry-sop\",\"format_version\":3,"
		"\"new\":\"layout\"}\n\x01\x02 whatever format 3 holds";
	const char *huge = "{\"format\":\"ferry-sop\",\"format_version\":"
		"123456789012345678901234567890}\n";
	const char *p = test_path(*state, "a.sop");

	test_file_put(p, v2, strlen(v2));
	assert_refused(p, FERRY_EFORMAT, "made by a newer ferry (format 3); "
		"upgrade ferry to read it");
	put_zstd(p, v2, strlen(v2));
	assert_refused(p, FERRY_EFORMAT, "made by a newer ferry (format 3)");
	/* Even a header that would be too long for the formats known. */
	v2 = "{\"format\":\"ferry-sop\",\"format_version\":4,\"x\":1";
	test_file_put(p, v2, strlen(v2));
	assert_refused(p, FERRY_EFORMAT, "made by a newer ferry (format 4)");
	test_file_put(p, huge, strlen(huge));
	assert_refused(p, FERRY_EFORMAT,
		"made by a newer ferry (format 12345678901234567890)");
}

/* --- the reader: truncated files ------------------------------------ */

static void test_sop_truncated__in_header(void **state)
{
	char a[1024], b[1024], stamp[FERRY_HASH_HEX];

	path_of(a, *state, "a.sop");
	path_of(b, *state, "b.sop");
	write_pack(a, HEADER, 0, 3, stamp);
	cut_file(b, a, 10);
	assert_refused(b, FERRY_EFORMAT,
		"the file is truncated: it ends inside the header; export it");
	cut_file(b, a, strlen(HEADER_LINE) - 1);
	assert_refused(b, FERRY_EFORMAT, "it ends inside the header");
	cut_file(b, a, 80);
	assert_refused(b, FERRY_EFORMAT,
		"the file is truncated: line 1 has no end; export it again");
}

static void test_sop_truncated__mid_items(void **state)
{
	char a[1024], b[1024], stamp[FERRY_HASH_HEX];
	size_t len, at;
	char *data;

	path_of(a, *state, "a.sop");
	path_of(b, *state, "b.sop");
	write_pack(a, HEADER, 0, 5, stamp);
	data = test_file_get(a, &len);
	at = (size_t)(strchr(strchr(strchr(data, '\n') + 1, '\n') + 1, '\n')
		- data);
	free(data);
	/* Cut inside line 3 (item 2). */
	cut_file(b, a, at - 5);
	assert_refused(b, FERRY_EFORMAT, "truncated: line 3 has no end");
	/* Cut right after line 3. */
	cut_file(b, a, at + 1);
	assert_refused(b, FERRY_EFORMAT, "the file is truncated: it ends "
		"after line 3 without a trailer; export it again");
}

static void test_sop_truncated__before_trailer(void **state)
{
	char a[1024], b[1024], stamp[FERRY_HASH_HEX];
	size_t len;
	char *data;

	path_of(a, *state, "a.sop");
	path_of(b, *state, "b.sop");
	write_pack(a, HEADER, 0, 3, stamp);
	data = test_file_get(a, &len);
	cut_file(b, a, (size_t)(strstr(data, "{\"trailer\"") - data));
	assert_refused(b, FERRY_EFORMAT,
		"it ends after line 4 without a trailer");
	/* The trailer without its final newline. */
	cut_file(b, a, len - 1);
	assert_refused(b, FERRY_EFORMAT, "truncated: line 5 has no end");
	free(data);
}

static void test_sop_truncated__mid_zstd_frame(void **state)
{
	char a[1024], b[1024], stamp[FERRY_HASH_HEX];
	size_t len, cuts[6], i;
	char *data;

	path_of(a, *state, "a.sop");
	path_of(b, *state, "b.sop");
	write_pack(a, HEADER, 1, 2000, stamp);
	data = test_file_get(a, &len);
	free(data);
	cuts[0] = 4;		/* the magic alone */
	cuts[1] = 7;		/* inside the frame header */
	cuts[2] = len / 3;
	cuts[3] = len / 2;
	cuts[4] = len - 5;	/* just before the checksum */
	cuts[5] = len - 1;	/* inside the checksum */
	for (i = 0; i < 6; i++) {
		cut_file(b, a, cuts[i]);
		assert_refused(b, FERRY_EFORMAT, "the file is truncated: the "
			"compressed stream ends early; export it again");
	}
}

/* --- the reader: altered files -------------------------------------- */

static void test_sop_altered__plain_byte(void **state)
{
	const char *p = test_path(*state, "a.sop");
	char stamp[FERRY_HASH_HEX];
	size_t len, at;
	char *data;

	write_pack(p, HEADER, 0, 3, stamp);
	data = test_file_get(p, &len);
	at = (size_t)(strstr(data, "tax_rate") - data) + 1;
	free(data);
	flip_byte(p, at, 0x20);	/* 'a' -> 'A' */
	assert_refused(p, FERRY_EFORMAT, "integrity check failed: the file "
		"was changed after export; export it again");
	flip_byte(p, at, 0x20);
	assert_int_equal(ferry_sop__verify(p, NULL, NULL, NULL, NULL), 0);
	/* In the header (export metadata is covered by the hash too). */
	flip_byte(p, 50, 0x01);
	assert_refused(p, FERRY_EFORMAT, "the file was changed after export;");
}

static void test_sop_altered__compressed_byte(void **state)
{
	char a[1024], b[1024], stamp[FERRY_HASH_HEX];
	size_t len, i;
	char *data;

	path_of(a, *state, "a.sop");
	path_of(b, *state, "b.sop");
	write_pack(a, HEADER, 1, 3000, stamp);
	data = test_file_get(a, &len);
	for (i = 1; i < 8; i++) {
		size_t at = len * i / 8;

		data[at] = (char)(data[at] ^ 0x10);
		test_file_put(b, data, len);
		data[at] = (char)(data[at] ^ 0x10);
		assert_refused(b, FERRY_EFORMAT,
			"the compressed data is corrupt (");
	}
	/* The zstd checksum itself. */
	data[len - 2] = (char)(data[len - 2] ^ 0x01);
	test_file_put(b, data, len);
	assert_refused(b, FERRY_EFORMAT, "the compressed data is corrupt (");
	free(data);
}

static void test_sop_altered__item_count(void **state)
{
	const char *items[] = { "{\"a\":1}", "{\"b\":2}", "{\"c\":3}" };
	char a[1024], b[1024], stamp[FERRY_HASH_HEX];
	size_t len;
	char *data, *l2, *l3;

	path_of(a, *state, "a.sop");
	put_plain(a, V1, items, 3, 4);
	assert_refused(a, FERRY_EFORMAT, "integrity check failed: the file "
		"was changed after export (it holds 3 items, the trailer says "
		"4); export it again");
	/* An item line removed. */
	path_of(b, *state, "b.sop");
	unlink(a);
	write_pack(a, HEADER, 0, 3, stamp);
	data = test_file_get(a, &len);
	l2 = strchr(data, '\n') + 1;
	l3 = strchr(l2, '\n') + 1;
	memmove(l2, l3, len - (size_t)(l3 - data));
	test_file_put(b, data, len - (size_t)(l3 - l2));
	assert_refused(b, FERRY_EFORMAT, "(it holds 2 items, the trailer "
		"says 3)");
	free(data);
}

static void test_sop_altered__trailer_digests(void **state)
{
	const char *p = test_path(*state, "a.sop");
	char stamp[FERRY_HASH_HEX];
	size_t len;
	char *data, *at;

	write_pack(p, HEADER, 0, 3, stamp);
	data = test_file_get(p, &len);
	at = strstr(data, "\"stamp\":\"") + 9;
	*at = *at == '0' ? '1' : '0';
	test_file_put(p, data, len);
	assert_refused(p, FERRY_EFORMAT, "integrity check failed: the file "
		"was changed after export (the stamp does not match the "
		"items)");
	*at = stamp[0];
	at = strstr(data, "\"hash\":\"") + 8;
	*at = *at == '0' ? '1' : '0';
	test_file_put(p, data, len);
	assert_refused(p, FERRY_EFORMAT, "the file was changed after export; "
		"export it again");
	free(data);
}

static void test_sop_altered__trailer_malformed(void **state)
{
	static const char *const bad[] = {
		"{\"trailer\":\"other\",\"items\":0,\"stamp\":\"%s\","
			"\"hash\":\"%s\"}\n",
		"{\"trailer\":\"ferry-sop\",\"items\":-1,\"stamp\":\"%s\","
			"\"hash\":\"%s\"}\n",
		"{\"trailer\":\"ferry-sop\",\"items\":\"0\",\"stamp\":\"%s\","
			"\"hash\":\"%s\"}\n",
		"{\"trailer\":\"ferry-sop\",\"items\":0,\"stamp\":\"%sA\","
			"\"hash\":\"%s\"}\n",
		"{\"trailer\":\"ferry-sop\",\"items\":0,\"stamp\":\"%.63s\","
			"\"hash\":\"%s\"}\n",
		"{\"trailer\":\"ferry-sop\",\"items\":0,\"stamp\":\"%s\"}%s\n",
		"{\"trailer\":\"ferry-sop\",\"items\":0,,\"stamp\":\"%s\","
			"\"hash\":\"%s\"}\n",
	};
	const char *p = test_path(*state, "a.sop");
	char stamp[FERRY_HASH_HEX], hash[FERRY_HASH_HEX], buf[512];
	size_t i;
	int n;

	digest_hex(stamp, "ferry-stamp-1\n", 14);
	snprintf(buf, sizeof(buf), "%s\n%s", V1, stamp);
	digest_hex(hash, buf, strlen(buf));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = snprintf(buf, sizeof(buf), "%s\n", V1);
		snprintf(buf + n, sizeof(buf) - (size_t)n, bad[i], stamp,
			i == 5 ? "" : hash);
		test_file_put(p, buf, strlen(buf));
		assert_refused(p, FERRY_EFORMAT, "the trailer (line 2) is "
			"malformed; the file is damaged, export it again");
	}
	/* Unknown trailer keys are ignored (a later minor addition). */
	snprintf(buf, sizeof(buf), "%s\n{\"trailer\":\"ferry-sop\",\"items\":0,"
		"\"stamp\":\"%s\",\"hash\":\"%s\",\"sig\":\"x\"}\n", V1, stamp,
		hash);
	test_file_put(p, buf, strlen(buf));
	assert_int_equal(ferry_sop__verify(p, NULL, NULL, NULL, NULL), 0);
}

static void test_sop_altered__trailing_garbage(void **state)
{
	char a[1024], b[1024], stamp[FERRY_HASH_HEX];
	ferry_str s = FERRY_STR_INIT;
	size_t len;
	char *data;

	path_of(a, *state, "a.sop");
	path_of(b, *state, "b.sop");
	write_pack(a, HEADER, 0, 3, stamp);
	data = test_file_get(a, &len);
	ferry_str_put(&s, data, len);
	ferry_str_puts(&s, "x");
	test_file_put(b, s.ptr, s.size);
	assert_refused(b, FERRY_EFORMAT, "unexpected data after the trailer "
		"(line 5); the file is damaged, export it again");
	ferry_str_truncate(&s, len);
	ferry_str_put(&s, strstr(data, "{\"trailer\""),
		len - (size_t)(strstr(data, "{\"trailer\"") - data));
	test_file_put(b, s.ptr, s.size);
	assert_refused(b, FERRY_EFORMAT, "unexpected data after the trailer");
	free(data);

	/* Compressed: bytes after the frame, or another whole frame. */
	unlink(a);
	write_pack(a, HEADER, 1, 3, stamp);
	data = test_file_get(a, &len);
	ferry_str_clear(&s);
	ferry_str_put(&s, data, len);
	ferry_str_puts(&s, "garbage");
	test_file_put(b, s.ptr, s.size);
	assert_refused(b, FERRY_EFORMAT, "unexpected data after the trailer "
		"(line 5)");
	ferry_str_truncate(&s, len);
	ferry_str_put(&s, data, len);
	test_file_put(b, s.ptr, s.size);
	assert_refused(b, FERRY_EFORMAT, "unexpected data after the trailer");
	ferry_str_truncate(&s, len);
	ferry_str_putc(&s, 0);
	test_file_put(b, s.ptr, s.size);
	assert_refused(b, FERRY_EFORMAT, "unexpected data after the trailer");
	free(data);
	ferry_str_dispose(&s);
}

/*
 * ferry_sop__scan() checks limits and framing only: an altered byte
 * passes it (the digests are the staging reader's to check), while a
 * file cut short or with data after the trailer does not.
 */
static void test_sop_scan__limits_not_digests(void **state)
{
	const char *p = test_path(*state, "a.sop");
	char stamp[FERRY_HASH_HEX];
	ferry_str err = FERRY_STR_INIT, s = FERRY_STR_INIT;
	size_t len, at;
	char *data;

	write_pack(p, HEADER, 0, 3, stamp);
	assert_int_equal(ferry_sop__scan(p, &err), 0);
	data = test_file_get(p, &len);
	at = (size_t)(strstr(data, "tax_rate") - data) + 1;
	flip_byte(p, at, 0x20);
	assert_int_equal(ferry_sop__scan(p, &err), 0);
	assert_refused(p, FERRY_EFORMAT, "integrity check failed");
	/* Cut before the trailer. */
	test_file_put(p, data, (size_t)(strstr(data, "{\"trailer\"") -
		data));
	assert_int_equal(ferry_sop__scan(p, &err), FERRY_EFORMAT);
	assert_non_null(strstr(ferry_str_cstr(&err), "the file is truncated"));
	/* Data after the trailer. */
	ferry_str_put(&s, data, len);
	ferry_str_puts(&s, "x");
	test_file_put(p, s.ptr, s.size);
	assert_int_equal(ferry_sop__scan(p, &err), FERRY_EFORMAT);
	assert_non_null(strstr(ferry_str_cstr(&err),
		"unexpected data after the trailer"));
	free(data);
	ferry_str_dispose(&s);
	ferry_str_dispose(&err);
}

/* --- the reader: line rules ----------------------------------------- */

static void write_long_line(const char *path, const char *header,
	size_t size, int compress)
{
	ferry_str s = FERRY_STR_INIT;
	char *big = big_item(size);

	ferry_str_puts(&s, header);
	ferry_str_puts(&s, "\n");
	ferry_str_put(&s, big, size);
	ferry_str_puts(&s, "\n");
	assert_false(ferry_str_failed(&s));
	if (compress)
		put_zstd(path, s.ptr, s.size);
	else
		test_file_put(path, s.ptr, s.size);
	ferry_str_dispose(&s);
	free(big);
}

static void test_sop_line__too_long_item(void **state)
{
	const char *p = test_path(*state, "a.sop");

	write_long_line(p, V1, FERRY_SOP_LINE_MAX + 1, 0);
	assert_refused(p, FERRY_EFORMAT, "line 2 is longer than the limit of "
		"67108864 bytes; the file is damaged or not from ferry");
	/* Compressed, one repeated byte expands far more than ferry's
	 * packages do: the work limit refuses it first (format.md 3.1). */
	write_long_line(p, V1, FERRY_SOP_LINE_MAX + 1, 1);
	assert_refused(p, FERRY_EFORMAT, "the compressed data expands more "
		"than 1000 times (a decompression bomb)");
}

static void test_sop_line__too_long_header(void **state)
{
	const char *p = test_path(*state, "a.sop");
	ferry_str s = FERRY_STR_INIT;

	ferry_str_puts(&s, HEADER_LINE ",\"x\":\"");
	while (s.size <= FERRY_SOP_HEADER_MAX)
		ferry_str_puts(&s, "aaaaaaaaaaaaaaaa");
	ferry_str_puts(&s, "\"}\n");
	test_file_put(p, s.ptr, s.size);
	assert_refused(p, FERRY_EFORMAT,
		"line 1 is longer than the limit of 1048576 bytes");
	ferry_str_dispose(&s);
}

static void test_sop_line__invalid_utf8(void **state)
{
	const char *items[] = { "{\"a\":1}", "{\"a\":\"\xed\xa0\x80\"}" };
	const char *p = test_path(*state, "a.sop");

	put_plain(p, V1, items, 2, -1);
	assert_refused(p, FERRY_EFORMAT, "line 3 is not valid UTF-8; the file "
		"is damaged, export it again");
	put_plain(p, HEADER_LINE ",\"x\":\"\xfe\"}", items, 1, -1);
	assert_refused(p, FERRY_EFORMAT, "line 1 is not valid UTF-8");
}

static void test_sop_line__empty(void **state)
{
	const char *items[] = { "{\"a\":1}", "" };
	const char *p = test_path(*state, "a.sop");

	put_plain(p, V1, items, 2, -1);
	assert_refused(p, FERRY_EFORMAT, "line 3 is empty; the file is "
		"damaged, export it again");
}

static void test_sop_line__not_object(void **state)
{
	const char *items[] = { "[1,2]" };
	const char *items2[] = { "{\"a\":1} " };
	const char *p = test_path(*state, "a.sop");

	put_plain(p, V1, items, 1, -1);
	assert_refused(p, FERRY_EFORMAT, "line 2 is not a JSON object; the "
		"file is damaged, export it again");
	put_plain(p, V1, items2, 1, -1);
	assert_refused(p, FERRY_EFORMAT, "line 2 is not a JSON object");
}

static void test_sop_line__crlf(void **state)
{
	const char *p = test_path(*state, "a.sop");
	char stamp[FERRY_HASH_HEX];
	ferry_str s = FERRY_STR_INIT;
	size_t len, i;
	char *data;

	write_pack(p, HEADER, 0, 2, stamp);
	data = test_file_get(p, &len);
	for (i = 0; i < len; i++) {
		if (data[i] == '\n')
			ferry_str_putc(&s, '\r');
		ferry_str_putc(&s, data[i]);
	}
	test_file_put(p, s.ptr, s.size);
	assert_refused(p, FERRY_EFORMAT, "line 1 ends with a carriage return "
		"(CRLF line endings)");
	free(data);
	ferry_str_dispose(&s);
}

static void test_sop_line__header_not_json(void **state)
{
	const char *p = test_path(*state, "a.sop");

	put_plain(p, HEADER_LINE ",\"x\":}", NULL, 0, -1);
	assert_refused(p, FERRY_EFORMAT, "the header (line 1) is not a valid "
		"JSON object (");
	put_plain(p, HEADER_LINE ",\"format\":\"ferry-sop\"}", NULL, 0, -1);
	assert_refused(p, FERRY_EFORMAT, "the header (line 1) is not a valid");
}

/* The documented split: item JSON is the importer's to validate. */
static void test_sop_line__item_json_not_parsed(void **state)
{
	const char *items[] = { "{\"a\":}", "{\0}" };
	ferry_str s = FERRY_STR_INIT, err = FERRY_STR_INIT;
	const char *p = test_path(*state, "a.sop");
	ferry_sop_reader *r;
	const char *line;
	size_t len;

	put_plain(p, V1, items, 1, -1);
	assert_int_equal(ferry_sop__verify(p, NULL, NULL, NULL, &err), 0);
	/* An embedded NUL: the length tells, not strlen. */
	ferry_str_puts(&s, V1 "\n");
	ferry_str_put(&s, items[1], 3);
	ferry_str_putc(&s, '\n');
	test_file_put(p, s.ptr, s.size);
	assert_int_equal(ferry_sop__reader_open(&r, p, &err), 0);
	assert_int_equal(ferry_sop__reader_next(r, &line, &len, &err), 1);
	assert_int_equal(len, 3);
	ferry_sop__reader_free(r);
	ferry_str_dispose(&s);
	ferry_str_dispose(&err);
}

/* --- the reader: behaviour ------------------------------------------ */

static void test_sop_read__missing_file(void **state)
{
	assert_refused(test_path(*state, "none.sop"), FERRY_ENOTFOUND,
		"cannot open: No such file or directory");
}

/* Items come before the verdict; a failure is sticky. */
static void test_sop_read__unverified_until_end(void **state)
{
	const char *p = test_path(*state, "a.sop");
	ferry_str err = FERRY_STR_INIT;
	char stamp[FERRY_HASH_HEX];
	ferry_sop_reader *r;
	const char *line;
	size_t len;
	char *data, *at;

	write_pack(p, HEADER, 0, 3, stamp);
	data = test_file_get(p, &len);
	at = strstr(data, "\"n\":2");
	at[4] = '7';
	test_file_put(p, data, len);
	free(data);
	assert_int_equal(ferry_sop__reader_open(&r, p, &err), 0);
	assert_int_equal(ferry_sop__reader_next(r, &line, &len, &err), 1);
	assert_int_equal(ferry_sop__reader_next(r, &line, &len, &err), 1);
	assert_int_equal(ferry_sop__reader_next(r, &line, &len, &err), 1);
	assert_non_null(strstr(line, "\"n\":7"));
	assert_int_equal(ferry_sop__reader_lineno(r), 4);
	assert_int_equal(ferry_sop__reader_next(r, &line, &len, &err),
		FERRY_EFORMAT);
	assert_null(line);
	assert_null(ferry_sop__reader_stamp(r));
	ferry_str_clear(&err);
	assert_int_equal(ferry_sop__reader_next(r, &line, &len, &err),
		FERRY_EFORMAT);
	assert_non_null(strstr(ferry_str_cstr(&err), "integrity check"));
	ferry_sop__reader_free(r);
	ferry_str_dispose(&err);
}

/* --- out of memory ---------------------------------------------------- */

static int alloc_budget;	/* allocations left; < 0: no limit */

static void *budget_malloc(size_t n)
{
	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	return malloc(n);
}

static void *budget_realloc(void *p, size_t n)
{
	if (alloc_budget == 0)
		return NULL;
	if (alloc_budget > 0)
		alloc_budget--;
	return realloc(p, n);
}

/* Write and verify a small package; the first failure's code, or 0. */
static int write_and_verify(const char *path, int compress)
{
	ferry_sop_write_options opts = FERRY_SOP_WRITE_OPTIONS_INIT;
	ferry_str header = FERRY_STR_INIT;
	char stamp[FERRY_HASH_HEX];
	ferry_sop_writer *w = NULL;
	int error;
	unsigned i;

	opts.compress = compress;
	if ((error = ferry_sop__writer_open(&w, path, HEADER, &opts,
			NULL)) < 0)
		goto done;
	for (i = 0; i < 3 && error == 0; i++)
		error = ferry_sop__writer_item(w, "{\"a\":1}", 7);
	if (error < 0 || (error = ferry_sop__writer_finish(w, stamp,
			NULL)) < 0)
		goto done;
	error = ferry_sop__verify(path, &header, stamp, NULL, NULL);
done:
	ferry_sop__writer_free(w);
	ferry_str_dispose(&header);
	return error;
}

/* Fail each allocation in turn: ENOMEM, no crash, no leak, no stray file. */
static void test_sop_oom__each_allocation(void **state)
{
	const char *p = test_path(*state, "a.sop");
	int budget, compress, rc, left;

	for (compress = 0; compress <= 1; compress++) {
		for (budget = 0;; budget++) {
			unlink(p);
			alloc_budget = budget;
			ferry__set_allocator(budget_malloc, budget_realloc,
				NULL);
			rc = write_and_verify(p, compress);
			left = alloc_budget;
			ferry__set_allocator(NULL, NULL, NULL);
			if (rc != 0)
				assert_int_equal(rc, FERRY_ENOMEM);
			assert_true(count_entries(*state) <= 1);
			if (left > 0) {
				assert_int_equal(rc, 0);
				break;
			}
		}
		assert_true(budget > 5);
	}
}

/* ---- signatures (docs/format.md 6.1) --------------------------------- */

/* A fixed key pair from a seed of `fill` bytes. */
static void test_keypair(unsigned char pk[crypto_sign_PUBLICKEYBYTES],
	unsigned char sk[crypto_sign_SECRETKEYBYTES], unsigned char fill)
{
	unsigned char seed[crypto_sign_SEEDBYTES];

	memset(seed, fill, sizeof(seed));
	assert_int_equal(crypto_sign_seed_keypair(pk, sk, seed), 0);
}

/* Write n items signed with sk (NULL: unsigned). */
static void write_signed(const char *path, int compress, unsigned n,
	const unsigned char *sk)
{
	ferry_sop_write_options opts = FERRY_SOP_WRITE_OPTIONS_INIT;
	ferry_str err = FERRY_STR_INIT;
	ferry_sop_writer *w;
	char buf[128];
	unsigned i;

	opts.compress = compress;
	opts.secret_key = sk;
	assert_int_equal(ferry_sop__writer_open(&w, path, HEADER, &opts,
		&err), 0);
	for (i = 0; i < n; i++) {
		item_text(buf, i);
		assert_int_equal(ferry_sop__writer_item(w, buf, strlen(buf)),
			0);
	}
	assert_int_equal(ferry_sop__writer_finish(w, NULL, &err), 0);
	ferry_sop__writer_free(w);
	ferry_str_dispose(&err);
}

/* Read a whole file; the signature the reader reports (copied). */
static int read_signature(const char *path, ferry_sop_signature *out,
	ferry_str *err)
{
	const ferry_sop_signature *sig;
	ferry_sop_reader *r;
	const char *line;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	assert_int_equal(ferry_sop__reader_open(&r, path, err), 0);
	assert_null(ferry_sop__reader_signature(r));
	while ((rc = ferry_sop__reader_next(r, &line, &len, err)) == 1)
		;
	if ((sig = ferry_sop__reader_signature(r)) != NULL)
		*out = *sig;
	ferry_sop__reader_free(r);
	return rc;
}

/* The last line of a plain file, without its "\n" (a copy). */
static char *last_line(const char *data, size_t len)
{
	size_t at = len - 1;

	while (at > 0 && data[at - 1] != '\n')
		at--;
	return strndup(data + at, len - 1 - at);
}

static size_t count_lines(const char *p, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += p[i] == '\n';
	return n;
}

/*
 * Recompute the stamp and hash of a plain file from its lines, keeping
 * what follows them in its trailer (the signature) byte for byte: what
 * an editor without the secret key can do.
 */
static void redigest(const char *path)
{
	ferry_str items = FERRY_STR_INIT, out = FERRY_STR_INIT;
	char stamp[FERRY_HASH_HEX], hash[FERRY_HASH_HEX];
	size_t len, hlen;
	char *data = test_file_get(path, &len), *trailer, *sig, *nl;

	trailer = last_line(data, len);
	/* Whatever follows the hash: the signature, other members. */
	sig = strstr(trailer, "\"hash\":\"");
	assert_non_null(sig);
	sig += strlen("\"hash\":\"") + 64 + 1;
	nl = strchr(data, '\n');
	hlen = (size_t)(nl - data) + 1;
	ferry_str_puts(&items, "ferry-stamp-1\n");
	ferry_str_put(&items, nl + 1, len - hlen - strlen(trailer) - 1);
	digest_hex(stamp, items.ptr, items.size);
	ferry_str_put(&out, data, hlen);
	ferry_str_puts(&out, stamp);
	digest_hex(hash, out.ptr, out.size);
	ferry_str_truncate(&out, hlen);
	ferry_str_put(&out, nl + 1, len - hlen - strlen(trailer) - 1);
	ferry_str_printf(&out, "{\"trailer\":\"ferry-sop\",\"items\":%zu,"
		"\"stamp\":\"%s\",\"hash\":\"%s\"%s\n", count_lines(nl + 1,
		len - hlen - strlen(trailer) - 1), stamp, hash, sig);
	assert_false(ferry_str_failed(&out));
	test_file_put(path, out.ptr, out.size);
	free(trailer);
	free(data);
	ferry_str_dispose(&items);
	ferry_str_dispose(&out);
}

/* Replace the first occurrence of from with to in a file. */
static void replace_in_file(const char *path, const char *from,
	const char *to)
{
	ferry_str out = FERRY_STR_INIT;
	size_t len;
	char *data = test_file_get(path, &len), *at = strstr(data, from);

	assert_non_null(at);
	ferry_str_put(&out, data, (size_t)(at - data));
	ferry_str_puts(&out, to);
	ferry_str_puts(&out, at + strlen(from));
	test_file_put(path, out.ptr, out.size);
	free(data);
	ferry_str_dispose(&out);
}

static void test_sop_sign__roundtrip_and_spec(void **state)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES],
		sk[crypto_sign_SECRETKEYBYTES], value[crypto_sign_BYTES];
	char key[FERRY_KEY_B64], fpr[FERRY_KEY_FPR], hex[FERRY_HASH_HEX];
	const char *p = test_path(*state, "s.sop");
	ferry_str err = FERRY_STR_INIT, msg = FERRY_STR_INIT;
	ferry_sop_signature sig;
	unsigned char domain_key[12 + crypto_sign_PUBLICKEYBYTES];
	size_t len, vlen;
	char *data, *t, *v;
	int compress;
	json_t *obj;

	test_keypair(pk, sk, 7);
	for (compress = 0; compress <= 1; compress++) {
		unlink(p);
		write_signed(p, compress, 3, sk);
		assert_int_equal(read_signature(p, &sig, &err), 0);
		assert_true(sig.present && sig.valid);
		ferry_sop__key_encode(key, pk);
		assert_string_equal(sig.public_key, key);
	}
	/* The fingerprint from the spec: BLAKE2b-256("ferry-key-1\n" pk),
	 * its first 32 hex digits. */
	memcpy(domain_key, "ferry-key-1\n", 12);
	memcpy(domain_key + 12, pk, sizeof(pk));
	digest_hex(hex, domain_key, sizeof(domain_key));
	ferry_sop__fingerprint(fpr, pk);
	assert_int_equal(strlen(fpr), 32);
	assert_memory_equal(fpr, hex, 32);
	assert_string_equal(sig.fingerprint, fpr);
	/* The signature from the spec, checked with libsodium alone. */
	unlink(p);
	write_signed(p, 0, 3, sk);
	data = test_file_get(p, &len);
	t = last_line(data, len);
	obj = json_loads(t, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		obj, "signature"), "alg")), "ed25519");
	v = strstr(t, ",\"value\":\"");
	assert_non_null(v);
	v += strlen(",\"value\":");
	assert_string_equal(v + 1 + 88, "\"}}");
	ferry_str_puts(&msg, "ferry-signature-1\n");
	ferry_str_put(&msg, t, (size_t)(v - t));
	assert_int_equal(sodium_base642bin(value, sizeof(value), v + 1, 88,
		NULL, &vlen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(vlen, crypto_sign_BYTES);
	assert_int_equal(crypto_sign_verify_detached(value,
		(const unsigned char *)msg.ptr, msg.size, pk), 0);
	json_decref(obj);
	free(t);
	free(data);
	ferry_str_dispose(&msg);
	ferry_str_dispose(&err);
}

static void test_sop_sign__unsigned_has_no_signature(void **state)
{
	const char *p = test_path(*state, "u.sop");
	ferry_str err = FERRY_STR_INIT;
	ferry_sop_signature sig;
	size_t len;
	char *data, *t;

	write_signed(p, 0, 2, NULL);
	assert_int_equal(read_signature(p, &sig, &err), 0);
	assert_false(sig.present);
	assert_false(sig.valid);
	data = test_file_get(p, &len);
	t = last_line(data, len);
	assert_null(strstr(t, "signature"));
	assert_int_equal(t[strlen(t) - 1], '}');
	free(t);
	free(data);
	ferry_str_dispose(&err);
}

/* The edits an attacker without the key can make, each refused. */
static void test_sop_sign__tampered(void **state)
{
	static const struct {
		const char *from, *to, *needle;
	} edits[] = {
		/* an item byte */
		{ "\"n\":1}", "\"n\":9}", "bad signature" },
		/* the header */
		{ "\"exported_by\":\"alice\"", "\"exported_by\":\"mallo\"",
		  "bad signature" },
		/* the signer's key, the fingerprint, the algorithm */
		{ "\"fingerprint\":\"", "\"fingerprint\":\"0", "malformed" },
		{ "\"alg\":\"ed25519\"", "\"alg\":\"rsa\"",
		  "signed with 'rsa'" },
		/* a trailer member slipped in, or after the signature */
		{ ",\"signature\":", ",\"x\":1,\"signature\":",
		  "bad signature" },
		{ "\"}}", "\"},\"x\":1}", "malformed" },
	};
	unsigned char pk[crypto_sign_PUBLICKEYBYTES],
		sk[crypto_sign_SECRETKEYBYTES];
	const char *p = test_path(*state, "t.sop");
	size_t i;

	test_keypair(pk, sk, 9);
	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		unlink(p);
		write_signed(p, 0, 3, sk);
		replace_in_file(p, edits[i].from, edits[i].to);
		redigest(p);
		assert_refused(p, FERRY_EFORMAT, edits[i].needle);
	}
	/* items swapped */
	unlink(p);
	write_signed(p, 0, 3, sk);
	replace_in_file(p, "\"n\":0}", "\"n\":X}");
	replace_in_file(p, "\"n\":1}", "\"n\":0}");
	replace_in_file(p, "\"n\":X}", "\"n\":1}");
	redigest(p);
	assert_refused(p, FERRY_EFORMAT, "bad signature");
}

static void test_sop_sign__signer_swapped(void **state)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES],
		sk[crypto_sign_SECRETKEYBYTES], pk2[crypto_sign_PUBLICKEYBYTES],
		sk2[crypto_sign_SECRETKEYBYTES];
	char key[FERRY_KEY_B64], key2[FERRY_KEY_B64], fpr[FERRY_KEY_FPR],
		fpr2[FERRY_KEY_FPR];
	const char *p = test_path(*state, "t.sop");

	test_keypair(pk, sk, 1);
	test_keypair(pk2, sk2, 2);
	ferry_sop__key_encode(key, pk);
	ferry_sop__key_encode(key2, pk2);
	ferry_sop__fingerprint(fpr, pk);
	ferry_sop__fingerprint(fpr2, pk2);
	/* the fingerprint of another key */
	write_signed(p, 0, 2, sk);
	replace_in_file(p, fpr, fpr2);
	assert_refused(p, FERRY_EFORMAT, "is not the fingerprint of its "
		"public key");
	/* another key with its own fingerprint */
	unlink(p);
	write_signed(p, 0, 2, sk);
	replace_in_file(p, fpr, fpr2);
	replace_in_file(p, key, key2);
	assert_refused(p, FERRY_EFORMAT, "bad signature");
}

static void test_sop_sign__compressed_tampered(void **state)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES],
		sk[crypto_sign_SECRETKEYBYTES];
	const char *p = test_path(*state, "t.sop");
	const char *z = test_path(*state, "z.sop");
	size_t len;
	char *data;

	test_keypair(pk, sk, 3);
	write_signed(p, 0, 3, sk);
	replace_in_file(p, "\"n\":2}", "\"n\":7}");
	redigest(p);
	data = test_file_get(p, &len);
	put_zstd(test_path(*state, "z.sop"), data, len);
	free(data);
	assert_refused(z, FERRY_EFORMAT, "bad signature");
}

static void test_sop_sign__key_text(void **state)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char pk[crypto_sign_PUBLICKEYBYTES],
		sk[crypto_sign_SECRETKEYBYTES],
		back[crypto_sign_PUBLICKEYBYTES];
	char key[FERRY_KEY_B64], bad[FERRY_KEY_B64];

	(void)state;
	test_keypair(pk, sk, 5);
	ferry_sop__key_encode(key, pk);
	assert_int_equal(strlen(key), 44);
	assert_int_equal(ferry_sop__key_decode(back, key), 0);
	assert_memory_equal(back, pk, sizeof(pk));
	assert_int_equal(ferry_sop__key_decode(back, ""), -1);
	assert_int_equal(ferry_sop__key_decode(back, "abc"), -1);
	memcpy(bad, key, sizeof(bad));
	bad[10] = '*';
	assert_int_equal(ferry_sop__key_decode(back, bad), -1);
	/* the last character carries 2 padding bits: only one spelling */
	memcpy(bad, key, sizeof(bad));
	bad[42] = alphabet[(strchr(alphabet, key[42]) - alphabet) ^ 1];
	assert_int_equal(ferry_sop__key_decode(back, bad), -1);
	assert_int_equal(ferry_sop__key_decode(back, NULL), -1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_sop_roundtrip__plain),
		T(test_sop_roundtrip__compressed),
		T(test_sop_roundtrip__no_items),
		T(test_sop_roundtrip__many_items),
		T(test_sop_roundtrip__big_item),
		T(test_sop_roundtrip__item_at_limit),
		T(test_sop_roundtrip__utf8_item),
		T(test_sop_roundtrip__plain_bytes_match_spec),
		T(test_sop_roundtrip__compressed_is_plain_zstd),
		T(test_sop_roundtrip__header_form),
		T(test_sop_roundtrip__multiple_frames),
		T(test_sop_stamp__same_items_same_stamp),
		T(test_sop_stamp__changed_item_new_stamp),
		T(test_sop_write__no_overwrite),
		T(test_sop_write__exists_at_finish),
		T(test_sop_write__overwrite),
		T(test_sop_write__unfinished_leaves_nothing),
		T(test_sop_write__file_mode),
		T(test_sop_write__no_directory),
		T(test_sop_write__bad_header),
		T(test_sop_write__bad_item),
		T(test_sop_foreign__empty),
		T(test_sop_foreign__png),
		T(test_sop_foreign__json_without_format),
		T(test_sop_foreign__bad_version),
		T(test_sop_version__written_and_told),
		T(test_sop_version__newer),
		T(test_sop_truncated__in_header),
		T(test_sop_truncated__mid_items),
		T(test_sop_truncated__before_trailer),
		T(test_sop_truncated__mid_zstd_frame),
		T(test_sop_altered__plain_byte),
		T(test_sop_altered__compressed_byte),
		T(test_sop_altered__item_count),
		T(test_sop_altered__trailer_digests),
		T(test_sop_altered__trailer_malformed),
		T(test_sop_altered__trailing_garbage),
		T(test_sop_scan__limits_not_digests),
		T(test_sop_line__too_long_item),
		T(test_sop_line__too_long_header),
		T(test_sop_line__invalid_utf8),
		T(test_sop_line__empty),
		T(test_sop_line__not_object),
		T(test_sop_line__crlf),
		T(test_sop_line__header_not_json),
		T(test_sop_line__item_json_not_parsed),
		T(test_sop_read__missing_file),
		T(test_sop_read__unverified_until_end),
		T(test_sop_oom__each_allocation),
		T(test_sop_sign__roundtrip_and_spec),
		T(test_sop_sign__unsigned_has_no_signature),
		T(test_sop_sign__tampered),
		T(test_sop_sign__signer_swapped),
		T(test_sop_sign__compressed_tampered),
		T(test_sop_sign__key_text),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
