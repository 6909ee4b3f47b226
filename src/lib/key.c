/*
 * key.c - the instance's signing key and its trust list.
 *
 * The key pair is Ed25519 (libsodium).  The instance records the public
 * half (ferry_key); the secret half is a 32-byte seed in the key file,
 * one line "ferry-key-1 ed25519 <base64 seed>", by default beside the
 * instance as "<instance path>.key".  Keeping it out of the database
 * keeps it out of backups, of copies of the instance handed around, and
 * of anything the database serves; a PostgreSQL instance has no path to
 * put it beside, so its front end names the file (ferry_db_set_key_file,
 * FERRY_KEY_FILE in the CLI).  The file is created with mode 0600 under
 * a temporary name and moved into place (link, or rename to replace),
 * so it is never readable by others nor half written; a key file that
 * others can read or write, or that another user owns, is refused.
 *
 * Key and trust list changes are written to the audit log in the same
 * transaction as the change.
 */
#include "keys.h"

#include "alloc.h"
#include "jsonw.h"
#include "store/store.h"
#include "tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Frozen on-disk text of the key file (docs/security.md). */
#define KEY_FILE_PREFIX "ferry-key-1 ed25519 "
#define KEY_FILE_MAX 256

int ferry_db_set_key_file(ferry_db *db, const char *path)
{
	char *copy = NULL;

	FERRY_CHECK_DB(db);
	if (path && (copy = ferry__strdup(path)) == NULL)
		return ferry__oom(db);
	ferry__free(db->key_file);
	db->key_file = copy;
	return 0;
}

static int key_path(ferry_db *db, ferry_str *path)
{
	ferry_str_clear(path);
	if (db->key_file)
		ferry_str_puts(path, db->key_file);
	else
		ferry_str_printf(path, "%s.key", db->stem);
	if (ferry_str_failed(path))
		return ferry__oom(db);
	return 0;
}

/* ---- the key file --------------------------------------------------- */

/*
 * Write the seed to `path.tmp-XXXXXX` (mkstemp: O_EXCL, mode 0600), on
 * disk; tmp receives its name.
 */
static int write_temp(ferry_db *db, const char *path, ferry_str *tmp,
	const unsigned char seed[crypto_sign_SEEDBYTES])
{
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_SEEDBYTES,
		sodium_base64_VARIANT_ORIGINAL)];
	ferry_str text = FERRY_STR_INIT;
	int fd = -1, error = 0;
	ssize_t n;

	ferry_str_printf(tmp, "%s.tmp-XXXXXX", path);
	ferry_str_init(&text, KEY_FILE_MAX);
	sodium_bin2base64(b64, sizeof(b64), seed, crypto_sign_SEEDBYTES,
		sodium_base64_VARIANT_ORIGINAL);
	ferry_str_printf(&text, KEY_FILE_PREFIX "%s\n", b64);
	sodium_memzero(b64, sizeof(b64));
	if (ferry_str_failed(tmp) || ferry_str_failed(&text)) {
		error = ferry__oom(db);
		goto done;
	}
	if ((fd = mkstemp(tmp->ptr)) < 0) {
		error = ferry__error(db, FERRY_EIO, "cannot create the key "
			"file %s: %s", path, strerror(errno));
		ferry_str_clear(tmp);
		goto done;
	}
	do {
		n = write(fd, text.ptr, text.size);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)text.size || fchmod(fd, 0600) < 0 ||
	    fsync(fd) < 0) {
		error = ferry__error(db, FERRY_EIO, "cannot write the key "
			"file %s: %s", path, n < 0 || n == (ssize_t)text.size ?
			strerror(errno) : "short write");
		goto done;
	}
done:
	if (fd >= 0 && close(fd) < 0 && !error)
		error = ferry__error(db, FERRY_EIO, "cannot write the key "
			"file %s: %s", path, strerror(errno));
	if (error < 0 && tmp->size)
		unlink(tmp->ptr);
	if (text.ptr)
		sodium_memzero(text.ptr, text.size);
	ferry_str_dispose(&text);
	return error;
}

