#!/usr/bin/env bats
# records.bats - records: put, get, list, delete, load, protection,
# versions, history, restore, identity across instances, errors that
# leave the instance unchanged (issue 2).

load foundation_helpers

UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
FIXED=0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f

history() {
	ferry --json record history "$@"
}

# load_refused_at_line_2 FILE ID: record load member FILE fails at its
# line 2, naming the record ID it refers to, and changes nothing.
load_refused_at_line_2() {
	snapshot
	run --separate-stderr ferry record load member "$1"
	[ "$status" -eq 1 ] || return 1
	[[ "$stderr" == *"line 2: "*"$2"* ]] || return 1
	assert_unchanged
}

# A member entity whose records may refer to a club.
init_member_club() {
	init_member
	ferry entity create club >/dev/null
	ferry field add club name 'nvarchar(20)' >/dev/null
	ferry field add member club 'ref(club)' >/dev/null
}

@test "rule: record put without sys_id inserts and prints the new sys_id" {
	init_member
	run --separate-stderr ferry record put member '{"name":"Ann","age":30}'
	[ "$status" -eq 0 ]
	[[ "$output" =~ $UUID_RE ]]
	id=$output
	run ferry --json record put member '{"name":"Bob"}'
	[[ "$(echo "$output" | jp 'd["sys_id"]')" =~ $UUID_RE ]]
	same 2 "$(sql 'SELECT count(*) FROM member')"
	same "Ann|30" "$(sql "SELECT name, age FROM member WHERE sys_id = '$id'")"
}

@test "rule: record get --json: sys_id, sys_policy, sys_vendor, sys_version, audit columns, fields" {
	init_member
	id=$(ferry record put member '{"name":"Ann","age":30}')
	run ferry --json record get member "$id"
	[ "$status" -eq 0 ]
	same '["sys_id","sys_policy","sys_vendor","sys_version","sys_created_at","sys_created_by","sys_updated_at","sys_updated_by","age","name"]' "$(echo "$output" | jp 'list(d.keys())')"
	same "$id" "$(echo "$output" | jp 'd["sys_id"]')"
	same open "$(echo "$output" | jp 'd["sys_policy"]')"
	same false "$(echo "$output" | jp 'd["sys_vendor"]')"
	same "$(sql "SELECT hash FROM ferry_version WHERE sys_id = '$id'")" "$(echo "$output" | jp 'd["sys_version"]')"
	same "$NOW" "$(echo "$output" | jp 'd["sys_created_at"]')"
	same admin "$(echo "$output" | jp 'd["sys_created_by"]')"
	same 30 "$(echo "$output" | jp 'd["age"]')"
	# Without --json, the same document indented for people.
	run ferry record get member "$id"
	[[ "$output" == *'"name": "Ann"'* ]]
}

@test "rule: record put with sys_id updates only the fields it names; null clears" {
	init_member
	id=$(ferry record put member '{"name":"Ann","age":30}')
	run ferry record put member "{\"sys_id\":\"$id\",\"age\":31}"
	[ "$status" -eq 0 ]
	same "$id" "$output"
	same "Ann|31" "$(sql "SELECT name, age FROM member")"
	ferry record put member "{\"sys_id\":\"$id\",\"name\":null}" >/dev/null
	same "|31" "$(sql "SELECT name, age FROM member")"
	same admin "$(sql "SELECT sys_updated_by FROM member")"
}

@test "rule: record put of an unknown sys_id is refused (put never invents a record)" {
	init_member
	refused "no member record with sys_id $FIXED; leave sys_id out to insert" record put member "{\"sys_id\":\"$FIXED\",\"name\":\"x\"}"
	refused "'ABC' is not a sys_id" record put member '{"sys_id":"ABC"}'
	refused "sys_id must be a string" record put member '{"sys_id":5}'
}

@test "rule: record list prints JSON Lines ordered by sys_id; --json one array" {
	init_member
	run ferry --json record list member
	same "[]" "$output"
	for n in a b c; do ferry record put member "{\"name\":\"$n\"}" >/dev/null; done
	run ferry record list member
	[ "${#lines[@]}" -eq 3 ]
	for l in "${lines[@]}"; do echo "$l" | jp 'd["sys_id"]' >/dev/null; done
	same "$(sql 'SELECT sys_id FROM member ORDER BY sys_id' | tr '\n' ' ')" "$(for l in "${lines[@]}"; do echo "$l" | jp 'd["sys_id"]'; done | tr '\n' ' ')"
	run ferry --json record list member
	same 3 "$(echo "$output" | jp 'len(d)')"
	same '["a","b","c"]' "$(echo "$output" | jp 'sorted(r["name"] for r in d)')"
}

