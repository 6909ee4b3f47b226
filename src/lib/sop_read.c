/*
 * sop_read.c - the streaming .sop reader (see sop.h).
 *
 * The reader checks a package as it streams it, holding one raw input
 * buffer, one decoded buffer and one line however many items there are.
 * Lines that sit whole in the decoded buffer are handed out in place;
 * only lines that straddle two buffer fills are copied.  It never parses
 * items: the importer validates their JSON in SQL while staging them.
 *
 * The format, in short (docs/format.md is the specification and wins):
 *
 *   file      = plain: S itself, or compressed: zstd frame(s) of S,
 *               told apart by the first byte '{' or the magic 28 B5 2F FD
 *   S         = header item* trailer, each a line ending in "\n"
 *   line      = one JSON object, UTF-8, not empty, no "\r" at the end;
 *               header <= 1 MiB, any other line <= 64 MiB
 *   header    = {"format":"ferry-sop","format_version":<N>,...}
 *               the prefix up to <N> is frozen; N > 1 is "newer ferry"
 *   item      = '{' ... '}'  (not parsed here), not starting {"trailer":
 *   trailer   = {"trailer":"ferry-sop","items":<count>,
 *                "stamp":<hex>,"hash":<hex>}, then the end of the file
 *   stamp     = BLAKE2b-256("ferry-stamp-1\n" || every item line + "\n")
 *   hash      = BLAKE2b-256(header line "\n" stamp-in-hex): the stamp
 *               digests every item byte, so this covers every byte
 *               before the trailer while hashing each byte once
 *   signature = optional last trailer member {"alg":"ed25519",
 *               "public_key","fingerprint","value"}: Ed25519 over
 *               "ferry-signature-1\n" and the trailer line up to the
 *               value, checked after the digests (sop_sign.c)
 *
 * Every refusal is FERRY_EFORMAT with a message that names the file, what
 * is wrong and what to do.  In a compressed file a strange line is often
 * the first sign of damaged zstd data, so before blaming a line the
 * reader decompresses the rest and blames zstd if zstd complains.
 */
#include "sop.h"
#include "types.h"

#include "alloc.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

/* How much more a damaged compressed file is decoded to find the cause. */
#define DRAIN_MAX ((uint64_t)1 << 30)

/* How messages end: what to do (docs/format.md section 7). */
#define MSG_AGAIN "; export it again"
#define MSG_DAMAGED "; the file is damaged, export it again"
#define MSG_CHANGED "integrity check failed: the file was changed after " \
	"export"

struct ferry_sop_reader {
	char *path;		/* the file, as given, for messages */
	int fd;			/* the open file */
	int compressed;		/* 1: zstd container */
	ZSTD_DCtx *dctx;	/* the zstd stream; NULL when plain */
	char *ibuf;		/* raw file bytes (compressed only) */
	size_t icap, ipos, ilen; /* ibuf's size, read position, fill */
	int ieof;		/* the file has no more raw bytes */
	int frame_done;		/* the last zstd call ended a frame */
	uint64_t consumed;	/* compressed bytes decoded so far */
	uint64_t decoded;	/* bytes of S produced so far */
	char *dbuf;		/* decoded bytes of the stream S */
	size_t dcap, dpos, dlen; /* dbuf's size, read position, fill */
	ferry_str line;		/* a line that straddles two fills */
	char *header;		/* the header line, NUL-terminated */
	unsigned format;	/* the header's format_version */
	uint64_t lineno;	/* lines read so far (1: the header) */
	uint64_t items;		/* items returned so far */
	ferry_hash hash;	/* integrity: the header line, then the stamp */
	ferry_hash stamp;	/* VersionStamp: the domain, then the items */
	char stamp_hex[FERRY_HASH_HEX]; /* the verified stamp */
	ferry_sop_signature sig; /* what the trailer says of its signature */
	int trailer_read;	/* sig is filled in */
	int done;		/* the end was verified */
	int scan;		/* limits and framing only (ferry_sop__scan) */
	int error;		/* sticky failure code, 0 while healthy */
	ferry_str msg;		/* the failure's message */
};

