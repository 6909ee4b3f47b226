/*
 * fuzz_util.h - what the libFuzzer harnesses share: a private scratch
 * folder per process and writing an input into a file there, since the
 * package readers read files.
 */
#ifndef FERRY_FUZZ_UTIL_H
#define FERRY_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* The scratch folder, made on first use (under $TMPDIR or /tmp) and
 * removed at a normal exit. */
const char *fuzz_dir(void);

/* Write data to fuzz_dir()/name; returns the path (static) or NULL. */
const char *fuzz_write(const char *name, const uint8_t *data, size_t size);

#endif
