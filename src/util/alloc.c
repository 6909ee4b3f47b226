/*
 * alloc.c - replaceable allocator hooks (see alloc.h).
 */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static void *(*alloc_malloc)(size_t) = malloc;
static void *(*alloc_realloc)(void *, size_t) = realloc;
static void (*alloc_free)(void *) = free;

void ferry__set_allocator(void *(*malloc_fn)(size_t),
	void *(*realloc_fn)(void *, size_t), void (*free_fn)(void *))
{
	alloc_malloc = malloc_fn ? malloc_fn : malloc;
	alloc_realloc = realloc_fn ? realloc_fn : realloc;
	alloc_free = free_fn ? free_fn : free;
}

void *ferry__malloc(size_t size)
{
	return alloc_malloc(size ? size : 1);
}

void *ferry__calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > (size_t)-1 / size)
		return NULL;
	if ((p = ferry__malloc(n * size)) != NULL)
		memset(p, 0, n * size);
	return p;
}

void *ferry__realloc(void *ptr, size_t size)
{
	return alloc_realloc(ptr, size ? size : 1);
}

void ferry__free(void *ptr)
{
	if (ptr)
		alloc_free(ptr);
}

char *ferry__strndup(const char *s, size_t n)
{
	char *p;

	if (!s || n == (size_t)-1)
		return NULL;
	if ((p = ferry__malloc(n + 1)) != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *ferry__strdup(const char *s)
{
	return s ? ferry__strndup(s, strlen(s)) : NULL;
}