/* Every message begins with the file's path. */
static int vfail(ferry_sop_reader *r, int code, const char *fmt, va_list ap)
{
	ferry_str_clear(&r->msg);
	if (r->path)
		ferry_str_printf(&r->msg, "%s: ", r->path);
	ferry_str_vprintf(&r->msg, fmt, ap);
	r->error = code;
	return code;
}

/* Record a failure: the code becomes sticky, the message is kept. */
__attribute__((format(printf, 3, 4)))
static int fail(ferry_sop_reader *r, int code, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = vfail(r, code, fmt, ap);
	va_end(ap);
	return error;
}

static int fail_nomem(ferry_sop_reader *r)
{
	return fail(r, FERRY_ENOMEM, "out of memory");
}

/* read(2) once, retrying interruptions: bytes read, 0 at EOF, or < 0. */
static ssize_t read_some(ferry_sop_reader *r, char *buf, size_t cap)
{
	ssize_t n;

	do {
		n = read(r->fd, buf, cap);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(r, FERRY_EIO, "cannot read: %s", strerror(errno));
	return n;
}

/* The decoded-bytes limit in force (see ferry_sop__set_decoded_max). */
static uint64_t decoded_max = FERRY_SOP_DECODED_MAX;

void ferry_sop__set_decoded_max(uint64_t max)
{
	decoded_max = max && max < FERRY_SOP_DECODED_MAX ? max :
		FERRY_SOP_DECODED_MAX;
}

/* The work limits of sop.h, after n more bytes of S. */
static int count_decoded(ferry_sop_reader *r, size_t n)
{
	r->decoded += n;
	if (r->decoded > decoded_max && decoded_max % ((uint64_t)1 << 30))
		return fail(r, FERRY_EFORMAT, "the package is larger than "
			"the limit of %" PRIu64 " bytes; ferry refuses it "
			"(split the pack if it is genuine)", decoded_max);
	if (r->decoded > decoded_max)
		return fail(r, FERRY_EFORMAT, "the package is larger than "
			"the limit of %" PRIu64 " GiB; ferry refuses it (split "
			"the pack if it is genuine)", decoded_max >> 30);
	if (r->compressed && r->decoded > FERRY_SOP_RATIO_FLOOR &&
	    r->decoded / FERRY_SOP_RATIO_MAX > r->consumed)
		return fail(r, FERRY_EFORMAT, "the compressed data expands "
			"more than %d times (a decompression bomb); ferry "
			"refuses it: this is not a package ferry made",
			FERRY_SOP_RATIO_MAX);
	return 0;
}

/*
 * Append decoded bytes to dbuf, first moving unread ones to its start.
 * Returns 1 when bytes were added, 0 at a clean end of the stream (for
 * zstd: input exhausted at a frame boundary), or a negative code.  With
 * stop_at_frame_end, a finished zstd frame counts as the end even if
 * more input follows, so the caller can look at what follows.
 */
static int fill(ferry_sop_reader *r, int stop_at_frame_end)
{
	ssize_t n;
	size_t rc;
	int progress;

	if (r->dpos > 0) {
		memmove(r->dbuf, r->dbuf + r->dpos, r->dlen - r->dpos);
		r->dlen -= r->dpos;
		r->dpos = 0;
	}
	if (r->dlen == r->dcap)
		return 1;
	if (!r->compressed) {
		n = read_some(r, r->dbuf + r->dlen, r->dcap - r->dlen);
		if (n < 0)
			return (int)n;
		r->dlen += (size_t)n;
		if (count_decoded(r, (size_t)n) < 0)
			return r->error;
		return n > 0;
	}
	for (;;) {
		ZSTD_inBuffer in;
		ZSTD_outBuffer out;

		if (r->frame_done && stop_at_frame_end)
			return 0;
		if (r->ipos == r->ilen && !r->ieof) {
			if ((n = read_some(r, r->ibuf, r->icap)) < 0)
				return (int)n;
			r->ipos = 0;
			r->ilen = (size_t)n;
			r->ieof = n == 0;
		}
		if (r->ipos == r->ilen && r->ieof && r->frame_done)
			return 0;
		in = (ZSTD_inBuffer){ r->ibuf, r->ilen, r->ipos };
		out = (ZSTD_outBuffer){ r->dbuf, r->dcap, r->dlen };
		rc = ZSTD_decompressStream(r->dctx, &out, &in);
		if (ZSTD_isError(rc))
			return fail(r, FERRY_EFORMAT, "the compressed data is "
				"corrupt (%s)" MSG_AGAIN,
				ZSTD_getErrorName(rc));
		progress = in.pos != r->ipos || out.pos != r->dlen;
		r->consumed += in.pos - r->ipos;
		r->ipos = in.pos;
		r->frame_done = rc == 0;
		if (out.pos > r->dlen) {
			int error = count_decoded(r, out.pos - r->dlen);

			r->dlen = out.pos;
			return error < 0 ? error : 1;
		}
		if (!progress && r->ieof)
			return fail(r, FERRY_EFORMAT, "the file is truncated: "
				"the compressed stream ends early" MSG_AGAIN);
	}
}

/*
 * Decode and discard the rest of the stream: does zstd complain?  Only so
 * far: a few bytes of zstd can expand to terabytes, and this is only to
 * improve a message.
 */
static int drain(ferry_sop_reader *r)
{
	uint64_t seen = 0;
	int rc = 1;

	while (rc > 0 && seen < DRAIN_MAX) {
		seen += r->dlen - r->dpos;
		r->dpos = r->dlen = 0;
		rc = fill(r, 0);
	}
	return rc < 0 ? rc : 0;
}

/*
 * A line breaks a rule.  In a compressed file, blame damaged zstd data
 * instead if the rest of the file shows it (see the top of the file).
 */
__attribute__((format(printf, 2, 3)))
static int content_error(ferry_sop_reader *r, const char *fmt, ...)
{
	va_list ap;
	int error;

	if (r->compressed && (error = drain(r)) < 0)
		return error;
	va_start(ap, fmt);
	error = vfail(r, FERRY_EFORMAT, fmt, ap);
	va_end(ap);
	return error;
}

/*
 * Read line r->lineno + 1 into *out (NUL-terminated, without "\n") and
 * count it.  Returns 1, 0 if the stream ended cleanly before the line, or
 * a negative code.  At most `limit` bytes of the line are ever held.
 */
static int read_line(ferry_sop_reader *r, size_t limit, char **out,
	size_t *outlen)
{
	char *p, *nl;
	size_t avail, n;
	int rc;

	ferry_str_clear(&r->line);
	for (;;) {
		p = r->dbuf + r->dpos;
		avail = r->dlen - r->dpos;
		nl = avail ? memchr(p, '\n', avail) : NULL;
		n = nl ? (size_t)(nl - p) : avail;
		if (n > limit - r->line.size)
			return content_error(r, "line %" PRIu64 " is longer "
				"than the limit of %zu bytes; the file is "
				"damaged or not from ferry", r->lineno + 1,
				limit);
		if (nl && r->line.size == 0) {
			*nl = '\0';
			*out = p;
			*outlen = n;
			r->dpos += n + 1;
			r->lineno++;
			return 1;
		}
		if (n > 0 && ferry_str_put(&r->line, p, n) < 0)
			return fail_nomem(r);
		r->dpos += n;
		if (nl) {
			r->dpos++;
			*out = r->line.ptr;
			*outlen = r->line.size;
			r->lineno++;
			return 1;
		}
		if ((rc = fill(r, 0)) < 0)
			return rc;
		if (rc == 0 && r->line.size == 0)
			return 0;
		if (rc == 0)
			return fail(r, FERRY_EFORMAT, "the file is truncated: "
				"line %" PRIu64 " has no end" MSG_AGAIN,
				r->lineno + 1);
	}
}

/* The line rules every line obeys (docs/format.md section 3). */
static int check_line(ferry_sop_reader *r, const char *line, size_t len)
{
	switch (ferry_sop__line_check(line, len)) {
	case FERRY_SOP_LINE_OK:
		break;
	case FERRY_SOP_LINE_EMPTY:
		return content_error(r, "line %" PRIu64 " is empty"
			MSG_DAMAGED, r->lineno);
	case FERRY_SOP_LINE_CR:
		return content_error(r, "line %" PRIu64 " ends with a "
			"carriage return (CRLF line endings); restore LF "
			"endings (mark *.sop -text in .gitattributes) or "
			"export it again", r->lineno);
	case FERRY_SOP_LINE_NOT_OBJECT:
		return content_error(r, "line %" PRIu64 " is not a JSON "
			"object" MSG_DAMAGED, r->lineno);
	case FERRY_SOP_LINE_NOT_UTF8:
		return content_error(r, "line %" PRIu64 " is not valid "
			"UTF-8" MSG_DAMAGED, r->lineno);
	}
	return 0;
}

static int foreign(ferry_sop_reader *r, const char *why)
{
	return fail(r, FERRY_EFORMAT, "not a ferry package (%s); check the "
		"file name", why);
}

static int truncated_header(ferry_sop_reader *r)
{
	return fail(r, FERRY_EFORMAT, "the file is truncated: it ends "
		"inside the header" MSG_AGAIN);
}

/*
 * Line 1.  The magic prefix and the version come first, straight from the
 * decoded bytes, so that a foreign file is called foreign and a newer
 * package is called newer before any other rule can complain about it.
 */
static int read_header(ferry_sop_reader *r)
{
	const size_t mlen = strlen(FERRY_SOP_MAGIC);
	const size_t want = mlen + 24; /* the prefix, 20 digits and more */
	json_error_t jerr;
	json_t *obj = NULL;
	uint64_t version = 0;
	size_t avail, i, len;
	char *p, *line;
	int rc, error = 0;

	while (r->dlen - r->dpos < want) {
		if ((rc = fill(r, 0)) < 0) {
			error = rc;
			goto done;
		}
		if (rc == 0)
			break;
	}
	p = r->dbuf + r->dpos;
	avail = r->dlen - r->dpos;
	if (avail == 0 || memcmp(p, FERRY_SOP_MAGIC,
			avail < mlen ? avail : mlen) != 0) {
		error = foreign(r, "it does not start with a ferry header");
		goto done;
	}
	if (avail < mlen) {
		error = truncated_header(r);
		goto done;
	}
	for (i = mlen; i < avail && p[i] >= '0' && p[i] <= '9'; i++)
		if (i - mlen < 19)
			version = version * 10 + (uint64_t)(p[i] - '0');
	if (i == avail && avail < want) {
		error = truncated_header(r);
		goto done;
	}
	if (i == mlen || p[mlen] == '0') {
		error = foreign(r, "format_version is not a positive integer");
		goto done;
	}
	if (i - mlen > 19 || version > FERRY_SOP_FORMAT_VERSION) {
		error = fail(r, FERRY_EFORMAT, "made by a newer ferry "
			"(format %.*s); upgrade ferry to read it",
			(int)(i - mlen > 20 ? 20 : i - mlen), p + mlen);
		goto done;
	}
	if (p[i] != ',' && p[i] != '}') {
		error = foreign(r, "format_version is not a positive integer");
		goto done;
	}
	r->format = (unsigned)version;
	if ((rc = read_line(r, FERRY_SOP_HEADER_MAX, &line, &len)) <= 0) {
		error = rc < 0 ? rc : truncated_header(r);
		goto done;
	}
	if ((error = check_line(r, line, len)) < 0)
		goto done;
	/*
	 * A valid object without duplicate keys that starts with the magic
	 * has "format":"ferry-sop" and an integer format_version.
	 */
	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj) {
		error = content_error(r, "the header (line 1) is not a "
			"valid JSON object (%s)" MSG_DAMAGED,
			ferry_json__error_text(&jerr));
		goto done;
	}
	ferry_hash_update(&r->hash, line, len);
	ferry_hash_update(&r->hash, "\n", 1);
	if ((r->header = ferry__strndup(line, len)) == NULL)
		error = fail_nomem(r);
done:
	json_decref(obj);
	return error;
}

