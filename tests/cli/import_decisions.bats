#!/usr/bin/env bats
# import_decisions.bats - the decision table of record items, one test
# per row (docs/import.md, "Preview", the table "package | target |
# action | problem").  Each test sets the target up for its row, checks
# the item's action and every problem's kind and severity in
# 'ferry import preview --json', and then what commit does: the action
# applied (after the answer the row needs) and nothing else.

load helpers/import_helpers

# The item of record SYS_ID in import ID, as "action|kind:severity,...":
# row ID SYS_ID
row() {
	local n problems
	n=$(item_of "$1" "$2")
	# The preview first: it plans again if the target changed since.
	problems=$(dst --json import preview "$1" | jp "','.join(p['kind'] + \
':' + p['severity'] for p in d['problems'] if p['item'] == $n)")
	dst --json import show "$1" | jp "[i['action'] for i in d['items'] \
if i['sys_id'] == '$2'][0]" | tr -d '\n'
	printf '|%s\n' "$problems"
}

# The first problem's message of record SYS_ID: message ID SYS_ID
message() {
	dst --json import preview "$1" | jp "[p['message'] for p in \
d['problems'] if p['sys_id'] == '$2'][0]"
}

# The record SYS_ID in dst as JSON text, or "absent": record SYS_ID
record() {
	local out
	if out=$(dst --json record get member "$1" 2>/dev/null); then
		echo "$out" | jp "{k: d[k] for k in ('name', 'age')}"
	else
		echo absent
	fi
}

# The number of member versions of SYS_ID in dst: versions SYS_ID
versions() {
	sqlite3 dst.db "SELECT count(*) FROM ferry_version WHERE sys_id = '$1'"
}

# The outcomes of a commit of import ID (no backup), as
# "inserted,updated,merged,deleted,skipped".
commit() {
	run --separate-stderr dst --json import commit "$1" --no-backup
	[ "$status" -eq 0 ] || { echo "$stderr" >&2; return 1; }
	echo "$output" | jp "','.join(str(d['outcomes'][k]) for k in \
('inserted', 'updated', 'merged', 'deleted', 'skipped'))"
}

# Commit of import ID is refused (exit 3) and changes nothing.
commit_refused() {
	snapshot
	expect_error 3 "import $1 has 1 item(s) with unresolved problems" \
		dst import commit "$1" --no-backup || return 1
	assert_unchanged
}

# Pack p2 in src with the changes made by CMD..., exported and loaded
# into dst; ID is the import.
ship() {
	begin_pack p2
	"$@"
	export_pack p2
	ID=$(load_id p2.sop)
}

put_a() {
	src record put member "{\"sys_id\":\"$A\",$1}" >/dev/null
}

@test "rule: decision: a delete onto an absent record is skipped (already_deleted info)" {
	setup_pair
	dst record delete member "$A" >/dev/null
	ship src record delete member "$A"
	same 'skip|already_deleted:info' "$(row "$ID" "$A")"
	same "member record $A is not in the target; nothing to delete" \
		"$(message "$ID" "$A")"
	before=$(versions "$A")
	same 0,0,0,0,1 "$(commit "$ID")"
	same absent "$(record "$A")"
	same "$before" "$(versions "$A")" "no version written"
}

@test "rule: decision: an insert onto a record that has the package's version is skipped (already_applied info)" {
	setup_pair
	ship eval 'C=$(src record put member "{\"name\":\"cat\",\"age\":5}")'
	dst import commit "$ID" --no-backup >/dev/null
	ID=$(load_id p2.sop)
	same 'skip|already_applied:info' "$(row "$ID" "$C")"
	same "member record $C already holds the package's content; nothing to do" \
		"$(message "$ID" "$C")"
	before=$(versions "$C")
	same 0,0,0,0,1 "$(commit "$ID")"
	same '{"name":"cat","age":5}' "$(record "$C")"
	same "$before" "$(versions "$C")" "no version written"
}

@test "rule: decision: an update onto a record that holds the package's content, whatever its history, is skipped (already_applied info)" {
	setup_pair
	# The target made the package's change itself: another history, the
	# same content.
	dst record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	ship put_a '"age":31'
	same 'skip|already_applied:info' "$(row "$ID" "$A")"
	before=$(versions "$A")
	same 0,0,0,0,1 "$(commit "$ID")"
	same '{"name":"ann","age":31}' "$(record "$A")"
	same "$before" "$(versions "$A")" "no version written"
}

