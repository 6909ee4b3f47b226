#!/bin/bash
# manual_staging.sh - `ferry import load` on a PostgreSQL instance against
# the same on an instance file: the same packages loaded into a fresh
# SQLite file and a fresh PostgreSQL database, with FERRY_NOW fixed, must
# print the same bytes (stdout, stderr and exit status) apart from the
# location; then `import list`, `import show 1` and `--json import show 1`
# on both must too.
#
# The packages: a pack exported from an instance file (schema and
# records), the next pack of it (an update), one that adds a field, the
# ServiceNow update sets of tests/data/servicenow (and of
# ../shared/realdata/servicenow, or ../../shared/... from a worktree,
# when it is there), and every load refusal
# of tests/cli/import_refuse.bats that an empty target can show (a file
# crafted with tests/cli/helpers/sop.py for each check of the items).
#
# Usage:
#   tests/pg/manual_staging.sh [--refusals] [-k] [BUILD/ferry]
#
#   --refusals  only the packages load refuses, and the listings after
#               them.  A package load accepts is planned against the
#               target at once (import_load.c, plan_loaded), which needs
#               the PostgreSQL store's preview operations too; without
#               them every accepted package differs, refused on
#               PostgreSQL when the plan starts.
#   -k          keep the work folder (printed) and the databases
#   BUILD/ferry the ferry to run (default: build/ferry of this checkout)
#
# It starts a throwaway cluster of its own (scripts/pg-cluster) in the
# work folder and stops it at the end.  Exit status 0 when every
# comparison is the same; else 1, with a diff of each that is not.
set -u

refusals_only=0
keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--refusals) refusals_only=1 ;;
	-k) keep=1 ;;
	-*) echo "usage: $0 [--refusals] [-k] [BUILD/ferry]" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done

here=$(cd "$(dirname "$0")/../.." && pwd)
FERRY=$(cd "$(dirname "${1:-$here/build/ferry}")" && pwd)/$(basename "${1:-$here/build/ferry}")
SOP="$here/tests/cli/helpers/sop.py"
[ -x "$FERRY" ] || { echo "no ferry at $FERRY; build it first" >&2; exit 2; }

work=$(mktemp -d /tmp/ferry-staging.XXXXXX)
chmod 755 "$work"	# the cluster's owner (postgres, under root) enters it
cluster=$work/cluster
eval "$("$here/scripts/pg-cluster" start "$cluster")" || exit 2
cleanup() {
	"$here/scripts/pg-cluster" stop "$cluster"
	if [ "$keep" -eq 0 ]; then
		rm -rf "$work"
	else
		echo "kept $work"
	fi
}
trap cleanup EXIT

cd "$work" || exit 2
unset FERRY_USER FERRY_DB

# ---- the packages -----------------------------------------------------------

# The packages are made as the scenario tests make them
# (tests/cli/helpers/import_helpers.bash), on instance files.
export FERRY_BIN=$FERRY FERRY_SRC=$here BATS_TEST_TMPDIR=$work
bats_require_minimum_version() { :; }
. "$here/tests/cli/helpers/import_helpers.bash"
export FERRY_NOW=$NOW
mkdir pkg
cd pkg || exit 2
# src.db: pack base (entity member: name, age, boss; ann and bob).
setup_pair
begin_pack p2
src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
export_pack p2
begin_pack p3
src field add member email 'nvarchar(80)' >/dev/null
export_pack p3
cd "$work" || exit 2

