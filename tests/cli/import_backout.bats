#!/usr/bin/env bats
# import_backout.bats - backing a committed import out: every record it
# touched goes back to its version before the import, as a new version;
# a record changed since is reported, not overwritten (docs/import.md,
# "Back out").

load helpers/import_helpers
load schema_steps

# p2 inserts C, updates A, deletes B; committed into dst as import 2.
import_p2() {
	setup_pair
	begin_pack p2
	C=$(src record put member '{"name":"cy","age":20}')
	src record put member "{\"sys_id\":\"$A\",\"age\":31,\"boss\":\"$C\"}" >/dev/null
	src record delete member "$B" >/dev/null
	src field add member email 'nvarchar(80)' >/dev/null
	export_pack p2
	dst import apply p2.sop --no-backup >/dev/null
	same 31 "$(field dst member "$A" age)"
}

@test "rule: back out restores every record the import touched" {
	import_p2
	a_before=$(sqlite3 dst.db "SELECT hash FROM ferry_version WHERE sys_id = '$A' AND import_id = 1")
	run dst --json import backout 2
	[ "$status" -eq 0 ]
	same backed_out "$(echo "$output" | jp 'd["state"]')"
	same 3 "$(echo "$output" | jp 'd["restored"]')"
	# inserted: deleted again; updated: old content; deleted: back
	run dst record get member "$C"
	[ "$status" -eq 1 ]
	same 30 "$(field dst member "$A" age)"
	same None "$(dst --json record get member "$A" | jp 'str(d.get("boss"))')"
	same 40 "$(field dst member "$B" age)"
	same "$a_before" "$(field dst member "$A" sys_version)" "the same content, the same version id"
	same open "$(field dst member "$A" sys_policy)" "the old policy is back"
	# as new versions, source restore, marked with the import
	run dst --json record history member "$A"
	same "import:1,import:2,restore:2" "$(echo "$output" | jp "','.join(v['source'] + ':' + str(v['import']) for v in d)")"
	# columns are never dropped
	same email "$(dst --json entity show member | jp "[f['name'] for f in d['fields'] if f['name'] == 'email'][0]")"
	run dst import show 2
	[[ "$output" == "id: 2"*"state: backed_out"* ]]
}

# The bytes of the import staging's rows (its indexes aside) in `dst
# info --sizes`.
staged() {
	dst --json info --sizes | jp "[p['bytes'] - p['index_bytes'] for p in d['parts'] if p['part'] == 'import_staging'][0]"
}

@test "rule: a commit drops its staged payloads; show and back out still work" {
	setup_pair
	begin_pack big
	# Enough records that a 16 KiB page's share of the small staging
	# tables does not hide what the payloads took.
	x=$(printf 'x%.0s' $(seq 30))
	for i in $(seq 1200); do
		printf '{"name":"m%04d %s","age":%d}\n' "$i" "$x" "$i"
	done >big.jsonl
	src record load member big.jsonl >/dev/null
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	export_pack big
	id=$(load_id big.sop)
	loaded=$(staged)
	same 1201 "$(staged_payloads "$id")"
	# each item's seal was checked as load read it, and is not kept
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM ferry_import_payload WHERE import_id = $id AND seal IS NOT NULL")"
	dst import commit "$id" --no-backup >/dev/null
	# the payloads are gone from the staging (or kept, on SQLite, by the
	# versions written from them), its keys stay
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM ferry_import_payload WHERE import_id = $id")"
	same 0 "$(staged_payloads "$id")"
	same 1201 "$(sqlite3 dst.db "SELECT count(*) FROM ferry_import_item WHERE import_id = $id AND t = 'record' AND sys_id IS NOT NULL AND rkey IS NOT NULL")"
	# (the items, which stay, are more than half of what load staged
	# since it keeps no seals: on SQLite 11 of 18 pages here)
	[ "$(staged)" -lt $((loaded * 2 / 3)) ]
	# 1,200 payloads of about 50 bytes and their hashes: their pages freed
	# (SQLite keeps them in the file for the next writes; PostgreSQL's
	# TRUNCATE gives them back at once)
	[ $((loaded - $(staged))) -gt 15000 ]
	if ! on_postgres; then
		[ "$(dst --json info --sizes | jp "[p['bytes'] for p in d['parts'] if p['part'] == 'free'][0]")" -gt 15000 ]
	fi
	# ... and live on in the versions
	same 31 "$(field dst member "$A" age)"
	same "$(src --json record history member "$A" | jp 'd[-1]["version"]')" "$(dst --json record history member "$A" | jp 'd[-1]["version"]')"
	# import show of the committed import: every item, with its outcome
	run --separate-stderr dst --json import show "$id"
	[ "$status" -eq 0 ]
	same committed "$(echo "$output" | jp 'd["state"]')"
	same "inserted:1200,updated:1" "$(echo "$output" | jp "','.join(k + ':' + str(v) for k, v in sorted(__import__('collections').Counter(i['outcome'] for i in d['items'] if i['type'] == 'record').items()))")"
	same "$A" "$(echo "$output" | jp "[i['sys_id'] for i in d['items'] if i['outcome'] == 'updated'][0]")"
	# back out still restores every record
	run --separate-stderr dst --json import backout "$id"
	[ "$status" -eq 0 ]
	same 1201 "$(echo "$output" | jp 'd["restored"]')"
	same 30 "$(field dst member "$A" age)"
	same 2 "$(dst --json record list member | jp 'len(d)')"
	# and the package can come again: staged in full while loaded
	id2=$(load_id big.sop)
	same 1201 "$(staged_payloads "$id2")"
	dst import commit "$id2" --no-backup >/dev/null
	same 31 "$(field dst member "$A" age)"
}

