/*
 * ferry/key.h - signed packages: the instance's signing key and the
 * public keys it trusts.
 *
 * An instance has at most one current Ed25519 key pair.  Its public half
 * is recorded in the instance; its secret half lives only in a key file
 * beside the instance ("<instance path>.key", mode 0600), never in the
 * database, a package or a backup.  `ferry pack export --sign` and
 * `ferry entity pack --sign` sign with it; importing instances accept a
 * signature when its public key is on their trust list.  docs/security.md
 * ("Signed packages and keys") explains key handling and rotation.
 */
#ifndef FERRY_KEY_H
#define FERRY_KEY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Use another file for the instance's secret key (NULL: the default,
 * the instance path followed by ".key").  For instances that are not a
 * file (PostgreSQL), or to keep the key on another volume.
 * @return 0, FERRY_ENOMEM
 */
int ferry_db_set_key_file(ferry_db *db, const char *path);

/**
 * Create the instance's signing key pair (admins only).
 *
 * The secret key is written to the key file, created atomically with
 * mode 0600; it is never returned.  Without `replace`, an instance that
 * has a key (or an existing key file) is refused; with it, the old key
 * is retired and its file overwritten: that is key rotation.
 *
 * @param[out] out {public_key, fingerprint, key_file, created_at,
 *             replaced} (replaced: the old key's fingerprint, or null)
 * @return 0, FERRY_EDENIED, FERRY_EEXISTS, FERRY_EIO
 */
int ferry_key_create(ferry_buf *out, ferry_db *db, int replace);

/**
 * The instance's current public key (anyone).
 * @param[out] out {public_key, fingerprint, key_file, created_by,
 *             created_at}
 * @return 0, FERRY_ENOTFOUND (no key yet)
 */
int ferry_key_show(ferry_buf *out, ferry_db *db);

/**
 * Trust a public key under a name (admins only): packages it signed are
 * then "trusted" here.
 * @param public_key 44 base64 characters, as `ferry key show` prints
 * @param[out] out {name, public_key, fingerprint}
 * @return 0, FERRY_EDENIED, FERRY_EINVALID, FERRY_EEXISTS (the name, or
 *         the key under another name)
 */
int ferry_trust_add(ferry_buf *out, ferry_db *db, const char *name,
	const char *public_key);

/** The trust list: [{name, public_key, fingerprint, added_by, added_at}]. */
int ferry_trust_list(ferry_buf *out, ferry_db *db);

/**
 * Stop trusting a key (admins only): packages it signed are untrusted
 * here from now on.
 * @return 0, FERRY_EDENIED, FERRY_ENOTFOUND
 */
int ferry_trust_remove(ferry_db *db, const char *name);

#ifdef __cplusplus
}
#endif

#endif
