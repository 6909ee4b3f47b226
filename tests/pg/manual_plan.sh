#!/bin/sh
# manual_plan.sh - the import plan and commit operations of the
# PostgreSQL store (src/lib/store/postgres/imports_plan.c, imports_apply.c)
# against SQLite's, the reference, before the rest of the import pipeline
# runs on PostgreSQL.
#
# The same hand-made rows (an entity table, its target records, a staged
# import: inserts, updates at base, changed, protected, already applied,
# deletes of a referenced record, a missing entity, an unknown item kind,
# values a field's type refuses, strings with quotes, escapes and
# non-ASCII) go into an instance file and a PostgreSQL instance; then
# tests/pg/plan_harness.c calls each store operation in turn on both and
# prints what it hands back, and the tables the operations write are
# dumped.  Outputs must be byte for byte the same; the script prints the
# difference and fails if not.
#
#   tests/pg/manual_plan.sh [WORKDIR]
#
# With PLAN_SCALE=N it also plans and commits N updates (each with old
# values, so ferry_merge3() runs on every one) and N inserts of one entity
# on both stores, prints how long each step took on each, and compares the
# plan, problems, versions and records they leave.
#
# Needs: build/ (the libraries and build/ferry, built), sqlite3, psql, and
# a PostgreSQL server reached by PGHOST/PGPORT/PGUSER (scripts/pg-cluster
# start DIR prints them); WORKDIR (default /tmp/ferry-manual-plan) is
# made anew.  Entity tables are made by hand here: on PostgreSQL as the
# store will make them (integers bigint, the rest text).
#
# What it cannot check yet: ferry_check_ref's problems (they ask the
# catalog through entity_exists, not yet on PostgreSQL).
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:-/tmp/ferry-manual-plan}
DBNAME=manual_plan_$$
rm -rf "$WORK"
mkdir -p "$WORK"
SQ="$WORK/t.ferry"
PG="postgresql:///$DBNAME"

cc -std=gnu11 -Wall -Werror -I "$SRC/include" -I "$SRC/src/lib" \
	-I "$SRC/src/util" $(pkg-config --cflags libpq jansson) \
	"$SRC/tests/pg/plan_harness.c" "$SRC/build/libferry.a" \
	"$SRC/build/libferry_util.a" $(pkg-config --libs sqlite3 libpq \
	jansson libzstd libsodium libxml-2.0) -lpthread -lm -o "$WORK/harness"

export FERRY_NOW=2026-01-01T00:00:00Z
"$SRC/build/ferry" --db "$SQ" init >/dev/null
"$SRC/build/ferry" --db "$PG" init >/dev/null

# The entity tables: untyped columns on SQLite (sqlite/catalog.c).
sqlite3 "$SQ" <<'SQL'
CREATE TABLE widget (sys_id TEXT PRIMARY KEY NOT NULL, sys_created_at TEXT NOT NULL, sys_created_by TEXT NOT NULL, sys_updated_at TEXT NOT NULL, sys_updated_by TEXT NOT NULL, sys_policy TEXT NOT NULL DEFAULT 'open', sys_vendor INTEGER NOT NULL DEFAULT 0, sys_version TEXT NOT NULL, code, data, flag, name, part, qty, score);
CREATE TABLE part (sys_id TEXT PRIMARY KEY NOT NULL, sys_created_at TEXT NOT NULL, sys_created_by TEXT NOT NULL, sys_updated_at TEXT NOT NULL, sys_updated_by TEXT NOT NULL, sys_policy TEXT NOT NULL DEFAULT 'open', sys_vendor INTEGER NOT NULL DEFAULT 0, sys_version TEXT NOT NULL, label);
SQL
psql -q -v ON_ERROR_STOP=1 -d "$DBNAME" <<'SQL'
SET search_path = ferry;
CREATE TABLE widget (sys_id text COLLATE "C" PRIMARY KEY NOT NULL, sys_created_at text COLLATE "C" NOT NULL, sys_created_by text COLLATE "C" NOT NULL, sys_updated_at text COLLATE "C" NOT NULL, sys_updated_by text COLLATE "C" NOT NULL, sys_policy text COLLATE "C" NOT NULL DEFAULT 'open', sys_vendor bigint NOT NULL DEFAULT 0, sys_version text COLLATE "C" NOT NULL, code text COLLATE "C", data text COLLATE "C", flag bigint, name text COLLATE "C", part text COLLATE "C", qty bigint, score text COLLATE "C");
CREATE TABLE part (sys_id text COLLATE "C" PRIMARY KEY NOT NULL, sys_created_at text COLLATE "C" NOT NULL, sys_created_by text COLLATE "C" NOT NULL, sys_updated_at text COLLATE "C" NOT NULL, sys_updated_by text COLLATE "C" NOT NULL, sys_policy text COLLATE "C" NOT NULL DEFAULT 'open', sys_vendor bigint NOT NULL DEFAULT 0, sys_version text COLLATE "C" NOT NULL, label text COLLATE "C");
SQL

