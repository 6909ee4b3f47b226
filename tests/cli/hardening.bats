#!/usr/bin/env bats
# hardening.bats - ferry against hostile packages, odd files, busy and
# read-only instances, failing output and interruptions (issue 18;
# docs/security.md).  Read-only mounts and full disks are made in a
# private mount namespace (unshare), so nothing outside the test sees
# them.

load helpers/import_helpers

# in_namespace SCRIPT: run sh -c SCRIPT as root of a private mount
# namespace, with ferry as $F.
in_namespace() {
	F="$FERRY_BIN" unshare -rm sh -c "$1"
}

# Hold the write lock of dst for SECONDS (a long write by another
# process); returns once the lock is held.  On PostgreSQL the writers'
# lock is the advisory lock of src/lib/store/postgres/database.c, held by
# a server process that does not notice its client's death while it
# sleeps: $LOCKER is a shell that, killed (TERM), ends that server
# process and waits for the lock to go, so that the lock is gone once
# $LOCKER is, as with the SQLite locker.
hold_write_lock() {
	if on_postgres; then
		pg_write_locker "$(instance_database "$BATS_TEST_TMPDIR/dst.db")" "$1" &
		LOCKER=$!
		while [ ! -e "$BATS_TEST_TMPDIR/dst.db.locked" ]; do sleep 0.05; done
		return
	fi
	python3 - "$BATS_TEST_TMPDIR/dst.db" "$1" <<'EOF' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("UPDATE ferry_instance SET name = name")
open(sys.argv[1] + ".locked", "w").close()
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
EOF
	LOCKER=$!
	while [ ! -e "$BATS_TEST_TMPDIR/dst.db.locked" ]; do sleep 0.05; done
}

# pg_write_locker DATABASE SECONDS: the PostgreSQL side of
# hold_write_lock.
pg_write_locker() {
	local db=$1
	trap 'pg_release_locker "$db"; exit 0' TERM
	PGAPPNAME=ferry-test-locker psql -X -q -d "$db" >/dev/null 2>&1 <<SQL &
BEGIN;
SELECT pg_advisory_xact_lock(1718773106, 1);
UPDATE ferry.ferry_instance SET name = name;
\\! touch "$BATS_TEST_TMPDIR/dst.db.locked"
SELECT pg_sleep($2);
ROLLBACK;
SQL
	wait $!
}

# pg_release_locker DATABASE: end the locker's server process and wait
# until its lock is gone.
pg_release_locker() {
	psql -X -q -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ferry-test-locker' AND datname = '$1'" >/dev/null
	while [ "$(psql -X -q -A -t -d postgres -c "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.classid = 1718773106 AND l.objid = 1 AND d.datname = '$1'")" != 0 ]; do
		sleep 0.05
	done
}

# make_change [export options]: the pair, and p2.sop changing ann's age
# (A), exported with those options.
make_change() {
	setup_pair
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	export_pack p2 "$@"
}

# A package of N identical minimal items, zstd at its best ratio.
bomb() {
	python3 - "$1" <<'EOF' | zstd -19 -q -c >bomb.sop
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
out.write(b'{"format":"ferry-sop","format_version":1,"kind":"local_pack",'
          b'"mode":"pack","pack":{"id":"1b4e28ba-2fa1-11d2-883f-'
          b'0016d3cca427","name":"bomb"}}\n')
out.write(b'{"t":"record"}\n' * n)
out.write(b'{"trailer":"ferry-sop","items":%d,"stamp":"%s","hash":"%s"}\n'
          % (n, b"0" * 64, b"0" * 64))
EOF
}

# completed_pack_while_locked: the pair, a completed pack p of dst with one
# record, and the write lock of dst.db held for 30 seconds ($LOCKER).
completed_pack_while_locked() {
	setup_pair
	dst pack create p --use >/dev/null
	dst record put member '{"name":"cy"}' >/dev/null
	dst pack complete p >/dev/null
	hold_write_lock 30
}

