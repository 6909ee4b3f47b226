#!/usr/bin/env bats
# import_resolve.bats - resolving an import never loses anyone's work
# (docs/import.md, "Diff" and "Resolve"): the per-field diff, clear, the
# same change on both sides, already applied content, idempotent
# re-imports, back outs that would leave references dangling, preview
# filters, discard, the type column of show, and the README's first
# session end to end.  accept, accept --whole, merge, skip and the bad
# inputs are in import_conflicts.bats; the randomised invariants in
# tests/unit/test_import_merge.c.

load helpers/import_helpers

# A change of A's name (and age) in src, shipped as p2 and loaded into dst.
change_name() {
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"name\":\"${1:-anne}\"${2:+,\"age\":$2}}" >/dev/null
	export_pack p2
	ID=$(load_id p2.sop)
}

@test "rule: import diff shows base, target and package per field, aligned, and marks conflicts" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\",\"age\":33}" >/dev/null
	change_name anne
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	run dst import diff "$ID" 2
	[ "$status" -eq 0 ]
	same "item 2  record member $A  (merge)" "${lines[0]}"
	same '  field  base   target   package  merge' "${lines[1]}"
	same '  age    30     33       30       target' "${lines[2]}"
	same '  name   "ann"  "annie"  "anne"   CONFLICT' "${lines[3]}"
	run dst --json import diff "$ID"
	same '[{"name":"age","base":30,"target":33,"package":30,"merge":"target","conflict":false,"external_name":null},{"name":"name","base":"ann","target":"annie","package":"anne","merge":"conflict","conflict":true,"external_name":null}]' \
		"$(echo "$output" | jp 'd["items"][0]["fields"]')"
	same 'action,entity,fields,has_base,item,key,package_action,resolution,sys_id,target_exists,type' \
		"$(echo "$output" | jp '",".join(sorted(d["items"][0]))')"
}

@test "rule: import diff cuts long values with a marker; --full shows them whole" {
	setup_pair
	long=$(printf 'x%.0s' $(seq 38))
	change_name "$long"
	dst import preview "$ID" >/dev/null
	run dst import diff "$ID" 2
	[[ "$output" == *'"xxxxxxxxxxxxxxxxxxxx...'* ]]
	[[ "$output" != *"$long"* ]]
	run dst import diff "$ID" 2 --full
	[[ "$output" == *"\"$long\""* ]]
}

@test "rule: import diff shows a schema item's definitions side by side" {
	setup_pair
	begin_pack p2
	src field add member email 'nvarchar(80)' --display 'E-mail' >/dev/null
	export_pack p2
	ID=$(load_id p2.sop)
	dst import preview "$ID" >/dev/null
	item=$(dst --json import show "$ID" | jp "[i['item'] for i in d['items'] if i['type'] == 'field'][0]")
	run dst --json import diff "$ID" "$item"
	[ "$status" -eq 0 ]
	same field "$(echo "$output" | jp 'd["items"][0]["type"]')"
	same member.email "$(echo "$output" | jp 'd["items"][0]["key"]')"
	same '["nvarchar(80)",null]' "$(echo "$output" | jp '[[f["package"], f["target"]] for f in d["items"][0]["fields"] if f["name"] == "type"][0]')"
	same 'E-mail' "$(echo "$output" | jp '[f["package"] for f in d["items"][0]["fields"] if f["name"] == "display"][0]')"
	expect_error 1 "import $ID has no item 99" dst import diff "$ID" 99
}

@test "rule: clear returns an item to unresolved" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\"}" >/dev/null
	change_name anne
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	dst import resolve "$ID" skip 2 >/dev/null
	run dst --json import resolve "$ID" clear 2
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["unresolved"]')"
	same '[2]' "$(echo "$output" | jp 'd["unresolved_items"]')"
	same None "$(dst --json import show "$ID" | jp "str([i['resolution'] for i in d['items'] if i['item'] == 2][0])")"
	expect_error 3 "unresolved problems" dst import commit "$ID"
	expect_error 2 "clear takes ITEMs, not --all" dst import resolve "$ID" clear --all
}

@test "rule: the same change on both sides is same_change (info), not a conflict" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"anne\",\"age\":33}" >/dev/null
	change_name anne
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	same local_change:info,same_change:info "$(echo "$output" | jp '",".join(sorted(p["kind"] + ":" + p["severity"] for p in d["problems"]))')"
	[[ "$(echo "$output" | jp '[p["message"] for p in d["problems"] if p["kind"] == "same_change"][0]')" == *"the target made the package's change to name too"* ]]
	same same "$(dst --json import diff "$ID" 2 | jp '[f["merge"] for f in d["items"][0]["fields"] if f["name"] == "name"][0]')"
	run dst import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same anne "$(field dst member "$A" name)"
	same 33 "$(field dst member "$A" age)"
}

