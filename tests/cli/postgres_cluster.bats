#!/usr/bin/env bats
# postgres_cluster.bats - the PostgreSQL store's locking and crashes
# (docs/postgresql.md): writers are serialised and a second one says the
# instance is busy while readers never wait; a commit cut short at any
# moment leaves the target exactly as before or exactly fully committed,
# whether ferry is killed (SIGKILL) or the server stops at once (pg_ctl
# stop -m immediate); a load cut by the server's stop says so and leaves
# no import.
#
# The file runs its own throwaway cluster (scripts/pg-cluster), since it
# stops the server; it is skipped where no PostgreSQL server is
# installed.  A package of inserts referencing each other, updates and
# deletes is loaded and previewed in a pristine database; each run copies
# it (CREATE DATABASE ... TEMPLATE), starts the commit, cuts it after a
# random delay, and compares the content of the entity table, the catalog
# and the versions with the states before and after an undisturbed
# commit.

load helpers/import_helpers
load helpers/pg_cluster

RUNS=${FERRY_CRASH_RUNS:-20}

setup() {
	pg_setup
	cd "$BATS_TEST_TMPDIR" || return 1
	export FERRY_NOW="$NOW"
	unset FERRY_USER FERRY_DB
}

# The target's content, as one hash: every column but the numbers a
# sequence hands out (a version's id, the rows' _seq), which PostgreSQL
# does not roll back and moves ahead after a server crash, so they tell
# how the server got there, not what the instance holds.
content() {
	sql "SELECT to_jsonb(r) - '_seq' FROM ferry.item r ORDER BY sys_id;
		SELECT to_jsonb(r) - '_seq' FROM ferry.sys_entity r ORDER BY name;
		SELECT to_jsonb(r) - '_seq' FROM ferry.sys_field r ORDER BY entity, name;
		SELECT to_jsonb(r) - 'id' - 'parent_id' FROM ferry.ferry_version r
			ORDER BY entity, sys_id, id;" "$1" |
		sha256sum | cut -d' ' -f1
}

# A copy of database $1 as $2; the template must have no connection
# left, which a killed client's server process may still hold a moment.
copy_db() {
	local i

	sql "DROP DATABASE IF EXISTS $2"
	for i in $(seq 50); do
		sql "CREATE DATABASE $2 TEMPLATE $1" 2>/dev/null && return 0
		sleep 0.1
	done
	sql "CREATE DATABASE $2 TEMPLATE $1"
}

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# (From /: the cluster's owner cannot enter the test's folder.)
pg_ctl() {
	(cd / && as_owner "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" \
		-D "$CLUSTER/data" "$@")
}

now_ms() {
	date +%s%3N
}

# The packages and the pristine, previewed target; sets id, before,
# after and duration.
prepare() {
	src init --name dev >/dev/null
	src pack create base --use >/dev/null
	src entity create item >/dev/null
	src field add item name 'nvarchar(40)' >/dev/null
	src field add item qty int >/dev/null
	src field add item parent 'ref(item)' >/dev/null
	python3 - >base.jsonl <<'PY'
import uuid
for i in range(200):
    print('{"sys_id":"%s","name":"base %d","qty":%d}' % (uuid.uuid4(), i, i))
PY
	src record load item base.jsonl >/dev/null
	export_pack base
	begin_pack p2
	python3 - >p2.jsonl <<'PY'
import json, uuid
base = [json.loads(l)["sys_id"] for l in open("base.jsonl")]
ids = [str(uuid.uuid4()) for i in range(5000)]
for i, u in enumerate(ids):
    ref = ',"parent":"%s"' % ids[i - 1] if i else ''
    print('{"sys_id":"%s","name":"item %d","qty":%d%s}' % (u, i, i, ref))
for u in base[:100]:
    print('{"sys_id":"%s","qty":-1}' % u)
PY
	src record load item p2.jsonl >/dev/null
	python3 -c 'import json; [print(json.loads(l)["sys_id"]) for l in list(open("base.jsonl"))[150:]]' |
	while read -r rid; do src record delete item "$rid" >/dev/null; done
	export_pack p2
	sql "DROP DATABASE IF EXISTS pristine"
	pg pristine init >/dev/null
	pg pristine import apply base.sop --no-backup >/dev/null
	id=$(pg pristine --json import load p2.sop | jp "d['id']")
	pg pristine import preview "$id" >/dev/null
	before=$(content pristine)
	copy_db pristine ref
	t0=$(now_ms)
	pg ref import commit "$id" --no-backup >/dev/null
	duration=$(( $(now_ms) - t0 ))
	after=$(content ref)
	[ "$before" != "$after" ]
	same 5150 "$(sql 'SELECT count(*) FROM ferry.item' ref)"
}

