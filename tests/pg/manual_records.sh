#!/bin/sh
# manual_records.sh - the catalog, record and version commands on a
# PostgreSQL instance print the same bytes as on an SQLite instance file.
#
#   FERRY_BIN=build/ferry tests/pg/manual_records.sh
#
# Runs one scenario (entities and fields of every type, type changes
# allowed and refused, records loaded, put, listed with filters and
# pages, got, deleted and refused while referred to, their history and
# restores) twice with FERRY_NOW fixed: on a new instance file and on a
# new PostgreSQL database.  Each step's stdout, stderr and exit code must
# be the same on both, apart from the instance's location (and the new
# sys_id of a record put without one, which is random).  Prints one line
# per step, a diff for each that differs; exits 1 if any differs.
#
# Reaches the PostgreSQL server through PGHOST/PGPORT/PGUSER; without
# PGHOST it starts a throwaway cluster (scripts/pg-cluster) and stops it
# at the end.  Needs: FERRY_BIN (default build/ferry), python3, psql.
set -u

src=$(cd "$(dirname "$0")/../.." && pwd)
bin=${FERRY_BIN:-$src/build/ferry}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
tmp=$(mktemp -d)
own_cluster=
if [ -z "${PGHOST:-}" ]; then
	# Beside $tmp, not in it: the server may run as another user.
	own_cluster=$tmp.cluster
	env=$("$src/scripts/pg-cluster" start "$own_cluster") || {
		rm -rf "$tmp"
		exit 3
	}
	eval "$env"
fi
name=ferry_manual_records_$$
sq=$tmp/i.db
pg=postgresql:///$name
fails=0
steps=0
export FERRY_NOW=2021-12-31T12:00:00Z
unset FERRY_USER FERRY_DB

finish() {
	psql -q -d postgres -c "DROP DATABASE IF EXISTS $name" \
		>/dev/null 2>&1
	if [ -n "$own_cluster" ]; then
		"$src/scripts/pg-cluster" stop "$own_cluster"
		rm -rf "$own_cluster"
	fi
	rm -rf "$tmp"
}
trap finish EXIT
trap "exit 130" INT TERM

# quote TEXT: TEXT as a sed pattern that matches it literally.
quote() {
	printf '%s' "$1" | sed 's/[].[\\*^$/]/\\&/g'
}

# run SIDE LOCATION ARGS...: one side of a step into $tmp/SIDE.out, with
# the location and the side's new sys_id made neutral.
run() {
	side=$1 loc=$2
	shift 2
	new=$(cat "$tmp/$side.new" 2>/dev/null)
	set -- "$@"
	args=
	for a; do
		[ -n "$new" ] && a=$(printf '%s' "$a" | sed "s/@NEW@/$new/g")
		a=$(printf '%s' "$a" | sed "s/@SIDE@/$side/g")
		args="$args '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
	done
	( cd "$tmp" && eval "\"$bin\" --db \"$loc\" $args" \
		<"$tmp/stdin" >"$tmp/$side.stdout" 2>"$tmp/$side.stderr"
	  echo "exit $?" >"$tmp/$side.rc" )
	{
		cat "$tmp/$side.stdout"
		echo "--- stderr"
		cat "$tmp/$side.stderr"
		cat "$tmp/$side.rc"
	} | sed -e "s/$(quote "$loc")/LOCATION/g" \
		-e "s/$(quote "${new:-@NEW@}")/NEW-SYS-ID/g" \
		-e "s/dir-$side/dir-SIDE/g" >"$tmp/$side.out"
}

# step ARGS...: the ferry command (after --db) on both instances; stdin
# from $tmp/stdin (empty unless a step wrote it).
step() {
	steps=$((steps + 1))
	run sqlite "$sq" "$@"
	run pg "$pg" "$@"
	if cmp -s "$tmp/sqlite.out" "$tmp/pg.out"; then
		echo "ok    $*"
	else
		echo "DIFF  $*"
		diff -u "$tmp/sqlite.out" "$tmp/pg.out" | sed 's/^/      /'
		fails=$((fails + 1))
	fi
	: >"$tmp/stdin"
}

