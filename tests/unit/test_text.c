/*
 * test_text.c - the text checks every input passes through: UTF-8
 * validity and length, identifiers, UUIDs, decimal normalisation.
 */
#include "helpers.h"

#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define VALID(s) assert_true(ferry_utf8_valid(s, sizeof(s) - 1))
#define INVALID(s) assert_false(ferry_utf8_valid(s, sizeof(s) - 1))

static void test_text_utf8__well_formed(void **state)
{
	(void)state;
	VALID("");
	VALID("plain ascii \x01\x7f");
	VALID("\xc3\xa9");			/* é, 2 bytes */
	VALID("\xc2\x80");			/* U+0080, smallest 2-byte */
	VALID("\xdf\xbf");			/* U+07FF */
	VALID("\xe0\xa0\x80");			/* U+0800, smallest 3-byte */
	VALID("\xe2\x82\xac");			/* € */
	VALID("\xed\x9f\xbf");			/* U+D7FF, below surrogates */
	VALID("\xee\x80\x80");			/* U+E000, above surrogates */
	VALID("\xef\xbf\xbf");			/* U+FFFF */
	VALID("\xf0\x90\x80\x80");		/* U+10000, smallest 4-byte */
	VALID("\xf0\x9f\x98\x80");		/* 😀 */
	VALID("\xf4\x8f\xbf\xbf");		/* U+10FFFF, the largest */
	assert_true(ferry_utf8_valid("a\0b", 3));	/* NUL is UTF-8 */
}

static void test_text_utf8__malformed(void **state)
{
	(void)state;
	INVALID("\x80");			/* lone continuation */
	INVALID("\xbf");
	INVALID("\xc0\x80");			/* overlong NUL */
	INVALID("\xc1\xbf");			/* overlong */
	INVALID("\xe0\x80\x80");		/* overlong 3-byte */
	INVALID("\xe0\x9f\xbf");		/* overlong U+07FF */
	INVALID("\xf0\x80\x80\x80");		/* overlong 4-byte */
	INVALID("\xf0\x8f\xbf\xbf");		/* overlong U+FFFF */
	INVALID("\xed\xa0\x80");		/* U+D800, a surrogate */
	INVALID("\xed\xbf\xbf");		/* U+DFFF */
	INVALID("\xf4\x90\x80\x80");		/* U+110000 */
	INVALID("\xf5\x80\x80\x80");
	INVALID("\xf8\x88\x80\x80\x80");	/* 5-byte form */
	INVALID("\xfe");
	INVALID("\xff");
	INVALID("\xc3");			/* truncated */
	INVALID("\xe2\x82");
	INVALID("\xf0\x9f\x98");
	INVALID("a\xc3");			/* truncated at the end */
	INVALID("\xc3\x28");			/* bad continuation */
	INVALID("\xe2\x28\xa1");
	INVALID("\xf0\x9f\x28\x80");
	/* Past and between ASCII runs that the check takes eight bytes at
	 * a time: every position of a word, and a character that a word
	 * boundary cuts. */
	VALID("0123456789abcdef\xc3\xa9" "0123456789abcdef");
	VALID("0123456\xe2\x82\xac" "89abcdef01234567");
	VALID("01234567\xf0\x9f\x98\x80" "abcdefgh\xc3\xa9");
	INVALID("0123456789abcdef\x80");
	INVALID("0123456789abcdef\xc3");	/* truncated after a run */
	INVALID("0123456\xc3" "89abcdef01234567");
	INVALID("01234567\xed\xa0\x80" "abcdefgh");
	INVALID("abcdefgh\xc3\xa9" "0123456789abcde\xff");
	/* The length given is what counts, not a NUL. */
	assert_false(ferry_utf8_valid("\xc3\xa9", 1));
	assert_false(ferry_utf8_valid("0123456789\xc3\xa9", 11));
	assert_true(ferry_utf8_valid("\xc3\xa9\xff", 2));
}

/*
 * The check written straight from RFC 3629's table of well-formed byte
 * sequences (section 4), to hold ferry_utf8_valid() to: it checks long
 * texts 16 bytes at a time where the processor can, and both ways must
 * give this answer for every input.
 */
static int utf8_by_the_table(const unsigned char *s, size_t len)
{
	size_t i = 0, k, n;

	while (i < len) {
		unsigned char c = s[i], lo = 0x80, hi = 0xbf;

		if (c <= 0x7f) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c == 0xe0)
			n = 2, lo = 0xa0;
		else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
			n = 2;
		else if (c == 0xed)
			n = 2, hi = 0x9f;
		else if (c == 0xf0)
			n = 3, lo = 0x90;
		else if (c >= 0xf1 && c <= 0xf3)
			n = 3;
		else if (c == 0xf4)
			n = 3, hi = 0x8f;
		else
			return 0;
		if (len - i - 1 < n || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += n + 1;
	}
	return 1;
}

