/*
 * hash.h - BLAKE2b-256 in hex, one shot or streamed, via libsodium.
 */
#ifndef FERRY_UTIL_HASH_H
#define FERRY_UTIL_HASH_H

#include <sodium.h>
#include <stddef.h>

#define FERRY_HASH_BYTES 32
#define FERRY_HASH_HEX (FERRY_HASH_BYTES * 2 + 1)

typedef struct {
	crypto_generichash_state st;
} ferry_hash;

void ferry_hash_init(ferry_hash *h);
void ferry_hash_update(ferry_hash *h, const void *data, size_t len);
/* Finish into a 64-character lowercase hex string (plus NUL). */
void ferry_hash_final_hex(ferry_hash *h, char out[FERRY_HASH_HEX]);
void ferry_hash_hex(char out[FERRY_HASH_HEX], const void *data, size_t len);

#endif
