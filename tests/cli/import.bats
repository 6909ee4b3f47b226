#!/usr/bin/env bats
# import.bats - the import pipeline between two instances: load, preview,
# resolve, commit, history (docs/import.md).  Conflicts and protection
# are in import_conflicts.bats, hostile packages in import_refuse.bats,
# back out in import_backout.bats, the crash test in import_crash.bats.

load helpers/import_helpers

@test "rule: a clean import brings the schema and records with the source's version ids" {
	setup_pair
	run dst --json import list
	same 1 "$(echo "$output" | jp 'len(d)')"
	same committed "$(echo "$output" | jp 'd[0]["state"]')"
	same ann "$(field dst member "$A" name)"
	same 40 "$(field dst member "$B" age)"
	same "$(field src member "$A" sys_version)" \
		"$(field dst member "$A" sys_version)" "same version id"
	run dst --json entity show member
	same 'age,boss,name' "$(echo "$output" | jp "','.join(f['name'] for f in d['fields'])")"
	# versions: source "import", marked with the import, captured nowhere
	run sqlite3 dst.db "SELECT DISTINCT source || ':' || import_id || ':' || coalesce(pack_id, '-') FROM ferry_version"
	same "import:1:-" "$output"
	run dst --json pack show Default
	same 0 "$(echo "$output" | jp 'len(d["items"])')"
	run dst --json record history member "$A"
	same import "$(echo "$output" | jp 'd[0]["source"]')"
}

@test "rule: load stages without changing live data and reports the stamp" {
	setup_pair
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	export_pack p2
	run sqlite3 dst.db "SELECT age FROM member WHERE sys_id = '$A'"
	same 30 "$output"
	run --separate-stderr dst --json import load p2.sop
	[ "$status" -eq 0 ]
	same 2 "$(echo "$output" | jp 'd["id"]')"
	same 2 "$(echo "$output" | jp 'd["items"]')"
	same pack "$(echo "$output" | jp 'd["mode"]')"
	same p2 "$(echo "$output" | jp 'd["pack"]["name"]')"
	same dev "$(echo "$output" | jp 'd["source"]["name"]')"
	same null "$(echo "$output" | jp 'd["previous"]')"
	[ "$(echo "$output" | jp 'len(d["stamp"])')" = 64 ]
	run sqlite3 dst.db "SELECT age FROM member WHERE sys_id = '$A'"
	same 30 "$output"
	run dst import list
	[[ "${lines[2]}" == "2 "*"loaded"*"p2" ]]
}

@test "rule: re-importing an identical package says so and changes nothing" {
	setup_pair
	run --separate-stderr dst --json import load base.sop
	same 2 "$(echo "$output" | jp 'd["id"]')"
	same '{"id":1,"stamp":"'"$(echo "$output" | jp 'd["stamp"]')"'","same":true}' \
		"$(echo "$output" | jp 'd["previous"]')"
	same "identical to import 1, nothing to do" "$(echo "$output" | jp 'd["message"]')"
	run dst import preview 2
	[ "$status" -eq 0 ]
	run dst --json import preview 2
	same "0,0,0,0,6" "$(echo "$output" | jp "','.join(str(d['actions'][k]) for k in ('insert','update','merge','delete','skip'))")"
	same already_applied "$(echo "$output" | jp "sorted(set(p['kind'] for p in d['problems']))[0]")"
	run dst --json import commit 2 --no-backup
	same 6 "$(echo "$output" | jp 'd["outcomes"]["skipped"]')"
}

@test "rule: re-importing a changed package reports the stamp change" {
	setup_pair
	old=$(dst --json import show 1 | jp 'd["stamp"]')
	src pack reopen base >/dev/null
	src pack use base >/dev/null
	src record put member "{\"sys_id\":\"$B\",\"age\":41}" >/dev/null
	export_pack base
	run --separate-stderr dst --json import load base.sop
	new=$(echo "$output" | jp 'd["stamp"]')
	[ "$old" != "$new" ]
	same false "$(echo "$output" | jp 'd["previous"]["same"]')"
	same "changed since import 1 (stamp ${old:0:12} → ${new:0:12})" \
		"$(echo "$output" | jp 'd["message"]')"
	run --separate-stderr dst import load base.sop
	[[ "$output" == *"changed since import 1"* ]]
}