/* Move the temporary file into place: replace, or only if absent. */
static int publish(ferry_db *db, const char *tmp, const char *path,
	int replace)
{
	int error = 0;

	if (replace) {
		if (rename(tmp, path) < 0)
			error = ferry__error(db, FERRY_EIO, "cannot replace "
				"the key file %s: %s", path, strerror(errno));
	} else if (link(tmp, path) < 0) {
		error = errno == EEXIST ? ferry__error(db, FERRY_EEXISTS, "%s "
			"appeared meanwhile; nothing was changed", path) :
			ferry__error(db, FERRY_EIO, "cannot create the key "
			"file %s: %s", path, strerror(errno));
	}
	unlink(tmp);
	if (error == 0)
		ferry_tmpfile_sync_dir(path);
	return error;
}

/* Read the key file into a seed, refusing a file open to others. */
static int read_seed(ferry_db *db, const char *path,
	unsigned char seed[crypto_sign_SEEDBYTES])
{
	const size_t plen = strlen(KEY_FILE_PREFIX);
	char buf[KEY_FILE_MAX];
	const char *end = NULL;
	struct stat st;
	size_t got = 0, len;
	ssize_t n;
	int fd, error = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? ferry__error(db, FERRY_ENOTFOUND,
			"the signing key file %s is missing; restore it from "
			"your safe copy, or make a new key with 'ferry key "
			"create --replace'", path) : ferry__error(db,
			FERRY_EIO, "cannot open the key file %s: %s", path,
			strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error = ferry__error(db, FERRY_EINVALID, "the key file %s is "
			"not a regular file", path);
		goto done;
	}
	if (st.st_uid != geteuid()) {
		error = ferry__error(db, FERRY_EDENIED, "the key file %s "
			"belongs to another user (uid %ld); run ferry as that "
			"user, or give the file to this one", path,
			(long)st.st_uid);
		goto done;
	}
	if (st.st_mode & 077) {
		error = ferry__error(db, FERRY_EDENIED, "the key file %s can "
			"be read or written by other users (mode %04o); make "
			"it private with 'chmod 600 %s', and if others may "
			"have read it, replace the key ('ferry key create "
			"--replace')", path, (unsigned)(st.st_mode & 07777),
			path);
		goto done;
	}
	do {
		n = read(fd, buf, sizeof(buf) - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		error = ferry__error(db, FERRY_EIO, "cannot read the key file "
			"%s: %s", path, strerror(errno));
		goto done;
	}
	buf[n] = '\0';
	len = (size_t)n;
	if (len && buf[len - 1] == '\n')
		len--;
	if (len <= plen || memcmp(buf, KEY_FILE_PREFIX, plen) != 0 ||
	    sodium_base642bin(seed, crypto_sign_SEEDBYTES, buf + plen,
	    len - plen, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) !=
	    0 || got != crypto_sign_SEEDBYTES || end != buf + len)
		error = ferry__error(db, FERRY_EINVALID, "the key file %s is "
			"not a ferry key file; restore it from your safe copy, "
			"or make a new key with 'ferry key create --replace'",
			path);
done:
	sodium_memzero(buf, sizeof(buf));
	close(fd);
	return error;
}

int ferry__key_secret(ferry_db *db,
	unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char text[FERRY_KEY_B64], fpr[FERRY_KEY_FPR];
	ferry_str path = FERRY_STR_INIT;
	ferry_key_row row;
	int error;

	error = ferry_store__key_current(db, &row);
	if (error == FERRY_ENOTFOUND)
		error = ferry__error(db, error, "this instance has no signing "
			"key; an admin can create one with 'ferry key create'");
	if (error < 0 || (error = key_path(db, &path)) < 0 ||
	    (error = read_seed(db, path.ptr, seed)) < 0)
		goto done;
	crypto_sign_seed_keypair(pk, sk, seed);
	ferry_sop__key_encode(text, pk);
	if (strcmp(text, row.public_key) != 0) {
		ferry_sop__fingerprint(fpr, pk);
		error = ferry__error(db, FERRY_ECONFLICT, "the key file %s "
			"holds key %s, but this instance's signing key is %s; "
			"restore the right file, or make a new key with 'ferry "
			"key create --replace'", path.ptr, fpr,
			row.fingerprint);
	}
done:
	if (error < 0)
		sodium_memzero(sk, crypto_sign_SECRETKEYBYTES);
	sodium_memzero(seed, sizeof(seed));
	ferry_str_dispose(&path);
	return error;
}

/* ---- key create / show ---------------------------------------------- */

static void key_doc(ferry_str *doc, const ferry_key_row *row,
	const char *path)
{
	ferry_str_puts(doc, "{\"public_key\":");
	ferry_str_puts_json(doc, row->public_key);
	ferry_str_puts(doc, ",\"fingerprint\":");
	ferry_str_puts_json(doc, row->fingerprint);
	ferry_str_puts(doc, ",\"key_file\":");
	ferry_str_puts_json(doc, path);
	ferry_str_puts(doc, ",\"created_by\":");
	ferry_str_puts_json(doc, row->by);
	ferry_str_puts(doc, ",\"created_at\":");
	ferry_str_puts_json(doc, row->at);
}

int ferry_key_create(ferry_buf *out, ferry_db *db, int replace)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	unsigned char seed[crypto_sign_SEEDBYTES];
	ferry_str path = FERRY_STR_INIT, tmp = FERRY_STR_INIT,
		doc = FERRY_STR_INIT;
	ferry_key_row old, row;
	struct stat st;
	int error, had_key = 0;

	FERRY_CHECK_DB(db);
	memset(&row, 0, sizeof(row));
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "create the signing key")) < 0 ||
	    (error = key_path(db, &path)) < 0)
		goto done;
	error = ferry_store__key_current(db, &old);
	if (error < 0 && error != FERRY_ENOTFOUND)
		goto done;
	had_key = error == 0;
	error = 0;
	if (!replace && had_key) {
		error = ferry__error(db, FERRY_EEXISTS, "this instance already "
			"has a signing key (fingerprint %s, secret key in %s); "
			"to rotate it, run 'ferry key create --replace' (see "
			"docs/security.md)", old.fingerprint, path.ptr);
		goto done;
	}
	if (!replace && lstat(path.ptr, &st) == 0) {
		error = ferry__error(db, FERRY_EEXISTS, "%s already exists, "
			"but this instance records no signing key; move the "
			"file away, or pass --replace to overwrite it",
			path.ptr);
		goto done;
	}
	randombytes_buf(seed, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	ferry_sop__key_encode(row.public_key, pk);
	ferry_sop__fingerprint(row.fingerprint, pk);
	snprintf(row.by, sizeof(row.by), "%s", db->user);
	ferry__now_iso(db, row.at);
	if ((error = write_temp(db, path.ptr, &tmp, seed)) < 0)
		goto done;
	/* The database first, then the file, then the commit: a failure
	 * before the commit leaves the old key in both places. */
	if ((error = ferry_store__key_replace(db, row.public_key,
	    row.fingerprint, row.by, row.at)) < 0 ||
	    (error = ferry__audit(db, db->user, had_key ? "key replace" :
	    "key create", row.fingerprint, "ok")) < 0) {
		unlink(tmp.ptr);
		goto done;
	}
	if ((error = publish(db, tmp.ptr, path.ptr, replace)) < 0)
		goto done;
	key_doc(&doc, &row, path.ptr);
	ferry_str_puts(&doc, ",\"replaced\":");
	if (had_key)
		ferry_str_puts_json(&doc, old.fingerprint);
	else
		ferry_str_puts(&doc, "null");
	ferry_str_putc(&doc, '}');
	if ((error = ferry_store__end(db, 0)) < 0) {
		/* Rare (the disk failed at commit): say where things are. */
		char *why = ferry__strdup(ferry_errmsg(db));

		if (!replace)
			unlink(path.ptr);
		error = ferry__error(db, error, "%s; the instance still "
			"records its old key%s", why ? why : "out of memory",
			replace ? ", but the key file holds a new one: run "
			"'ferry key create --replace' again" : "");
		ferry__free(why);
		ferry_str_dispose(&doc);
		goto out;
	}
	error = ferry__buf_take(db, out, &doc);
	goto out;
done:
	error = ferry_store__end(db, error);
out:
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk, sizeof(sk));
	ferry_str_dispose(&path);
	ferry_str_dispose(&tmp);
	ferry_str_dispose(&doc);
	return error;
}