@test "rule: a record whose target content already equals the package's is already_applied, whatever its history" {
	setup_pair
	# the target made the package's change by hand: other versions
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"anne\",\"age\":31}" >/dev/null
	change_name anne 31
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	same already_applied:info "$(echo "$output" | jp '",".join(p["kind"] + ":" + p["severity"] for p in d["problems"])')"
	same 1 "$(echo "$output" | jp 'd["actions"]["skip"]')"
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["outcomes"]["skipped"]')"
}

@test "rule: re-applying a package after a clean merge changes nothing and exits 0" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"age\":33}" >/dev/null
	change_name anne
	run dst import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	before=$(field dst member "$A" sys_version)
	run --separate-stderr dst --json import apply p2.sop --no-backup
	[ "$status" -eq 0 ]
	same 0 "$(echo "$output" | jp 'd["commit"]["outcomes"]["merged"] + d["commit"]["outcomes"]["updated"]')"
	same "$before" "$(field dst member "$A" sys_version)" "no new version"
	same anne "$(field dst member "$A" name)"
	same 33 "$(field dst member "$A" age)"
}

# A source with formula tax and data set rates, packed as defs.sop.
formula_pack() {
	src init --name dev >/dev/null
	src formula create tax --inputs 'a:int' --outputs 'net' --body 'a*2' >/dev/null
	src dataset create rates --columns 'code:nvarchar(10)' >/dev/null
	src pack create defs >/dev/null
	src pack add defs formula tax --version 1 >/dev/null
	src pack add defs dataset rates --version 1 >/dev/null
	export_pack defs
}

@test "rule: re-importing the same formula and data set is already_applied, also after a rename" {
	formula_pack
	dst init --name test >/dev/null
	# the target's own tax has other inputs: the package's is renamed
	dst formula create tax --inputs 'b:int' --outputs 'net' >/dev/null
	dst import apply defs.sop --no-backup >/dev/null
	same "rates,tax,tax_2021-12-31" "$(dst --json formula list | jp '",".join(sorted([f["name"] for f in d] + ["rates"]))')"
	id=$(load_id defs.sop)
	run dst --json import preview "$id"
	[ "$status" -eq 0 ]
	same already_applied,already_applied "$(echo "$output" | jp '",".join(p["kind"] for p in d["problems"])')"
	[[ "$(echo "$output" | jp '[p["message"] for p in d["problems"] if p["entity"] == "formula"][0]')" == *"already has this content (version 1 of 'tax_2021-12-31'); nothing to do" ]]
	run dst import commit "$id" --no-backup
	[ "$status" -eq 0 ]
	same "tax,tax_2021-12-31" "$(dst --json formula list | jp '",".join(sorted(f["name"] for f in d))')"
	same 1 "$(dst --json dataset list | jp 'len(d)')"
}

@test "rule: a back out that would delete a record others now refer to is refused (still_referenced), nothing changed" {
	setup_pair
	begin_pack p2
	C=$(src record put member '{"name":"cy"}')
	export_pack p2
	ID=$(load_id p2.sop)
	dst import commit "$ID" --no-backup >/dev/null
	D=$(dst record put member "{\"name\":\"dan\",\"boss\":\"$C\"}")
	snapshot
	expect_error 1 "cannot back out import $ID: it inserted member record $C, which is still referred to (by member.boss $D, for one: still_referenced)" \
		dst import backout "$ID"
	assert_unchanged
	dst record put member "{\"sys_id\":\"$D\",\"boss\":null}" >/dev/null
	run dst import backout "$ID"
	[ "$status" -eq 0 ]
}

# Three problems: a conflict on A, already applied on B, a new record.
three_problems() {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\"}" >/dev/null
	dst record put member "{\"sys_id\":\"$B\",\"name\":\"bobby\"}" >/dev/null
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"name\":\"anne\"}" >/dev/null
	src record put member "{\"sys_id\":\"$B\",\"name\":\"bobby\"}" >/dev/null
	export_pack p2
	ID=$(load_id p2.sop)
}