@test "rule: decision: already_applied compares every field the package declares, past the 60 one comparison takes" {
	setup_pair
	begin_pack wide
	local i values=""
	for i in $(seq -w 1 65); do
		src field add member "f$i" int >/dev/null
		values="$values,\"f$i\":$((10#$i))"
	done
	src record put member "{\"sys_id\":\"$A\"$values}" >/dev/null
	src record put member "{\"sys_id\":\"$B\"$values}" >/dev/null
	export_pack wide
	dst import apply wide.sop --no-backup >/dev/null
	# Both change the 65th field: to the same value on A, to another on B.
	dst record put member "{\"sys_id\":\"$A\",\"f65\":999}" >/dev/null
	dst record put member "{\"sys_id\":\"$B\",\"f65\":998}" >/dev/null
	ship eval 'src record put member "{\"sys_id\":\"$A\",\"f65\":999}" >/dev/null; src record put member "{\"sys_id\":\"$B\",\"f65\":999}" >/dev/null'
	same 'skip|already_applied:info' "$(row "$ID" "$A")"
	same 'merge|local_change:error' "$(row "$ID" "$B")"
}

@test "rule: decision: a package that declares no fields for its records' entity plans them: no declared field differs (already_applied info)" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"age\":35}" >/dev/null
	begin_pack p2
	put_a '"age":31'
	export_pack p2
	# A schema with no fields, and a record with no values: the already
	# applied check has no field to compare.
	"$FERRY_SRC/tests/cli/helpers/sop.py" edit p2.sop 1 \
		"it['definition']['fields'] = []"
	"$FERRY_SRC/tests/cli/helpers/sop.py" edit p2.sop 2 \
		"it['payload'] = {}; it['old'] = {'age': 30, 'name': 'ann'}" \
		--rehash
	ID=$(load_id p2.sop)
	same 'skip|already_applied:info' "$(row "$ID" "$A")"
	same 0,0,0,0,1 "$(commit "$ID")"
	same '{"name":"ann","age":35}' "$(record "$A")"
}

@test "rule: decision: an insert onto an absent record inserts it, with no problem" {
	setup_pair
	ship eval 'C=$(src record put member "{\"name\":\"cat\",\"age\":5}")'
	same 'insert|' "$(row "$ID" "$C")"
	same 1,0,0,0,0 "$(commit "$ID")"
	same '{"name":"cat","age":5}' "$(record "$C")"
	same "$(src --json record get member "$C" | jp 'd["sys_version"]')" \
		"$(dst --json record get member "$C" | jp 'd["sys_version"]')" \
		"the package's version id"
}

@test "rule: decision: an update onto an absent record inserts it once answered (local_change error)" {
	setup_pair
	dst record delete member "$A" >/dev/null
	ship put_a '"age":31'
	same 'insert|local_change:error' "$(row "$ID" "$A")"
	[[ "$(message "$ID" "$A")" == "member record $A is not in the target (deleted there since the package's base version, or never imported) but the package updates it; "* ]]
	commit_refused "$ID"
	same absent "$(record "$A")"
	dst import resolve "$ID" accept "$(item_of "$ID" "$A")" >/dev/null
	same 1,0,0,0,0 "$(commit "$ID")"
	same '{"name":"ann","age":31}' "$(record "$A")"
}

@test "rule: decision: an update onto a record at the package's base version updates it, with no problem" {
	setup_pair
	ship put_a '"age":31'
	same 'update|' "$(row "$ID" "$A")"
	same 0,1,0,0,0 "$(commit "$ID")"
	same '{"name":"ann","age":31}' "$(record "$A")"
}

@test "rule: decision: an update onto a record changed since the base in other fields merges (local_change info)" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\"}" >/dev/null
	ship put_a '"age":31'
	same 'merge|local_change:info' "$(row "$ID" "$A")"
	[[ "$(message "$ID" "$A")" == "member record $A changed in the target since the package's base version, but not in the fields the package changes (age): they are merged in, the target's other changes are kept; "* ]]
	same 0,0,1,0,0 "$(commit "$ID")"
	same '{"name":"annie","age":31}' "$(record "$A")"
}

@test "rule: decision: an update onto a record changed since the base in a field it changes too is a merge once answered (local_change error)" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"age\":33,\"name\":\"annie\"}" >/dev/null
	ship put_a '"age":31'
	same 'merge|local_change:error' "$(row "$ID" "$A")"
	[[ "$(message "$ID" "$A")" == "member record $A changed in the target since the package's base version, and a field the package changes (age) also changed there, to another value; "* ]]
	commit_refused "$ID"
	dst import resolve "$ID" accept "$(item_of "$ID" "$A")" >/dev/null
	same 0,0,1,0,0 "$(commit "$ID")"
	same '{"name":"annie","age":31}' "$(record "$A")"
}

@test "rule: decision: an update changed alike on both sides merges with a same_change note (local_change info, same_change info)" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"age\":31,\"name\":\"annie\"}" >/dev/null
	ship put_a '"age":31,"name":"anne"'
	row=$(row "$ID" "$A")
	[[ "$row" == 'merge|'* ]]
	same 'local_change:error,same_change:info' \
		"$(echo "${row#merge|}" | tr ',' '\n' | sort | paste -sd,)"
	same "member record $A: the target made the package's change to age too; nothing to merge there" \
		"$(dst --json import preview "$ID" | jp "[p['message'] for p in d['problems'] if p['kind'] == 'same_change'][0]")"
	dst import resolve "$ID" accept "$(item_of "$ID" "$A")" >/dev/null
	same 0,0,1,0,0 "$(commit "$ID")"
	same '{"name":"anne","age":31}' "$(record "$A")"
}