/*
 * After the trailer: nothing more in the stream, and for zstd the frame
 * must end (its checksum is verified then) and the file with it.
 */
static int expect_end(ferry_sop_reader *r)
{
	ssize_t n;
	int rc, error = 0;

	if (r->dpos < r->dlen)
		goto garbage;
	r->dpos = r->dlen = 0;
	if ((rc = fill(r, 1)) < 0) {
		error = rc;
		goto done;
	}
	if (rc > 0 || (r->compressed && r->ipos < r->ilen))
		goto garbage;
	if (r->compressed && !r->ieof) {
		if ((n = read_some(r, r->ibuf, r->icap)) < 0) {
			error = (int)n;
			goto done;
		}
		r->ieof = n == 0;
		if (n > 0)
			goto garbage;
	}
	goto done;
garbage:
	error = fail(r, FERRY_EFORMAT, "unexpected data after the trailer "
		"(line %" PRIu64 ")" MSG_DAMAGED, r->lineno);
done:
	return error;
}

/*
 * The refusal of a signature (docs/format.md section 7, step 11), once
 * the digests have shown the file is whole: what is left is a signature
 * that does not belong to these bytes.
 */
static int refuse_signature(ferry_sop_reader *r, ferry_sop_sig_problem p,
	const char *alg)
{
	switch (p) {
	case FERRY_SOP_SIG_OK:
		break;
	case FERRY_SOP_SIG_NOMEM:
		return fail_nomem(r);
	case FERRY_SOP_SIG_UNKNOWN_ALG:
		return fail(r, FERRY_EFORMAT, "the package is signed with "
			"'%.40s', which this ferry cannot check; upgrade ferry "
			"to read it", alg);
	case FERRY_SOP_SIG_MALFORMED:
		return fail(r, FERRY_EFORMAT, "the signature in the trailer "
			"(line %" PRIu64 ") is malformed; the file was changed "
			"after it was signed or is damaged: do not use it, ask "
			"its maker for a new copy", r->lineno);
	case FERRY_SOP_SIG_FINGERPRINT:
		return fail(r, FERRY_EFORMAT, "the signature names the "
			"fingerprint %s, which is not the fingerprint of its "
			"public key; the signer field was changed after "
			"signing: do not use it, ask its maker for a new copy",
			r->sig.fingerprint);
	case FERRY_SOP_SIG_MISMATCH:
		return fail(r, FERRY_EFORMAT, "bad signature: the package "
			"was changed after it was signed by key %s; do not use "
			"it, ask its maker for a new copy",
			r->sig.fingerprint);
	}
	return 0;
}