@test "rule: readers do not take the write lock: they run beside a long write" {
	completed_pack_while_locked
	for cmd in "info" "record list member" "pack list" "pack show p" \
		"import list" "entity list" "user list" "property list"; do
		run --separate-stderr dst $cmd
		[ "$status" -eq 0 ] || { echo "$cmd: $stderr" >&2; kill $LOCKER; return 1; }
	done
	run --separate-stderr dst pack export p --output p.sop
	[ "$status" -eq 0 ] || { echo "export: $stderr" >&2; kill $LOCKER; return 1; }
	mkdir packs
	run --separate-stderr dst entity pack member --dir packs
	[ "$status" -eq 0 ] || { echo "entity pack: $stderr" >&2; kill $LOCKER; return 1; }
	kill $LOCKER
	[ -f p.sop ]
	[ -f packs/member.sop ]
}

@test "rule: a first export beside a long write is made all the same, with a warning that it was not noted" {
	completed_pack_while_locked
	run --separate-stderr dst pack export p --output p.sop
	kill $LOCKER
	[ "$status" -eq 0 ]
	[ -s p.sop ]
	same "ferry: warning: the instance could not note that pack 'p' was exported (it is busy or read-only): 'ferry pack delete' treats it as never exported until it is exported again" "$stderr"
	same "" "$(sqlite3 dst.db "SELECT coalesce(exported_at, '') FROM ferry_pack WHERE name = 'p'")"
	# Once the writer is gone the next export is noted, without a word.
	while kill -0 $LOCKER 2>/dev/null; do sleep 0.05; done
	run --separate-stderr dst pack export p --output p2.sop
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ -n "$(sqlite3 dst.db "SELECT exported_at FROM ferry_pack WHERE name = 'p'")" ]
}

@test "rule: a read-only instance (read-only mount) can be read and exported, not changed" {
	skip_on_postgres "a read-only mount of the instance file"
	setup_pair
	dst pack create p --use >/dev/null
	dst record put member '{"name":"cy"}' >/dev/null
	dst pack complete p >/dev/null
	mkdir ro
	cp dst.db ro/i.db
	run in_namespace 'mount --bind ro ro && mount -o remount,bind,ro ro &&
		"$F" --db ro/i.db info >info.txt &&
		"$F" --db ro/i.db pack export p --output p.sop 2>export.txt &&
		"$F" --db ro/i.db record list member >list.txt &&
		"$F" --db ro/i.db --json import list >imports.txt &&
		"$F" --db ro/i.db pack list >packs.txt || exit 10
		"$F" --db ro/i.db record put member "{\"name\":\"x\"}"'
	[ "$status" -eq 1 ]
	[[ "$output" == *"ferry: ro/i.db is read-only and "*"would change it; run this where the file can be written"* ]]
	grep -q '^name: test$' info.txt
	# The first export cannot be noted in a read-only file: it is made,
	# with the warning.
	[ -s p.sop ]
	same "ferry: warning: the instance could not note that pack 'p' was exported (it is busy or read-only): 'ferry pack delete' treats it as never exported until it is exported again" "$(cat export.txt)"
	[ "$(wc -l <list.txt)" -eq 3 ]
	same 1 "$(jp 'len(d)' <imports.txt)"
	cmp dst.db ro/i.db
}

@test "rule: an empty file is refused and left untouched (not switched to WAL)" {
	skip_on_postgres "an empty instance file"
	: >empty.db
	expect_error 1 "empty.db is not a ferry instance; it was left untouched" \
		"$FERRY_BIN" --db empty.db info
	[ ! -s empty.db ]
	[ ! -e empty.db-wal ]
	[ ! -e empty.db-shm ]
}

@test "rule: a foreign SQLite file is refused and left untouched (not switched to WAL)" {
	skip_on_postgres "a foreign SQLite file"
	sqlite3 foreign.db 'CREATE TABLE t(x); INSERT INTO t VALUES (1)'
	cp foreign.db before.db
	expect_error 1 "foreign.db is not a ferry instance; it was left untouched" \
		"$FERRY_BIN" --db foreign.db record list t
	cmp foreign.db before.db
	same delete "$(sqlite3 foreign.db 'PRAGMA journal_mode')"
	[ ! -e foreign.db-wal ]
}

