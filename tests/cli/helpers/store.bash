# store.bash - the scenarios on either store.  By default they run on
# SQLite files; with FERRY_TEST_STORE=postgresql (tests/pg/run-suite) the
# same scenarios run on PostgreSQL: FERRY_BIN is ferry-on-postgres
# (build/tests), which moves every instance file to a database of its
# own, and the helpers below look at that database where a scenario
# looks at the file.
# Loaded by foundation_helpers.bash and helpers/import_helpers.bash.

on_postgres() {
	[ "${FERRY_TEST_STORE:-sqlite}" = postgresql ]
}

# skip_on_postgres WHY: the test is about the SQLite file itself (its
# bytes, mode, journal, a copy of it), which a PostgreSQL instance has
# not.
skip_on_postgres() {
	if on_postgres; then
		skip "$1: a SQLite file matter"
	fi
}

# instance_database PATH: the PostgreSQL database of the instance file
# PATH (FERRY_BIN is ferry-on-postgres on that store).
instance_database() {
	"$FERRY_BIN" --database "$1"
}

# instance_exists PATH: there is an instance (or something else) at PATH:
# the file, or on PostgreSQL its database.  instance_missing PATH: none.
instance_exists() {
	if ! on_postgres; then
		[ -e "$1" ]
		return
	fi
	[ "$(psql -X -q -A -t -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$(instance_database "$1")'")" = 1 ]
}

instance_missing() {
	! instance_exists "$1"
}

# remove_instance PATH: no instance at PATH any more: the file removed,
# or on PostgreSQL its database dropped.
remove_instance() {
	rm -f "$1"
	if on_postgres; then
		PGOPTIONS='-c client_min_messages=warning' psql -X -q \
			-d postgres -c "DROP DATABASE IF EXISTS \"$(instance_database "$1")\" WITH (FORCE)" >/dev/null
	fi
}

# pg_sql DATABASE [SQL]: psql printing as sqlite3 does (no headers, "|"
# between columns, NULL as nothing), the instance's schema first.
pg_sql() {
	local db=$1
	shift
	PGOPTIONS='-c search_path=ferry,public -c client_min_messages=warning' \
		psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 -d "$db" \
		${1+-c "$1"}
}

# dump_instance PATH: the whole instance as text, the same whenever its
# content is.  On PostgreSQL, one psql call (pg_dump costs several times
# more, and the scenarios take a snapshot around every refused command):
# schema ferry's tables, columns (type, default, identity, nullability,
# comment: a field's kind), indexes, constraints, triggers and views,
# then each table's rows as text, sorted (an instance's database and the
# test cluster order text by bytes, LC_COLLATE C); without the sequences'
# positions (a rolled back insert moves them though nothing changed) and
# the count of write transactions (ferry_change, the store's data
# version: SQLite's lives in the file header, outside .dump).  A
# database that is no instance (no schema ferry): its schema public.
dump_instance() {
	if ! on_postgres || [ -e "$1" ]; then
		command sqlite3 "$1" .dump
		return
	fi
	PGOPTIONS='-c client_min_messages=warning' psql -X -q -A -t \
		-v ON_ERROR_STOP=1 -d "$(instance_database "$1")" <<'SQL'
SELECT CASE WHEN to_regnamespace('ferry') IS NULL THEN 'public' ELSE 'ferry' END AS ns \gset
SELECT format('column %s.%s %s default=%s identity=%s null=%s comment=%s',
	c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
	pg_get_expr(d.adbin, d.adrelid), a.attidentity, NOT a.attnotnull,
	col_description(c.oid, a.attnum))
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relnamespace = :'ns'::regnamespace AND c.relkind IN ('r', 'v')
	AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname COLLATE "C", a.attnum;
SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = :'ns'
ORDER BY 1;
SELECT format('constraint %s %s %s', conrelid::regclass, conname,
	pg_get_constraintdef(oid))
FROM pg_constraint WHERE connamespace = :'ns'::regnamespace
ORDER BY 1;
SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = :'ns'::regnamespace AND NOT t.tgisinternal
ORDER BY 1;
SELECT format('view %s %s', viewname, definition) FROM pg_views
WHERE schemaname = :'ns' ORDER BY 1;
SELECT format('SELECT %L || '' '' || t::text FROM %I.%I t ORDER BY 1',
	c.relname, :'ns', c.relname)
FROM pg_class c WHERE c.relnamespace = :'ns'::regnamespace
	AND c.relkind = 'r' AND c.relname <> 'ferry_change'
ORDER BY c.relname COLLATE "C"
\gexec
SQL
}

# is_pg_backup PATH: PATH is a PostgreSQL instance's backup (a pg_dump
# archive: "PGDMP" first).
is_pg_backup() {
	[ -f "$1" ] && [ "$(head -c 5 "$1")" = PGDMP ]
}

# backup_database PATH: a database holding the pg_dump archive PATH,
# restored once per content, where a scenario reads a backup as it reads
# a SQLite file.
backup_database() {
	local db
	db=ferry_backup_$(sha1sum <"$1" | cut -c1-16)
	if ! psql -X -q -A -t -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
		createdb "$db" || return
		echo "$db" >>"$BATS_TEST_TMPDIR/.ferry-pg-databases"
		pg_restore --no-owner -d "$db" "$1" || return
	fi
	echo "$db"
}

# content_file PATH: a file holding every value of the instance or backup
# at PATH as text, for a scenario that searches it for bytes: on SQLite
# PATH itself; on PostgreSQL the plain dump of the instance's whole
# database, or of the backup (a pg_dump archive is compressed).
content_file() {
	local out
	if ! on_postgres || { [ -e "$1" ] && ! is_pg_backup "$1"; }; then
		echo "$1"
		return
	fi
	out=$(mktemp "$BATS_TEST_TMPDIR/content.XXXXXX")
	if is_pg_backup "$1"; then
		pg_restore -f - "$1" >"$out" || return
	else
		pg_dump -d "$(instance_database "$1")" >"$out" || return
	fi
	echo "$out"
}