@test "rule: record delete removes the row and keeps its history" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	run ferry record delete member "$id"
	[ "$status" -eq 0 ]
	same "deleted member $id" "$output"
	same 0 "$(sql 'SELECT count(*) FROM member')"
	expect_error 1 "no member record with sys_id $id" record get member "$id"
	run history member "$id"
	same '["insert","delete"]' "$(echo "$output" | jp '[v["action"] for v in d]')"
	# The delete's payload records what was deleted.
	same '{"name":"Ann"}' "$(echo "$output" | jp 'd[1]["payload"]')"
	refused "no member record with sys_id $id" record delete member "$id"
}

@test "rule: every insert, update and delete writes a version chained to its parent" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	ferry record put member "{\"sys_id\":\"$id\",\"age\":3}" >/dev/null
	FERRY_NOW=2022-01-01T00:00:00Z ferry record delete member "$id" >/dev/null
	run history member "$id"
	[ "$status" -eq 0 ]
	same 3 "$(echo "$output" | jp 'len(d)')"
	same '["insert","update","delete"]' "$(echo "$output" | jp '[v["action"] for v in d]')"
	same null "$(echo "$output" | jp 'd[0]["parent"]')"
	same "$(echo "$output" | jp 'd[0]["version"]')" "$(echo "$output" | jp 'd[1]["parent"]')"
	same "$(echo "$output" | jp 'd[1]["version"]')" "$(echo "$output" | jp 'd[2]["parent"]')"
	same '["admin","admin","admin"]' "$(echo "$output" | jp '[v["author"] for v in d]')"
	same '["2021-12-31T12:00:00Z","2021-12-31T12:00:00Z","2022-01-01T00:00:00Z"]' "$(echo "$output" | jp '[v["at"] for v in d]')"
	same '["Default","Default","Default"]' "$(echo "$output" | jp '[v["pack"] for v in d]')"
	same '["local","local","local"]' "$(echo "$output" | jp '[v["source"] for v in d]')"
	for k in version parent action author at pack source; do
		same True "$(echo "$output" | jp "str(all('$k' in v for v in d))")" "$k"
	done
}

@test "rule: sys_version is the hash of the latest version" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	ferry record put member "{\"sys_id\":\"$id\",\"name\":\"Bo\"}" >/dev/null
	run history member "$id"
	last=$(echo "$output" | jp 'd[-1]["version"]')
	[[ "$last" =~ ^[0-9a-f]{64}$ ]]
	run ferry --json record get member "$id"
	same "$last" "$(echo "$output" | jp 'd["sys_version"]')"
}

@test "rule: history for people shows short hashes" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	run ferry record history member "$id"
	[[ "${lines[0]}" == version*action*author*at*pack*source* ]]
	[[ "${lines[1]}" =~ ^[0-9a-f]{12}\ +insert\ +admin ]]
}

@test "rule: writing what is already there writes no version" {
	init_member
	id=$(ferry record put member '{"name":"Ann","age":3}')
	ferry record put member "{\"sys_id\":\"$id\",\"name\":\"Ann\"}" >/dev/null
	printf '{"sys_id":"%s","name":"Ann","age":3}\n' "$id" >same.jsonl
	ferry record load member same.jsonl >/dev/null
	run history member "$id"
	same 1 "$(echo "$output" | jp 'len(d)')"
	run ferry --json record get member "$id"
	same open "$(echo "$output" | jp 'd["sys_policy"]')"
	ferry record put member "{\"sys_id\":\"$id\",\"age\":4}" >/dev/null
	ferry record put member "{\"sys_id\":\"$id\",\"age\":4}" >/dev/null
	run history member "$id"
	same 2 "$(echo "$output" | jp 'len(d)')"
}

@test "rule: protection: a record is open when created and changed once edited" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	same open "$(sql "SELECT sys_policy FROM member")"
	ferry record put member "{\"sys_id\":\"$id\",\"age\":1}" >/dev/null
	same changed "$(sql "SELECT sys_policy FROM member")"
	ferry record put member "{\"sys_id\":\"$id\",\"age\":2}" >/dev/null
	same changed "$(sql "SELECT sys_policy FROM member")"
	same "open
changed
changed" "$(sql "SELECT policy FROM ferry_version WHERE entity = 'member' ORDER BY id")"
}