int ferry_key_show(ferry_buf *out, ferry_db *db)
{
	ferry_str path = FERRY_STR_INIT, doc = FERRY_STR_INIT;
	ferry_key_row row;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__actor(db)) < 0 ||
	    (error = key_path(db, &path)) < 0)
		goto done;
	error = ferry_store__key_current(db, &row);
	if (error == FERRY_ENOTFOUND)
		error = ferry__error(db, error, "this instance has no signing "
			"key; an admin can create one with 'ferry key create'");
	if (error < 0)
		goto done;
	key_doc(&doc, &row, path.ptr);
	ferry_str_putc(&doc, '}');
	error = ferry__buf_take(db, out, &doc);
done:
	ferry_str_dispose(&path);
	ferry_str_dispose(&doc);
	return error;
}

/* ---- the trust list ------------------------------------------------- */

/* The audit entry of a trust list change: "NAME (FINGERPRINT)". */
static int audit_trust(ferry_db *db, const char *operation,
	const ferry_key_row *row)
{
	char object[sizeof(row->name) + sizeof(row->fingerprint) + 4];

	snprintf(object, sizeof(object), "%s (%s)", row->name,
		row->fingerprint);
	return ferry__audit(db, db->user, operation, object, "ok");
}

int ferry_trust_add(ferry_buf *out, ferry_db *db, const char *name,
	const char *public_key)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	ferry_str doc = FERRY_STR_INIT;
	ferry_key_row row, other;
	int error;

	FERRY_CHECK_DB(db);
	memset(&row, 0, sizeof(row));
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "change the trust list")) < 0 ||
	    (error = ferry__check_name(db, "trust name", name)) < 0)
		goto done;
	if (ferry_sop__key_decode(pk, public_key) < 0) {
		error = ferry__error(db, FERRY_EINVALID, "'%.60s' is not a "
			"public key; give the 44-character public_key that "
			"'ferry key show' prints on the signing instance",
			public_key ? public_key : "");
		goto done;
	}
	snprintf(row.name, sizeof(row.name), "%s", name);
	ferry_sop__key_encode(row.public_key, pk);
	ferry_sop__fingerprint(row.fingerprint, pk);
	snprintf(row.by, sizeof(row.by), "%s", db->user);
	ferry__now_iso(db, row.at);
	if ((error = ferry_store__trust_by_name(db, name, &other)) == 0) {
		error = ferry__error(db, FERRY_EEXISTS, "'%s' is already on "
			"the trust list (key %s); remove it first to change "
			"its key", name, other.fingerprint);
		goto done;
	}
	if (error != FERRY_ENOTFOUND)
		goto done;
	if ((error = ferry_store__trust_by_key(db, row.public_key,
	    &other)) == 0) {
		error = ferry__error(db, FERRY_EEXISTS, "key %s is already "
			"trusted, as '%s'", row.fingerprint, other.name);
		goto done;
	}
	if (error != FERRY_ENOTFOUND ||
	    (error = ferry_store__trust_insert(db, &row)) < 0 ||
	    (error = audit_trust(db, "trust add", &row)) < 0)
		goto done;
	ferry_str_puts(&doc, "{\"name\":");
	ferry_str_puts_json(&doc, row.name);
	ferry_str_puts(&doc, ",\"public_key\":");
	ferry_str_puts_json(&doc, row.public_key);
	ferry_str_puts(&doc, ",\"fingerprint\":");
	ferry_str_puts_json(&doc, row.fingerprint);
	ferry_str_putc(&doc, '}');
	error = ferry__buf_take(db, out, &doc);
