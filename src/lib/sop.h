/*
 * sop.h - the .sop package file: a streaming writer and reader.
 *
 * A .sop file is UTF-8 JSON Lines, plain or as one zstd stream: a header
 * line, one line per item, and a trailer line holding the item count, the
 * VersionStamp (a digest of the items alone) and an integrity hash (a
 * digest of everything before the trailer).  docs/format.md is the
 * specification; this layer moves item lines as opaque bytes and never
 * parses them, so that a million items cost no JSON parsing here.
 *
 * Both directions stream: memory holds fixed-size buffers and one line,
 * whatever the number of items.  The writer publishes the file only when
 * it is complete (temporary file, fsync, rename).  The reader hands out
 * items as it goes and verifies count, hash, stamp and end of file when it
 * reaches the trailer: until ferry_sop__reader_next() has returned 0, every
 * item returned so far is unverified and must not be applied.
 *
 * Messages go into a caller's ferry_str: on failure its content is
 * replaced by one line beginning with the file's path.  err may be NULL.
 */
#ifndef FERRY_LIB_SOP_H
#define FERRY_LIB_SOP_H

#include "ferry/common.h"
#include "store/handle.h"

#include "hash.h"
#include "str.h"

#include <assert.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

/* The format version this code writes and the highest it reads; it
 * reads every one from the first (docs/format.md section 10). */
#define FERRY_SOP_FORMAT_VERSION 2

/* Line limits in bytes, without the "\n" (docs/format.md 3.1). */
#define FERRY_SOP_HEADER_MAX ((size_t)1 << 20)
#define FERRY_SOP_LINE_MAX ((size_t)64 << 20)

/*
 * Work limits of the reader, so that a hostile package costs little
 * (docs/format.md 3.1): items, bytes of the decoded stream, and how much
 * the compressed data may expand once FERRY_SOP_RATIO_FLOOR bytes are
 * decoded (ferry's own packages expand about 5 to 20 times).  Checked as
 * the file streams, so a refusal comes after at most the floor's worth
 * of decoding.  Checklist: these, docs/format.md 3.1 and the tests.
 */
#define FERRY_SOP_ITEMS_MAX ((uint64_t)10 * 1000 * 1000)
#define FERRY_SOP_DECODED_MAX ((uint64_t)16 << 30)
#define FERRY_SOP_RATIO_MAX 1000
#define FERRY_SOP_RATIO_FLOOR ((uint64_t)16 << 20)

/*
 * For tests only: lower the decoded-bytes limit (0 restores
 * FERRY_SOP_DECODED_MAX; it is never raised), so that a test can show a
 * package over it refused while streaming without decoding 16 GiB.  Not
 * thread-safe; the library itself never calls it.
 */
void ferry_sop__set_decoded_max(uint64_t max);

/*
 * Frozen on-disk strings.  Checklist: these, docs/format.md sections 4
 * and 6, and the tests change together (and only with a new format).
 */
#define FERRY_SOP_MAGIC "{\"format\":\"ferry-sop\",\"format_version\":"
#define FERRY_SOP_TRAILER_PREFIX "{\"trailer\":"
#define FERRY_SOP_STAMP_DOMAIN "ferry-stamp-1\n"
#define FERRY_SOP_SIGN_DOMAIN "ferry-signature-1\n"
#define FERRY_SOP_SIGN_ALG "ed25519"
#define FERRY_SOP_KEY_DOMAIN "ferry-key-1\n"
/* Level 1: the measured floor; level 3 cost a third more time for a few
 * percent smaller files. */
#define FERRY_SOP_ZSTD_LEVEL 1


/* What is wrong with a line, by ferry_sop__line_check(). */
typedef enum {
	FERRY_SOP_LINE_OK = 0,
	FERRY_SOP_LINE_EMPTY,		/* no bytes */
	FERRY_SOP_LINE_CR,		/* ends with "\r": CRLF endings */
	FERRY_SOP_LINE_NOT_OBJECT,	/* not '{' ... '}' */
	FERRY_SOP_LINE_NOT_UTF8		/* not well-formed UTF-8 */
} ferry_sop_line_problem;