@test "rule: an update whose record is at the package's base version applies" {
	setup_pair
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	export_pack p2
	id=$(load_id p2.sop)
	run dst --json import preview "$id"
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["actions"]["update"]')"
	same '[]' "$(echo "$output" | jp 'd["problems"]')"
	run dst --json import commit "$id"
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["outcomes"]["updated"]')"
	[ -f "$(echo "$output" | jp 'd["backup"]')" ]
	same 31 "$(field dst member "$A" age)"
	same "$(field src member "$A" sys_version)" "$(field dst member "$A" sys_version)"
}

@test "rule: the backup taken by a commit holds the instance as it was before the import" {
	skip_on_postgres "the backup, an instance file opened with --db"
	setup_pair
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	src record delete member "$B" >/dev/null
	C=$(src record put member '{"name":"cy"}')
	export_pack p2
	id=$(load_id p2.sop)
	dst import preview "$id" >/dev/null
	sqlite3 dst.db .dump >before.sql
	dst --json record list member >before.json
	run dst --json import commit "$id"
	[ "$status" -eq 0 ]
	backup=$(echo "$output" | jp 'd["backup"]')
	[ -f "$backup" ]
	same 31 "$(field dst member "$A" age)" "the import is committed"
	# Reopened, the backup is the instance before the commit, whole ...
	sqlite3 "$backup" .dump >backup.sql
	diff -u before.sql backup.sql
	same ok "$(sqlite3 "$backup" 'PRAGMA integrity_check')"
	# ... and ferry reads it as such: old values, B alive, no C.
	"$FERRY_BIN" --db "$backup" --json record list member >backup.json
	diff -u before.json backup.json
	same 30 "$("$FERRY_BIN" --db "$backup" --json record get member "$A" | jp 'd["age"]')"
	same 40 "$("$FERRY_BIN" --db "$backup" --json record get member "$B" | jp 'd["age"]')"
	run "$FERRY_BIN" --db "$backup" record get member "$C"
	[ "$status" -eq 1 ]
	same previewed "$("$FERRY_BIN" --db "$backup" --json import show "$id" | jp 'd["state"]')"
}

@test "rule: a delete removes the record; deletes run last" {
	setup_pair
	begin_pack p2
	src record delete member "$B" >/dev/null
	C=$(src record put member '{"name":"cy"}')
	export_pack p2
	run --separate-stderr dst --json import apply p2.sop --no-backup
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["commit"]["outcomes"]["deleted"]')"
	same 1 "$(echo "$output" | jp 'd["commit"]["outcomes"]["inserted"]')"
	run dst record get member "$B"
	[ "$status" -eq 1 ]
	same delete "$(dst --json record history member "$B" | jp 'd[-1]["action"]')"
	same cy "$(field dst member "$C" name)"
}

@test "rule: a delete of a record already gone is skipped (already_deleted)" {
	setup_pair
	begin_pack p2
	src record delete member "$B" >/dev/null
	export_pack p2
	dst record delete member "$B"
	id=$(load_id p2.sop)
	run dst --json import preview "$id"
	[ "$status" -eq 0 ]
	same already_deleted "$(echo "$output" | jp 'd["problems"][0]["kind"]')"
	same info "$(echo "$output" | jp 'd["problems"][0]["severity"]')"
	same 1 "$(echo "$output" | jp 'd["actions"]["skip"]')"
	run dst --json import commit "$id" --no-backup
	same 1 "$(echo "$output" | jp 'd["outcomes"]["skipped"]')"
}

@test "rule: records that reference each other in a cycle import correctly" {
	src init --name dev >/dev/null
	src pack create p1 --use >/dev/null
	src entity create node >/dev/null
	src field add node name 'nvarchar(10)' >/dev/null
	src field add node next 'ref(node)' >/dev/null
	src entity create tag >/dev/null
	src field add tag node 'ref(node)' >/dev/null
	src field add node tag 'ref(tag)' >/dev/null
	X=$(src record put node '{"name":"x"}')
	Y=$(src record put node "{\"name\":\"y\",\"next\":\"$X\"}")
	src record put node "{\"sys_id\":\"$X\",\"next\":\"$Y\"}" >/dev/null
	Z=$(src record put node '{"name":"z"}')
	src record put node "{\"sys_id\":\"$Z\",\"next\":\"$Z\"}" >/dev/null
	T=$(src record put tag "{\"node\":\"$X\"}")
	src record put node "{\"sys_id\":\"$Y\",\"tag\":\"$T\"}" >/dev/null
	export_pack p1
	dst init >/dev/null
	run --separate-stderr dst --json import apply p1.sop --no-backup
	[ "$status" -eq 0 ]
	# 4 records, 2 entities and 4 fields
	same 10 "$(echo "$output" | jp 'd["commit"]["outcomes"]["inserted"]')"
	same "$Y" "$(field dst node "$X" next)"
	same "$X" "$(field dst node "$Y" next)"
	same "$Z" "$(field dst node "$Z" next)"
	same "$T" "$(field dst node "$Y" tag)"
	same "$X" "$(field dst tag "$T" node)"
	for r in "$X" "$Y" "$Z"; do
		same "$(field src node "$r" sys_version)" "$(field dst node "$r" sys_version)"
	done
}

