#!/usr/bin/env bash
# manual_packs.sh - local packs, their export, formulas and data sets on
# the PostgreSQL store, compared with the SQLite store byte for byte.
#
# Runs the same ferry commands, with the same FERRY_NOW, on an instance
# file (SQLite) and on a PostgreSQL instance, and requires the same exit
# code, stdout and stderr from both (the location, which differs, reads
# <db> in both), and the same exported packages: the .sop files are
# compared with cmp, their decompressed JSON Lines with cmp, and what
# `ferry inspect` prints of them.
#
# The random ids a package header carries (the instance's id, a pack's
# uid) are made equal on both sides first: after init and after each
# `pack create` the PostgreSQL instance is given the SQLite instance's
# ids (one UPDATE through psql); nothing else is touched.
#
# Records need the catalog and record operations of the PostgreSQL
# store.  While they refuse ("this ferry cannot yet ... on a PostgreSQL
# instance"), the record part is skipped and the script says so; any
# other difference fails.  FERRY_PG_REQUIRE_RECORDS=1 fails the skip too.
#
# Usage (from the source tree, after building):
#   tests/pg/manual_packs.sh [WORKDIR]
# Environment: FERRY_BIN (default build/ferry).  With PGHOST unset, a
# throwaway cluster is started in WORKDIR/cluster (scripts/pg-cluster)
# and stopped at the end; in a cluster already running, the database the
# script made is dropped at the end unless KEEP=1.  WORKDIR defaults to
# a new temporary folder.
# Exit 0 when everything compared equal, 1 otherwise.
set -u