/*
 * The cheap per-line checks that writer and reader share, so that the
 * writer never writes a line the reader refuses: not empty, `{`...`}`
 * (a final "\r" reported on its own), UTF-8.  Length, "\n" and the
 * trailer prefix are the callers' business.  Implemented in sop_write.c.
 */
ferry_sop_line_problem ferry_sop__line_check(const char *line, size_t len);

/*
 * Copy a handle's message into the caller's err (if not NULL), replacing
 * its content; "out of memory" when there is none (msg NULL, or failed).
 * Implemented in sop_write.c.
 */
void ferry_sop__report(ferry_str *err, const ferry_str *msg);

/*
 * Signatures (docs/format.md section 6.1).  A signed trailer ends with
 * the member "signature":{"alg","public_key","fingerprint","value"}; the
 * Ed25519 signature covers FERRY_SOP_SIGN_DOMAIN followed by every byte
 * of the trailer line before the value's opening quote.  Those bytes hold
 * the item count, the stamp (every item, in order) and the hash (the
 * header and the stamp), so the signature covers the whole package.
 * Implemented in sop_sign.c.
 */

/* Sizes of the text forms, with their NUL. */
#define FERRY_KEY_B64 45		/* a public key: 44 base64 characters */
#define FERRY_KEY_FPR 33		/* a fingerprint: 32 hex digits */
#define FERRY_SOP_SIG_B64 89	/* a signature: 88 base64 characters */

/* What a package's trailer says about its signature. */
typedef struct {
	int present;			/* the trailer has a signature */
	int valid;			/* it matches the package and signer */
	char public_key[FERRY_KEY_B64];	/* as written, when present */
	char fingerprint[FERRY_KEY_FPR]; /* as written, when present */
} ferry_sop_signature;

/*
 * The fingerprint of a public key: the first 32 hex digits of
 * BLAKE2b-256(FERRY_SOP_KEY_DOMAIN || the 32 key bytes).
 */
void ferry_sop__fingerprint(char out[FERRY_KEY_FPR],
	const unsigned char pk[crypto_sign_PUBLICKEYBYTES]);

/* A public key as base64 text (44 characters). */
void ferry_sop__key_encode(char out[FERRY_KEY_B64],
	const unsigned char pk[crypto_sign_PUBLICKEYBYTES]);

/*
 * Decode a public key written as ferry_sop__key_encode() writes it: 44
 * base64 characters (standard alphabet, padded), nothing else.  -1 if
 * the text is anything else.
 */
int ferry_sop__key_decode(unsigned char pk[crypto_sign_PUBLICKEYBYTES],
	const char *text);

/*
 * Append the signature member to a trailer under construction: t holds
 * the trailer line without its closing "}" and "\n"; on return it holds
 * the whole signed line, closed, without "\n".  sk is a libsodium Ed25519
 * secret key (crypto_sign_SECRETKEYBYTES, the public key in its second
 * half).  -1 out of memory.
 */
int ferry_sop__sign_trailer(ferry_str *t,
	const unsigned char sk[crypto_sign_SECRETKEYBYTES]);

/* Why a trailer's signature is refused, by ferry_sop__check_signature(). */
typedef enum {
	FERRY_SOP_SIG_OK = 0,
	FERRY_SOP_SIG_MALFORMED,	/* not the layout of section 6.1 */
	FERRY_SOP_SIG_UNKNOWN_ALG,	/* an algorithm this ferry lacks */
	FERRY_SOP_SIG_FINGERPRINT,	/* fingerprint is not its key's */
	FERRY_SOP_SIG_MISMATCH,		/* the signature does not verify */
	FERRY_SOP_SIG_NOMEM		/* out of memory while checking */
} ferry_sop_sig_problem;

/*
 * Check the signature of a trailer line (len bytes, without "\n") whose
 * parsed member "signature" is sig.  Fills out (present is 1; the key,
 * fingerprint and alg as far as they could be read).
 */
struct json_t;
ferry_sop_sig_problem ferry_sop__check_signature(ferry_sop_signature *out,
	const char *line, size_t len, struct json_t *sig, const char **alg);