@test "rule: a protected record refuses every local edit" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	ferry record put member "{\"sys_id\":\"$id\",\"age\":1}" >/dev/null
	first=$(sql "SELECT hash FROM ferry_version WHERE sys_id = '$id' ORDER BY id LIMIT 1")
	# Simulates a record delivered by an installed application: only an
	# import can make a record protected.
	sql "UPDATE member SET sys_policy = 'protected' WHERE sys_id = '$id'"
	msg="member record $id is protected: it belongs to an installed application and cannot be changed locally"
	refused "$msg" record put member "{\"sys_id\":\"$id\",\"name\":\"Bob\"}"
	refused "$msg" record delete member "$id"
	refused "$msg" record restore member "$id" "$first"
	printf '{"name":"new"}\n{"sys_id":"%s","age":9}\n' "$id" >edit.jsonl
	refused "line 2: $msg" record load member edit.jsonl
	# Writing exactly what is there is no edit, so no refusal either.
	run ferry record put member "{\"sys_id\":\"$id\",\"name\":\"Ann\"}"
	[ "$status" -eq 0 ]
	# Reading is fine.
	run ferry --json record get member "$id"
	same protected "$(echo "$output" | jp 'd["sys_policy"]')"
}

@test "rule: record load inserts JSON Lines in one transaction and reports the count" {
	init_member
	printf '{"name":"a","age":1}\n\n{"name":"b"}\r\n   \n{"sys_id":"%s","name":"c"}\n' "$FIXED" >in.jsonl
	run --separate-stderr ferry record load member in.jsonl
	[ "$status" -eq 0 ]
	same "loaded 3 member records" "$output"
	same "a
b
c" "$(sql 'SELECT name FROM member ORDER BY name')"
	# A line with a sys_id inserts under that id, or updates it.
	same c "$(sql "SELECT name FROM member WHERE sys_id = '$FIXED'")"
	printf '{"sys_id":"%s","name":"c2"}\n' "$FIXED" | ferry --json record load member - >out.json
	same '{"entity":"member","records":1}' "$(cat out.json)"
	same c2 "$(sql "SELECT name FROM member WHERE sys_id = '$FIXED'")"
	same changed "$(sql "SELECT sys_policy FROM member WHERE sys_id = '$FIXED'")"
}

# A load into an entity that never had a record looks up only the sys_ids
# its own earlier batches wrote (record_load.c, its filter of written
# sys_ids); an entity whose records were all deleted keeps their history,
# and a load finds it there.
@test "rule: record load into a new entity finds its own records across batches, and a deleted record's history" {
	init_member
	A=0d000000-0000-4000-8000-00000000000a
	# 600 lines, three batches: the record is inserted in the first and
	# changed in the third.
	awk -v a="$A" 'BEGIN {
		printf "{\"sys_id\":\"%s\",\"name\":\"first\"}\n", a
		for (i = 1; i < 599; i++) printf "{\"name\":\"n%d\"}\n", i
		printf "{\"sys_id\":\"%s\",\"name\":\"last\"}\n", a
	}' >new.jsonl
	run --separate-stderr ferry record load member new.jsonl
	[ "$status" -eq 0 ]
	same "599|last" "$(sql "SELECT count(*), max(CASE WHEN sys_id = '$A' THEN name END) FROM member")"
	same "insert update" "$(sql "SELECT group_concat(action, ' ') FROM (SELECT action FROM ferry_version WHERE sys_id = '$A' ORDER BY id)")"
	# The second file of one load finds what the first wrote.
	printf '{"sys_id":"%s","name":"again"}\n' "$A" >again.jsonl
	ferry record load member again.jsonl member again.jsonl >/dev/null
	same "again|2" "$(sql "SELECT name, (SELECT count(*) FROM ferry_version WHERE sys_id = '$A' AND action = 'update') FROM member WHERE sys_id = '$A'")"
	# Every record deleted: the next load's record comes back as the
	# child of its delete.
	sql "SELECT sys_id FROM member" | while read -r id; do ferry record delete member "$id" >/dev/null; done
	same 0 "$(sql 'SELECT count(*) FROM member')"
	printf '{"sys_id":"%s","name":"back"}\n' "$A" >back.jsonl
	ferry record load member back.jsonl >/dev/null
	same "insert|delete" "$(sql "SELECT v.action, p.action FROM ferry_version v JOIN ferry_version p ON p.hash = v.parent WHERE v.sys_id = '$A' ORDER BY v.id DESC LIMIT 1")"
}

