# import_helpers.bash - two instances for the import scenarios: "src"
# where changes are made and packs exported, "dst" where they are
# imported.  Each test runs in its own temporary directory with a fixed
# clock.  Load it with:  load helpers/import_helpers

bats_require_minimum_version 1.5.0
load helpers/store

NOW=2021-12-31T12:00:00Z
SOP="$FERRY_SRC/tests/cli/helpers/sop.py"

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	export FERRY_NOW="$NOW"
	unset FERRY_USER FERRY_DB
}

src() {
	"$FERRY_BIN" --db "$BATS_TEST_TMPDIR/src.db" "$@"
}

dst() {
	"$FERRY_BIN" --db "$BATS_TEST_TMPDIR/dst.db" "$@"
}

# jp EXPR: a Python expression over the JSON on stdin (bound to d);
# strings print raw, the rest as compact JSON.
jp() {
	python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))
' "$1"
}

same() {
	if [ "$1" != "$2" ]; then
		echo "expected '${1}', got '${2}' ${3:+($3)}" >&2
		return 1
	fi
}

# The instance dst as SQL text, to prove a refused command changed
# nothing.
snapshot() {
	dump_instance "$BATS_TEST_TMPDIR/dst.db" >"$BATS_TEST_TMPDIR/before.sql"
}

assert_unchanged() {
	dump_instance "$BATS_TEST_TMPDIR/dst.db" >"$BATS_TEST_TMPDIR/after.sql"
	if ! diff -u "$BATS_TEST_TMPDIR/before.sql" \
	    "$BATS_TEST_TMPDIR/after.sql"; then
		echo "the instance changed" >&2
		return 1
	fi
}

# expect_error STATUS TEXT CMD...: CMD must exit with STATUS, print
# "ferry: ...TEXT..." on stderr.
expect_error() {
	local want=$1 text=$2
	shift 2
	run --separate-stderr "$@"
	if [ "$status" -ne "$want" ]; then
		echo "exit status $status, expected $want" >&2
		echo "stdout: $output" >&2
		echo "stderr: $stderr" >&2
		return 1
	fi
	if [[ "$stderr" != *"ferry: "* ]]; then
		echo "stderr has no 'ferry: ' message: $stderr" >&2
		return 1
	fi
	if [[ "$stderr" != *"$text"* ]]; then
		echo "stderr lacks '$text': $stderr" >&2
		return 1
	fi
}

# refused_load FILE TEXT: loading FILE into dst fails (exit 1) with TEXT
# and leaves dst exactly as it was.
refused_load() {
	snapshot
	expect_error 1 "$2" dst import load "$1" || return 1
	assert_unchanged
}

# A record's field as JSON text: field INSTANCE ENTITY SYS_ID FIELD
field() {
	"$1" --json record get "$2" "$3" | jp "d.get('$4')"
}

# The policy entity: member (name, age, boss -> member).  src gets it in
# pack "base" with records A (ann) and B (bob), exported and imported into
# a fresh dst, so both instances start from the same versions.  Sets A
# and B to the sys_ids.
setup_pair() {
	src init --name dev >/dev/null
	src pack create base --use >/dev/null
	src entity create member --display Member >/dev/null
	src field add member name 'nvarchar(40)' >/dev/null
	src field add member age int >/dev/null
	src field add member boss 'ref(member)' >/dev/null
	A=$(src record put member '{"name":"ann","age":30}')
	B=$(src record put member '{"name":"bob","age":40}')
	export_pack base "$@"
	dst init --name test >/dev/null
	dst import apply base.sop --no-backup >/dev/null
}

# begin_pack NAME: new changes in src go into pack NAME.
begin_pack() {
	src pack create "$1" --use >/dev/null
}

# export_pack NAME [export options]: complete it, write NAME.sop (plain).
export_pack() {
	local name=$1
	shift
	src pack complete "$name" >/dev/null
	src pack export "$name" --output "$name.sop" --uncompressed \
		--overwrite "$@" >/dev/null
}

# The problem kinds of one item in the last preview of import ID:
# kinds ID ITEM_KEY (the key or sys_id of the item).
kinds() {
	dst --json import preview "$1" | jp "','.join(sorted(p['kind'] \
for p in d['problems'] if p['key'] == '$2' or p['sys_id'] == '$2'))"
}

# The item number of a record in import ID: item_of ID SYS_ID
item_of() {
	dst --json import show "$1" | jp "[i['item'] for i in d['items'] \
if i['sys_id'] == '$2'][0]"
}

# The import id of a load: load_id FILE
load_id() {
	dst --json import load "$1" | jp "d['id']"
}

# How many record payloads import ID has staged in dst, none of them yet
# kept by a version, that meet CONDITION (SQL on payload; default all):
# staged_payloads ID [CONDITION].  Both stores stage a payload in
# ferry_version_payload, under the staged row's key, where a set-wise
# commit's version keeps it (sqlite/schema.c, 14 -> 15; postgres/schema.c,
# 15 -> 16).
staged_payloads() {
	local cond=${2:-payload IS NOT NULL}
	sqlite3 dst.db "SELECT count(*) FROM ferry_version_payload x WHERE k BETWEEN $1 * 4294967296 AND $1 * 4294967296 + 4294967295 AND $cond AND NOT EXISTS (SELECT 1 FROM ferry_version v WHERE v.payload_k = x.k)"
}