/* An open writer.  Opaque. */
typedef struct ferry_sop_writer ferry_sop_writer;

#define FERRY_SOP_WRITE_OPTIONS_VERSION 1

/** How to write a package. */
typedef struct {
	unsigned version;	/**< FERRY_SOP_WRITE_OPTIONS_VERSION */
	int compress;		/**< 1: zstd (default); 0: plain text */
	int overwrite;		/**< 1: replace an existing file */
	/** Ed25519 secret key to sign with (crypto_sign_SECRETKEYBYTES),
	 * or NULL for an unsigned package.  Copied at open. */
	const unsigned char *secret_key;
	/** The format_version the header declares: 0 for
	 * FERRY_SOP_FORMAT_VERSION.  The writer never looks inside items:
	 * they must be of that format. */
	unsigned format;
} ferry_sop_write_options;

#define FERRY_SOP_WRITE_OPTIONS_INIT \
	{ FERRY_SOP_WRITE_OPTIONS_VERSION, 1, 0, NULL, 0 }

/**
 * Start writing a package to path.
 *
 * Writes the header at once into a temporary file `path.tmp-XXXXXX` in
 * the same directory; nothing appears at path before
 * ferry_sop__writer_finish() succeeds.
 *
 * @param[out] out the writer; NULL on failure.  Free with
 *	ferry_sop__writer_free().
 * @param path where the package goes
 * @param header_json the header as a JSON object text, without the
 *	"format" and "format_version" keys (the writer puts them first).  It
 *	is rewritten compact, keys in their given order.
 * @param opts options, or NULL for FERRY_SOP_WRITE_OPTIONS_INIT
 * @param err receives the message on failure; may be NULL
 * @return 0; FERRY_EEXISTS if path exists and opts->overwrite is 0;
 *	FERRY_EINVALID for a bad header; FERRY_EIO if the temporary file
 *	cannot be created or written; FERRY_ENOMEM; FERRY_EMISUSE.
 */
int ferry_sop__writer_open(ferry_sop_writer **out, const char *path,
	const char *header_json, const ferry_sop_write_options *opts,
	ferry_str *err);

/**
 * Append one item line.
 *
 * The bytes are written as given, followed by "\n".  They must be what
 * the reader accepts: a non-empty `{...}` without "\n", valid UTF-8, at
 * most FERRY_SOP_LINE_MAX bytes, not starting with `{"trailer":`.
 *
 * A failure is sticky: the writer refuses every later call with the same
 * code and ferry_sop__writer_finish() reports the message.
 *
 * @return 0; FERRY_EINVALID for a line the format cannot carry;
 *	FERRY_EIO; FERRY_ENOMEM; FERRY_ERROR if zstd fails; FERRY_EMISUSE
 *	after finish.
 */
int ferry_sop__writer_item(ferry_sop_writer *w, const char *line, size_t len);

/**
 * Write the trailer, flush, fsync and move the file into place.
 *
 * On failure the temporary file is removed and path is left as it was.
 *
 * @param[out] stamp the VersionStamp, 64 hex digits and a NUL; may be NULL
 * @param err receives the message on failure (also an earlier item's)
 * @return 0, the code of an earlier failed call, FERRY_EEXISTS if path
 *	appeared meanwhile and overwrite is off, FERRY_EIO, FERRY_EMISUSE if
 *	called twice.
 */
int ferry_sop__writer_finish(ferry_sop_writer *w, char stamp[FERRY_HASH_HEX],
	ferry_str *err);

/** Items written so far. */
uint64_t ferry_sop__writer_items(const ferry_sop_writer *w);

/** The last failure's message, "" if none.  Valid until the next call. */
const char *ferry_sop__writer_errmsg(const ferry_sop_writer *w);

/** Free a writer; an unfinished one removes its temporary file.  NULL ok. */
void ferry_sop__writer_free(ferry_sop_writer *w);

/* An open reader.  Opaque. */
typedef struct ferry_sop_reader ferry_sop_reader;

