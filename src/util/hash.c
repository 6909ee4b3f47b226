/*
 * hash.c - BLAKE2b-256 helpers (see hash.h).
 */
#include "hash.h"

void ferry_hash_init(ferry_hash *h)
{
	crypto_generichash_init(&h->st, NULL, 0, FERRY_HASH_BYTES);
}

void ferry_hash_update(ferry_hash *h, const void *data, size_t len)
{
	crypto_generichash_update(&h->st, data, len);
}

void ferry_hash_final_hex(ferry_hash *h, char out[FERRY_HASH_HEX])
{
	unsigned char md[FERRY_HASH_BYTES];

	crypto_generichash_final(&h->st, md, sizeof(md));
	sodium_bin2hex(out, FERRY_HASH_HEX, md, sizeof(md));
}

void ferry_hash_hex(char out[FERRY_HASH_HEX], const void *data, size_t len)
{
	ferry_hash h;

	ferry_hash_init(&h);
	ferry_hash_update(&h, data, len);
	ferry_hash_final_hex(&h, out);
}
