/*
 * keys.h - signed packages inside the library: the secret key for
 * signing (key.c), and what a package's signature means here: valid,
 * trusted, and whether this instance takes it (signature.c).
 *
 * The verdict is one table of rules (docs/security.md):
 *
 *   signature      import.require_signature=true   otherwise
 *   none           refused: unsigned               taken, warning
 *   valid, trusted taken                           taken
 *   valid, not     refused: untrusted_signer       taken, warning
 *   invalid        refused by the reader (a damaged file), always
 *
 * Checklist: this table, docs/security.md and the tests of
 * tests/cli/signing.bats change together.
 */
#ifndef FERRY_LIB_KEYS_H
#define FERRY_LIB_KEYS_H

#include "db.h"
#include "sop.h"

/* The property that makes signatures required (value true or false). */
#define FERRY_REQUIRE_SIGNATURE "import.require_signature"

/*
 * The instance's secret key, for signing: the key file's, checked (a
 * regular file of this user, private, holding the key the instance
 * records).  Wipe it with sodium_memzero after use.
 * @return 0, FERRY_ENOTFOUND (no key, or no file), FERRY_EDENIED (the
 *	file is open to others), FERRY_ECONFLICT (another key), FERRY_EIO
 */
int ferry__key_secret(ferry_db *db,
	unsigned char sk[crypto_sign_SECRETKEYBYTES]);

/*
 * Append what a writer signing with sk writes: {"fingerprint",
 * "public_key"}, or null when sk is NULL (unsigned).
 */
void ferry__signer_json(ferry_str *doc, const unsigned char *sk);

/* Problems a package's signature raises here (load refusals). */
typedef enum {
	FERRY_SIG_FINE = 0,		/* signed by a trusted key */
	FERRY_SIG_UNSIGNED,		/* "unsigned" */
	FERRY_SIG_UNTRUSTED		/* "untrusted_signer" */
} ferry_sig_problem;

/* A package's signature as this instance sees it. */
typedef struct {
	int known;		/* the trailer was read */
	ferry_sop_signature sig;
	int trusted;		/* valid, and its key is on the trust list */
	int judged;		/* a trust list was consulted (db given) */
	char signer[128];	/* the trust list's name for it, if trusted */
	ferry_sig_problem problem;
} ferry_sig_verdict;

/*
 * Judge a signature (NULL: the trailer was never read).  Reads the
 * trust list; db may be NULL (nothing is trusted then).
 */
int ferry__sig_verdict(ferry_db *db, const ferry_sop_signature *sig,
	ferry_sig_verdict *v);

/* Whether import.require_signature is true; FERRY_EINVALID for a value
 * other than true or false. */
int ferry__sig_required(ferry_db *db, int *required);

/*
 * Apply the table above to one file: FERRY_EDENIED with the message
 * when refused; else 0, and warning holds the warning for an unsigned
 * or untrusted package (naming path), or is emptied.
 */
int ferry__sig_policy(ferry_db *db, const char *path,
	const ferry_sig_verdict *v, int required, ferry_str *warning);

/* Append {signed, fingerprint, public_key, valid, trusted, signer,
 * problem} (null when the trailer was never read). */
void ferry__sig_json(ferry_str *doc, const ferry_sig_verdict *v);

#endif
