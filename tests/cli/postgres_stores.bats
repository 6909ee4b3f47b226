#!/usr/bin/env bats
# postgres_stores.bats - identity across stores (docs/postgresql.md): the
# same content gives the same package, VersionStamp included, whether it
# is exported from a SQLite file or from a PostgreSQL database; and a
# round trip SQLite -> PostgreSQL -> SQLite gives byte-identical payloads.
# Runs its own throwaway cluster; skipped where no PostgreSQL server is
# installed.

load helpers/import_helpers
load helpers/pg_cluster

setup() {
	pg_setup
	cd "$BATS_TEST_TMPDIR" || return 1
	export FERRY_NOW="$NOW"
	unset FERRY_USER FERRY_DB
}

# catalog DB...: the entity member, in a pack of its own.
catalog() {
	"$FERRY_BIN" "$@" pack create schema --use >/dev/null
	"$FERRY_BIN" "$@" entity create member --display Member >/dev/null
	"$FERRY_BIN" "$@" field add member name 'nvarchar(80)' >/dev/null
	"$FERRY_BIN" "$@" field add member joined date >/dev/null
	"$FERRY_BIN" "$@" field add member fee 'decimal(10,2)' >/dev/null
	"$FERRY_BIN" "$@" field add member note text >/dev/null
	"$FERRY_BIN" "$@" pack complete schema >/dev/null
}

# build DB...: the same changes to members, in the instance given as
# ferry's arguments (--db LOCATION).
build() {
	"$FERRY_BIN" "$@" pack create shared --use >/dev/null
	"$FERRY_BIN" "$@" record load member "$BATS_TEST_TMPDIR/members.jsonl" >/dev/null
	"$FERRY_BIN" "$@" record put member '{"sys_id":"6f1f0a53-3c0e-4b52-9d1e-3f1b2a7c0001","note":"über \"quoted\" \\ tab\tend"}' >/dev/null
	"$FERRY_BIN" "$@" record delete member 6f1f0a53-3c0e-4b52-9d1e-3f1b2a7c0003 >/dev/null
	"$FERRY_BIN" "$@" pack complete shared >/dev/null
}

members() {
	python3 - >members.jsonl <<'PY'
import json
names = ["Ada", "Zoë", "Émile", "bob", "Bob", "_x", "a\u00df", "日本"]
for i, n in enumerate(names):
    print(json.dumps({"sys_id": "6f1f0a53-3c0e-4b52-9d1e-3f1b2a7c%04d" % i,
                      "name": n, "joined": "2021-0%d-15" % (1 + i % 9),
                      "fee": "%d.%02d" % (i * 7, i), "note": "n%d\u2028" % i},
                     ensure_ascii=False))
PY
}

# The items of a plain package (its lines but the header and trailer).
items() {
	sed '1d;$d' "$1"
}

stamp() {
	tail -n 1 "$1" | jp "d['stamp']"
}

@test "rule: the same content exported from SQLite and from PostgreSQL has the same VersionStamp and items" {
	members
	"$FERRY_BIN" --db lite.db init --name twin >/dev/null
	sql "DROP DATABASE IF EXISTS twin"
	pg twin init --name twin >/dev/null
	# One catalog for both: the same entity and fields, the same
	# records of them (a catalog change makes new sys_ids).
	catalog --db lite.db
	"$FERRY_BIN" --db lite.db pack export schema --output schema.sop >/dev/null
	pg twin import apply schema.sop --no-backup >/dev/null
	build --db lite.db
	build --db postgresql:///twin
	"$FERRY_BIN" --db lite.db pack export shared --output lite.sop --uncompressed >/dev/null
	pg twin pack export shared --output pg.sop --uncompressed >/dev/null
	same "$(stamp lite.sop)" "$(stamp pg.sop)" "VersionStamp"
	diff <(items lite.sop) <(items pg.sop)
	# The listings agree too, byte for byte.
	diff <("$FERRY_BIN" --db lite.db --json record list member) \
		<(pg twin --json record list member)
	diff <("$FERRY_BIN" --db lite.db --json pack show shared) \
		<(pg twin --json pack show shared)
}

@test "rule: a round trip SQLite -> PostgreSQL -> SQLite gives byte-identical payloads" {
	members
	"$FERRY_BIN" --db one.db init --name one >/dev/null
	catalog --db one.db
	build --db one.db
	"$FERRY_BIN" --db one.db pack export shared --output one.sop --uncompressed >/dev/null
	sql "DROP DATABASE IF EXISTS middle"
	pg middle init --name middle >/dev/null
	pg middle import apply one.sop --no-backup >/dev/null
	# The middle ships every record it received in a pack of its own.
	pg middle pack create onward --use >/dev/null
	for id in $(pg middle --json record list member | jp "' '.join(r['sys_id'] for r in d)"); do
		pg middle pack add onward member "$id" >/dev/null
	done
	pg middle pack complete onward >/dev/null
	pg middle pack export onward --output middle.sop --uncompressed >/dev/null
	"$FERRY_BIN" --db three.db init --name three >/dev/null
	"$FERRY_BIN" --db three.db import apply middle.sop --no-backup >/dev/null
	one=$("$FERRY_BIN" --db one.db --json record list member)
	[ -n "$one" ]
	same "$one" "$(pg middle --json record list member)" "SQLite -> PostgreSQL"
	same "$one" "$("$FERRY_BIN" --db three.db --json record list member)" "PostgreSQL -> SQLite"
}
