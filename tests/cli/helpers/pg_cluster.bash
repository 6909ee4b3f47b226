# pg_cluster.bash - a throwaway PostgreSQL cluster of a test file's own
# (scripts/pg-cluster), for the tests that need a server whatever store
# the suite runs on: crashes, locks, both stores side by side.  Load it
# after import_helpers; it defines setup_file/teardown_file and
# pg_setup, which skips a test where no PostgreSQL server is installed.

setup_file() {
	local dir

	if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
		return 0
	fi
	# Not under bats' private temporary folder: the server may run as
	# the postgres user, which must reach the folder.
	dir=$(mktemp -d /tmp/ferry-pg-test.XXXXXX)
	chmod 755 "$dir"
	echo "$dir" >"$BATS_FILE_TMPDIR/cluster"
	"$FERRY_SRC/scripts/pg-cluster" start "$dir/c" >"$dir/env"
}

teardown_file() {
	local dir

	[ -f "$BATS_FILE_TMPDIR/cluster" ] || return 0
	dir=$(cat "$BATS_FILE_TMPDIR/cluster")
	"$FERRY_SRC/scripts/pg-cluster" stop "$dir/c"
	rm -rf "$dir"
}

# The test's start: the cluster's environment, or a skip.
pg_setup() {
	local dir

	[ -f "$BATS_FILE_TMPDIR/cluster" ] ||
		skip "no PostgreSQL server here (scripts/install-deps installs it)"
	dir=$(cat "$BATS_FILE_TMPDIR/cluster")
	CLUSTER=$dir/c
	eval "$(cat "$dir/env")"
	export PGHOST PGPORT PGUSER
	unset PGPASSWORD PGDATABASE
}

# sql SQL [DATABASE]: run SQL with psql, rows unaligned.
sql() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d "${2:-postgres}" -c "$1"
}

# pg DATABASE ARGS...: ferry on the PostgreSQL instance in DATABASE.
pg() {
	"$FERRY_BIN" --db "postgresql:///$1" "${@:2}"
}