@test "rule: a set-wise commit writes each payload once: the version keeps the payload load staged, and the staging's other values make room" {
	setup_pair
	begin_pack two
	long=$(printf 'y%.0s' $(seq 300))
	for e in team crew; do
		src entity create $e >/dev/null
		src field add $e name 'nvarchar(400)' >/dev/null
		for i in $(seq 400); do
			printf '{"name":"%s%03d %s"}\n' $e "$i" "$long"
		done >$e.jsonl
		src record load $e $e.jsonl >/dev/null
	done
	export_pack two
	id=$(load_id two.sop)
	# 800 payloads of about 330 bytes staged, none kept by a version yet
	same 800 "$(staged_payloads "$id" "length(payload) > 300")"
	range="BETWEEN $id * 4294967296 AND $id * 4294967296 + 4294967295"
	staged_rows=$(sqlite3 dst.db "SELECT group_concat(kl, ',') FROM (SELECT k || ':' || length(payload) AS kl FROM ferry_version_payload WHERE k $range AND length(payload) > 300 ORDER BY k)")
	loaded=$(staged)
	dst import commit "$id" --no-backup >/dev/null
	# Each record's payload stays where load wrote it, named by the one
	# version written from it, which holds no copy of its own (the
	# catalog's records go the write path, which writes its own).
	same "$staged_rows" "$(sqlite3 dst.db "SELECT group_concat(kl, ',') FROM (SELECT x.k || ':' || length(x.payload) AS kl FROM ferry_version v JOIN ferry_version_payload x ON x.k = v.payload_k WHERE v.import_id = $id ORDER BY x.k)")"
	same "800 800" "$(sqlite3 dst.db "SELECT count(*) || ' ' || sum(CASE WHEN payload = '' THEN 1 ELSE 0 END) FROM ferry_version WHERE import_id = $id AND entity IN ('team', 'crew')")"
	# The four catalog records (two entities, their two name fields)
	# went the write path: the package's payload of each stays with the
	# import beside the version written (store.h), and no other does.
	same 0 "$(staged_payloads "$id" "length(payload) > 300")"
	same 4 "$(staged_payloads "$id")"
	# The rest of what load staged goes: on SQLite the entity written
	# first freed its staged pages before the second wrote, so only
	# about what the last entity staged is left free (PostgreSQL's
	# TRUNCATE gives the pages back at the end).
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM ferry_import_payload WHERE import_id = $id")"
	if ! on_postgres; then
		dropped=$((loaded - $(staged)))
		[ "$dropped" -gt 50000 ]
		free=$(dst --json info --sizes | jp "[p['bytes'] for p in d['parts'] if p['part'] == 'free'][0]")
		[ "$free" -lt $((dropped * 7 / 10)) ]
	fi
	# the records and their history read the payloads kept
	for e in team crew; do
		same "400 ${e}400 $long" "$(dst --json record list $e | jp "str(len(d)) + ' ' + max(r['name'] for r in d)")"
	done
	t=$(dst --json record list team | jp "[r['sys_id'] for r in d if r['name'] == 'team007 $long'][0]")
	same "team007 $long" "$(dst --json record history team "$t" | jp 'd[-1]["payload"]["name"]')"
	same "$(src --json record history team "$t" | jp 'd[-1]["version"]')" "$(dst --json record history team "$t" | jp 'd[-1]["version"]')"
	# a back out reads them as the versions it undoes
	run --separate-stderr dst --json import backout "$id"
	[ "$status" -eq 0 ]
	same 800 "$(echo "$output" | jp 'd["restored"]')"
	same 0 "$(dst --json record list team | jp 'len(d)')"
	same "insert,delete" "$(dst --json record history team "$t" | jp "','.join(v['action'] for v in d)")"
}