/* The last line: check it, the end of file, the count and the digests. */
static int read_trailer(ferry_sop_reader *r, const char *line, size_t len)
{
	char hash_hex[FERRY_HASH_HEX], want_stamp[FERRY_HASH_HEX];
	char want_hash[FERRY_HASH_HEX], alg[48] = "";
	const char *kind = "", *stamp = "", *hash = "", *alg_text = NULL;
	ferry_sop_sig_problem sig_problem = FERRY_SOP_SIG_OK;
	json_int_t items = -1;
	json_t *obj, *sig;
	int error = 0;

	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	if (json_unpack(obj, "{s:s, s:I, s:s, s:s}", "trailer", &kind,
		"items", &items, "stamp", &stamp, "hash", &hash) < 0 ||
	    strcmp(kind, "ferry-sop") != 0 || items < 0 ||
	    !ferry_hex_valid(stamp, FERRY_HASH_HEX - 1) ||
	    !ferry_hex_valid(hash, FERRY_HASH_HEX - 1)) {
		error = content_error(r, "the trailer (line %" PRIu64 ") is "
			"malformed" MSG_DAMAGED, r->lineno);
		goto done;
	}
	memcpy(want_stamp, stamp, FERRY_HASH_HEX);
	memcpy(want_hash, hash, FERRY_HASH_HEX);
	/* Checked now, while the line is in the buffer; reported after the
	 * digests, which name plain damage better. */
	if ((sig = json_object_get(obj, "signature")) != NULL) {
		sig_problem = ferry_sop__check_signature(&r->sig, line, len,
			sig, &alg_text);
		if (alg_text)
			snprintf(alg, sizeof(alg), "%s", alg_text);
	}
	r->trailer_read = 1;
	if ((error = expect_end(r)) < 0)
		goto done;
	ferry_hash_final_hex(&r->stamp, r->stamp_hex);
	ferry_hash_update(&r->hash, r->stamp_hex, FERRY_HASH_HEX - 1);
	ferry_hash_final_hex(&r->hash, hash_hex);
	if ((uint64_t)items != r->items)
		error = fail(r, FERRY_EFORMAT, MSG_CHANGED " (it holds %"
			PRIu64 " items, the trailer says %" JSON_INTEGER_FORMAT
			")" MSG_AGAIN, r->items, items);
	else if (strcmp(hash_hex, want_hash) != 0)
		error = fail(r, FERRY_EFORMAT, MSG_CHANGED MSG_AGAIN);
	else if (strcmp(r->stamp_hex, want_stamp) != 0)
		error = fail(r, FERRY_EFORMAT, MSG_CHANGED " (the stamp "
			"does not match the items)" MSG_AGAIN);
	else
		error = refuse_signature(r, sig_problem, alg);
done:
	json_decref(obj);
	return error;
}