@test "rule: records from an application package become vendor records with the package's policy" {
	src init --name dev >/dev/null
	src property set protected.essences member >/dev/null
	src pack create app --use >/dev/null
	src entity create member >/dev/null
	src field add member name 'nvarchar(40)' >/dev/null
	src entity create note >/dev/null
	src field add note text text >/dev/null
	A=$(src record put member '{"name":"ann"}')
	src record put member "{\"sys_id\":\"$A\",\"name\":\"anne\"}" >/dev/null
	N=$(src record put note '{"text":"hi"}')
	src record put note "{\"sys_id\":\"$N\",\"text\":\"hey\"}" >/dev/null
	export_pack app --as-application
	dst init >/dev/null
	run --separate-stderr dst --json import apply app.sop --no-backup
	[ "$status" -eq 0 ]
	same protected "$(field dst member "$A" sys_policy)"
	same true "$(field dst member "$A" sys_vendor)"
	same open "$(field dst note "$N" sys_policy)"
	same true "$(field dst note "$N" sys_vendor)"
	# a protected record refuses local edits
	run dst record put member "{\"sys_id\":\"$A\",\"name\":\"x\"}"
	[ "$status" -eq 1 ]
	[[ "$output" == *"protected"* ]]
}

@test "rule: a pack-mode import keeps the records' policy and vendor flag" {
	setup_pair
	same open "$(field dst member "$A" sys_policy)"
	same false "$(field dst member "$A" sys_vendor)"
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	export_pack p2
	dst import apply p2.sop --no-backup >/dev/null
	same changed "$(field dst member "$A" sys_policy)"
}

@test "rule: only admins may load, preview, resolve, commit and back out imports" {
	setup_pair
	dst user add bob >/dev/null
	snapshot
	expect_error 1 "only admins may import packages" dst --user bob import load base.sop
	expect_error 1 "only admins may preview imports" dst --user bob import preview 1
	expect_error 1 "only admins may resolve imports" dst --user bob import resolve 1 skip --all
	expect_error 1 "only admins may commit imports" dst --user bob import commit 1
	expect_error 1 "only admins may back out imports" dst --user bob import backout 1
	expect_error 1 "only admins may import packages" dst --user bob import apply base.sop
	assert_unchanged
	# anyone may look
	run dst --user bob --json import show 1
	[ "$status" -eq 0 ]
}

@test "rule: schema changes follow the merge rules: sizes grow, types and labels stay, columns are never dropped" {
	setup_pair
	dst field set member name --display 'Full name' >/dev/null
	begin_pack p2
	src field set member name --type 'nvarchar(80)' --display Name >/dev/null
	src field add member email 'nvarchar(100)' >/dev/null
	src field drop member age >/dev/null
	src entity create club >/dev/null
	src field add club title 'nchar(20)' >/dev/null
	export_pack p2
	id=$(load_id p2.sop)
	run dst --json import preview "$id"
	[ "$status" -eq 0 ]
	same field_not_dropped "$(echo "$output" | jp "[p['kind'] for p in d['problems'] if p['key'] == 'member.age'][0]")"
	run dst --json import commit "$id" --no-backup
	[ "$status" -eq 0 ]
	run dst --json entity show member
	same 'age:int,boss:ref(member),email:nvarchar(100),name:nvarchar(80)' \
		"$(echo "$output" | jp "','.join(f['name'] + ':' + f['type'] for f in d['fields'])")"
	same 'Full name' "$(echo "$output" | jp "[f['display'] for f in d['fields'] if f['name'] == 'name'][0]")"
	run dst --json entity show club
	same 'nchar(20)' "$(echo "$output" | jp 'd["fields"][0]["type"]')"
	# a field's version id follows the source when the content is the same
	same "$(sqlite3 src.db "SELECT sys_version FROM sys_field WHERE name = 'email'")" \
		"$(sqlite3 dst.db "SELECT sys_version FROM sys_field WHERE name = 'email'")"
}

