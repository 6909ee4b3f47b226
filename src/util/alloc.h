/*
 * alloc.h - the one place memory comes from.
 *
 * Every allocation in ferry goes through these wrappers so that
 * ferry_set_allocator() can swap them, e.g. for out-of-memory tests that
 * fail each allocation in turn.  They behave like malloc and friends.
 */
#ifndef FERRY_UTIL_ALLOC_H
#define FERRY_UTIL_ALLOC_H

#include <stddef.h>

void *ferry__malloc(size_t size);
void *ferry__calloc(size_t n, size_t size);
void *ferry__realloc(void *ptr, size_t size);
void ferry__free(void *ptr);
char *ferry__strdup(const char *s);
char *ferry__strndup(const char *s, size_t n);

/* Replace the allocator; NULL functions restore the C library's. */
void ferry__set_allocator(void *(*malloc_fn)(size_t),
	void *(*realloc_fn)(void *, size_t), void (*free_fn)(void *));

#endif