/*
 * Which container: '{' is plain, the zstd magic is compressed.  The first
 * bytes are read into dbuf and moved to ibuf for zstd.
 */
static int open_container(ferry_sop_reader *r)
{
	ssize_t n = 1;
	int error = 0;

	r->dcap = ZSTD_DStreamOutSize();
	if ((r->dbuf = ferry__malloc(r->dcap)) == NULL)
		goto nomem;
	while (r->dlen < sizeof(zstd_magic) && n > 0)
		if ((n = read_some(r, r->dbuf + r->dlen,
				sizeof(zstd_magic) - r->dlen)) > 0)
			r->dlen += (size_t)n;
	if (n < 0) {
		error = (int)n;
		goto done;
	}
	if (r->dlen == 0) {
		error = foreign(r, "the file is empty");
		goto done;
	}
	if (r->dbuf[0] == '{')
		goto done;
	if (r->dlen < 4 || memcmp(r->dbuf, zstd_magic, 4) != 0) {
		error = foreign(r, "neither zstd data nor JSON text");
		goto done;
	}
	r->compressed = 1;
	r->icap = ZSTD_DStreamInSize();
	if ((r->ibuf = ferry__malloc(r->icap)) == NULL ||
	    (r->dctx = ZSTD_createDCtx()) == NULL)
		goto nomem;
	memcpy(r->ibuf, r->dbuf, r->dlen);
	r->ilen = r->dlen;
	r->dlen = 0;
	goto done;
nomem:
	error = fail_nomem(r);
done:
	return error;
}