@test "rule: decision: an insert onto a present record with other content updates it once answered (local_change error)" {
	setup_pair
	ship eval 'C=$(src record put member "{\"name\":\"cat\",\"age\":5}")'
	# The target made a record of that sys_id on its own (open, as the
	# package's), so that only the version decides.
	echo "{\"sys_id\":\"$C\",\"name\":\"kit\",\"age\":6}" >c.jsonl
	dst record load member c.jsonl >/dev/null
	same open "$(field dst member "$C" sys_policy)"
	same 'update|local_change:error' "$(row "$ID" "$C")"
	[[ "$(message "$ID" "$C")" == "member record $C already exists in the target with other content; "* ]]
	commit_refused "$ID"
	same '{"name":"kit","age":6}' "$(record "$C")"
	dst import resolve "$ID" accept "$(item_of "$ID" "$C")" >/dev/null
	same 0,1,0,0,0 "$(commit "$ID")"
	same '{"name":"cat","age":5}' "$(record "$C")"
}

@test "rule: decision: a delete onto a record at the base version deletes it, with no problem" {
	setup_pair
	ship src record delete member "$A"
	same 'delete|' "$(row "$ID" "$A")"
	same 0,0,0,1,0 "$(commit "$ID")"
	same absent "$(record "$A")"
	same delete "$(sqlite3 dst.db "SELECT action FROM ferry_version WHERE sys_id = '$A' ORDER BY id DESC LIMIT 1")"
}

@test "rule: decision: a delete onto a record changed since the base deletes it once answered (local_change error)" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"age\":33}" >/dev/null
	ship src record delete member "$A"
	same 'delete|local_change:error' "$(row "$ID" "$A")"
	[[ "$(message "$ID" "$A")" == "member record $A changed in the target since the package's base version; deleting it loses that change; "* ]]
	commit_refused "$ID"
	same '{"name":"ann","age":33}' "$(record "$A")"
	dst import resolve "$ID" accept "$(item_of "$ID" "$A")" >/dev/null
	same 0,0,0,1,0 "$(commit "$ID")"
	same absent "$(record "$A")"
}

# Commit writes the merges it cannot write set-wise a page of 256 items
# at a time (import_commit.c); more than a page must merge every item,
# each chained to the target's own change, and record each outcome.
@test "rule: a commit of more merges than a page merges every one, each on the target's version" {
	src init --name dev >/dev/null
	src pack create base --use >/dev/null
	src entity create member >/dev/null
	src field add member name 'nvarchar(40)' >/dev/null
	src field add member age int >/dev/null
	src field add member note 'nvarchar(40)' >/dev/null
	for i in $(seq 1 300); do
		printf '{"sys_id":"0b000000-0000-4000-8000-%012d","name":"m%d","age":%d}\n' "$i" "$i" "$i"
	done >base.jsonl
	src record load member base.jsonl >/dev/null
	export_pack base
	dst init --name test >/dev/null
	dst import apply base.sop --no-backup >/dev/null
	# Here a note on every record; there a new age: clean merges.
	for i in $(seq 1 300); do
		printf '{"sys_id":"0b000000-0000-4000-8000-%012d","note":"here %d"}\n' "$i" "$i"
	done >local.jsonl
	dst record load member local.jsonl >/dev/null
	begin_pack next
	for i in $(seq 1 300); do
		printf '{"sys_id":"0b000000-0000-4000-8000-%012d","age":%d}\n' "$i" "$((i + 1000))"
	done >change.jsonl
	src record load member change.jsonl >/dev/null
	export_pack next
	id=$(load_id next.sop)
	dst import preview "$id" >/dev/null
	dst import commit "$id" --no-backup >/dev/null
	db="$BATS_TEST_TMPDIR/dst.db"
	same 300 "$(sqlite3 "$db" "SELECT count(*) FROM member WHERE CAST(age AS TEXT) = CAST(CAST(substr(name, 2) AS INTEGER) + 1000 AS TEXT) AND note = 'here ' || substr(name, 2)")"
	same 300 "$(dst --json import show "$id" | jp "len([i for i in d['items'] if i.get('outcome') == 'merged'])")"
	# Each merge is a new version whose parent is the target's change.
	same 300 "$(sqlite3 "$db" "SELECT count(*) FROM ferry_version v WHERE v.entity = 'member' AND v.import_id = $id AND v.action = 'update' AND v.parent = (SELECT p.hash FROM ferry_version p WHERE p.entity = v.entity AND p.sys_id = v.sys_id AND p.id < v.id ORDER BY p.id DESC LIMIT 1) AND v.hash = (SELECT m.sys_version FROM member m WHERE m.sys_id = v.sys_id)")"
}