src=$(cd "$(dirname "$0")/../.." && pwd)
ferry=${FERRY_BIN:-$src/build/ferry}
case $ferry in /*) ;; *) ferry=$PWD/$ferry ;; esac
work=${1:-$(mktemp -d /tmp/manual_packs.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
started=
if [ -z "${PGHOST:-}" ]; then
	eval "$("$src/scripts/pg-cluster" start "$work/cluster")" || exit 1
	started=1
fi
cleanup() {
	if [ -n "$started" ]; then
		"$src/scripts/pg-cluster" stop "$work/cluster"
	elif [ -z "${KEEP:-}" ]; then
		dropdb --if-exists "$pgname" 2>/dev/null
	fi
}
trap cleanup EXIT

pgname=manual_packs_$$_$(date +%s)
pg=postgresql:///$pgname
sq=$work/sq/instance.db
mkdir -p "$work/sq" "$work/pg" "$work/out"
export FERRY_NOW=2024-05-01T10:00:00Z
unset FERRY_DB FERRY_USER
failures=0
checks=0
verified=()

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# run SIDE ARGS...: run ferry on one side, in that side's folder, into
# out/SIDE.{out,err,rc}, the location written as <db>.
run() {
	local side=$1 db
	shift
	if [ "$side" = sq ]; then db=$sq; else db=$pg; fi
	(cd "$work/$side" && "$ferry" --db "$db" "$@" \
		>"$work/out/$side.out" 2>"$work/out/$side.err")
	echo $? >"$work/out/$side.rc"
	sed -i "s|$db|<db>|g" "$work/out/$side.out" "$work/out/$side.err"
}

# both ARGS...: the command on both stores; the same output is required.
both() {
	local what
	checks=$((checks + 1))
	run sq "$@"
	run pg "$@"
	for what in rc out err; do
		if ! cmp -s "$work/out/sq.$what" "$work/out/pg.$what"; then
			fail "ferry $* ($what differs)"
			diff "$work/out/sq.$what" "$work/out/pg.$what" | head -20
			return 1
		fi
	done
	verified+=("$(printf '%q ' "$@")[exit $(cat "$work/out/sq.rc")]")
	return 0
}

# expect_rc N: the last both() ended with exit code N.
expect_rc() {
	local rc
	rc=$(cat "$work/out/sq.rc")
	if [ "$rc" != "$1" ]; then
		fail "expected exit $1, got $rc: $(cat "$work/out/sq.err")"
	fi
}

psql_pg() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$pgname" "$@" >/dev/null
}

# same_ids [PACK]: the PostgreSQL instance takes the SQLite instance's
# id (no argument) or PACK's uid.
same_ids() {
	local v
	if [ $# -eq 0 ]; then
		v=$(sqlite3 "$sq" "SELECT id FROM ferry_instance")
		psql_pg -c "UPDATE ferry.ferry_instance SET id = '$v'"
		v=$(sqlite3 "$sq" "SELECT uid FROM ferry_pack WHERE is_default")
		psql_pg -c "UPDATE ferry.ferry_pack SET uid = '$v' WHERE is_default <> 0"
	else
		v=$(sqlite3 "$sq" "SELECT uid FROM ferry_pack WHERE name = '$1'")
		psql_pg -c "UPDATE ferry.ferry_pack SET uid = '$v' WHERE name = '$1'"
	fi
}

# create_pack NAME [OPTIONS]: pack create on both, then the same uid.
create_pack() {
	both pack create "$@" && expect_rc 0
	same_ids "$1"
}

# same_file FILE: an exported package, the same on both sides.
same_file() {
	local f=$1
	checks=$((checks + 1))
	if [ ! -f "$work/sq/$f" ] || [ ! -f "$work/pg/$f" ]; then
		fail "package $f not written on both sides"
		return
	fi
	if ! cmp "$work/sq/$f" "$work/pg/$f"; then
		fail "package $f differs"
	fi
	if [ "$(head -c 4 "$work/sq/$f" | od -An -tx1 | tr -d ' ')" = \
	    28b52ffd ]; then
		zstd -q -dc "$work/sq/$f" >"$work/out/sq.jsonl"
		zstd -q -dc "$work/pg/$f" >"$work/out/pg.jsonl"
	else
		cp "$work/sq/$f" "$work/out/sq.jsonl"
		cp "$work/pg/$f" "$work/out/pg.jsonl"
	fi
	if ! cmp "$work/out/sq.jsonl" "$work/out/pg.jsonl"; then
		fail "package $f: decompressed JSON differs"
		diff "$work/out/sq.jsonl" "$work/out/pg.jsonl" | head -20
	fi
	if ! python3 -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' "$work/out/pg.jsonl"; then
		fail "package $f: not JSON Lines"
	fi
	(cd "$work/sq" && "$ferry" inspect "$f" >"$work/out/sq.inspect" 2>&1)
	(cd "$work/pg" && "$ferry" inspect "$f" >"$work/out/pg.inspect" 2>&1)
	if ! cmp -s "$work/out/sq.inspect" "$work/out/pg.inspect"; then
		fail "ferry inspect $f differs"
		diff "$work/out/sq.inspect" "$work/out/pg.inspect" | head -20
	fi
	verified+=("(file) $(printf '%q' "$f"): cmp, decompressed cmp, inspect")
}

# ---- instance, users ---------------------------------------------------
both init --name twin --admin alice --tz Europe/Moscow && expect_rc 0
same_ids
both user add bob --tz UTC && expect_rc 0

# ---- formulas and data sets ------------------------------------------
both formula create tax --inputs 'a:decimal(10,2),b:int' \
	--outputs 'gross,net' --body "$(printf 'a "q" \\ \t é\001 end\nline 2')" &&
	expect_rc 0
both formula create fee --inputs '' --outputs total --parent tax \
	--body "$(printf '\037 "x"\r\n\\u0041 \342\202\254')" &&
	expect_rc 0
both formula create tax --inputs 'a:int' --outputs x; expect_rc 1
both formula create bad --inputs 'a' --outputs x; expect_rc 1
both formula activate tax 1 && expect_rc 0
both formula version tax --outputs 'gross,net,vat' --master fee &&
	expect_rc 0
both formula version tax --outputs 'gross'; expect_rc 1
both formula list && expect_rc 0
both --json formula list && expect_rc 0
both formula show tax && expect_rc 0
both --json formula show tax && expect_rc 0
both formula show ghost; expect_rc 1
both --user bob formula activate tax 2; expect_rc 1
both formula activate tax 2 && expect_rc 0
both formula close tax 1; expect_rc 1
both formula close tax 2 && expect_rc 0
both formula version tax --body 'third' && expect_rc 0
both formula delete tax 1; expect_rc 1
both dataset create rates --columns 'day:date,rate:decimal(12,4)' \
	--body 'the rates' && expect_rc 0
both dataset create empty --columns ''; expect_rc 1
both dataset version rates --columns 'x:int'; expect_rc 1
both dataset activate rates 1 && expect_rc 0
both dataset version rates --columns 'day:date,rate:decimal(12,4),ccy:nchar(3)' &&
	expect_rc 0
both dataset list && expect_rc 0
both --json dataset show rates && expect_rc 0
both dataset show rates && expect_rc 0
both dataset create gone --columns 'x:int' && expect_rc 0
both dataset delete gone 1 && expect_rc 0
both dataset show gone; expect_rc 1

# ---- packs -----------------------------------------------------------------
create_pack defs --description "$(printf 'Définitions "all"\nline\ttab')"
create_pack spare
both pack create defs; expect_rc 1
both pack create ''; expect_rc 1
both pack use defs && expect_rc 0
both pack current && expect_rc 0
both --json pack current && expect_rc 0
both --user bob pack use spare && expect_rc 0
both pack add defs formula tax --version 2 && expect_rc 0
both pack add defs formula tax --version 3 && expect_rc 0
both pack add defs formula fee --version 1 && expect_rc 0
both pack add defs dataset rates --version 1 && expect_rc 0
both pack add defs dataset rates --version 9; expect_rc 1
both pack add defs formula ghost --version 1; expect_rc 1
both pack add spare formula fee --version 1 && expect_rc 0
both pack remove spare formula fee && expect_rc 0
both pack remove spare formula fee; expect_rc 1
both pack remove spare dataset rates; expect_rc 1
both pack list && expect_rc 0
both --json pack list && expect_rc 0
both pack show defs && expect_rc 0
both --json pack show defs && expect_rc 0
both pack show ghost; expect_rc 1
both pack export defs; expect_rc 1
both pack rename spare defs; expect_rc 1
both pack rename Default other; expect_rc 1
both pack rename spare extra && expect_rc 0
both --json pack show extra && expect_rc 0
both pack complete Default; expect_rc 1
both pack complete defs && expect_rc 0
both pack complete defs; expect_rc 1
both pack current && expect_rc 0
both pack add defs formula fee --version 1; expect_rc 1
both pack use defs; expect_rc 1
# A draft in a completed pack stays until the pack is reopened.
both formula delete tax 3; expect_rc 1

# ---- export ----------------------------------------------------------------
both pack export defs --output defs.sop && expect_rc 0
same_file defs.sop
both pack export defs --output defs.sop; expect_rc 1
both --json pack export defs --output defs.sop --overwrite && expect_rc 0
same_file defs.sop
both pack export defs --uncompressed --output defs.jsonl && expect_rc 0
same_file defs.jsonl
both --json pack export defs --as-application --output app.sop &&
	expect_rc 0
same_file app.sop
both pack export defs && expect_rc 0
same_file "defs_2024-05-01 13:00:00.sop"
both pack show defs && expect_rc 0
both --json pack list && expect_rc 0
# An empty completed pack exports as a header and a trailer.
create_pack empty
both pack complete empty && expect_rc 0
both pack export empty --output empty.sop && expect_rc 0
same_file empty.sop

# ---- deleting, reopening ---------------------------------------------------
both --user bob pack reopen defs; expect_rc 1
both pack reopen defs && expect_rc 0
both pack reopen defs; expect_rc 1
both formula delete tax 3 && expect_rc 0
both --json pack show defs && expect_rc 0
both pack delete defs; expect_rc 1
both pack remove defs formula tax; expect_rc 1
both pack remove defs formula fee && expect_rc 0
both pack remove defs dataset rates && expect_rc 0
both pack delete defs && expect_rc 0
both --user bob pack delete extra; expect_rc 1
both pack delete extra && expect_rc 0
both pack delete Default; expect_rc 1
both pack delete ghost; expect_rc 1
both user list && expect_rc 0
both --json pack list && expect_rc 0
both formula show tax && expect_rc 0

# ---- records -----------------------------------------------------------------
records() {
	local a=30b33d5d-df81-4176-b2cd-8e083156b544
	local b=0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f
	local c=11111111-2222-4333-8444-555555555555
	local side

	# The catalog's records get random sys_ids: they stay in Default,
	# which is never exported; the records have the same sys_ids on
	# both sides (record load inserts under a given sys_id).
	both field add member name 'nvarchar(80)' && expect_rc 0
	both field add member score 'decimal(10,2)' && expect_rc 0
	for side in sq pg; do
		printf '%s\n' \
		    "{\"sys_id\":\"$a\",\"name\":\"Ann \\\"A\\\"\",\"score\":1.5}" \
		    "{\"sys_id\":\"$b\",\"name\":\"Bob\",\"score\":2}" \
		    >"$work/$side/first.jsonl"
		printf '%s\n' \
		    "{\"sys_id\":\"$c\",\"name\":\"Cy\",\"score\":0}" \
		    >"$work/$side/third.jsonl"
	done
	create_pack fix --use
	both record load member first.jsonl && expect_rc 0
	both pack complete fix && expect_rc 0
	create_pack second --use
	both record put member "{\"sys_id\":\"$a\",\"name\":\"Ann B\"}" &&
		expect_rc 0
	both record put member "{\"sys_id\":\"$a\",\"score\":3}" &&
		expect_rc 0
	both record delete member "$b" && expect_rc 0
	both record load member third.jsonl && expect_rc 0
	both pack add second formula fee --version 1 && expect_rc 0
	both pack show second && expect_rc 0
	both --json pack show second && expect_rc 0
	both pack list && expect_rc 0
	both pack remove second "$c" && expect_rc 0
	both pack add second member "$c" && expect_rc 0
	both pack remove second member "$c" && expect_rc 0
	both pack add second member "$c" && expect_rc 0
	both pack remove second ghost; expect_rc 1
	both pack complete second && expect_rc 0
	both pack export second --output second.sop && expect_rc 0
	same_file second.sop
	both pack export second --uncompressed --output second.jsonl &&
		expect_rc 0
	same_file second.jsonl
	both --json pack export second --as-application --output sapp.sop &&
		expect_rc 0
	same_file sapp.sop
	# The first pack is out of date now: its records changed since.
	both --json pack export fix --output fix.sop && expect_rc 0
	same_file fix.sop
	both pack list && expect_rc 0
	both pack show fix && expect_rc 0
	both pack delete fix; expect_rc 1
}

# copy_rows TABLE COLUMNS: the rows of a system table, copied from the
# SQLite instance into the PostgreSQL one as they are (NULL kept NULL).
copy_rows() {
	python3 - "$sq" "$1" "$2" <<'PY' |
import sqlite3, sys
db, table, cols = sys.argv[1:]
for row in sqlite3.connect(db).execute("SELECT %s FROM %s" % (cols, table)):
    out = []
    for v in row:
        if v is None:
            out.append("\\N")
        elif isinstance(v, int):
            out.append(str(v))
        else:
            out.append('"' + v.replace('"', '""') + '"')
    sys.stdout.write(",".join(out) + "\n")
PY
	psql_pg -c "\\copy ferry.$1 ($2) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
}

# transplanted: while the PostgreSQL store cannot write records, the
# record items of a pack are made on SQLite (catalog changes: records of
# sys_entity and sys_field, inserted, updated, deleted, one out of date)
# and their versions and items copied as rows into the PostgreSQL
# instance; reading them (pack show, list, export), removing them and
# deleting their pack then run on both stores.  pack add and capture
# are not exercised on PostgreSQL here.
transplanted() {
	create_pack schema --use
	run sq entity create member --display Member
	run sq field add member name 'nvarchar(80)' --display "$(printf 'N\tä "x"')"
	run sq field add member score 'decimal(10,2)'
	run sq field add member gone int
	run sq field set member name --display Name
	run sq field drop member gone
	create_pack later --use
	run sq field set member score --display Score
	run sq field set member name --type 'nvarchar(90)'
	[ "$(cat "$work/out/sq.rc")" = 0 ] ||
		fail "catalog changes on SQLite: $(cat "$work/out/sq.err")"
	copy_rows ferry_version "id, entity, sys_id, rkey, action, hash, parent, parent_id, payload, policy, vendor, author, at, pack_id, source, import_id"
	copy_rows ferry_pack_item "pack_id, entity, sys_id, version_id, base_id, base, old"
	both pack list && expect_rc 0
	both --json pack list && expect_rc 0
	both pack show schema && expect_rc 0
	both --json pack show schema && expect_rc 0
	both pack show Default && expect_rc 0
	both pack add schema formula fee --version 1 && expect_rc 0
	both pack complete schema && expect_rc 0
	both --json pack export schema --output schema.sop && expect_rc 0
	same_file schema.sop
	both pack export schema --uncompressed --output schema.jsonl &&
		expect_rc 0
	same_file schema.jsonl
	both --json pack export schema --as-application --output sapp.sop &&
		expect_rc 0
	same_file sapp.sop
	both --json pack list && expect_rc 0
	both pack show later && expect_rc 0
	both pack complete later && expect_rc 0
	both --json pack export later --output later.sop && expect_rc 0
	same_file later.sop
	both pack reopen schema && expect_rc 0
	both pack remove schema member.ghost; expect_rc 1
	both pack remove schema member.gone && expect_rc 0
	both pack remove schema sys_field member.name && expect_rc 0
	both --json pack show schema && expect_rc 0
	both pack delete schema; expect_rc 1
	create_pack scratch
	psql_pg -c "INSERT INTO ferry.ferry_pack_item SELECT p.id, i.entity, i.sys_id, i.version_id, i.base_id, i.base, i.old FROM ferry.ferry_pack_item i JOIN ferry.ferry_pack p ON p.name = 'scratch' JOIN ferry.ferry_pack s ON s.id = i.pack_id AND s.name = 'schema'"
	sqlite3 "$sq" "INSERT INTO ferry_pack_item SELECT p.id, i.entity, i.sys_id, i.version_id, i.base_id, i.base, i.old FROM ferry_pack_item i JOIN ferry_pack p ON p.name = 'scratch' JOIN ferry_pack s ON s.id = i.pack_id AND s.name = 'schema'"
	both --json pack show scratch && expect_rc 0
	both pack delete scratch && expect_rc 0
	both --json pack list && expect_rc 0
	checks=$((checks + 1))
	if [ "$(sqlite3 "$sq" "SELECT count(*) FROM ferry_pack_item")" != \
	    "$(psql -X -At -d "$pgname" -c "SELECT count(*) FROM ferry.ferry_pack_item")" ]; then
		fail "pack items left differ after pack delete"
	fi
}

run pg entity create member --display Member
if grep -q "cannot yet .* on a PostgreSQL instance" "$work/out/pg.err"; then
	echo "SKIP records: $(cat "$work/out/pg.err")"
	if [ "${FERRY_PG_REQUIRE_RECORDS:-0}" = 1 ]; then
		fail "records are required (FERRY_PG_REQUIRE_RECORDS=1)"
	fi
	transplanted
else
	# The PostgreSQL side ran once already: start both sides again
	# from the same point by running it on SQLite too.
	run sq entity create member --display Member
	for what in rc out err; do
		cmp -s "$work/out/sq.$what" "$work/out/pg.$what" ||
			fail "ferry entity create member ($what differs)"
	done
	verified+=("entity create member --display Member")
	records
fi

echo "verified on both stores, identical:"
printf '  ferry %s\n' "${verified[@]}"
echo "$checks checks, $failures failure(s); work in $work"
[ "$failures" -eq 0 ]