/* The byte values where the table's ranges begin and end. */
static const unsigned char edges[] = { 0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90,
	0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed,
	0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff };
#define NEDGES (sizeof(edges) / sizeof(edges[0]))

static void test_text_utf8__edge_sequences_around_the_blocks(void **state)
{
	unsigned char buf[80];
	size_t a, b, c, d, len, at;
	/* Around the first block boundary (16), the last whole block's end
	 * (64 in 72 bytes) and in the tail after it. */
	static const size_t offsets[] = { 0, 13, 14, 15, 16, 61, 62, 63, 64,
		68 };
	size_t o, checked = 0, valid = 0;

	(void)state;
	for (len = 1; len <= 4; len++)
		for (a = 0; a < NEDGES; a++)
		for (b = 0; b < (len > 1 ? NEDGES : 1); b++)
		for (c = 0; c < (len > 2 ? NEDGES : 1); c++)
		for (d = 0; d < (len > 3 ? NEDGES : 1); d++) {
			unsigned char seq[4] = { edges[a], edges[b], edges[c],
				edges[d] };

			for (o = 0; o < sizeof(offsets) / sizeof(*offsets);
			    o++) {
				at = offsets[o];
				memset(buf, 'x', sizeof(buf));
				memcpy(buf + at, seq, len);
				/* 72 bytes: four blocks of 16 and a tail. */
				if (ferry_utf8_valid((char *)buf, 72) !=
				    utf8_by_the_table(buf, 72))
					fail_msg("%zu bytes %02x %02x %02x %02x "
						"at %zu", len, seq[0], seq[1],
						seq[2], seq[3], at);
				/* Cut right after the sequence. */
				if (ferry_utf8_valid((char *)buf, at + len) !=
				    utf8_by_the_table(buf, at + len))
					fail_msg("%zu bytes %02x %02x %02x %02x "
						"at %zu, the end after them",
						len, seq[0], seq[1], seq[2],
						seq[3], at);
				valid += utf8_by_the_table(buf, 72);
				checked++;
			}
		}
	/* Both answers occurred, many times each. */
	assert_true(valid > 10000 && checked - valid > 10000);
}

static void test_text_utf8__random_texts_agree_with_the_table(void **state)
{
	/* Characters of every length, then bytes that break them. */
	static const char *const pieces[] = { "a", "0123456789", "\xc3\xa9",
		"\xd0\xb4", "\xe2\x82\xac", "\xe9\x85\x8d", "\xed\x9f\xbf",
		"\xef\xbf\xbf", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
		"\xe0\xa0\x80", "\xf0\x90\x80\x80" };
	static const unsigned char breakers[] = { 0x80, 0xbf, 0xc0, 0xc3,
		0xe2, 0xed, 0xf0, 0xf4, 0xf5, 0xff };
	unsigned char buf[400];
	uint64_t x = 0x9e3779b97f4a7c15u;
	size_t round, valid = 0;

	(void)state;
	for (round = 0; round < 200000; round++) {
		size_t len = 0, want, at;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		want = (size_t)(x % 300);
		while (len < want) {
			const char *p;
			size_t n;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			p = pieces[x % (sizeof(pieces) / sizeof(*pieces))];
			n = strlen(p);
			if (len + n > sizeof(buf))
				break;
			memcpy(buf + len, p, n);
			len += n;
		}
		/* Half of them get one byte changed, or cut short. */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (len > 0 && x % 2) {
			at = (size_t)((x >> 8) % len);
			buf[at] = breakers[(x >> 32) % sizeof(breakers)];
		} else if (len > 0 && x % 3 == 0) {
			len -= 1;
		}
		if (ferry_utf8_valid((char *)buf, len) !=
		    utf8_by_the_table(buf, len))
			fail_msg("round %zu: %zu bytes disagree", round, len);
		valid += utf8_by_the_table(buf, len);
	}
	assert_true(valid > 20000 && valid < 180000);
}

static void test_text_utf8__length_in_characters(void **state)
{
	(void)state;
	assert_int_equal(ferry_utf8_length("", 0), 0);
	assert_int_equal(ferry_utf8_length("abc", 3), 3);
	assert_int_equal(ferry_utf8_length("\xc3\xa9\xc3\xa9\xc3\xa9", 6), 3);
	assert_int_equal(ferry_utf8_length("\xe2\x82\xac", 3), 1);
	assert_int_equal(ferry_utf8_length("\xf0\x9f\x98\x80x", 5), 2);
	assert_int_equal(ferry_utf8_length("a\0b", 3), 3);
}