# The rows: plain SQL both stores read alike.
cat > "$WORK/rows.sql" <<'SQL'
INSERT INTO sys_entity (sys_id, sys_created_at, sys_created_by, sys_updated_at, sys_updated_by, sys_version, name) VALUES ('e1', 't', 'u', 't', 'u', 'x', 'widget'), ('e2', 't', 'u', 't', 'u', 'x', 'part');
INSERT INTO sys_field (sys_id, sys_created_at, sys_created_by, sys_updated_at, sys_updated_by, sys_version, entity, name, type) VALUES ('f1', 't', 'u', 't', 'u', 'x', 'widget', 'part', 'ref(part)'), ('f2', 't', 'u', 't', 'u', 'x', 'widget', 'name', 'nvarchar(40)');
INSERT INTO widget VALUES
 ('w1', 't0', 'u0', 't0', 'u0', 'open', 0, 'v1', 'A1', '{"a":1}', 1, 'one', 'p2', 5, '1.5'),
 ('w2', 't0', 'u0', 't0', 'u0', 'open', 0, 'v2a', NULL, NULL, 0, 'two', NULL, 7, NULL),
 ('w3', 't0', 'u0', 't0', 'u0', 'protected', 1, 'v3', NULL, NULL, NULL, 'three', NULL, 3, NULL),
 ('w4', 't0', 'u0', 't0', 'u0', 'open', 0, 'v4x', 'Q', NULL, NULL, 'fo"ur
é', NULL, 4, NULL),
 ('w5', 't0', 'u0', 't0', 'u0', 'changed', 0, 'v5', NULL, NULL, NULL, 'five', NULL, NULL, NULL),
 ('w6', 't0', 'u0', 't0', 'u0', 'open', 0, 'v6t', NULL, NULL, NULL, 'six', 'p1', 6, '2.5'),
 ('w7', 't0', 'u0', 't0', 'u0', 'open', 0, 'v7', NULL, NULL, NULL, 'seven', 'p1', 7, NULL),
 ('w8', 't0', 'u0', 't0', 'u0', 'open', 0, 'v8', NULL, NULL, NULL, 'eight', 'p1', 8, NULL);
INSERT INTO part VALUES
 ('p1', 't0', 'u0', 't0', 'u0', 'open', 0, 'vp1', 'x'),
 ('p2', 't0', 'u0', 't0', 'u0', 'open', 0, 'vp2', 'y');
INSERT INTO sys_form_template VALUES ('ft1', 't0', 'u0', 't0', 'u0', 'open', 0, 'vf1', 'widget', 'main', '{"x":1}');
INSERT INTO ferry_version (id, entity, sys_id, rkey, action, hash, parent, parent_id, payload, policy, vendor, author, at, pack_id, source, import_id) VALUES
 (1, 'widget', 'w1', 'w1', 'insert', 'v0', NULL, NULL, '{"name":"zero"}', 'open', 0, 'u0', 't0', NULL, 'local', NULL),
 (2, 'widget', 'w1', 'w1', 'update', 'v1', 'v0', 1, '{"name":"one"}', 'open', 0, 'u0', 't0', NULL, 'local', NULL),
 (3, 'widget', 'w4', 'w4', 'insert', 'v4x', NULL, NULL, '{"name":"four"}', 'open', 0, 'u0', 't0', NULL, 'local', NULL),
 (4, 'widget', 'w7', 'w7', 'insert', 'v7', NULL, NULL, '{"name":"seven","part":"p1","qty":7}', 'changed', 1, 'u0', 't0', NULL, 'local', NULL);
INSERT INTO ferry_import (id, state, file, header, kind, mode, pack_uid, pack_name, stamp, items, loaded_by, loaded_at) VALUES
 (1, 'loaded', 'f', '{}', 'pack', 'pack', 'uid', 'pk', 's', 16, 'u', 't'),
 (2, 'loaded', 'f', '{}', 'pack', 'pack', 'uid', 'pk', 's', 1, 'u', 't');
INSERT INTO ferry_import_field (import_id, scope, entity, name, type) VALUES
 (1, 0, 'widget', 'code', 'nvarchar(10)'), (1, 0, 'widget', 'data', 'json'),
 (1, 0, 'widget', 'flag', 'bool'), (1, 0, 'widget', 'name', 'nvarchar(40)'),
 (1, 0, 'widget', 'part', 'ref(part)'), (1, 0, 'widget', 'qty', 'int'),
 (1, 0, 'widget', 'score', 'float'), (1, 1, 'widget', 'name', 'nvarchar(40)');
INSERT INTO ferry_import_item (import_id, item, t, entity, sys_id, rkey, action, version, base, policy, vendor, payload, old) VALUES
 (1, 1, 'record', 'widget', 'w9', 'w9', 'insert', 'h9', NULL, 'open', 0, '{"code":"B2","flag":true,"name":"nine","qty":9,"score":3.25}', NULL),
 (1, 2, 'record', 'widget', 'w1', 'w1', 'update', 'h1', 'v1', 'open', 0, '{"code":"A1","data":{"a":1},"flag":true,"name":"uno","part":"p2","qty":5,"score":1.5}', '{"name":"one"}'),
 (1, 3, 'record', 'widget', 'w2', 'w2', 'update', 'h2', 'v2', 'open', 0, '{"flag":false,"name":"deux","qty":7}', '{"name":"two-old","qty":6,"flag":false}'),
 (1, 4, 'record', 'widget', 'w3', 'w3', 'update', 'h3', 'v3', 'open', 0, '{"name":"trois","qty":3}', '{"name":"three"}'),
 (1, 5, 'record', 'widget', 'w4', 'w4', 'update', 'h4', 'v4', 'open', 0, '{"code":"Q","name":"fo\"ur\né","qty":4}', '{"name":"four-old"}'),
 (1, 6, 'record', 'widget', 'w5', 'w5', 'delete', 'h5', 'v5', 'open', 0, '{}', NULL),
 (1, 7, 'record', 'part', 'p1', 'p1', 'delete', 'hp1', 'vp1', 'open', 0, '{}', NULL),
 (1, 8, 'record', 'widget', 'w10', 'w10', 'insert', 'h10', NULL, 'protected', 0, '{"code":"12345678901","name":"q\"u\u0001ö","qty":"12"}', NULL),
 (1, 9, 'zzz', NULL, NULL, 'zz', NULL, NULL, NULL, NULL, NULL, '{}', NULL),
 (1, 10, 'record', 'ghost', 'g1', 'g1', 'insert', 'hg', NULL, 'open', 0, '{"a":1}', NULL),
 (1, 11, 'record', 'widget', 'w6', 'w6', 'update', 'h6', 'v6', 'open', 0, '{"name":"six","part":"p1","qty":6,"score":2.5}', '{"name":"sechs","score":2.0,"qty":{"n":[1,2]}}'),
 (1, 12, 'record', 'widget', 'w7', 'w7', 'update', 'h7', 'v7', 'open', 0, '{"name":"seven","part":"p2","qty":7}', '{"part":"p1"}'),
 (1, 13, 'record', 'widget', 'w11', 'w11', 'insert', 'h11', NULL, 'open', 0, '{"code":"1234","name":"eleven","qty":11}', NULL),
 (1, 14, 'schema', NULL, NULL, 'widget', NULL, NULL, NULL, NULL, NULL, '{}', NULL),
 (1, 15, 'aaa', NULL, NULL, 'a', NULL, NULL, NULL, NULL, NULL, '{}', NULL),
 (1, 16, 'record', 'widget', 'w12', 'w12', 'insert', 'h12', NULL, 'open', 0, '{"":1,"name":"twelve"}', NULL),
 (1, 17, 'record', 'sys_form_template', 'ft9', 'widget:main', 'update', 'hf', 'vf0', 'open', 0, '{"definition":{"x":2},"entity":"widget","name":"main"}', '{"definition":{"x":0}}'),
 (1, 18, 'record', 'sys_form_template', 'ft8', 'nocolon', 'insert', 'hf8', NULL, 'open', 0, '{"name":"nocolon"}', NULL),
 (1, 19, 'record', 'widget', 'w99', 'w99', 'update', 'h99', 'v99', 'open', 0, '{"name":"x"}', NULL),
 (2, 1, 'record', 'widget', 'w1', 'w1', 'update', 'x', 'v1', 'open', 0, '{}', NULL);
SQL
sqlite3 "$SQ" < "$WORK/rows.sql"
{ echo "SET search_path = ferry;"; cat "$WORK/rows.sql"; echo "SELECT setval(pg_get_serial_sequence('ferry_version', 'id'), 4);"; } |
	psql -q -v ON_ERROR_STOP=1 -d "$DBNAME" >/dev/null

WIDGET='code:nvarchar(10),data:json,flag:bool,name:nvarchar(40),part:ref(part),qty:int,score:float'

# The steps, as preview, resolve and commit call them (import_plan.c,
# import_resolve.c, import_commit.c).
steps() {
	h() { echo "## $*"; "$WORK/harness" "$LOC" "$@" 2>&1 | sed "s|$LOC|LOCATION|g"; }
	h reset 1
	h plan 1 widget 0 "$WIDGET"
	h plan 1 part 0 'label:nvarchar(20)'
	h plan 1 ghost 0 -
	h plan 1 sys_form_template 1 'definition:json,entity:nvarchar(64),name:nvarchar(64)'
	h missing_entity 1 ghost '[["missing_entity","ghost"]]'
	h problems 1
	h field 1 widget qty 2 int
	h field 1 widget code 2 'nvarchar(10)'
	h field 1 widget name 2 'nvarchar(5)'
	h field 1 widget flag 1 bool
	h referrers 1
	h referenced 1 widget part part
	h put 1 14 - - skip 'schema "item"'
	h rest 1
	h problem 1 8 type_mismatch error '[["type_mismatch","widget","w10","extra","x"]]'
	h problem 1 9 note info '[["note",1]]'
	h decisions 1
	h kinds 1
	h kinds 1 error
	h each 1
	h each 1 error '' widget 2 1
	h each 1 '' type_mismatch '' 0 0
	h unresolved 1
	h problem_of 1 8 'conflict,type_mismatch,missing_field'
	h problem_of 1 1 'conflict'
	h ref_exists 1 part p1 1
	h ref_exists 1 part p2 1
	h ref_exists 1 widget w9 0
	h resolve 1 3 merge '{"name":"deux","qty":7}' 0
	h resolve 1 4 accept - 1
	h resolve_all 1 skip 0 'missing_field'
	h resolve_all 1 accept 0 -
	h unresolve 1 4
	h resolve 1 4 accept - 1
	h unresolved 1
	h acts 1
	h act_count 1 insert
	h act_count 1 update
	h fast 1 widget "$WIDGET" 'code:nvarchar(10),qty:int' 1 0
	h next 1 widget 1
	h next 1 widget 2
	h outcome 1 7 deleted 'gone "now"'
	h outcome 1 14 skipped -
	h outcomes 1
	h touched 1
	h adopt widget w9 h9 h9b
	h of_kinds 1 'type_mismatch,still_referenced,local_change'
	h discard 2
	h each 2
}
dump() {
	for t in ferry_import_plan ferry_import_problem ferry_import_resolution \
	    ferry_version widget part ferry_import; do
		echo "## table $t"
		case $t in
		ferry_version) q="SELECT * FROM $t ORDER BY id" ;;
		widget|part) q="SELECT * FROM $t ORDER BY sys_id" ;;
		ferry_import) q="SELECT id, state FROM $t ORDER BY id" ;;
		*) q="SELECT * FROM $t ORDER BY 1, 2, 3" ;;
		esac
		"$@" "$q"
	done
}