# Several ENTITY FILE pairs load in turn, in one transaction: a file may
# refer to records an earlier file loads, and a bad line anywhere leaves
# nothing of any file.
@test "rule: record load of several entity files loads them all in one transaction, or none" {
	init_member_club
	C=0c000000-0000-4000-8000-000000000001
	printf '{"sys_id":"%s","name":"Chess"}\n{"name":"Go"}\n' "$C" >clubs.jsonl
	printf '{"name":"Ann","club":"%s"}\n{"name":"Bob"}\n{"name":"Cy"}\n' "$C" >members.jsonl
	run --separate-stderr ferry record load club clubs.jsonl member members.jsonl
	[ "$status" -eq 0 ]
	same "loaded 2 club records from clubs.jsonl
loaded 3 member records from members.jsonl
loaded 5 records in one transaction" "$output"
	same "Ann|$C" "$(sql 'SELECT name, club FROM member WHERE club IS NOT NULL')"
	# Each record has its version, captured like a load of each file alone.
	same 5 "$(sql "SELECT count(*) FROM ferry_version WHERE entity IN ('club', 'member')")"
	# --json: the total and each pair's count, in order.
	printf '{"name":"Dee"}\n' >more.jsonl
	run --separate-stderr ferry --json record load member more.jsonl club - <<<'{"name":"Bridge"}'
	[ "$status" -eq 0 ]
	same '{"records":2,"loads":[{"entity":"member","file":"more.jsonl","records":1},{"entity":"club","file":"-","records":1}]}' "$output"
	# A bad line of the second file: nothing of the first is written,
	# and the message names the file, then the line.
	printf '{"name":"Eve"}\n' >ok.jsonl
	printf '{"name":"Fay"}\n{"name":"Gus","age":"x"}\n' >bad.jsonl
	refused "bad.jsonl: line 2: member.age: int takes an integer; got a string" \
		record load club ok.jsonl member bad.jsonl
	# stdin is named so in a message.
	refused "stdin: line 1: member.age: int takes an integer; got a string" \
		record load club ok.jsonl member - <<<'{"name":"Ida","age":"y"}'
	# A wrong entity anywhere fails before any file is read.
	printf '{"name":"Hal"}\n' >other.jsonl
	refused "other.jsonl: no entity 'nosuch'" record load club ok.jsonl nosuch other.jsonl
	# Usage: an entity without a file; stdin twice.
	snapshot
	run --separate-stderr ferry record load club ok.jsonl member
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'member' has no file"* ]]
	run --separate-stderr ferry record load club - member - </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"stdin (-) can be read only once"* ]]
	assert_unchanged
}

# The lines of a load that change records are written a batch at a time
# (record_load.c); each must leave what a put of it leaves.  The same
# changes go to two instances, one by `record load`, one a `record put`
# a line; versions, rows and the pack's items must match, hash for hash.
@test "rule: record load changes records exactly as a put of each line does" {
	A=0a000000-0000-4000-8000-000000000001
	B=0a000000-0000-4000-8000-000000000002
	C=0a000000-0000-4000-8000-000000000003
	D=0a000000-0000-4000-8000-000000000004
	N=0a000000-0000-4000-8000-000000000005
	printf '{"sys_id":"%s","name":"Ann","age":30}\n{"sys_id":"%s","name":"Bob","age":40}\n{"sys_id":"%s","name":"Cy"}\n{"sys_id":"%s","name":"Di","age":7}\n' \
		"$A" "$B" "$C" "$D" >base.jsonl
	# A change, a line with what is there already, the same record
	# twice (the second sees the first), a new record between the
	# changes and a change that refers to it, a field cleared, and
	# a change to a record its pack captured before.
	{
		printf '{"sys_id":"%s","age":31}\n' "$A"
		printf '{"sys_id":"%s","name":"Bob","age":40}\n' "$B"
		printf '{"sys_id":"%s","name":"Cyd","buddy":"%s"}\n' "$C" "$A"
		printf '{"sys_id":"%s","name":"New","buddy":"%s"}\n' "$N" "$C"
		printf '{"sys_id":"%s","age":null,"buddy":"%s"}\n' "$D" "$N"
		printf '{"sys_id":"%s","age":5}\n' "$C"
		printf '{"sys_id":"%s","name":"Anne"}\n' "$A"
	} >changes.jsonl
	for db in load put; do
		export FERRY_DB="$BATS_TEST_TMPDIR/$db.db"
		init_member
		ferry field add member buddy 'ref(member)' >/dev/null
		ferry record load member base.jsonl >/dev/null
		ferry pack create P --use >/dev/null
		ferry record put member "{\"sys_id\":\"$D\",\"name\":\"Dee\"}" >/dev/null
	done
	export FERRY_DB="$BATS_TEST_TMPDIR/load.db"
	run --separate-stderr ferry record load member changes.jsonl
	[ "$status" -eq 0 ]
	same "loaded 7 member records" "$output"
	export FERRY_DB="$BATS_TEST_TMPDIR/put.db"
	while IFS= read -r line; do
		case "$line" in
		*'"New"'*) printf '%s\n' "$line" | ferry record load member - >/dev/null ;;
		*) ferry record put member "$line" >/dev/null ;;
		esac
	done <changes.jsonl
	for db in load put; do
		export FERRY_DB="$BATS_TEST_TMPDIR/$db.db"
		sql "SELECT v.entity, v.sys_id, v.action, v.hash, v.parent, v.policy, v.vendor, v.author, v.at, p.name FROM ferry_version v LEFT JOIN ferry_pack p ON p.id = v.pack_id WHERE v.entity = 'member' ORDER BY v.id" >"$db.versions"
		sql "SELECT sys_id, name, age, buddy, sys_policy, sys_vendor, sys_version, sys_updated_at FROM member ORDER BY sys_id" >"$db.rows"
		sql "SELECT i.sys_id, v.hash, i.base, i.old FROM ferry_pack_item i JOIN ferry_pack p ON p.id = i.pack_id JOIN ferry_version v ON v.id = i.version_id WHERE p.name = 'P' ORDER BY i.sys_id" >"$db.items"
	done
	diff -u put.versions load.versions
	diff -u put.rows load.rows
	diff -u put.items load.items
	# What was asked happened: B unchanged (one version), C changed
	# twice, the old values kept for export against each base.
	same 1 "$(grep -c "|$B|" load.versions)"
	same 3 "$(grep -c "|$C|" load.versions)"
	same "Cyd|5|$A|changed" "$(sql "SELECT name, age, buddy, sys_policy FROM member WHERE sys_id = '$C'")"
	same '{"age":null,"buddy":null,"name":"Cy"}' "$(sql "SELECT i.old FROM ferry_pack_item i JOIN ferry_pack p ON p.id = i.pack_id WHERE p.name = 'P' AND i.sys_id = '$C'")"
	same '{"age":7,"buddy":null,"name":"Di"}' "$(sql "SELECT i.old FROM ferry_pack_item i JOIN ferry_pack p ON p.id = i.pack_id WHERE p.name = 'P' AND i.sys_id = '$D'")"
}