int ferry_sop__reader_open(ferry_sop_reader **out, const char *path,
	ferry_str *err)
{
	ferry_sop_reader *r = NULL;
	int error = 0;

	FERRY_ASSERT_ARG(out && path);
	*out = NULL;
	if ((r = ferry__calloc(1, sizeof(*r))) == NULL) {
		error = FERRY_ENOMEM;
		goto done;
	}
	r->fd = -1;
	if (sodium_init() < 0 || (r->path = ferry__strdup(path)) == NULL) {
		error = fail_nomem(r);
		goto done;
	}
	if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		error = fail(r, errno == ENOENT ? FERRY_ENOTFOUND : FERRY_EIO,
			"cannot open: %s", strerror(errno));
		goto done;
	}
	ferry_hash_init(&r->hash);
	ferry_hash_init(&r->stamp);
	ferry_hash_update(&r->stamp, FERRY_SOP_STAMP_DOMAIN,
		strlen(FERRY_SOP_STAMP_DOMAIN));
	if ((error = open_container(r)) < 0 || (error = read_header(r)) < 0)
		goto done;
	*out = r;
	r = NULL;
done:
	if (error < 0)
		ferry_sop__report(err, r ? &r->msg : NULL);
	ferry_sop__reader_free(r);
	return error;
}

const char *ferry_sop__reader_header(const ferry_sop_reader *r)
{
	return r ? r->header : NULL;
}

unsigned ferry_sop__reader_format(const ferry_sop_reader *r)
{
	return r->format;
}

int ferry_sop__reader_compressed(const ferry_sop_reader *r)
{
	return r ? r->compressed : 0;
}

