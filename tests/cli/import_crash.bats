#!/usr/bin/env bats
# import_crash.bats - a commit killed at any moment leaves the target
# exactly as before or exactly fully committed (docs/import.md,
# "Atomicity"); a load killed at any moment leaves no import, a loaded
# one, or a loading one that discard removes (docs/import.md, "Load").
#
# A package of 20,000 inserts (referencing each other), 100 updates and
# 50 deletes is committed again and again into copies of one loaded
# instance, and each ferry process is killed with SIGKILL after a random
# delay.  After each kill, the content of the entity table, the catalog
# and the version history must hash to the "before" or the "after" state
# of an undisturbed reference commit, and PRAGMA integrity_check must say
# ok.

load helpers/import_helpers

RUNS=${FERRY_CRASH_RUNS:-25}

# The target's content, as one hash: rows of the entity, the catalog and
# every version, in a fixed order.  sqlite3 recovers a killed writer's
# journal when it opens the file, as ferry would.
content() {
	sqlite3 "$1" "SELECT * FROM item ORDER BY sys_id;
		SELECT * FROM sys_entity ORDER BY name;
		SELECT * FROM sys_field ORDER BY entity, name;
		SELECT * FROM ferry_version ORDER BY id;" | sha256sum | cut -d' ' -f1
}

now_ms() {
	date +%s%3N
}

# kill_within MS CMD...: run CMD in the background and kill it with
# SIGKILL after a random delay of up to 1.2 times MS (kept in
# kill_delay); true when the signal cut it.  (kill succeeds on a process
# that has ended but is not yet waited for: the exit status tells.)
kill_within() {
	local duration=$1 pid st=0
	shift
	kill_delay=$(( RANDOM % (duration + duration / 5 + 1) ))
	"$@" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((kill_delay / 1000)) $((kill_delay % 1000)))"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || st=$?
	[ "$st" -eq 137 ]
}

@test "rule: a commit killed at any moment leaves the target as before or fully committed" {
	skip_on_postgres "copies of the instance file, checked with PRAGMA integrity_check"
	src init --name dev >/dev/null
	src pack create base --use >/dev/null
	src entity create item >/dev/null
	src field add item name 'nvarchar(40)' >/dev/null
	src field add item qty int >/dev/null
	src field add item price 'decimal(10,2)' >/dev/null
	src field add item parent 'ref(item)' >/dev/null
	python3 - >base.jsonl <<'EOF'
import uuid
for i in range(200):
    print('{"sys_id":"%s","name":"base %d","qty":%d}' % (uuid.uuid4(), i, i))
EOF
	src record load item base.jsonl >/dev/null
	export_pack base
	begin_pack p2
	python3 - >p2.jsonl <<'EOF'
import json, uuid
base = [json.loads(l)["sys_id"] for l in open("base.jsonl")]
ids = [str(uuid.uuid4()) for i in range(20000)]
for i, u in enumerate(ids):
    ref = ',"parent":"%s"' % ids[i - 1] if i else ''
    print('{"sys_id":"%s","name":"item %d","qty":%d,"price":"%d.25"%s}'
          % (u, i, i, i, ref))
# and a cycle through all of them
print('{"sys_id":"%s","parent":"%s"}' % (ids[0], ids[-1]))
for u in base[:100]:
    print('{"sys_id":"%s","qty":-1}' % u)
EOF
	src record load item p2.jsonl >/dev/null
	python3 -c 'import json; [print(json.loads(l)["sys_id"]) for l in list(open("base.jsonl"))[150:]]' |
	while read -r id; do src record delete item "$id" >/dev/null; done
	export_pack p2
	dst init >/dev/null
	dst import apply base.sop --no-backup >/dev/null
	id=$(load_id p2.sop)
	run dst import preview "$id"
	[ "$status" -eq 0 ]
	sqlite3 dst.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	cp dst.db pristine.db
	before=$(content pristine.db)

	# The undisturbed commit: the "after" state, and how long it takes.
	cp pristine.db ref.db
	t0=$(now_ms)
	"$FERRY_BIN" --db ref.db import commit "$id" --no-backup >/dev/null
	duration=$(( $(now_ms) - t0 ))
	after=$(content ref.db)
	[ "$before" != "$after" ]
	same 20150 "$(sqlite3 ref.db 'SELECT count(*) FROM item')"

	killed=0 befores=0 afters=0
	for run in $(seq "$RUNS"); do
		rm -f work.db work.db-wal work.db-shm work.db.backup-*
		cp pristine.db work.db
		# Kill points spread over the whole commit, backup included on
		# every other run.
		backup=--no-backup
		[ $((run % 2)) -eq 0 ] && backup=
		if kill_within "$duration" "$FERRY_BIN" --db work.db import \
		    commit "$id" $backup; then
			killed=$((killed + 1))
		fi
		same ok "$(sqlite3 work.db 'PRAGMA integrity_check')" "run $run"
		state=$(content work.db)
		if [ "$state" = "$before" ]; then
			befores=$((befores + 1))
		elif [ "$state" = "$after" ]; then
			afters=$((afters + 1))
		else
			echo "run $run (killed after ${kill_delay} ms): the target is neither as before nor fully committed" >&2
			return 1
		fi
	done
	echo "# $RUNS runs, commit ${duration} ms: $killed killed, $befores before, $afters after" >&3
	[ "$killed" -ge $((RUNS / 2)) ]
	[ "$befores" -ge 1 ]
}