# new_id ARGS...: a step that prints a new (random) sys_id on each side;
# later steps name it @NEW@.  Its versions hash that sys_id, so only
# steps that print neither may use it.
new_id() {
	rm -f "$tmp/sqlite.new" "$tmp/pg.new"
	for side in sqlite pg; do
		[ $side = sqlite ] && loc=$sq || loc=$pg
		"$bin" --db "$loc" "$@" </dev/null >"$tmp/$side.id" 2>&1
	done
	steps=$((steps + 1))
	if grep -Eqx '[0-9a-f-]{36}' "$tmp/sqlite.id" &&
	    grep -Eqx '[0-9a-f-]{36}' "$tmp/pg.id"; then
		echo "ok    $* (a new sys_id on each)"
		tr -d '\n' <"$tmp/sqlite.id" >"$tmp/sqlite.new"
		tr -d '\n' <"$tmp/pg.id" >"$tmp/pg.new"
	else
		echo "DIFF  $*"
		cat "$tmp/sqlite.id" "$tmp/pg.id" | sed 's/^/      /'
		fails=$((fails + 1))
	fi
}

: >"$tmp/stdin"
A=0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f
B=1a2b3c4d-0000-4000-8000-000000000001
C=1a2b3c4d-0000-4000-8000-000000000002
T1=2b000000-0000-4000-8000-000000000001
T2=2b000000-0000-4000-8000-000000000002

step init
# ---- the catalog
step entity create member --display Member --description 'Club members'
step entity create team
step entity create member
step entity create 'Bad Name'
step entity list
step --json entity list
step field add member name 'nvarchar(40)' --display Name
step field add member age int
step field add member big bigint
step field add member active bool --default false
step field add member fee 'decimal(7,2)' --default 10
step field add member born date
step field add member seen datetime
step field add member at time
step field add member score float
step field add member doc json
step field add member notes text
step field add member code 'nchar(3)'
step field add member team 'ref(team)'
step field add member mentor 'ref(member)'
step field add team label 'nvarchar(20)'
step field add team lead 'ref(member)'
step field add member name int
step field add member ghost 'varchar(3)'
step field add nobody x int
step entity show member
step --json entity show member
step entity show sys_field
step field set member name --display 'Full name' --description 'as written'
step field set member name --type 'nvarchar(60)'
step field set member nope --display x

# ---- records
cat >"$tmp/stdin" <<EOF
{"sys_id":"$T1","label":"Red"}
{"sys_id":"$T2","label":"Blue"}
EOF
step record load team -
cat >"$tmp/stdin" <<EOF
{"sys_id":"$A","name":"Ann","age":30,"big":9007199254740993,"active":true,"fee":"12.5","born":"1990-02-03","seen":"2021-01-02T03:04:05Z","at":"10:11:12","score":1.5,"doc":{"b":[1,2],"a":"x"},"notes":"long\\ntext","code":"abc","team":"$T1"}
{"sys_id":"$B","name":"12","age":-7,"team":"$T2","mentor":"$A","doc":[3,{"z":null}],"score":1e300}
{"sys_id":"$C","name":"Zoë","age":0,"active":false}
EOF
step record load member -
step record get member $A
step --json record get member $B
step record get member $C
step record list member
step --json record list member
step record list member --filter age=30
step record list member --filter name=12
step record list member --filter active=false
step record list member --filter active=true --filter name=Ann
step record list member --filter fee=12.50
step record list member --filter fee=12.5
step record list member --filter sys_policy=open
step record list member --filter sys_vendor=false
step record list member --filter sys_id=$B
step record list member --filter team=$T2
step record list member --filter 'doc={"a":"x","b":[1,2]}'
step record list member --filter age=x
step record list member --filter nme=1
step record list member --limit 2
step record list member --limit 1 --offset 1
step record list member --offset 2
step record list member --offset 5
step record put member "{\"sys_id\":\"$A\",\"age\":31,\"notes\":null}"
step record put member "{\"sys_id\":\"$A\",\"age\":\"x\"}"
step record put member "{\"sys_id\":\"$A\",\"nick\":1}"
step record put member "{\"sys_id\":\"$T1\",\"age\":1}"
step record put member '{"name":"x","team":"2b000000-0000-4000-8000-00000000000f"}'
step record get member $A
step record get member $T1
step record get ghost $A
new_id record put team '{"label":"Green","lead":"'$A'"}'
step record list team --filter label=Green --limit 0
step record delete member $A
step record delete team @NEW@
step record get team @NEW@

