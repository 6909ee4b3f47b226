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

#ifdef __cplusplus
}
#endif

#endif
