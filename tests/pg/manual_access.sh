#!/bin/bash
# manual_access.sh - the access and backup commands on a PostgreSQL
# instance against the same commands on a SQLite instance.
#
#   tests/pg/manual_access.sh        (from the source tree, after a build)
#
# Runs every step on both stores with the clock fixed (FERRY_NOW) and
# compares what each printed (stdout, stderr, exit code) once the parts
# that must differ are masked: the location, random tokens, keys, CSRF
# values and instance ids, backup sizes, and the reason a cut-off backup
# gives (SQLite's words against pg_restore's).  Prints the differences
# and exits 1 if there are any, else 0.
#
# What it covers: user passwd; token create/list/revoke; audit list;
# key create/show; trust add/list/remove; backup list/restore (the backup
# ferry takes before restoring, reading backups, refusals); and, through
# 'ferry serve', logins (passwords, failed logins and their slowing
# down), sessions (log in, who am I, log out) and tokens used as bearer.
#
# Environment: FERRY_BIN (default build/ferry); PGHOST/PGPORT/PGUSER of a
# server where the user may create databases; without PGHOST a throwaway
# cluster is started (scripts/pg-cluster) and stopped at the end.
# Needs curl, and pg_dump/pg_restore/psql (postgresql-client).
#
# Backups are named after the instance's location as if it were a file
# ("postgresql:///NAME.backup-...db"), so the script works in a folder
# where "postgresql:" exists.  The first backup of each store is made
# outside ferry (a copy of the SQLite file; pg_dump -Fc -n ferry), since
# only imports, entity unpacks and restores take backups.
set -u

SRC=$(cd "$(dirname "$0")/../.." && pwd)
FERRY=${FERRY_BIN:-$SRC/build/ferry}
FERRY=$(cd "$(dirname "$FERRY")" && pwd)/$(basename "$FERRY")
WORK=$(mktemp -d /tmp/ferry-pg-access.XXXXXX)
CLUSTER=
SERVE_PID=

