/*
 * ferry/common.h - status codes, the instance handle, output buffers.
 *
 * Every call that can fail returns an int: 0 (FERRY_OK) or a negative
 * FERRY_E* code that callers may branch on.  The handle keeps a one-line
 * message saying why, readable with ferry_errmsg() until the next call on
 * the same handle.  Codes are part of the ABI: never renumber one.
 */
#ifndef FERRY_COMMON_H
#define FERRY_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes.  Frozen: new codes are appended, none is renumbered. */
typedef enum {
	FERRY_OK = 0,		/**< done */
	FERRY_ERROR = -1,	/**< generic error (see the message) */
	FERRY_ENOTFOUND = -2,	/**< a named thing does not exist */
	FERRY_EEXISTS = -3,	/**< a named thing already exists */
	FERRY_EINVALID = -4,	/**< bad input: value, name, JSON, option */
	FERRY_EDENIED = -5,	/**< the acting user may not do this */
	FERRY_ECONFLICT = -6,	/**< the change conflicts with the data */
	FERRY_EFORMAT = -7,	/**< a file is damaged, foreign or too new */
	FERRY_EMISUSE = -8,	/**< API misuse: NULL argument, closed handle */
	FERRY_ENOMEM = -9,	/**< out of memory or over a size limit */
	FERRY_EIO = -10,	/**< reading or writing a file failed */
	FERRY_ESTATE = -11,	/**< not allowed in the object's state */
	FERRY_EUNRESOLVED = -12, /**< an import has unresolved problems */
	FERRY_EBUSY = -13,	/**< the instance is locked by another writer */
	FERRY_EPROTECTED = -14,	/**< the record is protected */
	FERRY_EAUTH = -15	/**< not authenticated: bad credentials */
} ferry_error_code;

/**
 * An open instance.  Opaque.  A handle serves one thread at a time:
 * threads may pass one between them, never use it together (open one
 * each, as ferry serve's pool does).
 */
typedef struct ferry_db ferry_db;

/**
 * Text that the library hands to the caller: JSON documents, paths.
 * Fill with a ferry_* call, release with ferry_buf_dispose().
 */
typedef struct {
	char *ptr;	/**< NUL-terminated content, or NULL */
	size_t size;	/**< bytes in ptr, without the NUL */
	size_t reserved; /**< internal: allocation size */
} ferry_buf;

#define FERRY_BUF_INIT { NULL, 0, 0 }

/** Free a buffer's content and reset it; accepts NULL and empty buffers. */
void ferry_buf_dispose(ferry_buf *buf);

/** Fixed text for a status code ("not found"); never NULL. */
const char *ferry_strerror(int code);

/**
 * The stable name of a status code for machines: "not_found",
 * "unresolved_problems"...; the "code" of JSON errors (the CLI's --json
 * and the HTTP API).  "unknown" for a code ferry does not define.
 */
const char *ferry_error_name(int code);

/**
 * What this libferry is: {version, libraries:[{name, built, running}]},
 * each library it uses with the version it was built against and the one
 * it runs with.
 *
 * @param[out] out the document
 * @return 0 or FERRY_ENOMEM
 */
int ferry_build_info(ferry_buf *out);

/**
 * The last error message of a handle: one line, no trailing newline.
 * Owned by the handle, valid until its next call.  "" when there is none:
 * every call taking the handle clears it first, so the message is always
 * the latest call's.  Misuse (a NULL handle or argument, a closed
 * handle) returns FERRY_EMISUSE in release builds and stops a debug
 * build at once, naming the function.
 */
const char *ferry_errmsg(const ferry_db *db);

/**
 * Replace the allocator used for all of ferry's memory (NULL functions
 * restore the C library's).  Call before any other ferry function.
 */
void ferry_set_allocator(void *(*malloc_fn)(size_t),
	void *(*realloc_fn)(void *, size_t), void (*free_fn)(void *));

/**
 * Remove the temporary files of exports and backups under way (they are
 * published under their real names only when complete).  For a signal
 * handler that ends the process: async-signal-safe, frees nothing.
 */
void ferry_remove_temp_files(void);

#ifdef __cplusplus
}
#endif

#endif