# shorter WINDOW: the window the next cut falls in, after a commit that
# ended before its cut.  The first window comes from one commit timed in
# prepare(); the runs' commits can be quicker than that one (a warm
# server, a quiet machine), and a cut after the commit tests nothing, so
# the window shrinks until the cuts fall inside the commit.
shorter() {
	local w=$(( $1 * 2 / 3 ))
	[ "$w" -ge 50 ] || w=50
	echo "$w"
}

# judge RUN: the run's database is as before or fully committed.
judge() {
	local state

	state=$(content run)
	if [ "$state" = "$before" ]; then
		befores=$((befores + 1))
	elif [ "$state" = "$after" ]; then
		afters=$((afters + 1))
	else
		echo "run $1: the target is neither as before nor fully committed" >&2
		# What differs, table by table, to tell where the cut fell.
		for t in item sys_entity sys_field ferry_version; do
			echo "$t: run $(sql "SELECT count(*) FROM ferry.$t" run), before $(sql "SELECT count(*) FROM ferry.$t" pristine), after $(sql "SELECT count(*) FROM ferry.$t" ref)" >&2
		done
		return 1
	fi
}

@test "rule: on PostgreSQL, a commit whose ferry is killed leaves the target as before or fully committed" {
	prepare
	killed=0 befores=0 afters=0 window=$((duration + duration / 5 + 1))
	for r in $(seq "$RUNS"); do
		copy_db pristine run
		delay=$(( RANDOM % window ))
		# ferry itself in the background, not through pg(): $! would
		# be the subshell running the function, and killing that
		# leaves ferry committing on its own.
		"$FERRY_BIN" --db "postgresql:///run" import commit "$id" \
			--no-backup >/dev/null 2>&1 &
		pid=$!
		sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
		kill -9 "$pid" 2>/dev/null || true
		st=0
		wait "$pid" 2>/dev/null || st=$?
		# (kill succeeds on a process that has ended but is not yet
		# waited for: the exit status tells whether the signal cut it.)
		if [ "$st" -eq 137 ]; then
			killed=$((killed + 1))
		else
			window=$(shorter "$window")
		fi
		judge "$r (killed after $delay ms)"
	done
	echo "# $RUNS runs, commit $duration ms: $killed killed, $befores before, $afters after" >&3
	[ "$killed" -ge $((RUNS / 2)) ]
	[ "$befores" -ge 1 ]
}

@test "rule: on PostgreSQL, a commit during which the server stops at once leaves the target as before or fully committed" {
	prepare
	stopped=0 befores=0 afters=0 window=$((duration + duration / 5 + 1))
	for r in $(seq "$RUNS"); do
		copy_db pristine run
		delay=$(( RANDOM % window ))
		pg run import commit "$id" --no-backup >out.txt 2>err.txt &
		pid=$!
		sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
		pg_ctl -m immediate -w stop >/dev/null
		st=0
		wait "$pid" || st=$?
		if [ "$st" -ne 0 ]; then
			stopped=$((stopped + 1))
			# A commit that lost its server says so, in one line.
			grep -q "^ferry: .*PostgreSQL server" err.txt || {
				cat err.txt >&2
				return 1
			}
		else
			window=$(shorter "$window")
		fi
		pg_ctl -w -l "$CLUSTER/server.log" start >/dev/null
		judge "$r (server stopped after $delay ms)"
	done
	echo "# $RUNS runs, commit $duration ms: $stopped cut, $befores before, $afters after" >&3
	[ "$stopped" -ge $((RUNS / 2)) ]
	[ "$befores" -ge 1 ]
}