@test "rule: a file that is not SQLite is refused in ferry's words, untouched" {
	skip_on_postgres "a file that is not SQLite"
	printf 'hello, not a database\n' >text.db
	cp text.db before.db
	expect_error 1 "text.db is not a ferry instance; it was left untouched" \
		"$FERRY_BIN" --db text.db info
	[[ "$stderr" != *"file is not a database"* ]]
	cmp text.db before.db
}

@test "rule: :memory: and other paths that are not files are refused" {
	skip_on_postgres "paths that are not files"
	expect_error 1 "':memory:' is not a file path; an instance is a file" \
		"$FERRY_BIN" --db :memory: init
	[ ! -e :memory: ]
	expect_error 1 "':memory:' is not a file path" "$FERRY_BIN" --db :memory: info
	mkdir d.db
	expect_error 1 "d.db is not a file" "$FERRY_BIN" --db d.db info
}

@test "rule: a 10M-item decompression bomb is refused fast while streaming, nothing written" {
	setup_pair
	bomb 10000000
	[ "$(stat -c %s bomb.sop)" -lt 20000 ]
	snapshot
	on_postgres || cp dst.db before.db
	imports=$(dst --json import list)
	expect_error 1 "bomb.sop: the compressed data expands more than 1000 times (a decompression bomb)" \
		dst import load bomb.sop
	# CPU time, not wall time: a busy machine must not fail the test
	ms=$(python3 -c '
import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
print(int((ru.ru_utime + ru.ru_stime) * 1000))
' "$FERRY_BIN" --db dst.db import load bomb.sop)
	echo "refused in ${ms} ms of CPU" >&3
	[ "$ms" -lt 1000 ]
	assert_unchanged
	on_postgres || cmp dst.db before.db
	same "$imports" "$(dst --json import list)"
	# inspect streams through the same reader and limits
	expect_error 1 "a decompression bomb" dst inspect bomb.sop
}

@test "rule: output write errors fail the command (> /dev/full exits 1 with a message)" {
	setup_pair
	run --separate-stderr sh -c '"$0" --db dst.db info >/dev/full' "$FERRY_BIN"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "ferry: cannot write the output: No space left on device"* ]]
	# With --json the error is JSON too, on stderr.
	run --separate-stderr sh -c '"$0" --db dst.db --json record list member >/dev/full' "$FERRY_BIN"
	[ "$status" -eq 1 ]
	[[ "$stderr" == '{"error":{"code":"io_error","message":"cannot write the output: No space left on device'* ]]
}

@test "rule: --json output on a full disk never exits 0 with truncated JSON" {
	setup_pair
	for i in $(seq 1 60); do echo "{\"name\":\"member number $i with a long name\"}"; done >m.jsonl
	dst record load member m.jsonl >/dev/null
	mkdir small
	run in_namespace 'mount -t tmpfs -o size=8k tmpfs small &&
		head -c 4096 /dev/zero >small/fill &&
		"$F" --db dst.db --json record list member >small/out.json
		echo "status $?"; ls -l small/out.json'
	[[ "$output" == *'{"error":{"code":"io_error","message":"cannot write the output: No space left on device'* ]]
	[[ "$output" == *"status 1"* ]]
}