cleanup() {
	[ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null
	[ -n "$CLUSTER" ] && "$SRC/scripts/pg-cluster" stop "$CLUSTER" \
		>/dev/null && rm -rf "$CLUSTER"
	rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${PGHOST:-}" ]; then
	# Outside WORK: the server may run as another user (pg-cluster).
	CLUSTER=/tmp/ferry-pg-access-cluster.$$
	pgenv=$("$SRC/scripts/pg-cluster" start "$CLUSTER") || exit 3
	eval "$pgenv"
fi

cd "$WORK" || exit 3
mkdir postgresql:
NAME=ferry_access_$$
export FERRY_NOW=2021-12-31T12:00:00Z
SQ=s.db
PG=postgresql:///$NAME

# mask LOCATION: stdin with what must differ between the stores hidden.
mask() {
	sed -E -e "s#$1#LOCATION#g" \
		-e 's#ferry_[0-9a-f]{64}#ferry_TOKEN#g' \
		-e 's#[A-Za-z0-9+/]{43}=#PUBLIC_KEY#g' \
		-e 's#\b[0-9a-f]{32}\b#FINGERPRINT#g' \
		-e 's#[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}#UUID#g' \
		-e 's#"csrf":"[0-9a-f]+"#"csrf":"CSRF"#g' \
		-e 's#"bytes":[0-9]+#"bytes":N#g' \
		-e 's#^(20[0-9-]{8}T[0-9:]{8}Z) +[0-9]+ +#\1  N  #' \
		-e 's#^created_at +bytes +path#created_at  bytes  path#' \
		-e 's#is not a whole ferry backup \(.*\); it was#is not a whole ferry backup (REASON); it was#' \
		-e 's#[0-9a-f]{13}~#FINGERPRINT~#g' \
		-e "s#$WORK/##g" \
		-e 's#\b(sq|pg)\.key\b#KEY_FILE#g'
}

# step STORE LOCATION ARGS...: one command on one store, its output
# (masked) appended to STORE.out.
step() {
	local store=$1 loc=$2 out rc
	shift 2
	out=$("$FERRY" --db "$loc" "$@" 2>&1 </dev/null)
	rc=$?
	{ printf '$ ferry %s\n' "$*"; printf '%s\n' "$out";
	  echo "[exit $rc]"; } | mask "$loc" >>"$store.out"
}

# both ARGS...: the command on both stores (FERRY_KEY_FILE per store).
both() {
	FERRY_KEY_FILE=$WORK/sq.key step sq "$SQ" "$@"
	FERRY_KEY_FILE=$WORK/pg.key step pg "$PG" "$@"
}

# both_in TEXT ARGS...: the same with TEXT on stdin.
both_in() {
	local text=$1 store loc out rc
	shift
	for store in sq pg; do
		[ $store = sq ] && loc=$SQ || loc=$PG
		out=$(printf '%s\n' "$text" | "$FERRY" --db "$loc" "$@" 2>&1)
		rc=$?
		{ printf '$ ferry %s  (stdin)\n' "$*"
		  printf '%s\n' "$out" | mask "$loc"; echo "[exit $rc]"; } \
			>>"$store.out"
	done
}

# note STORE TEXT: a line in both outputs (the masked result of a check
# made outside ferry).
note() {
	printf '%s\n' "$2" >>"$1.out"
}

both init --name shop
both user add olga
both user add bob --admin

# ---- passwords, tokens, the audit log --------------------------------
both_in 'correct horse battery' user passwd olga --password-stdin
both_in 'short' user passwd olga --password-stdin
both_in 'correct horse battery' user passwd nobody --password-stdin
both_in 'correct horse battery' --user olga user passwd bob --password-stdin
both_in 'battery horse correct' user passwd bob --password-stdin
both token create olga --label ci
both token create bob
both --json token create olga --label 'deploy pipeline'
both token list
both token list olga
both --json token list
both --user olga token list
both token revoke 1
both token revoke 1
both token revoke 99
both --user olga token revoke 2
both --json token list
both audit list
both --json audit list --limit 2
both audit list --user olga
both --json audit list --since 2021-12-31T12:00:00Z --limit 1
both --user olga audit list

# ---- signing keys and the trust list ----------------------------------
both key show
both key create
both key create
both --json key show
both key create --replace
both key show
both --user olga key create --replace
both trust list
both trust add dev gJQYFc+9/oA0rHNjYfQsjUKwnOH6YBasGMKwpkMmqgM=
both trust add dev2 gJQYFc+9/oA0rHNjYfQsjUKwnOH6YBasGMKwpkMmqgM=
both trust add dev 1111111111111111111111111111111111111111111=
both trust add ops 2Hf3ZxqQ5C0bzvlB0mT0d1e3N3m6Xh3m5nQp2b5QmGc=
both trust list
both --json trust list
both trust remove dev
both trust remove nothere
both trust list

# ---- logins, sessions and bearer tokens through ferry serve ----------
# serve STORE LOCATION PORT: start it and wait until it answers.
serve() {
	FERRY_KEY_FILE=$WORK/$1.key "$FERRY" --db "$2" serve --listen \
		"127.0.0.1:$3" >"$1.serve.log" 2>&1 &
	SERVE_PID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$3/api/v1/session" &&
			return 0
		sleep 0.1
	done
	return 1
}

# http STORE PORT METHOD PATH [CURL ARGS...]: status and body, masked.
http() {
	local store=$1 port=$2 method=$3 path=$4 out
	shift 4
	out=$(curl -s -w '\n[%{http_code}]' -X "$method" -b "$store.jar" \
		-c "$store.jar" "$@" "http://127.0.0.1:$port$path")
	{ printf '%s %s\n' "$method" "$path"; printf '%s\n' "$out" |
	  mask "$([ "$store" = sq ] && echo "$SQ" || echo "$PG")"; } \
		>>"$store.out"
}

PORT=$((20000 + $$ % 20000))
for store in sq pg; do
	[ $store = sq ] && loc=$SQ || loc=$PG
	note $store "---- serve"
	if ! serve $store "$loc" $PORT; then
		note $store "ferry serve did not start: $(cat $store.serve.log)"
		continue
	fi
	token=$(FERRY_KEY_FILE=$WORK/$store.key "$FERRY" --db "$loc" \
		--json token create olga --label bearer 2>&1 |
		sed -E 's/.*"token":"([^"]*)".*/\1/')
	http $store $PORT POST /api/v1/session \
		-d '{"user":"olga","password":"wrong one here"}'
	http $store $PORT POST /api/v1/session \
		-d '{"user":"olga","password":"wrong one again"}'
	http $store $PORT POST /api/v1/session \
		-d '{"user":"olga","password":"wrong a third time"}'
	http $store $PORT POST /api/v1/session \
		-d '{"user":"olga","password":"correct horse battery"}'
	http $store $PORT POST /api/v1/session \
		-d '{"user":"nobody","password":"correct horse battery"}'
	http $store $PORT POST /api/v1/session \
		-d '{"user":"bob","password":"battery horse correct"}'
	csrf=$(curl -s -b "$store.jar" "http://127.0.0.1:$PORT/api/v1/session" |
		sed -E 's/.*"csrf":"([0-9a-f]*)".*/\1/')
	http $store $PORT GET /api/v1/session
	http $store $PORT GET /api/v1/session -b /dev/null \
		-H "Authorization: Bearer $token"
	http $store $PORT GET /api/v1/session -b /dev/null \
		-H "Authorization: Bearer ferry_0000000000000000000000000000000000000000000000000000000000000000"
	http $store $PORT DELETE /api/v1/session -H "X-CSRF-Token: $csrf"
	http $store $PORT GET /api/v1/session
	kill "$SERVE_PID"
	wait "$SERVE_PID" 2>/dev/null
	SERVE_PID=
done
both --json token list olga
both audit list

# ---- backups -----------------------------------------------------------
printf 'not a backup\n' >garbage.db
cp "$SQ" sq.first.db
pg_dump --format=custom --schema=ferry --file=pg.first.db "$NAME" ||
	exit 3
head -c 4000 sq.first.db >sq.cut.db
head -c 4000 pg.first.db >pg.cut.db
"$FERRY" --db other.db init --name other >/dev/null
"$FERRY" --db "postgresql:///${NAME}_other" init --name other >/dev/null
cp other.db sq.other.db
pg_dump --format=custom --schema=ferry --file=pg.other.db "${NAME}_other" ||
	exit 3

# both_file SUFFIX ARGS...: ARGS with FILE replaced by STORE.SUFFIX.
both_file() {
	local suffix=$1 store loc args a
	shift
	for store in sq pg; do
		[ $store = sq ] && loc=$SQ || loc=$PG
		args=()
		for a in "$@"; do
			[ "$a" = FILE ] && a=$store.$suffix
			args+=("$a")
		done
		FERRY_KEY_FILE=$WORK/$store.key step $store "$loc" "${args[@]}"
		sed -i "s#$store\.$suffix#STORE.$suffix#g" $store.out
	done
}

both backup list
both backup restore garbage.db --yes
both backup restore nothere.db --yes
both_file first.db backup restore FILE
both_file first.db --user olga backup restore FILE --yes
both_file cut.db backup restore FILE --yes
both_file other.db backup restore FILE --yes
both trust list
export FERRY_NOW=2021-12-31T12:00:05Z
both_file first.db backup restore FILE --yes
both trust list
both token list
both backup list
# The backup ferry took before restoring holds what was there before.
both_file first.db --json backup restore FILE --yes
both backup list
export FERRY_NOW=2021-12-31T12:00:06Z
for store in sq pg; do
	[ $store = sq ] && loc=$SQ || loc=$PG
	FERRY_KEY_FILE=$WORK/$store.key step $store "$loc" backup restore \
		"$loc.backup-20211231T120005Z.db" --yes
done
both trust list
both token list
both --json audit list --limit 3
both backup list

# A store's refusal of the other store's backups (the words differ:
# SQLite reads a file that is not a database, PostgreSQL names it).
cross_pg=$("$FERRY" --db "$PG" backup restore sq.first.db --yes 2>&1)
rc_pg=$?
cross_sq=$("$FERRY" --db "$SQ" backup restore pg.first.db --yes 2>&1)
rc_sq=$?
status=0
if [ $rc_pg -ne 1 ] || ! echo "$cross_pg" | grep -q 'instance on SQLite' ||
    [ $rc_sq -ne 1 ]; then
	echo "manual_access: a backup of the other store was not refused:"
	status=1
fi
echo "cross-store refusals:"
echo "  PostgreSQL instance, SQLite file (exit $rc_pg): $cross_pg"
echo "  SQLite instance, pg_dump file (exit $rc_sq): $cross_sq"

psql -q -d postgres -c "DROP DATABASE IF EXISTS $NAME" \
	-c "DROP DATABASE IF EXISTS ${NAME}_other" >/dev/null 2>&1

[ -n "${KEEP:-}" ] && cp sq.out pg.out "$KEEP"
if ! diff -u sq.out pg.out; then
	echo "manual_access: the stores differ (above)"
	exit 1
fi
echo "manual_access: the same on both stores ($(grep -c '^\$ ferry' \
	sq.out) commands, $(grep -c '^\(GET\|POST\|DELETE\) ' sq.out) requests)"
exit $status
