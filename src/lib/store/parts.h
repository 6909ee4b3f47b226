/*
 * parts.h - which part of an instance (ferry info --sizes) a system or
 * entity table belongs to, by its name: the tables are named alike in
 * every store.
 */
#ifndef FERRY_STORE_PARTS_H
#define FERRY_STORE_PARTS_H

#include "store.h"

/* The part of the table named table (NULL: other). */
ferry_size_part ferry_store__size_part(const char *table);

#endif