int ferry_sop__reader_next(ferry_sop_reader *r, const char **line,
	size_t *len, ferry_str *err)
{
	const size_t tlen = strlen(FERRY_SOP_TRAILER_PREFIX);
	char *p = NULL;
	size_t n = 0;
	int error;

	FERRY_ASSERT_ARG(r && line && len);
	*line = NULL;
	*len = 0;
	if ((error = r->error) < 0 || r->done)
		goto done;
	if ((error = read_line(r, FERRY_SOP_LINE_MAX, &p, &n)) < 0)
		goto done;
	if (error == 0) {
		error = fail(r, FERRY_EFORMAT, "the file is truncated: it ends "
			"after line %" PRIu64 " without a trailer" MSG_AGAIN,
			r->lineno);
		goto done;
	}
	if (!r->scan && (error = check_line(r, p, n)) < 0)
		goto done;
	if (n >= tlen && memcmp(p, FERRY_SOP_TRAILER_PREFIX, tlen) == 0) {
		if ((error = r->scan ? expect_end(r) : read_trailer(r, p,
		    n)) == 0)
			r->done = 1;
		goto done;
	}
	if (r->items == FERRY_SOP_ITEMS_MAX) {
		error = fail(r, FERRY_EFORMAT, "the package holds more than "
			"the limit of %" PRIu64 " items; ferry refuses it "
			"(split the pack if it is genuine)",
			FERRY_SOP_ITEMS_MAX);
		goto done;
	}
	if (!r->scan) {
		ferry_hash_update(&r->stamp, p, n);
		ferry_hash_update(&r->stamp, "\n", 1);
	}
	r->items++;
	*line = p;
	*len = n;
	error = 1;
done:
	if (error < 0)
		ferry_sop__report(err, r ? &r->msg : NULL);
	return error;
}

uint64_t ferry_sop__reader_items(const ferry_sop_reader *r)
{
	return r ? r->items : 0;
}

uint64_t ferry_sop__reader_lineno(const ferry_sop_reader *r)
{
	return r ? r->lineno : 0;
}

const char *ferry_sop__reader_stamp(const ferry_sop_reader *r)
{
	return r && r->done ? r->stamp_hex : NULL;
}

const ferry_sop_signature *ferry_sop__reader_signature(
	const ferry_sop_reader *r)
{
	return r && r->trailer_read ? &r->sig : NULL;
}

void ferry_sop__reader_free(ferry_sop_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	ZSTD_freeDCtx(r->dctx);
	ferry__free(r->ibuf);
	ferry__free(r->dbuf);
	ferry__free(r->header);
	ferry__free(r->path);
	ferry_str_dispose(&r->line);
	ferry_str_dispose(&r->msg);
	ferry__free(r);
}

/* Open path and read it to the end, in scan mode or verifying; *r is
 * the reader (NULL if it could not be opened), for the caller to free. */
static int read_through(const char *path, int scan, ferry_sop_reader **r,
	ferry_str *err)
{
	const char *line;
	size_t len;
	int error;

	FERRY_ASSERT_ARG(path);
	if ((error = ferry_sop__reader_open(r, path, err)) < 0)
		return error;
	(*r)->scan = scan;
	while ((error = ferry_sop__reader_next(*r, &line, &len, err)) > 0)
		;
	return error;
}

int ferry_sop__scan(const char *path, ferry_str *err)
{
	ferry_sop_reader *r = NULL;
	int error = read_through(path, 1, &r, err);

	ferry_sop__reader_free(r);
	return error;
}

int ferry_sop__verify(const char *path, ferry_str *header_out,
	char stamp[FERRY_HASH_HEX], uint64_t *items, ferry_str *err)
{
	ferry_sop_reader *r = NULL;
	int error;

	if ((error = read_through(path, 0, &r, err)) < 0)
		goto done;
	if (header_out) {
		ferry_str_clear(header_out);
		if (ferry_str_puts(header_out, r->header) < 0) {
			error = fail_nomem(r);
			ferry_sop__report(err, r ? &r->msg : NULL);
			goto done;
		}
	}
	if (stamp)
		memcpy(stamp, r->stamp_hex, FERRY_HASH_HEX);
	if (items)
		*items = r->items;
done:
	ferry_sop__reader_free(r);
	return error;
}
