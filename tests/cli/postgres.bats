#!/usr/bin/env bats
# postgres.bats - an instance in a PostgreSQL database (docs/postgresql.md):
# init makes the database, and each way of reaching a wrong place (no
# server, wrong credentials, a database that is not an instance, a newer
# schema) gives one clear error, exit 1, and changes nothing.  Runs on a
# cluster of its own (helpers/pg_cluster.bash); skipped where no
# PostgreSQL server is installed.

load foundation_helpers
load helpers/pg_cluster
load schema_steps

setup() {
	pg_setup
	cd "$BATS_TEST_TMPDIR" || return 1
	export FERRY_NOW="$NOW"
	unset FERRY_USER FERRY_DB FERRY_KEY_FILE
	# These tests name databases themselves.
	PG_FERRY=$FERRY_BIN
	N=0
}

# new_name: a database name of this test's own (dropped by teardown).
new_name() {
	N=$((N + 1))
	DB=ferry_t$$_$N
	echo "$DB" >>"$BATS_TEST_TMPDIR/.ferry-pg-databases"
}

has_database() {
	[ "$(psql -X -A -t -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# The whole database, schemas and rows, to prove nothing changed.
whole() {
	pg_dump -d "$1" --no-owner --no-privileges | grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict'
}

# one_error TEXT CMD...: CMD exits 1 with nothing on stdout and exactly
# one line on stderr, "ferry: ...TEXT...".
one_error() {
	local text=$1
	shift
	run --separate-stderr "$@"
	same 1 "$status" "exit status; stderr: $stderr"
	same "" "$output" "stdout"
	[[ "$stderr" == "ferry: "* ]] || { echo "stderr: $stderr" >&2; return 1; }
	[[ "$stderr" != *$'\n'* ]] || { echo "more than one line: $stderr" >&2; return 1; }
	[[ "$stderr" == *"$text"* ]] || { echo "stderr lacks '$text': $stderr" >&2; return 1; }
}

@test "rule: init makes the database, with byte order (C) and UTF-8, and the instance in schema ferry" {
	new_name
	! has_database "$DB"
	run --separate-stderr "$PG_FERRY" --db "postgresql:///$DB" init --name dev
	[ "$status" -eq 0 ]
	same "created instance at postgresql:///$DB (admin: admin)" "$output"
	has_database "$DB"
	same "UTF8|C|C" "$(psql -X -A -t -d postgres -c "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database WHERE datname = '$DB'")"
	same "$SCHEMA_LATEST" "$(psql -X -A -t -d "$DB" -c 'SELECT version FROM ferry.ferry_schema')"
	same dev "$(psql -X -A -t -d "$DB" -c 'SELECT name FROM ferry.ferry_instance')"
	run --separate-stderr "$PG_FERRY" --db "postgresql:///$DB" --json info
	[ "$status" -eq 0 ]
	same "dev|$SCHEMA_LATEST|postgresql:///$DB" "$(echo "$output" | jp '"%s|%s|%s" % (d["name"], d["schema_version"], d["path"])')"
}

@test "rule: init refuses a database that already holds an instance, and changes nothing" {
	new_name
	"$PG_FERRY" --db "postgresql:///$DB" init --name first >/dev/null
	before=$(whole "$DB")
	one_error "a ferry instance already exists at postgresql:///$DB; choose another database, or open it with --db" \
		"$PG_FERRY" --db "postgresql:///$DB" init --name second
	same "$before" "$(whole "$DB")"
	same first "$("$PG_FERRY" --db "postgresql:///$DB" --json info | jp 'd["name"]')"
}

@test "rule: an unreachable server is one clear error, and nothing is made" {
	for cmd in info init "user list"; do
		# shellcheck disable=SC2086
		one_error "cannot reach the PostgreSQL server for postgresql://localhost:1/x" \
			"$PG_FERRY" --db postgresql://localhost:1/x $cmd
		[[ "$stderr" == *"check the address and that the server runs"* ]]
	done
	! has_database x
}

@test "rule: wrong credentials are one clear error, the password is never shown, nothing is made" {
	new_name
	PGPASSWORD=wrong one_error "the PostgreSQL server refused the credentials for postgresql://ferry_pw@/$DB" \
		"$PG_FERRY" --db "postgresql://ferry_pw@/$DB" init
	[[ "$stderr" == *"check the user and the password (PGPASSWORD or ~/.pgpass)"* ]]
	! has_database "$DB"
	# A password in the address is left out of the message.
	one_error "refused the credentials for postgresql://ferry_pw@/$DB" \
		"$PG_FERRY" --db "postgresql://ferry_pw:wrong@/$DB" info
	[[ "$stderr" != *wrong* ]]
	! has_database "$DB"
	# The right one (PGPASSWORD, as libpq reads it) reaches the server.
	PGPASSWORD=right run --separate-stderr "$PG_FERRY" --db "postgresql://ferry_pw@/$DB" init
	[ "$status" -eq 0 ]
	has_database "$DB"
	before=$(whole "$DB")
	PGPASSWORD=wrong one_error "refused the credentials" \
		"$PG_FERRY" --db "postgresql://ferry_pw@/$DB" user add bob
	same "$before" "$(whole "$DB")"
}

@test "rule: a database that is not a ferry instance is refused and left untouched" {
	new_name
	createdb "$DB"
	psql -X -q -d "$DB" -c 'CREATE TABLE t (x int); INSERT INTO t VALUES (1)'
	before=$(whole "$DB")
	for cmd in info "user list" "user add bob" "property set k v"; do
		# shellcheck disable=SC2086
		one_error "postgresql:///$DB is not a ferry instance; it was left untouched (create one with 'ferry --db postgresql:///$DB init')" \
			"$PG_FERRY" --db "postgresql:///$DB" $cmd
	done
	same "$before" "$(whole "$DB")"
}

@test "rule: a database that does not exist is no instance, and is not made by opening it" {
	new_name
	one_error "no instance at postgresql:///$DB; create one with 'ferry --db postgresql:///$DB init'" \
		"$PG_FERRY" --db "postgresql:///$DB" info
	! has_database "$DB"
}

@test "rule: an instance of a newer schema version is refused and left untouched" {
	new_name
	"$PG_FERRY" --db "postgresql:///$DB" init >/dev/null
	psql -X -q -d "$DB" -c 'UPDATE ferry.ferry_schema SET version = 99'
	before=$(whole "$DB")
	for cmd in info "user add bob" "property set k v"; do
		# shellcheck disable=SC2086
		one_error "the instance postgresql:///$DB was made by a newer ferry (schema 99, this ferry knows up to $SCHEMA_LATEST); upgrade ferry to open it" \
			"$PG_FERRY" --db "postgresql:///$DB" $cmd
	done
	same "$before" "$(whole "$DB")"
}

@test "rule: an instance of schema 9 gets the payload table when opened, with what a loaded import staged" {
	new_name
	src=postgresql:///$DB
	"$PG_FERRY" --db "$src" init --name dev >/dev/null
	"$PG_FERRY" --db "$src" pack create p --use >/dev/null
	"$PG_FERRY" --db "$src" entity create member >/dev/null
	"$PG_FERRY" --db "$src" field add member name 'nvarchar(40)' >/dev/null
	A=$("$PG_FERRY" --db "$src" record put member '{"name":"ann"}')
	"$PG_FERRY" --db "$src" pack complete p >/dev/null
	"$PG_FERRY" --db "$src" pack export p --output p.sop --uncompressed >/dev/null
	new_name
	dst=postgresql:///$DB
	"$PG_FERRY" --db "$dst" init --name test >/dev/null
	id=$("$PG_FERRY" --db "$dst" --json import load p.sop 2>/dev/null | jp "d['id']")
	q() { psql -X -A -t -q -d "$DB" -c "$1"; }
	staged_sql="SELECT string_agg(p.item || ':' || coalesce(p.version, '') || ':' || coalesce(p.payload, vp.payload, '') || ':' || coalesce(p.body, ''), ';' ORDER BY p.item) FROM ferry.ferry_import_payload p LEFT JOIN ferry.ferry_version_payload vp ON vp.k = p.import_id * 4294967296 + p.item WHERE p.import_id = $id"
	staged=$(q "$staged_sql")
	[ -n "$staged" ]
	# (the record's payload and the catalog's)
	same 3 "$(q "SELECT count(*) FROM ferry.ferry_version_payload WHERE k BETWEEN $id * 4294967296 AND $id * 4294967296 + 4294967295")"
	# Schema 9: the staged values in the items' own columns, no
	# reference values (13 -> 14), the payloads with them (15 -> 16),
	# the items' foreign key to their import, and no pack's lines kept
	# (18 -> 19).
	q "UPDATE ferry.ferry_import_payload AS p SET payload = vp.payload
			FROM ferry.ferry_version_payload vp
			WHERE vp.k = p.import_id * 4294967296 + p.item;
		DROP TABLE ferry.ferry_version_payload;
		ALTER TABLE ferry.ferry_version DROP COLUMN payload_k;
		ALTER TABLE ferry.ferry_import_item ADD FOREIGN KEY (import_id)
			REFERENCES ferry.ferry_import (id);
		ALTER TABLE ferry.ferry_import_item DROP COLUMN refs,
		ADD COLUMN version text COLLATE \"C\",
		ADD COLUMN base text COLLATE \"C\", ADD COLUMN policy text COLLATE \"C\",
		ADD COLUMN vendor bigint, ADD COLUMN payload text COLLATE \"C\",
		ADD COLUMN old text COLLATE \"C\", ADD COLUMN body text COLLATE \"C\",
		ADD COLUMN seal text COLLATE \"C\";
		UPDATE ferry.ferry_import_item AS i SET (version, base, policy, vendor,
			payload, old, body, seal) = (p.version, p.base, p.policy,
			p.vendor, p.payload, p.old, p.body, p.seal) FROM
			ferry.ferry_import_payload p WHERE p.import_id = i.import_id
			AND p.item = i.item;
		DROP TABLE ferry.ferry_import_payload;
		ALTER TABLE ferry.ferry_import_plan RESET (fillfactor);
		DROP TABLE ferry.ferry_pack_frozen;
		ALTER TABLE ferry.ferry_pack DROP COLUMN frozen_mark,
			DROP COLUMN frozen_format;
		UPDATE ferry.ferry_schema SET version = 9"
	run --separate-stderr "$PG_FERRY" --db "$dst" --json import show "$id"
	[ "$status" -eq 0 ]
	same "$SCHEMA_LATEST" "$(q 'SELECT version FROM ferry.ferry_schema')"
	same 0 "$(q "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'ferry' AND table_name = 'ferry_import_item' AND column_name IN ('version', 'payload', 'old', 'body', 'seal')")"
	same "$staged" "$(q "$staged_sql")"
	# the payload moved to its own table (15 -> 16), the foreign key went
	same 0 "$(q "SELECT count(*) FROM ferry.ferry_import_payload WHERE payload IS NOT NULL")"
	same 0 "$(q "SELECT count(*) FROM information_schema.table_constraints WHERE table_schema = 'ferry' AND table_name = 'ferry_import_item' AND constraint_type = 'FOREIGN KEY'")"
	# the plan's pages keep room for the commit's marks (16 -> 17)
	same "{fillfactor=50}" "$(q "SELECT reloptions FROM pg_class WHERE oid = 'ferry.ferry_import_plan'::regclass")"
	"$PG_FERRY" --db "$dst" import preview "$id" >/dev/null 2>&1
	"$PG_FERRY" --db "$dst" import commit "$id" --no-backup >/dev/null 2>&1
	same ann "$("$PG_FERRY" --db "$dst" --json record get member "$A" | jp "d['name']")"
	same 0 "$(q 'SELECT count(*) FROM ferry.ferry_import_payload')"
	# the version written set-wise names the staged payload
	same "1 1" "$(q "SELECT count(*) || ' ' || count(vp.k) FROM ferry.ferry_version v JOIN ferry.ferry_version_payload vp ON vp.k = v.payload_k WHERE v.import_id = $id AND v.payload = ''")"
}

@test "rule: ferry --version names libpq, as built and as running" {
	run --separate-stderr "$PG_FERRY" --version
	[ "$status" -eq 0 ]
	grep -Eq '^  libpq +built with [0-9]+, running [0-9]+\.[0-9]+$' <<<"$output"
	same libpq "$("$PG_FERRY" --version --json | jp '[l["name"] for l in d["libraries"] if l["name"] == "libpq"][0]')"
}
