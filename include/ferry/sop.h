/*
 * ferry/sop.h - reading .sop package files without an instance.
 */
#ifndef FERRY_SOP_H
#define FERRY_SOP_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Verify a package file and describe it: {format, format_version, kind,
 * mode, compressed, pack:{...}, source:{...}, exported_by, exported_at,
 * stamp, items, counts:[{entity, action, items}], valid, error}.
 *
 * A damaged file still gets a document (valid false, error the reason)
 * when its header could be read.
 *
 * @param[out] out the document
 * @param[out] err the reason a file is refused (may be NULL)
 * @return 0 for an intact file, FERRY_EFORMAT, FERRY_EIO, FERRY_ENOTFOUND
 */
int ferry_inspect(ferry_buf *out, ferry_buf *err, const char *path);

/**
 * As ferry_inspect(), and say whether the package's signer is trusted
 * by the instance db.  The document gains signature:{signed,
 * fingerprint, public_key, valid, trusted, signer, problem} (null when
 * the file is refused before its trailer): valid is null for an
 * unsigned file, trusted null when db is NULL.  Reading the trust list
 * needs no role.
 *
 * @param db an open instance, or NULL
 * @return as ferry_inspect(); a failure to read the trust list is
 *	returned with the document built so far and its message in
 *	ferry_errmsg(db)
 */
int ferry_inspect_in(ferry_buf *out, ferry_buf *err, ferry_db *db,
	const char *path);

#ifdef __cplusplus
}
#endif

#endif