@test "rule: a backup has the instance's permissions (0600 beside a 0600 instance)" {
	skip_on_postgres "the backup file's mode beside the instance file's"
	make_change
	chmod 600 dst.db
	id=$(load_id p2.sop)
	dst import preview "$id" >/dev/null
	dst import commit "$id" >/dev/null
	backup=$(ls dst.db.backup-*.db)
	same 600 "$(stat -c %a "$backup")"
	chmod 640 dst.db
	dst import backout "$id" >/dev/null
	[ "$(ls dst.db.backup-*.db | wc -l)" -eq 1 ]
	ls ./*.tmp-* 2>/dev/null && return 1
	same ok "$(sqlite3 "$backup" 'PRAGMA integrity_check')"
}

@test "rule: a backup killed midway leaves no partial backup under its real name" {
	skip_on_postgres "a partial SQLite backup file"
	make_change
	python3 -c 'for i in range(300): print("{\"name\":\"filler %d %s\"}" % (i, "x" * 25))' >m.jsonl
	for i in 1 2 3 4 5 6 7 8; do dst record load member m.jsonl >/dev/null; done
	for delay in 0.01 0.02 0.03 0.05 0.08 0.12; do
		id=$(load_id p2.sop)
		dst import preview "$id" >/dev/null
		# (ferry itself, not dst(): $! must be ferry's own process)
		"$FERRY_BIN" --db "$BATS_TEST_TMPDIR/dst.db" import commit "$id" \
			>/dev/null &
		pid=$!
		sleep "$delay"
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" || :
		for b in dst.db.backup-*.db; do
			[ -e "$b" ] || continue
			same ok "$(sqlite3 "$b" 'PRAGMA integrity_check')" "$b"
			same 1 "$(sqlite3 "$b" "SELECT count(*) FROM sqlite_master WHERE name = 'ferry_instance'")" "$b"
		done
		rm -f dst.db.backup-*.db dst.db.backup-*.tmp-*
		dst import backout "$id" >/dev/null 2>&1 || :
	done
}

@test "rule: an export interrupted by SIGTERM or SIGINT leaves no temporary file" {
	src init >/dev/null
	src pack create big --use >/dev/null
	src entity create note >/dev/null
	src field add note body text >/dev/null
	python3 -c 'import base64, os
for i in range(3000): print("{\"body\":\"note %d %s\"}" % (i, base64.b64encode(os.urandom(300)).decode()))' >n.jsonl
	src record load note n.jsonl >/dev/null
	src pack complete big >/dev/null
	for sig in TERM INT TERM INT; do
		"$FERRY_BIN" --db src.db pack export big --output big.sop \
			--overwrite >/dev/null 2>&1 &
		pid=$!
		sleep 0.05
		kill -s "$sig" "$pid" 2>/dev/null || :
		wait "$pid" || :
		ls big.sop.tmp-* 2>/dev/null && return 1
	done
	[ -z "$(ls big.sop.tmp-* 2>/dev/null)" ]
}

@test "rule: names from a package header are escaped on the terminal (ESC, newline)" {
	make_change
	python3 - p2.sop <<'EOF'
import json, sys
path = sys.argv[1]
lines = open(path, "rb").read().split(b"\n")
h = json.loads(lines[0])
h["pack"]["name"] = "evil\x1b[31m\nferry: forged line"
h["source"]["name"] = "src\x1b]0;title\x07"
lines[0] = json.dumps(h, separators=(",", ":")).encode()
open(path, "wb").write(b"\n".join(lines))
EOF
	python3 "$SOP" retrailer p2.sop
	run --separate-stderr dst inspect p2.sop
	[ "$status" -eq 0 ]
	[[ "$output" == *'pack: evil\e[31m\nferry: forged line'* ]]
	[[ "$output" != *$'\x1b'* ]]
	[[ "$output" != *$'\x07'* ]]
	[[ "$output" != *$'\nferry: forged'* ]]
	# --json keeps the names exact, JSON-escaped
	same "evil"$'\x1b'"[31m"$'\n'"ferry: forged line" "$(dst --json inspect p2.sop | jp 'd["pack"]["name"]')"
	# and an error message naming it is escaped too
	run --separate-stderr dst import load p2.sop
	[ "$status" -eq 1 ]
	[[ "$stderr" != *$'\x1b'* ]]
}

@test "rule: a pack name in a header must follow the pack name rule (empty, control characters)" {
	make_change
	cp p2.sop p3.sop
	python3 - p2.sop '' p3.sop $'a\x1b[2Jb' <<'EOF'
import json, sys
for path, name in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    lines = open(path, "rb").read().split(b"\n")
    h = json.loads(lines[0])
    h["pack"]["name"] = name
    lines[0] = json.dumps(h, separators=(",", ":")).encode()
    open(path, "wb").write(b"\n".join(lines))
EOF
	python3 "$SOP" retrailer p2.sop
	python3 "$SOP" retrailer p3.sop
	refused_load p2.sop "p2.sop: the header has no valid pack id and name (a name is 1 to 200 printable characters)"
	refused_load p3.sop "p3.sop: the header has no valid pack id and name"
}

@test "rule: a record's policy edited in a package (trailer recomputed) is caught by the item seal" {
	make_change
	python3 "$SOP" edit p2.sop 2 'it["policy"] = "protected"'
	refused_load p2.sop "p2.sop: item 2 (line 3) (member record $A) does not match its seal: its content, policy or vendor flag was changed after export"
}

@test "rule: a record's vendor flag edited in a package (trailer recomputed) is caught by the item seal" {
	make_change
	python3 "$SOP" edit p2.sop 2 'it["vendor"] = True'
	refused_load p2.sop "does not match its seal: its content, policy or vendor flag was changed after export"
}

@test "rule: a record's payload edited in a format 2 package (trailer recomputed) is caught by the item seal" {
	make_change
	[ -z "$(sed -n 3p p2.sop | grep -o '"version"' || true)" ]
	python3 "$SOP" edit p2.sop 2 'it["payload"]["age"] = 99'
	refused_load p2.sop "p2.sop: item 2 (line 3) (member record $A) does not match its seal: its content, policy or vendor flag was changed after export"
	# Rehashed as a whole (a new seal), the edit is a new package: taken.
	python3 "$SOP" edit p2.sop 2 'pass' --rehash
	dst import load p2.sop >/dev/null 2>&1
}

@test "rule: a format 2 item that writes its version anyway has it checked, as in format 1" {
	make_change
	python3 "$SOP" edit p2.sop 2 'it["version"] = "0" * 64'
	refused_load p2.sop "p2.sop: item 2 (line 3) (member record $A) does not match its version hash: its content was changed after export"
	python3 "$SOP" edit p2.sop 2 'pass' --rehash
	dst import load p2.sop >/dev/null 2>&1
}

@test "rule: a record's payload edited in a format 1 package (trailer recomputed) is caught by its version hash" {
	make_change --format 1
	python3 "$SOP" edit p2.sop 2 'it["payload"]["age"] = 99'
	refused_load p2.sop "p2.sop: item 2 (line 3) (member record $A) does not match its version hash: its content was changed after export"
}

@test "rule: the seal leaves the VersionStamp content-only: same content, same stamp" {
	make_change
	s1=$(python3 "$SOP" items p2.sop | sed -n 2p)
	[[ "$s1" == *'"seal":"'* ]]
	src pack export p2 --output again.sop --uncompressed >/dev/null
	same "$(tail -n 1 p2.sop | jp 'd["stamp"]')" "$(tail -n 1 again.sop | jp 'd["stamp"]')"
}

@test "rule: JSON nested deeper than the one depth limit (500) is refused at record put" {
	src init >/dev/null
	src entity create doc >/dev/null
	src field add doc data json >/dev/null
	deep() { python3 -c "import sys; n=int(sys.argv[1]); print('{\"data\":' + '['*n + ']'*n + '}')" "$1"; }
	run --separate-stderr src record put doc "$(deep 500)"
	[ "$status" -eq 0 ]
	run --separate-stderr src record put doc "$(deep 501)"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"json values nest at most 500 levels deep"* ]]
	run --separate-stderr src record put doc "$(deep 2100)"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"nest too deeply"* ]]
	[[ "$stderr" != *"maximum parsing depth"* ]]
}

@test "rule: a package value nested deeper than the depth limit is refused at load" {
	setup_pair
	src field add member data json >/dev/null
	begin_pack deep
	src record put member "{\"sys_id\":\"$A\",\"data\":[1]}" >/dev/null
	export_pack deep
	python3 "$SOP" edit deep.sop 2 'it["payload"]["data"] = json.loads("["*501 + "]"*501)' --rehash
	dst field add member data json >/dev/null
	refused_load deep.sop "deep.sop: item 2 (line 3)"
}

@test "rule: messages name no library internals (NUL in JSON)" {
	src init >/dev/null
	src entity create doc >/dev/null
	src field add doc name text >/dev/null
	run --separate-stderr src record put doc '{"name":"a\u0000b"}'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"text may not contain NUL characters"* ]]
	[[ "$stderr" != *"JSON_ALLOW_NUL"* ]]
}