/**
 * Open a package and read and check its header line.
 *
 * @param[out] out the reader; NULL on failure.  Free with
 *	ferry_sop__reader_free().
 * @param err receives the message on failure; may be NULL
 * @return 0; FERRY_EFORMAT for a foreign, newer, truncated or damaged
 *	file; FERRY_ENOTFOUND if path does not exist; FERRY_EIO;
 *	FERRY_ENOMEM; FERRY_EMISUSE.
 */
int ferry_sop__reader_open(ferry_sop_reader **out, const char *path,
	ferry_str *err);

/** The header line, NUL-terminated.  Borrowed; lives as long as r. */
const char *ferry_sop__reader_header(const ferry_sop_reader *r);

/* The header's format_version (1 to FERRY_SOP_FORMAT_VERSION). */
unsigned ferry_sop__reader_format(const ferry_sop_reader *r);

/** 1 if the file is zstd-compressed, 0 if plain. */
int ferry_sop__reader_compressed(const ferry_sop_reader *r);

/**
 * Read the next item.
 *
 * @param[out] line the item's bytes, NUL-terminated, without "\n".
 *	Borrowed: valid until the next call on r.  Unverified until this
 *	function has returned 0.
 * @param[out] len its length in bytes (use it, not strlen: the reader
 *	does not look for NUL bytes)
 * @param err receives the message on failure; may be NULL
 * @return 1 with an item; 0 at the verified end (trailer, count, hash,
 *	stamp and end of file all checked; later calls return 0 again); a
 *	negative code, FERRY_EFORMAT for a damaged file, FERRY_EIO,
 *	FERRY_ENOMEM.  A failure is sticky.
 */
int ferry_sop__reader_next(ferry_sop_reader *r, const char **line,
	size_t *len, ferry_str *err);

/** Items returned so far; after the verified end, the package's count. */
uint64_t ferry_sop__reader_items(const ferry_sop_reader *r);

/** Line number of the last line read (1 is the header), for messages. */
uint64_t ferry_sop__reader_lineno(const ferry_sop_reader *r);

/** The verified stamp (64 hex digits) after next() returned 0, else NULL. */
const char *ferry_sop__reader_stamp(const ferry_sop_reader *r);

/**
 * What the trailer says about the signature.  NULL until the trailer was
 * read (the file may still be refused after that: for a refused
 * signature, present is 1 and valid 0).  After next() returned 0, a
 * present signature is valid.  Borrowed; lives as long as r.
 */
const ferry_sop_signature *ferry_sop__reader_signature(
	const ferry_sop_reader *r);

/** Free a reader.  NULL ok. */
void ferry_sop__reader_free(ferry_sop_reader *r);

/**
 * Read a whole package for its limits and framing alone (line length,
 * decoded size, compression ratio, item count, a trailer at the end),
 * without its digests or line checks: about a sixth of the cost of
 * verifying it (0.4 s against 2.2 s for the 1M benchmark package).
 * For a step that verifies the file as it goes but whose work a hostile
 * file could make long (ten million empty items): this refuses such a
 * file first, cheaply.  0 says nothing of integrity.
 *
 * @param err receives the message on failure; may be NULL
 * @return 0 or a code as for ferry_sop__reader_open() and _next().
 */
int ferry_sop__scan(const char *path, ferry_str *err);

/**
 * Read and verify a whole package without keeping its items.
 *
 * @param[out] header_out receives the header line (replacing its
 *	content); may be NULL
 * @param[out] stamp the verified stamp; may be NULL
 * @param[out] items the number of items; may be NULL
 * @param err receives the message on failure; may be NULL
 * @return 0 or a code as for ferry_sop__reader_open() and _next().
 */
/*
 * Append the origin members every package header ends with, and close
 * the header object: ,"source":{id,name},"exported_by","exported_at"}.
 * (Implemented in export.c; needs an instance.)
 */
struct ferry_db;
int ferry__package_origin(struct ferry_db *db, ferry_str *h);

int ferry_sop__verify(const char *path, ferry_str *header_out,
	char stamp[FERRY_HASH_HEX], uint64_t *items, ferry_str *err);

#endif