@test "rule: an instance from before the payload table keeps what a loaded import staged, drops what a committed one kept" {
	skip_on_postgres "instances of schema versions before 10 exist only as files"
	setup_pair
	begin_pack p2
	C=$(src record put member '{"name":"cy","age":20}')
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	export_pack p2
	id=$(load_id p2.sop)
	dst import preview "$id" >/dev/null
	staged=$(staged_payloads "$id")
	[ "$staged" -ge 2 ]
	items=$(sqlite3 dst.db "SELECT group_concat(item || ':' || coalesce(p.version, '') || ':' || coalesce(p.payload, (SELECT x.payload FROM ferry_version_payload x WHERE x.k = p.k), '') || ':' || coalesce(p.seal, ''), ';') FROM ferry_import_payload p WHERE import_id = $id ORDER BY item")
	# Schema 9: the staged values in the items' own columns; the
	# committed import 1 still holding a payload (as before a commit
	# dropped them)
	sqlite3 dst.db "$(undo_payload_table)"
	sqlite3 dst.db "UPDATE ferry_import_item SET payload = '{\"age\":30}' WHERE import_id = 1;
		PRAGMA user_version = 9"
	same 9 "$(sqlite3 dst.db 'PRAGMA user_version')"
	run --separate-stderr dst --json import show "$id"
	[ "$status" -eq 0 ]
	same "$SCHEMA_LATEST" "$(sqlite3 dst.db 'PRAGMA user_version')"
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM pragma_table_info('ferry_import_item') WHERE name IN ('version', 'base', 'policy', 'vendor', 'payload', 'old', 'body', 'seal')")"
	same "$items" "$(sqlite3 dst.db "SELECT group_concat(item || ':' || coalesce(p.version, '') || ':' || coalesce(p.payload, (SELECT x.payload FROM ferry_version_payload x WHERE x.k = p.k), '') || ':' || coalesce(p.seal, ''), ';') FROM ferry_import_payload p WHERE import_id = $id ORDER BY item")"
	same 0 "$(sqlite3 dst.db 'SELECT count(*) FROM ferry_import_payload WHERE import_id = 1')"
	# the import goes on from where it was
	dst import preview "$id" >/dev/null
	dst import commit "$id" --no-backup >/dev/null
	same 31 "$(field dst member "$A" age)"
	same 20 "$(field dst member "$C" age)"
	same 0 "$(sqlite3 dst.db 'SELECT count(*) FROM ferry_import_payload')"
}

@test "rule: back out reports a record changed after the import and does not overwrite it" {
	import_p2
	# the local change also drops A's reference to C, which the back out
	# deletes (a reference left standing is still_referenced: see
	# import_resolve.bats)
	dst record put member "{\"sys_id\":\"$A\",\"age\":50,\"boss\":null}" >/dev/null
	run --separate-stderr dst --json import backout 2
	[ "$status" -eq 0 ]
	same 2 "$(echo "$output" | jp 'd["restored"]')"
	same changed_since_import:warning "$(echo "$output" | jp "[p['kind'] + ':' + p['severity'] for p in d['problems'] if p['sys_id'] == '$A'][0]")"
	[[ "$(echo "$output" | jp "[p['message'] for p in d['problems'] if p['sys_id'] == '$A'][0]")" == *"changed after the import, so it was not restored"* ]]
	same 50 "$(field dst member "$A" age)"
	same 40 "$(field dst member "$B" age)"
	same not_backed_out "$(echo "$output" | jp "[p['kind'] for p in d['problems'] if p['key'] == 'member.email'][0]")"
}

@test "rule: back out restores an import larger than one batch of versions, and reports a change past the first batch" {
	setup_pair
	# import 2 inserts 2,500 records, import 3 changes every one: back
	# out of import 3 reads its versions a thousand at a time and writes
	# an entity's restores together
	begin_pack many
	for i in $(seq 2500); do
		printf '{"sys_id":"%08d-0000-4000-8000-000000000000","name":"m%d","age":%d}\n' "$i" "$i" "$i"
	done >many.jsonl
	src record load member many.jsonl >/dev/null
	export_pack many
	dst import apply many.sop --no-backup >/dev/null
	first=00000001-0000-4000-8000-000000000000
	late=00002200-0000-4000-8000-000000000000
	last=00002500-0000-4000-8000-000000000000
	before=$(field dst member "$last" sys_version)
	begin_pack older
	for i in $(seq 2500); do
		printf '{"sys_id":"%08d-0000-4000-8000-000000000000","age":%d}\n' "$i" "$((i + 5000))"
	done >older.jsonl
	src record load member older.jsonl >/dev/null
	export_pack older
	dst import apply older.sop --no-backup >/dev/null
	same 7500 "$(field dst member "$last" age)"
	dst record put member "{\"sys_id\":\"$late\",\"age\":7}" >/dev/null
	run --separate-stderr dst --json import backout 3
	[ "$status" -eq 0 ]
	same 2499 "$(echo "$output" | jp 'd["restored"]')"
	same "changed_since_import $late" "$(echo "$output" | jp "' '.join(p['kind'] + ' ' + p['sys_id'] for p in d['problems'])")"
	same "$late" "$(echo "$output" | jp "d['problems'][0]['key']")" "the problem names its item"
	[ "$(echo "$output" | jp "d['problems'][0]['item']")" -gt 1000 ]
	same 7 "$(field dst member "$late" age)"
	same 1 "$(field dst member "$first" age)"
	same 2500 "$(field dst member "$last" age)"
	same m2500 "$(field dst member "$last" name)"
	same "$before" "$(field dst member "$last" sys_version)" "the same content, the same version id"
	same "import:2,import:3,restore:3" "$(dst --json record history member "$last" | jp "','.join(v['source'] + ':' + str(v['import']) for v in d)")"
}