good=(pkg/base.sop pkg/p2.sop pkg/p3.sop pkg/ok_chars.sop pkg/unknown_kind.sop)
cp pkg/p2.sop pkg/ok_chars.sop
python3 "$SOP" edit pkg/ok_chars.sop 2 'it["payload"]["name"] = "€" * 39 + "😀"' --rehash >/dev/null
cp pkg/p2.sop pkg/unknown_kind.sop
python3 "$SOP" append pkg/unknown_kind.sop '{"t":"gadget","name":"x"}' >/dev/null
# ../shared: beside the main checkout, or beside the worktrees' folder.
for f in "$here"/tests/data/servicenow/*.xml \
    "$here"/../shared/realdata/servicenow/*.xml \
    "$here"/../../shared/realdata/servicenow/*.xml; do
	[ -f "$f" ] && good+=("$f")
done

# bad NAME EDIT...: a copy of p2.sop, changed by sop.py EDIT...
bad=()
bad() {
	local name=$1
	shift
	cp pkg/p2.sop "pkg/$name.sop"
	python3 "$SOP" "$1" "pkg/$name.sop" "${@:2}" >/dev/null || {
		echo "cannot craft $name" >&2
		exit 2
	}
	bad+=("pkg/$name.sop")
}
item2=$(python3 "$SOP" items pkg/p2.sop | sed -n 2p | cut -d' ' -f2-)
item1=$(python3 "$SOP" items pkg/p2.sop | sed -n 1p | cut -d' ' -f2-)
bad hash edit 2 'it["payload"]["age"] = 99'
bad entity_sql edit 2 'it["entity"] = "member\"; DROP TABLE member; --"' --rehash
bad entity_ferry edit 2 'it["entity"] = "ferry_version"' --rehash
bad entity_sqlite edit 2 'it["entity"] = "sqlite_master"' --rehash
bad sys_id edit 2 'it["sys_id"] = it["key"] = "1 OR 1=1"' --rehash
bad action edit 2 'it["action"] = "upsert"'
bad wrong_type edit 2 'it["payload"]["age"] = "thirty"' --rehash
bad too_long edit 2 'it["payload"]["name"] = "x" * 41' --rehash
bad long_chars edit 2 'it["payload"]["name"] = "é" * 41' --rehash
bad ghost edit 2 'it["payload"]["ghost"] = 1' --rehash
bad no_schema raw 1 '{"t":"schema","entity":"other","definition":{"name":"other","fields":[]}}'
bad not_json raw 2 '{"t":"record",}'
bad repeated append "$item2"
bad not_canonical raw 2 "$(echo "$item2" | sed 's/"payload":{"age":31,/"payload":{"name":"ann","age":31,/; s/,"name":"ann"}/}/')"
bad escape raw 2 "$(echo "$item2" | sed 's/"name":"ann"/"name":"\\u0061nn"/')"
bad spaces raw 2 "$(echo "$item2" | sed 's/"payload":{"age":31,/"payload":{"age": 31,/')"
bad key edit 2 'it["key"] = "member"' --rehash
bad no_kind raw 2 '{"entity":"member"}'
bad field_type edit 1 'it["definition"]["fields"][0]["type"] = "blob"'
bad no_version edit 2 'it["version"] = it["version"][:63]'
bad bad_base edit 2 'it["base"] = "not-a-hash"'
bad no_base edit 2 'it["base"] = None'
bad insert_base edit 2 'it["action"] = "insert"' --rehash
bad policy edit 2 'it["policy"] = "mine"'
bad no_vendor edit 2 'del it["vendor"]'
bad vendor_text edit 2 'it["vendor"] = "yes"'
bad no_key edit 2 'del it["key"]'
bad payload_array edit 2 'it["payload"] = ["age", 31]'
bad no_payload edit 2 'del it["payload"]'
bad old_number edit 2 'it["old"] = 30'
bad old_order raw 2 "$(echo "$item2" | sed 's/"old":{"age":30}/"old":{"name":"ann","age":30}/')"
bad old_escape raw 2 "$(echo "$item2" | sed 's/"old":{"age":30}/"old":{"age":30,"name":"\\u0061nn"}/')"
bad schema_system edit 1 'it["entity"] = it["definition"]["name"] = "sys_field"'
bad schema_number edit 1 'it["entity"] = 7'
bad no_definition edit 1 'it["definition"] = "member"'
bad other_definition edit 1 'it["definition"]["name"] = "other"'
bad no_fields edit 1 'it["definition"]["fields"] = {"name": "nvarchar(40)"}'
bad field_twice edit 1 'it["definition"]["fields"].append(dict(it["definition"]["fields"][0]))'
bad schema_twice append "$item1"
bad query_system append '{"t":"delete_query","entity":"sys_entity","query":"name=member"}'
bad no_query append '{"t":"delete_query","entity":"member","query":null}'
bad formula_unnamed append '{"t":"formula","version":1}'
bad dataset_unnamed append '{"t":"dataset","name":""}'
bad mode header 'h["mode"] = "everything"'
bad source_name header 'h["source"]["name"] = ""'
bad source_id header 'h["source"]["id"] = "not-a-uuid"'
cp pkg/p2.sop pkg/formula_twice.sop
python3 "$SOP" append pkg/formula_twice.sop '{"t":"formula","name":"tax"}' >/dev/null
python3 "$SOP" append pkg/formula_twice.sop '{"t":"formula","name":"tax"}' >/dev/null
cp pkg/p2.sop pkg/dataset_twice.sop
python3 "$SOP" append pkg/dataset_twice.sop '{"t":"dataset","name":"rates"}' >/dev/null
python3 "$SOP" append pkg/dataset_twice.sop '{"t":"dataset","name":"rates"}' >/dev/null
bad+=(pkg/formula_twice.sop pkg/dataset_twice.sop)
# The same catalog record twice (another sys_id, one key).
cp pkg/p3.sop pkg/key_twice.sop
line=$(python3 "$SOP" items pkg/p3.sop | grep '"entity":"sys_field"' | cut -d' ' -f2-)
python3 "$SOP" append pkg/key_twice.sop "$line" >/dev/null
python3 "$SOP" edit pkg/key_twice.sop "$(python3 "$SOP" items pkg/key_twice.sop | wc -l)" 'it["sys_id"] = "00000000-0000-4000-8000-000000000001"' >/dev/null
bad+=(pkg/key_twice.sop)
head -c 300 pkg/p2.sop >pkg/cut.sop
sed 's/"age":31/"age":99/' pkg/p2.sop >pkg/altered.sop
sed '1s/"kind":"local_pack"/"kind":"other"/' pkg/p2.sop >pkg/not_local.sop
python3 "$SOP" retrailer pkg/not_local.sop >/dev/null
echo hello >pkg/hello.sop
bad+=(pkg/cut.sop pkg/altered.sop pkg/not_local.sop pkg/hello.sop
	pkg/missing.sop)

# ---- the comparison ---------------------------------------------------------

failed=0
n=0

# run_both OUT CMD...: CMD on instance file $sq and on database $pg;
# stdout, stderr and exit status, the locations made one word.
run_both() {
	local out=$1
	shift
	"$FERRY" --db "$sq" "$@" >"$out.sq" 2>&1
	echo "exit $?" >>"$out.sq"
	"$FERRY" --db "postgresql:///$pg" "$@" >"$out.pg" 2>&1
	echo "exit $?" >>"$out.pg"
	sed -i "s|$sq|LOCATION|g" "$out.sq"
	sed -i "s|postgresql:///$pg|LOCATION|g" "$out.pg"
	if cmp -s "$out.sq" "$out.pg"; then
		return 0
	fi
	echo "DIFFERS: $*"
	diff -u "$out.sq" "$out.pg" | head -20
	failed=$((failed + 1))
}

# fresh: a new instance file $sq and database $pg.
fresh() {
	sq=$work/sq$n.ferry
	pg=ferry_staging_$$_$n
	"$FERRY" --db "$sq" init --name test >/dev/null 2>&1
	"$FERRY" --db "postgresql:///$pg" init --name test >/dev/null 2>&1 ||
		{ echo "cannot make database $pg" >&2; exit 2; }
}

# compare PACKAGE: load it on both instances, then list and show.
compare() {
	local pkg=$1 name
	n=$((n + 1))
	name=$(basename "$pkg" | tr -c 'a-zA-Z0-9\n' _)
	run_both "out/$n-$name-load" import load "$pkg"
	run_both "out/$n-$name-jsonload" --json import load "$pkg"
	run_both "out/$n-$name-list" import list
	run_both "out/$n-$name-show" import show 1
	run_both "out/$n-$name-jsonshow" --json import show 1
}

mkdir -p out
# A refused load leaves nothing: one pair of instances for all of them
# (and each listing after a refusal shows that).
n=0
fresh
for p in "${bad[@]}"; do
	compare "$p"
done
if [ "$refusals_only" -eq 0 ]; then
	# After the refusals, on the same pair: the first import is 1 on
	# both (a refused load leaves no gap in the ids).
	compare pkg/p2.sop
	for p in "${good[@]}"; do
		fresh
		compare "$p"
	done
fi
echo "$n packages, $((n * 5)) commands on both stores; $failed differ"
[ "$failed" -eq 0 ]
