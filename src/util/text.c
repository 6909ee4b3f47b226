/*
 * text.c - UTF-8, identifier, UUID and decimal checks (see text.h).
 */
#include "text.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int ferry_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
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

int ferry_ident_valid(const char *name)
{
	return name && ferry_ident_valid_len(name, strlen(name));
}

int ferry_ident_valid_len(const char *name, size_t len)
{
	size_t i;

	if (!len || len > FERRY_IDENT_MAX)
		return 0;
	if (!(name[0] >= 'a' && name[0] <= 'z'))
		return 0;
	for (i = 1; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return 0;
	}
	return 1;
}

int ferry_hex_valid(const char *s, size_t n)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

int ferry_uuid_valid(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return 0;
		}
	}
	return 1;
}

int ferry_sys_id_valid(const char *s)
{
	return ferry_uuid_valid(s) || ferry_hex_valid(s, 32);
}

void ferry_uuid_new(char out[37])
{
	unsigned char b[16];

	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		"%02x%02x%02x%02x%02x%02x",
		b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		b[10], b[11], b[12], b[13], b[14], b[15]);
}

int ferry_decimal_normalize(char *out, size_t outlen, const char *text,
	int precision, int scale)
{
	const char *p = text, *intp, *frac = NULL;
	size_t nint = 0, nfrac = 0, i, o = 0;
	int neg = 0;

	if (*p == '-' || *p == '+')
		neg = (*p++ == '-');
	intp = p;
	while (*p >= '0' && *p <= '9')
		p++, nint++;
	if (*p == '.') {
		frac = ++p;
		while (*p >= '0' && *p <= '9')
			p++, nfrac++;
	}
	if (*p != '\0' || (nint == 0 && nfrac == 0))
		return -1;
	while (nint > 1 && *intp == '0')
		intp++, nint--;
	if (nint == 1 && *intp == '0')
		nint = 0;
	/* Digits beyond the scale must be zeros: no silent rounding. */
	for (i = (size_t)scale; i < nfrac; i++)
		if (frac[i] != '0')
			return -1;
	if ((int)nint > precision - scale)
		return -1;
	if (outlen < nint + (size_t)scale + 4)
		return -1;
	if (neg)
		out[o++] = '-';
	if (nint == 0)
		out[o++] = '0';
	for (i = 0; i < nint; i++)
		out[o++] = intp[i];
	if (scale > 0) {
		out[o++] = '.';
		for (i = 0; i < (size_t)scale; i++)
			out[o++] = i < nfrac ? frac[i] : '0';
	}
	out[o] = '\0';
	/* "-0.00" is "0.00". */
	if (neg && strspn(out + 1, "0.") == o - 1)
		memmove(out, out + 1, o);
	return 0;
}