# A load of many lines is written a batch at a time (a few hundred lines,
# record_load.c): a record made in one batch and changed in later ones,
# and a new record that refers to one made batches before, chain their
# versions as single puts would.
@test "rule: record load chains a record's versions across its batches" {
	init_member
	ferry field add member buddy 'ref(member)' >/dev/null
	FIRST=0c000000-0000-4000-8000-000000000000
	awk -v first="$FIRST" 'BEGIN {
		printf "{\"sys_id\":\"%s\",\"name\":\"first\",\"age\":0}\n", first
		for (i = 1; i <= 1200; i++)
			if (i % 3 == 0)
				printf "{\"sys_id\":\"%s\",\"age\":%d}\n", first, i
			else
				printf "{\"name\":\"n%d\",\"buddy\":\"%s\"}\n", i, first
	}' >many.jsonl
	run --separate-stderr ferry record load member many.jsonl
	[ "$status" -eq 0 ]
	same "loaded 1201 member records" "$output"
	same "first|1200" "$(sql "SELECT name, age FROM member WHERE sys_id = '$FIRST'")"
	same "800|800" "$(sql "SELECT count(*), count(buddy) FROM member WHERE sys_id <> '$FIRST'")"
	# One insert and 400 updates, each the child of the one before, the
	# last one the row's sys_version.
	same "401|1|400" "$(sql "SELECT count(*), sum(CASE WHEN action = 'insert' THEN 1 ELSE 0 END), sum(CASE WHEN action = 'update' THEN 1 ELSE 0 END) FROM ferry_version WHERE sys_id = '$FIRST'")"
	same 400 "$(sql "SELECT count(*) FROM ferry_version v JOIN ferry_version p ON p.sys_id = v.sys_id AND p.id = (SELECT max(id) FROM ferry_version WHERE sys_id = v.sys_id AND id < v.id) WHERE v.sys_id = '$FIRST' AND v.parent = p.hash")"
	same "$(sql "SELECT hash FROM ferry_version WHERE sys_id = '$FIRST' ORDER BY id DESC LIMIT 1")" \
		"$(sql "SELECT sys_version FROM member WHERE sys_id = '$FIRST'")"
}

# A change in a load that refers to a record that is not there fails as a
# put of it does, and the whole load with it.
@test "rule: record load of a change with a dangling reference writes nothing" {
	init_member
	ferry field add member buddy 'ref(member)' >/dev/null
	A=0a000000-0000-4000-8000-000000000001
	B=0a000000-0000-4000-8000-000000000002
	printf '{"sys_id":"%s","name":"Ann"}\n{"sys_id":"%s","name":"Bob"}\n' "$A" "$B" | ferry record load member - >/dev/null
	# Two changes of two records: both go the batch way, so its
	# reference check is the one that must refuse line 2.
	printf '{"sys_id":"%s","age":3}\n{"sys_id":"%s","buddy":"0a000000-0000-4000-8000-0000000000ff"}\n' "$A" "$B" >bad.jsonl
	load_refused_at_line_2 bad.jsonl 0a000000-0000-4000-8000-0000000000ff
}