static void test_text_utf8__one_character(void **state)
{
	(void)state;
	assert_int_equal(ferry_utf8_seq("a", 1), 1);
	assert_int_equal(ferry_utf8_seq("\xc3\xa9x", 3), 2);
	assert_int_equal(ferry_utf8_seq("\xe2\x82\xac", 3), 3);
	assert_int_equal(ferry_utf8_seq("\xf0\x9f\x98\x80", 4), 4);
	/* Cut short, a stray continuation, an overlong, a surrogate. */
	assert_int_equal(ferry_utf8_seq("\xe2\x82", 2), 0);
	assert_int_equal(ferry_utf8_seq("\x80", 1), 0);
	assert_int_equal(ferry_utf8_seq("\xc0\xaf", 2), 0);
	assert_int_equal(ferry_utf8_seq("\xed\xa0\x80", 3), 0);
	assert_int_equal(ferry_utf8_seq("", 0), 0);
}

static void test_text_ident__accepted(void **state)
{
	char name[FERRY_IDENT_MAX + 1];

	(void)state;
	assert_true(ferry_ident_valid("a"));
	assert_true(ferry_ident_valid("member"));
	assert_true(ferry_ident_valid("a_1"));
	assert_true(ferry_ident_valid("a__"));
	assert_true(ferry_ident_valid("sys_entity"));	/* reserved elsewhere */
	memset(name, 'a', FERRY_IDENT_MAX);
	name[FERRY_IDENT_MAX] = '\0';
	assert_true(ferry_ident_valid(name));
}

static void test_text_ident__refused(void **state)
{
	static const char *const bad[] = { "", "1a", "_a", "A", "aB",
		"a-b", "a b", "a.b", "a;b", "a'b", "a\"b", "x; DROP TABLE y",
		"\xc3\xa9t\xc3\xa9", "a\n", " a", "a ", "a\tb", "$a", "a$" };
	char name[FERRY_IDENT_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ferry_ident_valid(bad[i]))
			fail_msg("'%s' was accepted", bad[i]);
	assert_false(ferry_ident_valid(NULL));
	memset(name, 'a', FERRY_IDENT_MAX + 1);
	name[FERRY_IDENT_MAX + 1] = '\0';
	assert_false(ferry_ident_valid(name));
}

/* ServiceNow's 32-hex ids are identities too; upper case and other
 * lengths are not. */
static void test_text_sys_id__uuid_or_32_hex(void **state)
{
	(void)state;
	assert_true(ferry_sys_id_valid("0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f"));
	assert_true(ferry_sys_id_valid("cb2d45d1db731200fc79f7fdbf9619b5"));
	assert_false(ferry_sys_id_valid("CB2D45D1DB731200FC79F7FDBF9619B5"));
	assert_false(ferry_sys_id_valid("cb2d45d1db731200fc79f7fdbf9619b"));
	assert_false(ferry_sys_id_valid("cb2d45d1db731200fc79f7fdbf9619b5a"));
	assert_false(ferry_sys_id_valid("cb2d45d1db731200fc79f7fdbf9619g5"));
	assert_false(ferry_sys_id_valid(""));
	assert_false(ferry_sys_id_valid(NULL));
}

static void test_text_uuid__valid_forms(void **state)
{
	(void)state;
	assert_true(ferry_uuid_valid("0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f"));
	assert_true(ferry_uuid_valid("00000000-0000-0000-0000-000000000000"));
	assert_false(ferry_uuid_valid("0D5F1C2E-3B4A-4C5D-8E6F-7A8B9C0D1E2F"));
	assert_false(ferry_uuid_valid("0d5f1c2e3b4a4c5d8e6f7a8b9c0d1e2f"));
	assert_false(ferry_uuid_valid("{0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f}"));
	assert_false(ferry_uuid_valid("0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2"));
	assert_false(ferry_uuid_valid("0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2fa"));
	assert_false(ferry_uuid_valid("0d5f1c2e-3b4a-4c5d-8e6f_7a8b9c0d1e2f"));
	assert_false(ferry_uuid_valid("0d5f1c2g-3b4a-4c5d-8e6f-7a8b9c0d1e2f"));
	assert_false(ferry_uuid_valid(""));
	assert_false(ferry_uuid_valid(NULL));
}

