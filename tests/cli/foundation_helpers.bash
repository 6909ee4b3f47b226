# foundation_helpers.bash - shared by the foundation's CLI scenarios
# (instance, catalog, types, records, packs, export, cli_contract, meta).
#
# Each test runs in its own temporary directory with its own instance
# ($FERRY_DB) and a fixed clock (FERRY_NOW), so runs are reproducible.
# Load it with:  load foundation_helpers

bats_require_minimum_version 1.5.0
load helpers/store

NOW=2021-12-31T12:00:00Z

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	export FERRY_DB="$BATS_TEST_TMPDIR/i.db"
	export FERRY_NOW="$NOW"
	unset FERRY_USER
}

ferry() {
	"$FERRY_BIN" "$@"
}

# A fresh instance (admin "admin", UTC) with nothing printed.
init_db() {
	ferry init "$@" >/dev/null
}

# An instance with entity "member": name nvarchar(40), age int.
init_member() {
	init_db "$@"
	ferry entity create member --display Member >/dev/null
	ferry field add member name 'nvarchar(40)' >/dev/null
	ferry field add member age int >/dev/null
}

# jp EXPR: evaluate a Python expression over the JSON document on stdin
# (bound to d).  Strings print raw, everything else as compact JSON.
jp() {
	python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))
' "$1"
}

# sql QUERY: run a query on the instance with the sqlite3 command (on
# PostgreSQL, on its database: helpers/store.bash).
sql() {
	sqlite3 "$FERRY_DB" "$@"
}

# The whole instance as SQL text, to prove a failed command changed
# nothing.
snapshot() {
	dump_instance "$FERRY_DB" >"$BATS_TEST_TMPDIR/before.sql"
}

assert_unchanged() {
	dump_instance "$FERRY_DB" >"$BATS_TEST_TMPDIR/after.sql"
	if ! diff -u "$BATS_TEST_TMPDIR/before.sql" \
	    "$BATS_TEST_TMPDIR/after.sql"; then
		echo "the instance changed" >&2
		return 1
	fi
}

# expect_error STATUS TEXT CMD...: run ferry CMD, which must exit with
# STATUS, print nothing on stdout and "ferry: ...TEXT..." on stderr.
expect_error() {
	local want=$1 text=$2
	shift 2
	run --separate-stderr "$FERRY_BIN" "$@"
	if [ "$status" -ne "$want" ]; then
		echo "exit status $status, expected $want" >&2
		echo "stdout: $output" >&2
		echo "stderr: $stderr" >&2
		return 1
	fi
	if [[ "$stderr" != "ferry: "* ]]; then
		echo "stderr does not start with 'ferry: ': $stderr" >&2
		return 1
	fi
	if [[ "$stderr" != *"$text"* ]]; then
		echo "stderr lacks '$text': $stderr" >&2
		return 1
	fi
	if [ -n "$output" ]; then
		echo "stdout should be empty on error: $output" >&2
		return 1
	fi
}

# refused TEXT CMD...: an error (exit 1) that leaves the instance as it
# was.
refused() {
	snapshot
	expect_error 1 "$@" || return 1
	assert_unchanged
}

# Check a value: same WANT GOT [what]
same() {
	if [ "$1" != "$2" ]; then
		echo "expected '${1}', got '${2}' ${3:+($3)}" >&2
		return 1
	fi
}