# A bulk load asks the store whether each reference's record is there
# (its row, not its history): a record deleted before the load keeps its
# versions, but a new record may not refer to it.
@test "rule: record load of new records refuses a reference to a deleted record" {
	init_member_club
	kept=$(ferry record put club '{"name":"Chess"}')
	gone=$(ferry record put club '{"name":"Go"}')
	ferry record delete club "$gone" >/dev/null
	printf '{"name":"a","club":"%s"}\n{"name":"b","club":"%s"}\n' "$kept" "$gone" >refs.jsonl
	load_refused_at_line_2 refs.jsonl "$gone"
	head -n 1 refs.jsonl | ferry record load member - >/dev/null
	same "a|$kept" "$(sql 'SELECT name, club FROM member')"
}

@test "rule: record load of a bad line N fails the whole load, names line N, writes nothing" {
	init_member
	ferry record put member '{"name":"before"}' >/dev/null
	printf '{"name":"a"}\n{"name":"b"}\n{"name":"c","age":"x"}\n{"name":"d"}\n' >bad.jsonl
	refused "line 3: member.age: int takes an integer; got a string" record load member bad.jsonl
	printf '{"name":"a"}\n{"name":\n' >bad.jsonl
	refused "line 2: malformed JSON" record load member bad.jsonl
	printf '{"name":"a"}\n{"name":"b"}\n{"nick":"c"}\n' >bad.jsonl
	refused "line 3: entity 'member' has no field 'nick'" record load member bad.jsonl
	printf '{"name":"a"}\n[1,2]\n' >bad.jsonl
	refused "line 2: a record is a JSON object" record load member bad.jsonl
	printf '{"name":"a"}\n{"name":"\xff"}\n' >bad.jsonl
	refused "line 2: the JSON is not valid UTF-8" record load member bad.jsonl
	# Far into the input: past the batches the input is read in ahead
	# of the writes (record_read.c) and past a write batch.
	awk 'BEGIN { for (i = 1; i <= 1299; i++) printf "{\"name\":\"n%d\"}\n", i;
		print "{\"name\":"; print "{\"name\":\"z\"}" }' >bad.jsonl
	refused "line 1300: malformed JSON" record load member bad.jsonl
	same before "$(sql 'SELECT name FROM member')"
}

# Batches are cut by size as well as by lines (record_read.c,
# record_load.c): long lines go in several, in order, a line after them
# sees what they wrote, and a bad line after them still names itself and
# leaves nothing written.
@test "rule: record load of long lines writes each in order across batches cut by size" {
	init_member
	ferry field add member notes text >/dev/null
	python3 - >long.jsonl <<'PY'
import json
for i in range(12):
    print(json.dumps({"sys_id": "0b000000-0000-4000-8000-%012d" % i,
        "name": "n%d" % i, "notes": chr(97 + i) * 2000000}))
print(json.dumps({"sys_id": "0b000000-0000-4000-8000-%012d" % 0,
    "name": "again"}))
PY
	cp long.jsonl bad.jsonl
	echo '{"name":' >>bad.jsonl
	refused "line 14: malformed JSON" record load member bad.jsonl
	run --separate-stderr ferry record load member long.jsonl
	[ "$status" -eq 0 ]
	same "loaded 13 member records" "$output"
	same "12|24000000" "$(sql 'SELECT count(*), sum(length(notes)) FROM member')"
	same "again|a|2000000" "$(sql "SELECT name, substr(notes, 1, 1), length(notes) FROM member WHERE sys_id = '0b000000-0000-4000-8000-000000000000'")"
	same "n11|l|2000000" "$(sql "SELECT name, substr(notes, 1, 1), length(notes) FROM member WHERE sys_id = '0b000000-0000-4000-8000-000000000011'")"
	same 13 "$(sql "SELECT count(*) FROM ferry_version WHERE entity = 'member'")"
}

# A pipe is read as the load goes, never ahead (record_read.c): a load
# that stops at a bad line must not wait for input that is not coming.
@test "rule: record load from a pipe that stays open stops at a bad line without waiting for more" {
	init_member
	mkfifo in.pipe
	(awk 'BEGIN { for (i = 1; i <= 1000; i++)
		printf "{\"name\":\"n%d\",\"age\":%s}\n", i, i == 3 ? "\"x\"" : i }'
	  exec sleep 30) >in.pipe 3>&- &
	writer=$!
	run --separate-stderr timeout 15 "$FERRY_BIN" record load member in.pipe
	kill "$writer" 2>/dev/null || true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"line 3: member.age: int takes an integer"* ]]
	same 0 "$(sql 'SELECT count(*) FROM member')"
}