@test "rule: preview filters by severity, kind and entity, pages with limit and offset, and counts per kind first" {
	three_problems
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	same "by kind: already_applied 1, local_change 1" "${lines[2]}"
	run dst --json import preview "$ID" --severity error
	same local_change "$(echo "$output" | jp '",".join(p["kind"] for p in d["problems"])')"
	same '{"already_applied":1,"local_change":1}' "$(echo "$output" | jp 'd["kinds"]')"
	same 1 "$(echo "$output" | jp 'd["matched"]')"
	run dst --json import preview "$ID" --kind already_applied
	same "$B" "$(echo "$output" | jp '",".join(p["sys_id"] for p in d["problems"])')"
	run dst --json import preview "$ID" --entity member --limit 1
	same 1 "$(echo "$output" | jp 'len(d["problems"])')"
	same 2 "$(echo "$output" | jp 'd["matched"]')"
	first=$(echo "$output" | jp 'd["problems"][0]["item"]')
	run dst --json import preview "$ID" --entity member --limit 1 --offset 1
	[ "$(echo "$output" | jp 'd["problems"][0]["item"]')" != "$first" ]
	run dst --json import preview "$ID" --entity club
	same '[]' "$(echo "$output" | jp 'd["problems"]')"
	run dst import preview "$ID" --limit 1
	[[ "$output" == *"(1 of 2 matching problem(s) shown; see --limit and --offset)"* ]]
	expect_error 1 "no severity 'fatal': use error, warning or info" dst import preview "$ID" --severity fatal
	expect_error 1 "no problem kind 'oops'; the kinds are local_change" dst import preview "$ID" --kind oops
	expect_error 2 "--limit must be a whole number, not '-1'" dst import preview "$ID" --limit -1
}

@test "rule: import discard drops a loaded or previewed import and its staged items; a committed one is refused" {
	setup_pair
	change_name anne
	run dst --json import discard "$ID"
	[ "$status" -eq 0 ]
	same '{"id":2,"discarded":true,"items":2}' "$output"
	expect_error 1 "no import $ID" dst import show "$ID"
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM ferry_import_item WHERE import_id = $ID")"
	# its staged payloads too: no version keeps one of an import not
	# committed
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM ferry_version_payload WHERE k BETWEEN $ID * 4294967296 AND $ID * 4294967296 + 4294967295")"
	same ann "$(field dst member "$A" name)"
	snapshot
	expect_error 1 "cannot discard import 1: it is committed, and a committed import is kept as the instance's history (undo it with 'ferry import backout')" \
		dst import discard 1
	assert_unchanged
	ID=$(load_id p2.sop)
	dst import preview "$ID" >/dev/null
	run dst import discard "$ID"
	[ "$status" -eq 0 ]
	same "discarded import $ID and its 2 staged item(s)" "$output"
}

@test "rule: import show has a type column: a schema item shows as a definition with its name" {
	setup_pair
	begin_pack p2
	src entity create club >/dev/null
	src field add club title 'nvarchar(20)' >/dev/null
	C=$(src record put club '{"title":"chess"}')
	export_pack p2
	ID=$(load_id p2.sop)
	dst import preview "$ID" >/dev/null
	run dst import show "$ID"
	[[ "$output" == *"item  type    name "* ]]
	[[ "$output" =~ [0-9]+\ +schema\ +club\  ]]
	[[ "$output" =~ [0-9]+\ +entity\ +club\  ]]
	[[ "$output" =~ [0-9]+\ +field\ +club.title\  ]]
	[[ "$output" =~ [0-9]+\ +record\ +club\ $C\  ]]
	[[ "$output" != *" - - -"* ]]
}

@test "rule: the README's first session works end to end, into a fresh instance" {
	# the first indented block of the section, as a reader copies it
	awk '/^## A first session/ { f = 1; next } f && /^    / { b = 1; sub(/^    /, ""); print; next } b && NF { exit }' \
		"$FERRY_SRC/README.md" >first-session.sh
	grep -q 'ferry pack export release-1' first-session.sh
	mkdir bin
	ln -s "$FERRY_BIN" bin/ferry
	PATH="$PWD/bin:$PATH" run bash -e first-session.sh
	[ "$status" -eq 0 ]
	file=$(ls release-1_*.sop)
	export FERRY_DB=fresh.db
	PATH="$PWD/bin:$PATH" ferry init --name prod >/dev/null
	id=$(PATH="$PWD/bin:$PATH" ferry --json import load "$file" | jp 'd["id"]')
	run "$FERRY_BIN" --json import preview "$id"
	[ "$status" -eq 0 ]
	same creates_entity "$(echo "$output" | jp '",".join(p["kind"] for p in d["problems"])')"
	run "$FERRY_BIN" import commit "$id" --no-backup
	[ "$status" -eq 0 ]
	same Ann "$("$FERRY_BIN" --json record list member | jp 'd[0]["name"]')"
	unset FERRY_DB
}