done:
	ferry_str_dispose(&doc);
	return ferry_store__end(db, error);
}

static int trust_item(const ferry_trust_entry *t, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "name", t->name);
	ferry_json_str(doc, "public_key", t->public_key);
	ferry_json_str(doc, "fingerprint", t->fingerprint);
	ferry_json_str(doc, "added_by", t->added_by);
	ferry_json_str(doc, "added_at", t->added_at);
	ferry_json_close(doc, '}');
	return 0;
}

/* [{name, public_key, fingerprint, added_by, added_at}] by name. */
static int trust_doc(ferry_db *db, ferry_str *doc)
{
	int error;

	ferry_json_open(doc, NULL, '[');
	error = ferry_store__trust_each(db, trust_item, doc);
	ferry_json_close(doc, ']');
	return error;
}

int ferry_trust_list(ferry_buf *out, ferry_db *db)
{
	return ferry__document(db, out, trust_doc);
}

int ferry_trust_remove(ferry_db *db, const char *name)
{
	ferry_key_row row;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "change the trust list")) < 0)
		goto done;
	error = ferry_store__trust_by_name(db, name ? name : "", &row);
	if (error == FERRY_ENOTFOUND)
		error = ferry__error(db, error, "'%s' is not on the trust "
			"list; see 'ferry trust list'", name ? name : "");
	if (error < 0 || (error = ferry_store__trust_delete(db, name)) < 0)
		goto done;
	error = audit_trust(db, "trust remove", &row);
done:
	return ferry_store__end(db, error);
}