static void test_text_uuid__new_is_random_version_4(void **state)
{
	char a[37], b[37];
	int i;

	(void)state;
	for (i = 0; i < 200; i++) {
		ferry_uuid_new(a);
		ferry_uuid_new(b);
		assert_true(ferry_uuid_valid(a));
		assert_int_equal(strlen(a), 36);
		assert_int_equal(a[14], '4');
		assert_non_null(strchr("89ab", a[19]));
		assert_string_not_equal(a, b);
	}
}

/* Normalise text to decimal(p,s): the normal form, or NULL if refused. */
static const char *dec(const char *text, int p, int s)
{
	static char out[64];

	return ferry_decimal_normalize(out, sizeof(out), text, p, s) == 0 ?
		out : NULL;
}

#define DEC_OK(text, p, s, want) assert_string_equal(dec(text, p, s), want)
#define DEC_BAD(text, p, s) assert_null(dec(text, p, s))

static void test_text_decimal__normal_form(void **state)
{
	(void)state;
	DEC_OK("1", 5, 2, "1.00");
	DEC_OK("1.5", 5, 2, "1.50");
	DEC_OK("-1.5", 5, 2, "-1.50");
	DEC_OK("+1.5", 5, 2, "1.50");
	DEC_OK("001.50", 5, 2, "1.50");
	DEC_OK(".5", 5, 2, "0.50");
	DEC_OK("5.", 5, 2, "5.00");
	DEC_OK("0", 5, 2, "0.00");
	DEC_OK("000", 5, 2, "0.00");
	DEC_OK("-0", 5, 2, "0.00");
	DEC_OK("-0.00", 5, 2, "0.00");
	DEC_OK("-.0", 5, 2, "0.00");
	DEC_OK("999.99", 5, 2, "999.99");
	DEC_OK("-999.99", 5, 2, "-999.99");
	DEC_OK("1.2300", 5, 2, "1.23");
	DEC_OK("42", 2, 0, "42");
	DEC_OK("42.000", 2, 0, "42");
	DEC_OK("-0", 1, 0, "0");
	DEC_OK("0.12", 2, 2, "0.12");
	DEC_OK("-0.12", 2, 2, "-0.12");
	DEC_OK("12345678901234567890123456789012345678", 38, 0,
		"12345678901234567890123456789012345678");
}

static void test_text_decimal__refused(void **state)
{
	(void)state;
	DEC_BAD("1000", 5, 2);			/* 4 digits before the point */
	DEC_BAD("1.234", 5, 2);			/* would round */
	DEC_BAD("0.001", 5, 2);
	DEC_BAD("100", 2, 0);
	DEC_BAD("1", 2, 2);
	DEC_BAD("", 5, 2);
	DEC_BAD("-", 5, 2);
	DEC_BAD("+", 5, 2);
	DEC_BAD(".", 5, 2);
	DEC_BAD("--1", 5, 2);
	DEC_BAD("+-1", 5, 2);
	DEC_BAD("1.2.3", 5, 2);
	DEC_BAD("1e2", 5, 2);
	DEC_BAD("1,5", 5, 2);
	DEC_BAD(" 1", 5, 2);
	DEC_BAD("1 ", 5, 2);
	DEC_BAD("0x1", 5, 2);
	DEC_BAD("inf", 5, 2);
	DEC_BAD("NaN", 5, 2);
	DEC_BAD("\xd9\xa1", 5, 2);		/* Arabic-Indic one */
}

static void test_text_decimal__output_size_is_checked(void **state)
{
	char small[5];

	(void)state;
	/* "12.50" needs 6 bytes with its NUL. */
	assert_int_equal(ferry_decimal_normalize(small, sizeof(small), "12.5",
		5, 2), -1);
	assert_int_equal(ferry_decimal_normalize(small, sizeof(small), "1",
		5, 0), 0);
	assert_string_equal(small, "1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_utf8__well_formed),
		cmocka_unit_test(test_text_utf8__malformed),
		cmocka_unit_test(test_text_utf8__edge_sequences_around_the_blocks),
		cmocka_unit_test(test_text_utf8__random_texts_agree_with_the_table),
		cmocka_unit_test(test_text_utf8__length_in_characters),
		cmocka_unit_test(test_text_utf8__one_character),
		cmocka_unit_test(test_text_ident__accepted),
		cmocka_unit_test(test_text_ident__refused),
		cmocka_unit_test(test_text_sys_id__uuid_or_32_hex),
		cmocka_unit_test(test_text_uuid__valid_forms),
		cmocka_unit_test(test_text_uuid__new_is_random_version_4),
		cmocka_unit_test(test_text_decimal__normal_form),
		cmocka_unit_test(test_text_decimal__refused),
		cmocka_unit_test(test_text_decimal__output_size_is_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
