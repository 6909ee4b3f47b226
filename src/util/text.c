/*
 * text.c - identifier, UUID and decimal checks (see text.h; the UTF-8
 * checks are in utf8.c).
 */
#include "text.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

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