@test "rule: --json documents of load, preview and commit" {
	setup_pair
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	export_pack p2
	run --separate-stderr dst --json import load p2.sop
	same 'id,items,kind,message,mode,pack,previous,signature,source,stamp,warnings' \
		"$(echo "$output" | jp "','.join(sorted(d))")"
	run dst --json import preview 2
	same 'actions,id,items,kinds,matched,pack,problem_count,problems,stamp,state,unresolved' \
		"$(echo "$output" | jp "','.join(sorted(d))")"
	same 'delete,insert,merge,skip,update' "$(echo "$output" | jp "','.join(sorted(d['actions']))")"
	run dst --json import commit 2 --no-backup
	same 'backup,committed_at,definitions,id,outcomes,pack,schema,stamp,state' \
		"$(echo "$output" | jp "','.join(sorted(d))")"
	same 'deleted,inserted,merged,skipped,updated' "$(echo "$output" | jp "','.join(sorted(d['outcomes']))")"
	same null "$(echo "$output" | jp 'd["backup"]')"
}

@test "rule: --json documents of list and show" {
	setup_pair
	run dst --json import list
	same 'backed_out_at,committed_at,id,items,loaded_at,loaded_by,mode,pack,stamp,state' \
		"$(echo "$output" | jp "','.join(sorted(d[0]))")"
	same 'completed_at,id,name' "$(echo "$output" | jp "','.join(sorted(d[0]['pack']))")"
	run dst --json import show 1
	same 'backed_out_at,backed_out_by,backup,committed_at,committed_by,file,id,items,kind,loaded_at,loaded_by,mode,outcomes,pack,previewed_at,previous_id,source,stamp,state' \
		"$(echo "$output" | jp "','.join(sorted(d))")"
	same 'action,detail,entity,item,key,outcome,package_action,problems,resolution,resolved_at,resolved_by,sys_id,type' \
		"$(echo "$output" | jp "','.join(sorted(d['items'][1]))")"
	same "$A" "$(echo "$output" | jp "[i['sys_id'] for i in d['items'] if i['sys_id'] == '$A'][0]")"
	same inserted "$(echo "$output" | jp "[i['outcome'] for i in d['items'] if i['sys_id'] == '$A'][0]")"
	run dst import show 1
	[[ "${lines[0]}" == "id: 1" ]]
	[[ "$output" == *"item"*"type"*"name"*"outcome"* ]]
	expect_error 1 "no import 9; see 'ferry import list'" dst import show 9
	expect_error 2 "must be a whole number" dst import show x
}

@test "rule: import apply loads, previews and commits in one step" {
	setup_pair
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	export_pack p2
	run --separate-stderr dst import apply p2.sop --no-backup
	[ "$status" -eq 0 ]
	[[ "$output" == *"committed import 2: 0 inserted, 1 updated"* ]]
	run dst --json import show 2
	same committed "$(echo "$output" | jp 'd["state"]')"
	expect_error 2 "--on-conflict takes fail, skip or accept" dst import apply p2.sop --on-conflict maybe
}

@test "rule: formulas and data sets in a package are deployed by the formula rules" {
	src init --name dev >/dev/null
	src pack create f --use >/dev/null
	src formula create fee --inputs 'a:decimal,b:int' --outputs 'total' --body 'a*b' --start 2021-01-01 >/dev/null
	src pack add f formula fee --version 1 >/dev/null
	export_pack f
	dst init >/dev/null
	run --separate-stderr dst --json import apply f.sop --no-backup
	[ "$status" -eq 0 ]
	same '[{"item":1,"kind":"formula","name":"fee","outcome":"inserted","result":{"kind":"formula","name":"fee","version":1,"action":"create","start_date":"2021-12-31"}}]' \
		"$(echo "$output" | jp 'd["commit"]["definitions"]')"
	run dst --json formula show fee
	same draft "$(echo "$output" | jp 'd["versions"][0]["status"]')"
}