@test "rule: record load errors: missing file, unknown entity" {
	init_member
	expect_error 1 "cannot open missing.jsonl" record load member missing.jsonl
	echo '{}' >one.jsonl
	refused "no entity 'ghost'" record load ghost one.jsonl
}

@test "rule: record restore brings an old version back as a new version" {
	init_member
	id=$(ferry record put member '{"name":"Ann","age":1}')
	ferry record put member "{\"sys_id\":\"$id\",\"name\":\"Bob\",\"age\":null}" >/dev/null
	run history member "$id"
	v1=$(echo "$output" | jp 'd[0]["version"]')
	run ferry record restore member "$id" "${v1:0:10}"
	[ "$status" -eq 0 ]
	# The whole version is echoed, not the prefix typed.
	same "restored member $id to version $v1" "${lines[0]}"
	same "Ann|1" "$(sql "SELECT name, age FROM member")"
	run history member "$id"
	same 3 "$(echo "$output" | jp 'len(d)')"
	same '["local","local","restore"]' "$(echo "$output" | jp '[v["source"] for v in d]')"
	same update "$(echo "$output" | jp 'd[2]["action"]')"
	same "$(echo "$output" | jp 'd[1]["version"]')" "$(echo "$output" | jp 'd[2]["parent"]')"
	same '{"age":1,"name":"Ann"}' "$(echo "$output" | jp 'd[2]["payload"]')"
	# ...and the new version it became, whole.
	same "new version: $(echo "$output" | jp 'd[2]["version"]')" "$(ferry record restore member "$id" "${v1:0:10}" | sed -n 2p)"
	run ferry --json record restore member "$id" "${v1:0:6}"
	same "$v1" "$(echo "$output" | jp 'd["restored"]')"
	same "$id" "$(echo "$output" | jp 'd["sys_id"]')"
	same "$(ferry --json record history member "$id" | jp 'd[-1]["version"]')" "$(echo "$output" | jp 'd["version"]')"
}

@test "rule: record restore of a deleted record brings it back" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	v1=$(sql "SELECT hash FROM ferry_version WHERE sys_id = '$id'")
	ferry record delete member "$id" >/dev/null
	run ferry record restore member "$id" "$v1"
	[ "$status" -eq 0 ]
	same Ann "$(sql "SELECT name FROM member WHERE sys_id = '$id'")"
	run history member "$id"
	same '["insert","delete","insert"]' "$(echo "$output" | jp '[v["action"] for v in d]')"
}

@test "rule: record restore errors: unknown version, too short a prefix" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	refused "has no version ffffffff" record restore member "$id" ffffffff
	refused "name the version by its hash (at least 4 characters)" record restore member "$id" abc
	expect_error 1 "has no history: no such record" record history member "$FIXED"
}

@test "rule: the same content hashes the same in two instances" {
	line="{\"sys_id\":\"$FIXED\",\"name\":\"Ann\",\"age\":30}"
	init_member
	echo "$line" | ferry record load member - >/dev/null
	a=$(sql "SELECT sys_version FROM member")
	export FERRY_DB=$BATS_TEST_TMPDIR/second.db
	FERRY_NOW=2030-06-01T08:00:00Z init_member --admin someone --tz Asia/Tokyo
	ferry user add writer >/dev/null
	ferry --user writer pack create elsewhere --use >/dev/null
	echo "$line" | FERRY_NOW=2031-01-01T00:00:00Z ferry --user writer record load member - >/dev/null
	b=$(sql "SELECT sys_version FROM member")
	[[ "$a" =~ ^[0-9a-f]{64}$ ]]
	same "$a" "$b"
	# And an update to the same content from the same base agrees too.
	ferry --user writer record put member "{\"sys_id\":\"$FIXED\",\"age\":31}" >/dev/null
	c=$(sql "SELECT sys_version FROM member")
	export FERRY_DB=$BATS_TEST_TMPDIR/i.db
	ferry record put member "{\"sys_id\":\"$FIXED\",\"age\":31}" >/dev/null
	same "$c" "$(sql "SELECT sys_version FROM member")"
}