# The target's content and its imports, as one hash (a load writes no
# record: its staging and its import row are what it leaves).
dump_hash() {
	sqlite3 "$1" .dump | sha256sum | cut -d' ' -f1
}

@test "rule: a load killed at any moment leaves no import, a loaded one, or a loading one that discard removes" {
	skip_on_postgres "copies of the instance file, checked with PRAGMA integrity_check"
	src init --name dev >/dev/null
	src pack create p1 --use >/dev/null
	src entity create item >/dev/null
	src field add item name 'nvarchar(40)' >/dev/null
	src field add item parent 'ref(item)' >/dev/null
	python3 - >p1.jsonl <<'PY'
import uuid
ids = [str(uuid.uuid4()) for i in range(20000)]
for i, u in enumerate(ids):
    ref = ',"parent":"%s"' % ids[i - 1] if i else ''
    print('{"sys_id":"%s","name":"item %d"%s}' % (u, i, ref))
PY
	src record load item p1.jsonl >/dev/null
	export_pack p1
	dst init >/dev/null
	sqlite3 dst.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	cp dst.db pristine.db
	before=$(dump_hash pristine.db)

	# The undisturbed load, and how long it takes.
	cp pristine.db ref.db
	t0=$(now_ms)
	"$FERRY_BIN" --db ref.db import load p1.sop >/dev/null 2>&1
	duration=$(( $(now_ms) - t0 ))

	killed=0 nones=0 loadeds=0 loadings=0
	for run in $(seq "$RUNS"); do
		rm -f work.db work.db-wal work.db-shm
		cp pristine.db work.db
		if kill_within "$duration" "$FERRY_BIN" --db work.db import \
		    load p1.sop; then
			killed=$((killed + 1))
		fi
		same ok "$(sqlite3 work.db 'PRAGMA integrity_check')" "run $run"
		state=$("$FERRY_BIN" --db work.db --json import list | jp "d[0]['state'] if d else 'none'")
		case $state in
		none)
			same "$before" "$(dump_hash work.db)" "run $run: no import, so as before"
			nones=$((nones + 1)) ;;
		loaded)
			run "$FERRY_BIN" --db work.db import preview 1
			[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
			loadeds=$((loadeds + 1)) ;;
		loading)
			run "$FERRY_BIN" --db work.db import preview 1
			[ "$status" -eq 1 ]
			[[ "$output" == *"its load has not finished"* ]]
			"$FERRY_BIN" --db work.db import discard 1 >/dev/null
			same "$before" "$(dump_hash work.db)" "run $run: discarded, so as before"
			loadings=$((loadings + 1)) ;;
		*)
			echo "run $run (killed after ${kill_delay} ms): import state $state" >&2
			return 1 ;;
		esac
	done
	echo "# $RUNS runs, load ${duration} ms: $killed killed, $nones without import, $loadings loading, $loadeds loaded" >&3
	# (a load is short: a busy machine moves its end by a good part
	# of it, so fewer kills land than in the commit's runs)
	[ "$killed" -ge $((RUNS / 3)) ]
}
