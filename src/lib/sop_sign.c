/*
 * sop_sign.c - the signature of a .sop package (docs/format.md 6.1):
 * key text forms and fingerprints, signing a trailer, checking one.
 *
 * A signed trailer is the unsigned trailer with one more member, last:
 *
 *   ...,"hash":"<64 hex>","signature":{"alg":"ed25519",
 *   "public_key":"<44 base64>","fingerprint":"<32 hex>",
 *   "value":"<88 base64>"}}
 *
 * The Ed25519 signature (libsodium crypto_sign_detached) is over
 * "ferry-signature-1\n" followed by every byte of the line before the
 * opening quote of the value.  Those bytes hold the count, the stamp and
 * the hash, which the reader checks against the items and the header
 * anyway, so signing them signs every byte of the package while the
 * writer and the reader keep streaming: nothing is hashed twice and
 * nothing is held.  Every other byte of the trailer, the signer's key
 * and fingerprint included, is signed too; the value is pinned to the end
 * of the line, so no byte is left that could change unnoticed.
 */
#include "sop.h"

#include <jansson.h>
#include <string.h>

/* The end of a signed trailer: "value":"<88>"}} */
#define VALUE_KEY ",\"value\":"
#define SIG_LEN (FERRY_SOP_SIG_B64 - 1)
#define TAIL_LEN (1 + SIG_LEN + 3)	/* "<88>"}} */

void ferry_sop__fingerprint(char out[FERRY_KEY_FPR],
	const unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	char hex[FERRY_HASH_HEX];
	ferry_hash h;

	ferry_hash_init(&h);
	ferry_hash_update(&h, FERRY_SOP_KEY_DOMAIN,
		strlen(FERRY_SOP_KEY_DOMAIN));
	ferry_hash_update(&h, pk, crypto_sign_PUBLICKEYBYTES);
	ferry_hash_final_hex(&h, hex);
	memcpy(out, hex, FERRY_KEY_FPR - 1);
	out[FERRY_KEY_FPR - 1] = '\0';
}

void ferry_sop__key_encode(char out[FERRY_KEY_B64],
	const unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	sodium_bin2base64(out, FERRY_KEY_B64, pk, crypto_sign_PUBLICKEYBYTES,
		sodium_base64_VARIANT_ORIGINAL);
}

/* Decode exactly `want` bytes from exactly `chars` base64 characters. */
static int b64_exact(unsigned char *bin, size_t want, const char *text,
	size_t chars)
{
	const char *end = NULL;
	size_t got = 0;

	if (!text || strlen(text) != chars)
		return -1;
	if (sodium_base642bin(bin, want, text, chars, NULL, &got, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || got != want ||
	    end != text + chars)
		return -1;
	return 0;
}

int ferry_sop__key_decode(unsigned char pk[crypto_sign_PUBLICKEYBYTES],
	const char *text)
{
	char again[FERRY_KEY_B64];

	if (b64_exact(pk, crypto_sign_PUBLICKEYBYTES, text,
	    FERRY_KEY_B64 - 1) < 0)
		return -1;
	/* One text per key: refuse non-zero padding bits. */
	ferry_sop__key_encode(again, pk);
	return strcmp(again, text) == 0 ? 0 : -1;
}

int ferry_sop__sign_trailer(ferry_str *t,
	const unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	const unsigned char *pk = sk + crypto_sign_SECRETKEYBYTES -
		crypto_sign_PUBLICKEYBYTES;
	unsigned char sig[crypto_sign_BYTES];
	char key[FERRY_KEY_B64], fpr[FERRY_KEY_FPR], text[FERRY_SOP_SIG_B64];
	ferry_str msg = FERRY_STR_INIT;
	int error = 0;

	ferry_sop__key_encode(key, pk);
	ferry_sop__fingerprint(fpr, pk);
	ferry_str_printf(t, ",\"signature\":{\"alg\":\"" FERRY_SOP_SIGN_ALG
		"\",\"public_key\":\"%s\",\"fingerprint\":\"%s\"" VALUE_KEY,
		key, fpr);
	ferry_str_puts(&msg, FERRY_SOP_SIGN_DOMAIN);
	ferry_str_put(&msg, t->ptr, t->size);
	if (ferry_str_failed(t) || ferry_str_failed(&msg)) {
		error = -1;
		goto done;
	}
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg.ptr,
		msg.size, sk);
	sodium_bin2base64(text, sizeof(text), sig, sizeof(sig),
		sodium_base64_VARIANT_ORIGINAL);
	ferry_str_printf(t, "\"%s\"}}", text);
	if (ferry_str_failed(t))
		error = -1;
done:
	ferry_str_dispose(&msg);
	return error;
}

/* A member that is a string of exactly `len` characters, or NULL. */
static const char *fixed_text(json_t *obj, const char *key, size_t len)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return v && json_string_length(json_object_get(obj, key)) == len &&
		strlen(v) == len ? v : NULL;
}

ferry_sop_sig_problem ferry_sop__check_signature(ferry_sop_signature *out,
	const char *line, size_t len, json_t *sig, const char **alg)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], value[crypto_sign_BYTES];
	char fpr[FERRY_KEY_FPR];
	const char *key, *claimed, *text;
	const size_t vlen = strlen(VALUE_KEY);
	ferry_str msg = FERRY_STR_INIT;
	ferry_sop_sig_problem rc = FERRY_SOP_SIG_MALFORMED;
	size_t signed_len;

	memset(out, 0, sizeof(*out));
	out->present = 1;
	*alg = json_string_value(json_object_get(sig, "alg"));
	key = fixed_text(sig, "public_key", FERRY_KEY_B64 - 1);
	claimed = fixed_text(sig, "fingerprint", FERRY_KEY_FPR - 1);
	text = fixed_text(sig, "value", SIG_LEN);
	if (key)
		memcpy(out->public_key, key, FERRY_KEY_B64);
	if (claimed)
		memcpy(out->fingerprint, claimed, FERRY_KEY_FPR);
	if (!json_is_object(sig) || !*alg)
		goto done;
	if (strcmp(*alg, FERRY_SOP_SIGN_ALG) != 0) {
		rc = FERRY_SOP_SIG_UNKNOWN_ALG;
		goto done;
	}
	/* The value ends the line, as written: "<88>"}} */
	if (!key || !claimed || !text || len < TAIL_LEN + vlen)
		goto done;
	signed_len = len - TAIL_LEN;
	if (memcmp(line + signed_len - vlen, VALUE_KEY, vlen) != 0 ||
	    line[signed_len] != '"' ||
	    memcmp(line + signed_len + 1, text, SIG_LEN) != 0 ||
	    memcmp(line + len - 3, "\"}}", 3) != 0)
		goto done;
	if (ferry_sop__key_decode(pk, key) < 0 ||
	    b64_exact(value, sizeof(value), text, SIG_LEN) < 0)
		goto done;
	ferry_sop__fingerprint(fpr, pk);
	if (strcmp(fpr, claimed) != 0) {
		rc = FERRY_SOP_SIG_FINGERPRINT;
		goto done;
	}
	ferry_str_puts(&msg, FERRY_SOP_SIGN_DOMAIN);
	ferry_str_put(&msg, line, signed_len);
	rc = FERRY_SOP_SIG_MISMATCH;
	if (ferry_str_failed(&msg))
		rc = FERRY_SOP_SIG_NOMEM;
	else if (crypto_sign_verify_detached(value,
	    (const unsigned char *)msg.ptr, msg.size, pk) == 0) {
		rc = FERRY_SOP_SIG_OK;
		out->valid = 1;
	}
done:
	ferry_str_dispose(&msg);
	return rc;
}
