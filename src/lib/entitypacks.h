/*
 * entitypacks.h - what entity packing and unpacking share: the file's
 * kind, the associated object entities, a sorted list of names for
 * "depends", and an entity pack file read into memory.
 *
 * entitypack.c writes and reads the file (the format); entityunpack.c
 * selects, orders and merges (the rules).  The item layout is specified
 * in docs/entitypacks.md.  Checklist: the item keys written and read in
 * entitypack.c and that document change together.
 *
 * An entity pack holds one entity's schema and objects, so unlike local
 * packs it is read whole into memory; the reader caps the number of
 * fields and objects so a hostile file cannot exhaust it.
 */
#ifndef FERRY_LIB_ENTITYPACKS_H
#define FERRY_LIB_ENTITYPACKS_H

#include "hash.h"
#include "sop.h"
#include "str.h"

#include <jansson.h>
#include <stddef.h>

/* The header's "kind" of an entity pack (frozen on-disk text). */
#define FERRY_ENTITY_PACK_KIND "entity_pack"

/* Most fields and objects one pack file may hold (SQLite's default
 * column limit is 2000). */
#define FERRY_ENTITY_PACK_FIELDS_MAX 2000
#define FERRY_ENTITY_PACK_OBJECTS_MAX 100000

/* A sorted list of distinct names (entities a pack depends on). */
typedef struct {
	char **v;
	size_t n;
} ferry_namelist;

#define FERRY_NAMELIST_INIT { NULL, 0 }

/* Insert name unless present, keeping byte order; -1 out of memory. */
int ferry_namelist__add(ferry_namelist *l, const char *name);
/* 1 if name is in the list. */
int ferry_namelist__has(const ferry_namelist *l, const char *name);
void ferry_namelist__dispose(ferry_namelist *l);

/* A field as packed. */
typedef struct {
	char *name;
	char *type;		/* normalised text: "nvarchar(15)" */
	char *display;		/* NULL when unset */
	char *description;	/* NULL when unset */
	char *default_value;	/* canonical JSON text, NULL when unset */
	char *external_name;	/* its name in the system it came from,
				 * NULL when it has none */
} ferry_packed_field;

/* An associated object as packed. */
typedef struct {
	const char *table;	/* an object entity, identity.h */
	char *name;
	json_t *definition;	/* owned; JSON null when unset */
	char policy[16];	/* open, changed, protected */
} ferry_packed_object;

/* One entity pack file, read and verified. */
typedef struct {
	char *path;		/* DIR/<file> */
	char *file;		/* the file name within DIR */
	char *entity;		/* the header's entity; else the file's stem */
	char *display;		/* NULL when unset */
	char *description;	/* NULL when unset */
	ferry_packed_field *fields;	/* in file order */
	size_t nfields;
	ferry_packed_object *objects;	/* in file order */
	size_t nobjects;
	ferry_namelist depends;	/* entities its ref() fields point to */
	char stamp[FERRY_HASH_HEX];	/* "" unless valid */
	ferry_sop_signature sig;	/* the trailer's signature */
	int sig_known;		/* the trailer was read: sig is set */
	ferry_str problem;	/* why the file is refused, "" if valid */
	int code;		/* FERRY_EFORMAT etc., 0 if valid */
} ferry_entitypack_file;

/*
 * Set up p for the file `file` in folder dir (entity = the file's stem
 * until the header says otherwise).  -1 out of memory.
 */
int ferry_entitypack__file_init(ferry_entitypack_file *p, const char *dir,
	const char *file);

/*
 * Read the whole file and verify it (the .sop checks, then every item).
 * A damaged or foreign file is not an error of the call: its message
 * (beginning with the path) goes to p->problem and its code to p->code,
 * which is also returned.  Returns 0 for a valid entity pack.
 */
int ferry_entitypack__read(ferry_entitypack_file *p);

void ferry_entitypack__file_dispose(ferry_entitypack_file *p);

/*
 * Aptify Configuration Migration packs (cmpack.c): 1 if dir is one (it
 * has an Entities folder); read every entity of it, with its fields and
 * associated objects, as entity pack files (*count of them, owned by
 * the caller).  A pack ferry cannot take is refused whole with one
 * message (FERRY_EFORMAT).
 */
struct ferry_db;
int ferry__cmpack_is(const char *dir);
int ferry__cmpack_read(struct ferry_db *db, const char *dir,
	ferry_entitypack_file **out, size_t *count);

#endif