@test "rule: version hashes are frozen (a known record, a known hash)" {
	init_member
	echo "{\"sys_id\":\"$FIXED\",\"name\":\"Ann\",\"age\":30}" | ferry record load member - >/dev/null
	# BLAKE2b-256 of "ferry-version-1\nmember\n<sys_id>\ninsert\n" and the
	# canonical payload, computed outside ferry (tests/unit/test_types.c).
	same 5ede2e03e98cd4716ed4d8a161b5682dd471a58c3062d3c9b6f30bc9a750a8c6 "$(sql 'SELECT sys_version FROM member')"
	same '{"age":30,"name":"Ann"}' "$(sql "SELECT payload FROM ferry_version WHERE entity = 'member'")"
}

@test "rule: different content hashes differently" {
	init_member
	a=$(ferry record put member '{"name":"Ann"}')
	b=$(ferry record put member '{"name":"Ann"}')
	c=$(ferry record put member '{"name":"Ann "}')
	same 3 "$(sql "SELECT count(DISTINCT sys_version) FROM member")"
}

@test "rule: FERRY_NOW fixes the clock of every write" {
	init_member
	id=$(FERRY_NOW=2020-02-29T23:59:59Z ferry record put member '{"name":"Ann"}')
	same "2020-02-29T23:59:59Z|2020-02-29T23:59:59Z" "$(sql "SELECT sys_created_at, sys_updated_at FROM member")"
	FERRY_NOW=2021-03-01T00:00:00Z ferry record put member "{\"sys_id\":\"$id\",\"age\":1}" >/dev/null
	same "2020-02-29T23:59:59Z|2021-03-01T00:00:00Z" "$(sql "SELECT sys_created_at, sys_updated_at FROM member")"
	FERRY_NOW=tomorrow expect_error 1 "cannot read the time 'tomorrow'; write it as 2021-12-31T12:00:00Z" record list member
}

@test "rule: a non-admin may edit records; the author is recorded" {
	init_member
	ferry user add bob >/dev/null
	id=$(ferry --user bob record put member '{"name":"Ann"}')
	same "bob|bob" "$(sql "SELECT sys_created_by, sys_updated_by FROM member")"
	same bob "$(sql "SELECT author FROM ferry_version WHERE sys_id = '$id'")"
	run ferry --user bob record delete member "$id"
	[ "$status" -eq 0 ]
}

@test "rule: errors leave the instance unchanged: unknown entity or field, malformed JSON, wrong type, oversized value" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	refused "no entity 'ghost'; see 'ferry entity list'" record put ghost '{"name":"x"}'
	refused "entity 'member' has no field 'nick'; see 'ferry entity show member'" record put member '{"nick":"x"}'
	refused "malformed JSON" record put member '{"name":'
	refused "malformed JSON" record put member '{"name":"a","name":"b"}'
	refused "a record is a JSON object" record put member '[1]'
	refused "member.age: int takes an integer; got a string" record put member "{\"sys_id\":\"$id\",\"age\":\"7\"}"
	long=$(printf 'x%.0s' $(seq 41))
	refused "member.name: nvarchar(40) holds at most 40 characters; got 41" record put member "{\"name\":\"$long\"}"
	refused "system column 'sys_policy' cannot be written" record put member "{\"sys_id\":\"$id\",\"sys_policy\":\"protected\"}"
	refused "no entity 'ghost'" record delete ghost "$id"
	refused "'nope' is not a sys_id" record delete member nope
	refused "'Ghost' is not an entity name" record get Ghost "$id"
}

@test "rule: errors leave the instance unchanged: unknown user" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	refused "no user 'ghost' in this instance" --user ghost record put member '{"name":"x"}'
	refused "no user 'ghost' in this instance" --user ghost record delete member "$id"
	echo '{"name":"x"}' >one.jsonl
	refused "no user 'ghost' in this instance" --user ghost record load member one.jsonl
}

@test "rule: record commands work on associated objects" {
	init_member
	run ferry record put sys_form_template '{"entity":"member","name":"Member form","definition":{"b":1,"a":2}}'
	[ "$status" -eq 0 ]
	same '{"a":2,"b":1}' "$(sql "SELECT definition FROM sys_form_template")"
	refused "record names entity 'ghost', which does not exist" record put sys_event_handler '{"entity":"ghost","name":"x"}'
	refused "needs a \"name\"" record put sys_process_flow '{"entity":"member"}'
}

@test "rule: a record that others still refer to is not deleted" {
	init_member_club
	c=$(ferry record put club '{"name":"Chess"}')
	m=$(ferry record put member "{\"name\":\"Ann\",\"club\":\"$c\"}")
	refused "club record $c is still referred to (by member.club $m, for one); change or delete the records that refer to it first" record delete club "$c"
	ferry record put member "{\"sys_id\":\"$m\",\"club\":null}" >/dev/null
	run ferry record delete club "$c"
	[ "$status" -eq 0 ]
}