# ---- type changes against the stored values
step field set member name --type int
step field set member age --type 'nvarchar(10)'
step field set member age --type bigint
step field set member age --type bool
step field set member code --type 'nvarchar(2)'
step field set member code --type 'nvarchar(3)'
step field add member spare int
step field set member spare --type 'nvarchar(5)'
step record put member "{\"sys_id\":\"$C\",\"spare\":\"12\"}"
step record list member --filter spare=12
step field set member spare --type int
step record get member $C
step field drop member spare
step field drop member spare
step record get member $C

# A refused type change names the first record added that holds a bad
# value (not the first by sys_id); numeric text is still text.
step entity create kind
step field add kind n 'nvarchar(10)'
cat >"$tmp/stdin" <<EOF
{"sys_id":"00000000-0000-4000-8000-000000000009","n":"12"}
{"sys_id":"00000000-0000-4000-8000-000000000001","n":"7"}
EOF
step record load kind -
step field set kind n --type int
step field set kind n --type bigint
step field set kind n --type 'nvarchar(1)'

# An entity named like one of PostgreSQL's own tables.
step entity create pg_type
step field add pg_type typname 'nvarchar(10)'
step record put pg_type "{\"sys_id\":\"$A\"}"
cat >"$tmp/stdin" <<EOF
{"sys_id":"$A","typname":"x"}
EOF
step record load pg_type -
step record list pg_type
step field set pg_type typname --type 'nvarchar(3)'

# ---- references, deletes, history, restores
step record delete member $A
step record delete team $T1
step record put team "{\"sys_id\":\"$T1\",\"lead\":null}"
step record put member "{\"sys_id\":\"$A\",\"team\":null}"
step record delete team $T1
step record delete team $T1
step record get team $T1
step record history team $T1
step --json record history team $T1
step record history member $A
step --json record history member $A
step record history member $T2
# Versions named by a prefix of their hash (the same on both: the
# scenario is the same, and so are the hashes).
first=$("$bin" --db "$sq" --json record history team $T1 | python3 -c \
	'import json, sys; print(json.load(sys.stdin)[0]["version"][:8])')
step --json record restore team $T1 "$first"
step record restore team $T1 "$first"
step record get team $T1
step record restore team $T1 ffff
step record restore team $T1 ab
step record delete team $T1
cat >"$tmp/stdin" <<EOF
{"sys_id":"$T1","label":"Red again"}
EOF
step record load team -
step record list team
step record history team $T1

# ---- many records: pages of a listing, a load in one transaction
python3 -c '
for i in range(1203):
    print("{\"sys_id\":\"3c000000-0000-4000-8000-%012d\",\"name\":\"n%d\",\"age\":%d}" % (i, i % 7, i % 5))
' >"$tmp/stdin"
step --json record load member -
step record list member --filter age=3 --offset 200 --limit 600
step record list member --offset 1100
step --json record list member --filter name=n5 --limit 3 --offset 170
step entity list

# ---- entity packs: associated objects, listed by name
new_id record put sys_form_template '{"entity":"member","name":"main","definition":"{\"a\":1}"}'
step record list sys_form_template --filter entity=member
mkdir "$tmp/dir-sqlite" "$tmp/dir-pg"
step entity pack member team --dir dir-@SIDE@

echo "$steps steps, $fails differ"
[ "$fails" -eq 0 ]
