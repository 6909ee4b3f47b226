/*
 * signature.c - what a package's signature means to this instance:
 * valid (the reader's verdict), trusted (its key is on the trust list),
 * and whether the instance takes the package (keys.h has the table).
 * import load and entity unpack apply the same rules through these
 * calls; inspect only describes.
 */
#include "keys.h"

#include "store/store.h"

#include <stdio.h>
#include <string.h>

void ferry__signer_json(ferry_str *doc, const unsigned char *sk)
{
	const unsigned char *pk;
	char key[FERRY_KEY_B64], fpr[FERRY_KEY_FPR];

	if (!sk) {
		ferry_str_puts(doc, "null");
		return;
	}
	/* Only now: an offset from NULL is undefined behaviour. */
	pk = sk + crypto_sign_SECRETKEYBYTES - crypto_sign_PUBLICKEYBYTES;
	ferry_sop__key_encode(key, pk);
	ferry_sop__fingerprint(fpr, pk);
	ferry_str_printf(doc, "{\"fingerprint\":\"%s\",\"public_key\":"
		"\"%s\"}", fpr, key);
}

int ferry__sig_verdict(ferry_db *db, const ferry_sop_signature *sig,
	ferry_sig_verdict *v)
{
	ferry_key_row row;
	int error = 0;

	memset(v, 0, sizeof(*v));
	if (!sig)
		return 0;
	v->known = 1;
	v->sig = *sig;
	v->judged = db != NULL;
	if (sig->present && sig->valid && db) {
		error = ferry_store__trust_by_key(db, sig->public_key, &row);
		if (error == 0) {
			v->trusted = 1;
			snprintf(v->signer, sizeof(v->signer), "%s", row.name);
		}
		if (error == FERRY_ENOTFOUND)
			error = 0;
	}
	v->problem = !sig->present ? FERRY_SIG_UNSIGNED : !v->trusted ?
		FERRY_SIG_UNTRUSTED : FERRY_SIG_FINE;
	return error;
}

int ferry__sig_required(ferry_db *db, int *required)
{
	ferry_str value = FERRY_STR_INIT;
	int error;

	*required = 0;
	error = ferry_store__property_get(db, FERRY_REQUIRE_SIGNATURE, &value);
	if (error == FERRY_ENOTFOUND)
		error = 0;
	else if (error == 0 && !strcmp(ferry_str_cstr(&value), "true"))
		*required = 1;
	else if (error == 0 && strcmp(ferry_str_cstr(&value), "false"))
		error = ferry__error(db, FERRY_EINVALID, "the property "
			FERRY_REQUIRE_SIGNATURE " is '%.40s'; an admin must "
			"set it to true or false", ferry_str_cstr(&value));
	ferry_str_dispose(&value);
	return error;
}

int ferry__sig_policy(ferry_db *db, const char *path,
	const ferry_sig_verdict *v, int required, ferry_str *warning)
{
	ferry_str_clear(warning);
	if (v->problem == FERRY_SIG_UNSIGNED && required)
		return ferry__error(db, FERRY_EDENIED, "%s: refused "
			"(unsigned): the package is not signed, and this "
			"instance takes only signed packages ("
			FERRY_REQUIRE_SIGNATURE " is true); ask its maker to "
			"export it with --sign", path);
	if (v->problem == FERRY_SIG_UNTRUSTED && required)
		return ferry__error(db, FERRY_EDENIED, "%s: refused "
			"(untrusted_signer): the package is signed by key %s, "
			"which is not on this instance's trust list ("
			FERRY_REQUIRE_SIGNATURE " is true); if you trust its "
			"maker, an admin can add the key with 'ferry trust add "
			"NAME %s'", path, v->sig.fingerprint,
			v->sig.public_key);
	switch (v->problem) {
	case FERRY_SIG_FINE:
		break;
	case FERRY_SIG_UNSIGNED:
		ferry_str_printf(warning, "%s: the package is not signed: "
			"nothing shows who made it", path);
		break;
	case FERRY_SIG_UNTRUSTED:
		ferry_str_printf(warning, "%s: the package is signed by key "
			"%s, which is not on this instance's trust list", path,
			v->sig.fingerprint);
		break;
	}
	if (ferry_str_failed(warning))
		return ferry__oom(db);
	return 0;
}

static void put_opt(ferry_str *doc, const char *key, const char *text)
{
	ferry_str_printf(doc, ",\"%s\":", key);
	if (text && *text)
		ferry_str_puts_json(doc, text);
	else
		ferry_str_puts(doc, "null");
}

void ferry__sig_json(ferry_str *doc, const ferry_sig_verdict *v)
{
	static const char *const problems[] = { NULL, "unsigned",
		"untrusted_signer" };
	int present = v->sig.present;

	if (!v->known) {
		ferry_str_puts(doc, "null");
		return;
	}
	ferry_str_printf(doc, "{\"signed\":%s", present ? "true" : "false");
	put_opt(doc, "fingerprint", present ? v->sig.fingerprint : NULL);
	put_opt(doc, "public_key", present ? v->sig.public_key : NULL);
	/* trusted: null when no trust list could say (no instance). */
	ferry_str_printf(doc, ",\"valid\":%s,\"trusted\":%s", !present ?
		"null" : v->sig.valid ? "true" : "false", v->trusted ? "true" :
		present && v->sig.valid && !v->judged ? "null" : "false");
	put_opt(doc, "signer", v->trusted ? v->signer : NULL);
	/* An invalid signature is the reader's refusal, not a problem;
	 * without a trust list, trust is unknown. */
	put_opt(doc, "problem", present && (!v->sig.valid || !v->judged) ?
		NULL : problems[v->problem]);
	ferry_str_putc(doc, '}');
}