@test "rule: back out of an instance whose row is gone though its versions say it is there fails, names the damage and changes nothing" {
	import_p2
	# damage the instance behind ferry's back: A's row goes, its
	# versions stay
	sqlite3 dst.db "DELETE FROM member WHERE sys_id = '$A'"
	versions=$(sqlite3 dst.db "SELECT count(*) FROM ferry_version")
	run --separate-stderr dst import backout 2
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"1 member record(s) have no row though their versions say they are there; the instance is damaged; nothing was changed"* ]]
	same "$versions" "$(sqlite3 dst.db "SELECT count(*) FROM ferry_version")"
	same committed "$(dst --json import show 2 | jp 'd["state"]')"
}

@test "rule: back out needs a committed import, once" {
	import_p2
	dst import backout 2 >/dev/null
	expect_error 1 "cannot back out import 2: it is backed out" dst import backout 2
	dst import load p2.sop >/dev/null
	expect_error 1 "cannot back out import 3: it is loaded" dst import backout 3
	expect_error 1 "cannot commit import 2: it is backed out" dst import commit 2
}

@test "rule: after a back out the package can be imported again" {
	import_p2
	dst import backout 2 >/dev/null
	run --separate-stderr dst --json import apply p2.sop --no-backup
	[ "$status" -eq 0 ]
	same 31 "$(field dst member "$A" age)"
	run dst record get member "$B"
	[ "$status" -eq 1 ]
	# C is inserted again, set-wise, after its delete: the new version's
	# parent is the delete
	run dst --json record history member "$C"
	same "insert,delete,insert" "$(echo "$output" | jp "','.join(v['action'] for v in d)")"
	same "$(echo "$output" | jp 'd[1]["version"]')" "$(echo "$output" | jp 'd[2]["parent"]')"
}

@test "rule: a second back out deletes again what the re-import inserted after the first back out" {
	import_p2
	dst import backout 2 >/dev/null
	run dst record get member "$C"
	[ "$status" -eq 1 ]
	# Import 3 inserts C again (its parent version is the first back
	# out's delete) and deletes B again.
	dst import apply p2.sop --no-backup >/dev/null
	same cy "$(field dst member "$C" name)"
	run dst --json import backout 3
	[ "$status" -eq 0 ]
	same 3 "$(echo "$output" | jp 'd["restored"]')"
	same '[]' "$(echo "$output" | jp "[p for p in d['problems'] if p['sys_id']]")"
	run --separate-stderr dst record get member "$C"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no member record with sys_id $C"* ]]
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM member WHERE sys_id = '$C'")"
	run dst --json record history member "$C"
	same "insert:import,delete:restore,insert:import,delete:restore" \
		"$(echo "$output" | jp "','.join(v['action'] + ':' + v['source'] for v in d)")"
	# B, deleted by both imports, is back; A has its old content.
	same 40 "$(field dst member "$B" age)"
	same open "$(field dst member "$B" sys_policy)"
	same 30 "$(field dst member "$A" age)"
	same open "$(field dst member "$A" sys_policy)"
}

@test "rule: back out of an application import restores the vendor flag and policy" {
	setup_pair
	src property set protected.essences member >/dev/null
	begin_pack app
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	export_pack app --as-application
	dst import apply app.sop --no-backup >/dev/null
	same protected "$(field dst member "$A" sys_policy)"
	same true "$(field dst member "$A" sys_vendor)"
	dst import backout 2 >/dev/null
	same open "$(field dst member "$A" sys_policy)"
	same false "$(field dst member "$A" sys_vendor)"
	same 30 "$(field dst member "$A" age)"
}

@test "rule: --json document of a back out" {
	import_p2
	run dst --json import backout 2
	same 'backed_out_at,id,problems,restored,state' "$(echo "$output" | jp "','.join(sorted(d))")"
	same 'entity,item,key,kind,message,severity,sys_id' "$(echo "$output" | jp "','.join(sorted(d['problems'][0]))")"
	run dst import backout 1
	[[ "$output" == "backed out import 1: "* ]]
}
