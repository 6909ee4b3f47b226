/*
 * ferry/entitypack.h - entity packs: an entity's definition, fields and
 * associated objects (form templates, event handlers, process flows) in
 * one file, unpacked elsewhere with safe merge rules.
 */
#ifndef FERRY_ENTITYPACK_H
#define FERRY_ENTITYPACK_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Write one pack file per entity into dir.
 * @param[out] out {dir, packs:[{entity, path, fields, objects, depends}]}
 */
int ferry_entity_pack(ferry_buf *out, ferry_db *db,
	const char *const *names, size_t n, const char *dir);

/** Options of ferry_entity_pack_v2(). */
typedef struct {
	unsigned version;	/**< FERRY_ENTITY_PACK_OPTIONS_VERSION */
	int sign;		/**< sign with the instance key (ferry/key.h) */
} ferry_entity_pack_options;

#define FERRY_ENTITY_PACK_OPTIONS_VERSION 1
#define FERRY_ENTITY_PACK_OPTIONS_INIT { FERRY_ENTITY_PACK_OPTIONS_VERSION, 0 }

/**
 * As ferry_entity_pack(), with options (NULL: the defaults).  Signed
 * packs add "signature":{fingerprint, public_key} to each entry of
 * packs (null when unsigned).
 */
int ferry_entity_pack_v2(ferry_buf *out, ferry_db *db,
	const char *const *names, size_t n, const char *dir,
	const ferry_entity_pack_options *opts);

/** Options of ferry_entity_unpack(). */
typedef struct {
	unsigned version;	/**< FERRY_UNPACK_OPTIONS_VERSION */
	int list_only;		/**< only list the packs found */
	const char *select;	/**< comma-separated entity names, or NULL */
	int no_upgrade;		/**< skip entities that exist already */
	int no_backup;		/**< skip the backup */
} ferry_unpack_options;

#define FERRY_UNPACK_OPTIONS_VERSION 1
#define FERRY_UNPACK_OPTIONS_INIT { FERRY_UNPACK_OPTIONS_VERSION, 0, NULL, 0, 0 }

/**
 * Unpack the entity packs of a folder (admins only), in one transaction.
 *
 * Every selected pack's signature is checked: a bad one refuses the
 * call; when the property import.require_signature is true, so does an
 * unsigned pack or one signed by a key not on the trust list (otherwise
 * they are unpacked with a warning).
 *
 * @param[out] out {backup, entities:[{entity, action, signature, fields:
 *             [{field, action, reason}], objects:[...]}], warnings:[...]}
 */
int ferry_entity_unpack(ferry_buf *out, ferry_db *db, const char *dir,
	const ferry_unpack_options *opts);

#ifdef __cplusplus
}
#endif

#endif
