/*
 * utf8.c - the UTF-8 checks of text.h.
 *
 * Every line of a package is checked twice on its way from one instance
 * to another (the writer's check and the reader's), a gigabyte at 1M
 * records.  A byte at a time past each non-ASCII character took 8% of
 * an export's CPU (docs/performance.md, "The export's redesign, built
 * and measured").  So on x86-64 processors with SSSE3 the bulk of a long
 * text is checked 16 bytes at a time by the lookup method of Keiser and
 * Lemire ("Validating UTF-8 in less than one instruction per byte",
 * 2021): three table lookups classify each byte with the one before it,
 * and two saturating subtractions find the bytes that must continue a
 * three- or four-byte character.  What is left at the end, short texts
 * and other processors take the loop below, and both give the same
 * answer for every input (tests/unit/test_text.c compares them with a
 * check written from RFC 3629's table).
 */
#include "text.h"

#include <stdint.h>
#include <string.h>

/* The check a character at a time. */
static int valid_scalar(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		unsigned int cp;
		size_t n, k;
		uint64_t w;

		/* ASCII eight bytes at a time (nearly every byte of a
		 * package is; a byte at a time cost 3% of a load), then a
		 * byte at a time up to the word's first other byte. */
		if (len - i >= 8) {
			memcpy(&w, s + i, 8);
			if (!(w & UINT64_C(0x8080808080808080))) {
				i += 8;
				continue;
			}
		}
		if (c < 0x80) {
			while (++i < len && s[i] < 0x80)
				;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1; cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2; cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3; cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define UTF8_BLOCKS 1
#include <immintrin.h>

/*
 * What a pair of bytes (the one before, this one) can be wrong for, one
 * bit each.  A pair is wrong when the bit is set in all three lookups:
 * by the high half of the byte before, its low half, and the high half
 * of this byte.
 */
#define TOO_SHORT (1 << 0)	/* a lead byte, then ASCII or a lead */
#define TOO_LONG (1 << 1)	/* ASCII, then a continuation */
#define OVERLONG_3 (1 << 2)	/* E0, then 80..9F */
#define TOO_LARGE (1 << 3)	/* F4 then 90..BF; F5..FF then 90..BF */
#define SURROGATE (1 << 4)	/* ED, then A0..BF */
#define OVERLONG_2 (1 << 5)	/* C0 or C1, then a continuation */
#define TOO_LARGE_1000 (1 << 6)	/* F5..FF, then 80..8F */
#define OVERLONG_4 (1 << 6)	/* F0, then 80..8F */
#define TWO_CONTS (1 << 7)	/* a continuation, then another */
/* The kinds that any low half of the byte before may have. */
#define CARRY (TOO_SHORT | TOO_LONG | TWO_CONTS)

/*
 * Check the 16-byte blocks of s from its start; returns the bytes
 * checked (a multiple of 16), *bad 1 if any of them is wrong.  A
 * character cut by the last block's end is not wrong yet: the caller
 * checks from its first byte on.
 */
__attribute__((target("ssse3")))
static size_t blocks_ssse3(const unsigned char *s, size_t len, int *bad)
{
	const __m128i byte1_high = _mm_setr_epi8(
		TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,		/* 0_______ */
		TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
		(char)TWO_CONTS, (char)TWO_CONTS,		/* 10______ */
		(char)TWO_CONTS, (char)TWO_CONTS,
		TOO_SHORT | OVERLONG_2,				/* 1100____ */
		TOO_SHORT,					/* 1101____ */
		TOO_SHORT | OVERLONG_3 | SURROGATE,		/* 1110____ */
		(char)(TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 |	/* 1111____ */
		OVERLONG_4));
	const __m128i byte1_low = _mm_setr_epi8(
		(char)(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4), /* 0 */
		(char)(CARRY | OVERLONG_2),			/* 1 */
		(char)CARRY, (char)CARRY,			/* 2, 3 */
		(char)(CARRY | TOO_LARGE),			/* 4 */
		(char)(CARRY | TOO_LARGE | TOO_LARGE_1000),	/* 5 */
		(char)(CARRY | TOO_LARGE | TOO_LARGE_1000),	/* 6 */
		(char)(CARRY | TOO_LARGE | TOO_LARGE_1000),	/* 7 */
		(char)(CARRY | TOO_LARGE | TOO_LARGE_1000),	/* 8 */
		(char)(CARRY | TOO_LARGE | TOO_LARGE_1000),	/* 9 */
		(char)(CARRY | TOO_LARGE | TOO_LARGE_1000),	/* A */
		(char)(CARRY | TOO_LARGE | TOO_LARGE_1000),	/* B */
		(char)(CARRY | TOO_LARGE | TOO_LARGE_1000),	/* C */
		(char)(CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE), /* D */
		(char)(CARRY | TOO_LARGE | TOO_LARGE_1000),	/* E */
		(char)(CARRY | TOO_LARGE | TOO_LARGE_1000));	/* F */
	const __m128i byte2_high = _mm_setr_epi8(
		TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,	/* 0_______ */
		TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
		(char)(TOO_LONG | OVERLONG_2 | TWO_CONTS |	/* 1000____ */
		OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4),
		(char)(TOO_LONG | OVERLONG_2 | TWO_CONTS |	/* 1001____ */
		OVERLONG_3 | TOO_LARGE),
		(char)(TOO_LONG | OVERLONG_2 | TWO_CONTS |	/* 101_____ */
		SURROGATE | TOO_LARGE),
		(char)(TOO_LONG | OVERLONG_2 | TWO_CONTS |
		SURROGATE | TOO_LARGE),
		TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT);	/* 11______ */
	const __m128i low4 = _mm_set1_epi8(0x0f);
	/* A byte minus these (saturating) keeps its high bit only if it
	 * leads a character of three bytes or more, or of four. */
	const __m128i lead3 = _mm_set1_epi8((char)(0xe0 - 0x80));
	const __m128i lead4 = _mm_set1_epi8((char)(0xf0 - 0x80));
	const __m128i high = _mm_set1_epi8((char)0x80);
	__m128i prev = _mm_setzero_si128(), error = _mm_setzero_si128();
	size_t i;

	for (i = 0; len - i >= 16; i += 16) {
		__m128i in = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i prev1, prev2, prev3, pairs, must;

		/* ASCII after ASCII: nothing to check. */
		if (!_mm_movemask_epi8(_mm_or_si128(in, prev))) {
			prev = in;
			continue;
		}
		prev1 = _mm_alignr_epi8(in, prev, 15);
		prev2 = _mm_alignr_epi8(in, prev, 14);
		prev3 = _mm_alignr_epi8(in, prev, 13);
		pairs = _mm_and_si128(_mm_and_si128(
			_mm_shuffle_epi8(byte1_high, _mm_and_si128(
			_mm_srli_epi16(prev1, 4), low4)),
			_mm_shuffle_epi8(byte1_low, _mm_and_si128(prev1,
			low4))),
			_mm_shuffle_epi8(byte2_high, _mm_and_si128(
			_mm_srli_epi16(in, 4), low4)));
		/* A continuation after a continuation is wrong (TWO_CONTS,
		 * the high bit) unless the byte two back leads a character
		 * of three bytes or more, or the byte three back one of
		 * four: there `must` has the high bit, and the XOR clears
		 * it where both agree and sets it where one is missing. */
		must = _mm_and_si128(_mm_or_si128(_mm_subs_epu8(prev2, lead3),
			_mm_subs_epu8(prev3, lead4)), high);
		error = _mm_or_si128(error, _mm_xor_si128(must, pairs));
		prev = in;
	}
	*bad = _mm_movemask_epi8(_mm_cmpeq_epi8(error,
		_mm_setzero_si128())) != 0xffff;
	return i;
}

static int have_ssse3(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("ssse3");
}
#endif

int ferry_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t from = 0;

#ifdef UTF8_BLOCKS
	if (len >= 64 && have_ssse3()) {
		int bad;
		size_t k = blocks_ssse3(s, len, &bad);

		if (bad)
			return 0;
		/* The character the blocks' end may cut: its lead byte is
		 * one of the last three, and the loop checks it whole. */
		from = s[k - 1] >= 0xc0 ? k - 1 : s[k - 2] >= 0xe0 ? k - 2 :
			s[k - 3] >= 0xf0 ? k - 3 : k;
	}
#endif
	return valid_scalar(s + from, len - from);
}

size_t ferry_utf8_seq(const char *str, size_t len)
{
	unsigned char c = len ? (unsigned char)str[0] : 0;
	size_t n = !len ? 0 : c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 :
		c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;

	return n && n <= len && ferry_utf8_valid(str, n) ? n : 0;
}

size_t ferry_utf8_length(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}