@test "rule: on PostgreSQL, a load during which the server stops at once says so in one line and leaves no import" {
	src init --name dev >/dev/null
	src pack create big --use >/dev/null
	src entity create note >/dev/null
	src field add note body 'nvarchar(1000)' >/dev/null
	# About 14 MB of staged rows: several batches (4 MB each), so that
	# the server also stops while one is being sent beside the load.
	python3 - >big.jsonl <<'PY'
import uuid
for i in range(30000):
    print('{"sys_id":"%s","body":"%s"}' % (uuid.uuid4(), ("note %d " % i) * 40))
PY
	src record load note big.jsonl >/dev/null
	export_pack big
	sql "DROP DATABASE IF EXISTS timed"
	pg timed init >/dev/null
	t0=$(now_ms)
	pg timed import load big.sop >/dev/null
	window=$(( $(now_ms) - t0 ))
	stopped=0 fresh=0
	for r in $(seq 5); do
		if [ "$fresh" -eq 0 ]; then
			sql "DROP DATABASE IF EXISTS loads"
			pg loads init >/dev/null
			fresh=1
		fi
		delay=$(( RANDOM % window ))
		pg loads import load big.sop >out.txt 2>err.txt &
		pid=$!
		sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
		pg_ctl -m immediate -w stop >/dev/null
		st=0
		wait "$pid" || st=$?
		pg_ctl -w -l "$CLUSTER/server.log" start >/dev/null
		if [ "$st" -ne 0 ]; then
			stopped=$((stopped + 1))
			grep -q "^ferry: .*PostgreSQL server" err.txt || {
				cat err.txt >&2
				return 1
			}
			# (Beside the warning that the package is unsigned,
			# and the server's own notice that it stops.)
			[ "$(grep '^ferry: ' err.txt | grep -vc '^ferry: warning:')" -eq 1 ] || {
				cat err.txt >&2
				return 1
			}
			same 0 "$(sql 'SELECT count(*) FROM ferry.ferry_import' loads)"
			same 0 "$(sql 'SELECT count(*) FROM ferry.ferry_import_item' loads)"
			same 0 "$(sql 'SELECT count(*) FROM ferry.ferry_version_payload' loads)"
		else
			# Loaded before the cut: a shorter window, a new
			# instance.
			window=$(shorter "$window")
			fresh=0
		fi
	done
	echo "# 5 loads, load $window ms: $stopped cut" >&3
	[ "$stopped" -ge 2 ]
}

# hold_writer_lock DB SECONDS: another writer holds the lock of the
# instance in DB (in the background) for SECONDS; waits until it is held.
hold_writer_lock() {
	psql -X -q -d "$1" -c "BEGIN; SELECT pg_advisory_xact_lock(1718773106, 1);
		SELECT pg_sleep($2); COMMIT;" >/dev/null &
	holder=$!
	for _ in $(seq 50); do
		[ "$(sql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted" "$1")" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}

# release_writer_lock DB: the other writer goes.
release_writer_lock() {
	sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$1' AND pid <> pg_backend_pid()" >/dev/null
	wait "$holder" 2>/dev/null || true
}

@test "rule: on PostgreSQL, a second writer waits briefly, then says the instance is busy, and changes nothing" {
	sql "DROP DATABASE IF EXISTS lockdb WITH (FORCE)"
	pg lockdb init >/dev/null
	pg lockdb entity create item >/dev/null
	pg lockdb field add item name 'nvarchar(40)' >/dev/null
	hold_writer_lock lockdb 30
	t0=$(now_ms)
	run --separate-stderr pg lockdb record put item '{"name":"waiting"}'
	waited=$(( $(now_ms) - t0 ))
	release_writer_lock lockdb
	echo "$stderr" >&2
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"ferry: the instance is busy (another ferry is writing to it)"* ]]
	# It waited for the other writer (lock_timeout, 5 s) before giving up.
	[ "$waited" -ge 4500 ]
	same 0 "$(sql 'SELECT count(*) FROM ferry.item' lockdb)"
	run --separate-stderr pg lockdb --json user add bob
	[ "$status" -eq 0 ]
}

@test "rule: on PostgreSQL, readers never wait for a writer" {
	sql "DROP DATABASE IF EXISTS lockdb2 WITH (FORCE)"
	pg lockdb2 init >/dev/null
	pg lockdb2 entity create item >/dev/null
	hold_writer_lock lockdb2 30
	# A reader that queued behind the writer would give up after the
	# lock_timeout (5 s) with "busy" and exit 1: each one succeeding while
	# the lock is held for 30 s is the proof.  Each is also timed against
	# that timeout, one by one, so that a slow (sanitizer, loaded) machine
	# does not read as waiting.
	local cmd slowest=0
	for cmd in "entity list" "record list item" "user list"; do
		t0=$(now_ms)
		run --separate-stderr pg lockdb2 $cmd
		waited=$(( $(now_ms) - t0 ))
		[ "$waited" -le "$slowest" ] || slowest=$waited
		[ "$status" -eq 0 ] || break
	done
	release_writer_lock lockdb2
	echo "$cmd: status $status, slowest reader $slowest ms: $stderr" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == *admin* ]]
	[ "$slowest" -lt 4500 ]
}