if on_postgres; then
	# sqlite3 PATH [SQL|.dump]: where a scenario reads or changes the
	# instance file directly, the same SQL runs on its database; on a
	# PostgreSQL backup, on a database it is restored into.  Another
	# existing file (a foreign file) is still SQLite's; a
	# missing database is made, as sqlite3 makes a missing file.
	sqlite3() {
		local path=$1 db
		if [ $# -ge 2 ] && is_pg_backup "$path"; then
			shift
			db=$(backup_database "$path") || return
			pg_sql "$db" "$(sqlite_words "$1")"
			return
		fi
		if [ $# -eq 0 ] || [[ "$path" == -* ]] || [ -e "$path" ]; then
			command sqlite3 "$@"
			return
		fi
		shift
		if [ "${1:-}" = .dump ]; then
			dump_instance "$path"
			return
		fi
		db=$(instance_database "$path")
		if ! psql -X -q -A -t -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
			createdb "$db" || return
			echo "$db" >>"$BATS_TEST_TMPDIR/.ferry-pg-databases"
		fi
		if [ $# -eq 0 ]; then
			pg_sql "$db"
		else
			pg_sql "$db" "$(sqlite_words "$1")"
		fi
	}
fi

# sqlite_words SQL: the SQL with the SQLite catalog words the scenarios
# use (PRAGMA user_version, sqlite_master, pragma_table_info,
# pragma_index_list, group_concat) read through PostgreSQL's catalog of
# schema ferry (without _seq, the store's stand-in for SQLite's hidden
# rowid), a name given to each unnamed subquery in FROM, which
# PostgreSQL 15 requires, and a type (text) to the one column of
# `CREATE TABLE t (x)`; and SQLite's loose typing where the scenarios
# rely on it: a column compared with an integer (every field's column is
# text on PostgreSQL) compares with the integer's text, which PostgreSQL
# reads as the column's type; `coalesce(COLUMN, 'text')` takes the
# column as text; `SELECT X IS [NOT] NULL FROM` prints 1 or 0, not t or
# f; `typeof(COLUMN)` of `FROM TABLE` is the kind the store keeps for
# the column (its comment: integer or text; null for NULL).
sqlite_words() {
	perl -0pe '
		s/(\bFROM\s*)(\((?:[^()]++|(?2))*\))(?!\s*(?:AS\b|(?!(?i:WHERE|ORDER|GROUP|LIMIT|UNION|JOIN|LEFT|INNER|CROSS|ON|HAVING)\b)[A-Za-z_]))/$1$2 AS unnamed/g;
		s/\bCREATE TABLE\s+("?\w+"?)\s*\((\w+)\)/CREATE TABLE $1 ($2 text)/g;
		s/\bPRAGMA user_version\b(?!\s*=)/SELECT version FROM ferry_schema/g;
		s/\bgroup_concat\(([^(),]+)\)/string_agg(($1)::text, \x27,\x27)/g;
		s/\bgroup_concat\(([^(),]+),\s*(\x27[^\x27]*\x27)\)/string_agg(($1)::text, $2)/g;
		s/\bpragma_table_info\(\x27(\w+)\x27\)/(SELECT column_name::text AS name, ordinal_position AS cid FROM information_schema.columns WHERE table_schema = \x27ferry\x27 AND table_name = \x27$1\x27 AND column_name <> \x27_seq\x27) AS pti/g;
		s/\bpragma_index_list\(\x27(\w+)\x27\)/(SELECT indexname::text AS name FROM pg_indexes WHERE schemaname = \x27ferry\x27 AND tablename = \x27$1\x27) AS pil/g;
		s/\bsqlite_master\b/(SELECT \x27table\x27 AS type, table_name::text AS name FROM information_schema.tables WHERE table_schema = \x27ferry\x27 UNION ALL SELECT \x27index\x27, indexname::text FROM pg_indexes WHERE schemaname = \x27ferry\x27) AS sqlite_master/g;
		s/\bcoalesce\(\s*([\w.]+)\s*,\s*(\x27[^\x27]*\x27)\s*\)/coalesce(($1)::text, $2)/g;
		s/(\b[\w.]+\s*(?:=|<>|!=)\s*)(-?\d+)(?![\w.\x27])/$1\x27$2\x27/g;
		s/(\bSELECT\s+)([\w.]+\s+IS\s+(?:NOT\s+)?NULL)(\s+FROM\b)/$1($2)::int$3/g;
		if (/\btypeof\(/ && /\bFROM\s+(\w+)/) {
			my $t = $1;
			s/\btypeof\((\w+)\)/(CASE WHEN $1 IS NULL THEN \x27null\x27 ELSE (SELECT coalesce(col_description(a.attrelid, a.attnum), CASE WHEN a.atttypid IN (20, 21, 23) THEN \x27integer\x27 ELSE \x27text\x27 END) FROM pg_attribute a WHERE a.attrelid = \x27ferry.$t\x27::regclass AND a.attname = \x27$1\x27) END)/g;
		}
	' <<<"$1"
}

# Each test's databases go with it.
teardown() {
	local list="$BATS_TEST_TMPDIR/.ferry-pg-databases" db args=()
	on_postgres && [ -f "$list" ] || return 0
	for db in $(sort -u "$list"); do
		args+=(-c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)")
	done
	PGOPTIONS="-c client_min_messages=warning" \
		psql -X -q -d postgres "${args[@]}" >/dev/null
}