LOC=$SQ steps > "$WORK/sqlite.out"
dump sqlite3 -separator '|' "$SQ" >> "$WORK/sqlite.out"
LOC=$PG steps > "$WORK/pg.out"
dump psql -q -At -F '|' -d "$DBNAME" -c "SET search_path = ferry" -c >> "$WORK/pg.out"
dropdb "$DBNAME"

if diff -u "$WORK/sqlite.out" "$WORK/pg.out"; then
	echo "manual_plan: SQLite and PostgreSQL agree ($(grep -c '^## ' "$WORK/sqlite.out") steps and tables)"
else
	echo "manual_plan: the stores differ (above)" >&2
	exit 1
fi

[ -n "${PLAN_SCALE:-}" ] || exit 0
N=$PLAN_SCALE
SQ="$WORK/scale.ferry"
DBNAME=manual_plan_scale_$$
PG="postgresql:///$DBNAME"
"$SRC/build/ferry" --db "$SQ" init >/dev/null
"$SRC/build/ferry" --db "$PG" init >/dev/null
sqlite3 "$SQ" "CREATE TABLE widget (sys_id TEXT PRIMARY KEY NOT NULL, sys_created_at TEXT NOT NULL, sys_created_by TEXT NOT NULL, sys_updated_at TEXT NOT NULL, sys_updated_by TEXT NOT NULL, sys_policy TEXT NOT NULL DEFAULT 'open', sys_vendor INTEGER NOT NULL DEFAULT 0, sys_version TEXT NOT NULL, code, name, qty)"
psql -q -v ON_ERROR_STOP=1 -d "$DBNAME" -c "SET search_path = ferry" -c "CREATE TABLE widget (sys_id text COLLATE \"C\" PRIMARY KEY NOT NULL, sys_created_at text COLLATE \"C\" NOT NULL, sys_created_by text COLLATE \"C\" NOT NULL, sys_updated_at text COLLATE \"C\" NOT NULL, sys_updated_by text COLLATE \"C\" NOT NULL, sys_policy text COLLATE \"C\" NOT NULL DEFAULT 'open', sys_vendor bigint NOT NULL DEFAULT 0, sys_version text COLLATE \"C\" NOT NULL, code text COLLATE \"C\", name text COLLATE \"C\", qty bigint)"
awk -v n="$N" 'BEGIN {
	q = sprintf("%c", 39)
	print "BEGIN;"
	print "INSERT INTO ferry_import (id, state, file, header, kind, mode, pack_uid, pack_name, stamp, items, loaded_by, loaded_at) VALUES (1, " q "loaded" q ", " q "f" q ", " q "{}" q ", " q "pack" q ", " q "pack" q ", " q "uid" q ", " q "pk" q ", " q "s" q ", " 2 * n ", " q "u" q ", " q "t" q ");"
	print "INSERT INTO ferry_import_field VALUES (1, 0, " q "widget" q ", " q "code" q ", " q "nvarchar(10)" q "), (1, 0, " q "widget" q ", " q "name" q ", " q "nvarchar(40)" q "), (1, 0, " q "widget" q ", " q "qty" q ", " q "int" q ");"
	for (i = 0; i < n; i++) {
		id = sprintf("%06d", i)
		printf "INSERT INTO widget (sys_id, sys_created_at, sys_created_by, sys_updated_at, sys_updated_by, sys_version, code, name, qty) VALUES (%su%s%s, %st%s, %su%s, %st%s, %su%s, %st%d%s, %sc%d%s, %sname %d%s, %d);\n", q, id, q, q, q, q, q, q, q, q, q, q, i, q, q, i, q, q, i, q, i
		printf "INSERT INTO ferry_import_item (import_id, item, t, entity, sys_id, rkey, action, version, base, policy, vendor, payload, old) VALUES (1, %d, %srecord%s, %swidget%s, %su%s%s, %su%s%s, %supdate%s, %sh%d%s, %sb%d%s, %sopen%s, 0, %s{\"code\":\"%d\",\"name\":\"new %d\",\"qty\":%d}%s, %s{\"name\":\"old %d\",\"qty\":%d}%s);\n", 2 * i + 1, q, q, q, q, q, id, q, q, id, q, q, q, q, i, q, q, i, q, q, q, q, i, i, i + i % 3, q, q, i, i, q
		printf "INSERT INTO ferry_import_item (import_id, item, t, entity, sys_id, rkey, action, version, base, policy, vendor, payload, old) VALUES (1, %d, %srecord%s, %swidget%s, %sn%s%s, %sn%s%s, %sinsert%s, %sg%d%s, NULL, %sopen%s, 0, %s{\"code\":\"%d\",\"name\":\"ins %d\",\"qty\":%d}%s, NULL);\n", 2 * i + 2, q, q, q, q, q, id, q, q, id, q, q, q, q, i, q, q, q, q, i, i, i, q
	}
	print "COMMIT;"
}' > "$WORK/scale.sql"
sqlite3 "$SQ" < "$WORK/scale.sql"
{ echo "SET search_path = ferry;"; cat "$WORK/scale.sql"; } | psql -q -v ON_ERROR_STOP=1 -d "$DBNAME" >/dev/null
F='code:nvarchar(10),name:nvarchar(40),qty:int'
for LOC in "$SQ" "$PG"; do
	for step in "plan 1 widget 0 $F" "problems 1" "field 1 widget code 2 nvarchar(3)" \
	    "fast 1 widget $F code:nvarchar(10) 1 0"; do
		start=$(date +%s.%N)
		"$WORK/harness" "$LOC" $step >/dev/null
		echo "scale $N: ${LOC%%:*} ${step%% *} $(echo "$(date +%s.%N) - $start" | bc) s"
	done
done | sed "s|$WORK/scale.ferry|sqlite|"
for t in "ferry_import_plan ORDER BY 1, 2" "ferry_import_problem ORDER BY 1, 2, 3" \
    "ferry_version ORDER BY id" "widget ORDER BY sys_id"; do
	sqlite3 -separator '|' "$SQ" "SELECT * FROM $t" > "$WORK/scale.sqlite"
	psql -q -At -F '|' -d "$DBNAME" -c "SET search_path = ferry" -c "SELECT * FROM $t" > "$WORK/scale.pg"
	if ! cmp -s "$WORK/scale.sqlite" "$WORK/scale.pg"; then
		echo "manual_plan: the stores differ at scale in ${t%% *}" >&2
		exit 1
	fi
	echo "scale $N: ${t%% *} agrees ($(wc -l < "$WORK/scale.pg") rows)"
done
dropdb "$DBNAME"