@test "rule: a formula whose target has a draft is an error that accept cannot answer" {
	src init --name dev >/dev/null
	src pack create f --use >/dev/null
	src formula create fee --inputs 'a:decimal' --outputs 'total' >/dev/null
	src pack add f formula fee --version 1 >/dev/null
	export_pack f
	dst init >/dev/null
	# the same inputs and outputs, another body: a draft of its own
	dst formula create fee --inputs 'a:decimal' --outputs 'total' --body 'a+1' >/dev/null
	id=$(load_id f.sop)
	run dst --json import preview "$id"
	[ "$status" -eq 3 ]
	same formula_draft_exists "$(echo "$output" | jp 'd["problems"][0]["kind"]')"
	same error "$(echo "$output" | jp 'd["problems"][0]["severity"]')"
	expect_error 1 "cannot be accepted: it has a formula_draft_exists problem; delete the target's draft first" \
		dst import resolve "$id" accept 1
	expect_error 3 "unresolved problems" dst import commit "$id"
	run dst --json import resolve "$id" skip 1
	same 0 "$(echo "$output" | jp 'd["unresolved"]')"
	run dst --json import commit "$id" --no-backup
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["outcomes"]["skipped"]')"
}

@test "rule: accepting an item the target already has writes nothing" {
	setup_pair
	id=$(load_id base.sop)
	dst import preview "$id" >/dev/null
	dst import resolve "$id" accept 2 >/dev/null
	before=$(sqlite3 dst.db 'SELECT count(*) FROM ferry_version')
	run dst --json import commit "$id" --no-backup
	[ "$status" -eq 0 ]
	same 6 "$(echo "$output" | jp 'd["outcomes"]["skipped"]')"
	same "$before" "$(sqlite3 dst.db 'SELECT count(*) FROM ferry_version')"
}

@test "rule: a commit plans again when the target changed after the preview" {
	setup_pair
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"name\":\"anne\"}" >/dev/null
	export_pack p2
	id=$(load_id p2.sop)
	run dst import preview "$id"
	[ "$status" -eq 0 ]
	# the target changes the same field after the preview
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\"}" >/dev/null
	expect_error 3 "import $id has 1 item(s) with unresolved problems" dst import commit "$id"
	same annie "$(field dst member "$A" name)"
}

@test "rule: the plan kept at load answers a preview only while nothing has changed since" {
	setup_pair
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"name\":\"anne\"}" >/dev/null
	export_pack p2
	run --separate-stderr dst --json import load p2.sop
	same 2 "$(echo "$output" | jp 'd["id"]')"
	# load made the plan and keeps it
	run sqlite3 dst.db "SELECT plan_mark IS NOT NULL FROM ferry_import WHERE id = 2"
	same 1 "$output"
	run dst --json import preview 2
	[ "$status" -eq 0 ]
	same 0 "$(echo "$output" | jp 'd["problem_count"]')"
	same 1 "$(echo "$output" | jp 'd["actions"]["update"]')"
	# a change in the target since: the preview plans again and sees it
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\"}" >/dev/null
	run dst --json import preview 2
	[ "$status" -eq 3 ]
	same local_change:error "$(echo "$output" | jp '[p["kind"] + ":" + p["severity"] for p in d["problems"]][0]')"
	# a resolution since: the kept plan is no longer current
	dst import resolve 2 skip 2 >/dev/null
	run sqlite3 dst.db "SELECT plan_mark IS NULL FROM ferry_import WHERE id = 2"
	same 1 "$output"
	run dst --json import preview 2
	[ "$status" -eq 0 ]
	same 0 "$(echo "$output" | jp 'd["unresolved"]')"
	same skip "$(echo "$output" | jp 'd["problems"][0]["resolution"]')"
}

@test "rule: an update written set-wise keeps the record's created at and by, and takes the committer's updated at and by" {
	setup_pair
	created=$(dst --json record get member "$A" | jp '[d["sys_created_at"], d["sys_created_by"]]')
	dst user add carol --admin >/dev/null
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	export_pack p2
	FERRY_NOW=2030-01-02T03:04:05Z FERRY_USER=carol dst import apply p2.sop \
		--no-backup >/dev/null
	run --separate-stderr dst --json record get member "$A"
	[ "$status" -eq 0 ]
	same 31 "$(echo "$output" | jp 'd["age"]')"
	same ann "$(echo "$output" | jp 'd["name"]')"
	same "$created" "$(echo "$output" | jp '[d["sys_created_at"], d["sys_created_by"]]')"
	same carol "$(echo "$output" | jp 'd["sys_updated_by"]')"
	same 2030-01-02 "$(echo "$output" | jp 'd["sys_updated_at"][:10]')"
	# the row is the version the package brought, and nothing was added
	same "$(src --json record get member "$A" | jp 'd["sys_version"]')" \
		"$(echo "$output" | jp 'd["sys_version"]')"
	same 2 "$(dst --json record list member | jp 'len(d)')"
	same carol "$(dst --json record history member "$A" | jp 'd[-1]["author"]')"
}
