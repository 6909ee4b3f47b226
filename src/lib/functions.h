/*
 * functions.h - the library's rules that the store's set-wise statements
 * call by name, lent to the store when an instance is opened (store.h,
 * "functions the library lends the store").
 */
#ifndef FERRY_LIB_FUNCTIONS_H
#define FERRY_LIB_FUNCTIONS_H

#include "db.h"

/* Lend the functions to db's store: once, right after it is opened or
 * created.  0 or a negative FERRY_E* code. */
int ferry__functions_lend(ferry_db *db);

#endif
