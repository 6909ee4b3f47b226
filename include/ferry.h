/*
 * ferry.h - libferry, the whole public API.
 *
 * ferry moves configuration between instances of a metadata-driven
 * platform: it versions every change to configuration records, groups the
 * versions into local packs, exports a pack to a .sop file and imports it
 * elsewhere through load, preview, resolve and commit, with back out.
 *
 * Conventions, for every header below:
 * - Calls return 0 or a negative FERRY_E* code (ferry/common.h); the
 *   handle's ferry_errmsg() says why.
 * - Calls that return data fill a caller-owned ferry_buf with a JSON
 *   document whose fields are documented in docs/cli.md; the CLI and the
 *   server print those documents, so every front end shows the same names.
 * - Every call that changes an instance is one transaction: on error
 *   nothing has changed.
 */
#ifndef FERRY_H
#define FERRY_H

#include "ferry/common.h"
#include "ferry/instance.h"
#include "ferry/catalog.h"
#include "ferry/record.h"
#include "ferry/pack.h"
#include "ferry/sop.h"
#include "ferry/import.h"
#include "ferry/entitypack.h"
#include "ferry/formula.h"
#include "ferry/auth.h"
#include "ferry/key.h"
#include "ferry/backup.h"

#endif
