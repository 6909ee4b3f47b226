#!/usr/bin/env bats
# import_conflicts.bats - what preview finds and how problems are
# resolved: local changes (three-way), the protection matrix, missing
# entities, fields and references, and accept, skip and merge
# (docs/import.md, "Preview" and "Resolve").

load helpers/import_helpers
load schema_steps

# A change of A's name in src, shipped as p2 and loaded into dst.
change_name() {
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"name\":\"${1:-anne}\"}" >/dev/null
	export_pack p2 "${@:2}"
	ID=$(load_id p2.sop)
}

# ship_p2 JSON...: member records put in src in a new pack p2, shipped
# and loaded into dst as import $ID.
ship_p2() {
	local r
	begin_pack p2
	for r in "$@"; do
		src record put member "$r" >/dev/null
	done
	export_pack p2
	ID=$(load_id p2.sop)
}

@test "rule: a local change to other fields merges cleanly (local_change info, merge)" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"age\":33}" >/dev/null
	change_name anne
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["actions"]["merge"]')"
	same local_change:info "$(echo "$output" | jp '[p["kind"] + ":" + p["severity"] for p in d["problems"]][0]')"
	[[ "$(echo "$output" | jp 'd["problems"][0]["message"]')" == *"not in the fields the package changes (name)"* ]]
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["outcomes"]["merged"]')"
	same anne "$(field dst member "$A" name)"
	same 33 "$(field dst member "$A" age)" "the target's change is kept"
	same changed "$(field dst member "$A" sys_policy)"
}

@test "rule: a committed import keeps the package's payload of each record it wrote, its side of a merge, and drops a skipped record's" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"age\":33}" >/dev/null
	dst record put member "{\"sys_id\":\"$B\",\"name\":\"bobby\"}" >/dev/null
	ship_p2 "{\"sys_id\":\"$A\",\"name\":\"anne\"}" "{\"sys_id\":\"$B\",\"name\":\"rob\"}"
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	a=$(item_of "$ID" "$A")
	b=$(item_of "$ID" "$B")
	run dst import resolve "$ID" skip "$b"
	[ "$status" -eq 0 ]
	same 2 "$(staged_payloads "$ID")"
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["outcomes"]["merged"]')"
	same 1 "$(echo "$output" | jp 'd["outcomes"]["skipped"]')"
	# A's merge wrote a version of its own (anne, 33); the package's side
	# (anne, 30) stays with the import, under A's item; B's is gone.
	same 1 "$(staged_payloads "$ID")"
	same '{"age":30,"name":"anne"}' "$(sqlite3 dst.db "SELECT payload FROM ferry_version_payload WHERE k = $ID * 4294967296 + $a")"
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM ferry_version_payload WHERE k = $ID * 4294967296 + $b")"
	same anne "$(field dst member "$A" name)"
	same 33 "$(field dst member "$A" age)"
	same bobby "$(field dst member "$B" name)"
}

@test "rule: a bool field the package changes merges cleanly with a local edit of another field" {
	setup_pair
	begin_pack b2
	src field add member active bool >/dev/null
	src record put member "{\"sys_id\":\"$A\",\"active\":true}" >/dev/null
	src record put member "{\"sys_id\":\"$B\",\"active\":false}" >/dev/null
	export_pack b2
	dst import apply b2.sop --no-backup >/dev/null
	# The package flips both; the target edits only their ages.
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"active\":false}" >/dev/null
	src record put member "{\"sys_id\":\"$B\",\"active\":true}" >/dev/null
	export_pack p2
	dst record put member "{\"sys_id\":\"$A\",\"age\":33}" >/dev/null
	dst record put member "{\"sys_id\":\"$B\",\"age\":44}" >/dev/null
	ID=$(load_id p2.sop)
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	same 2 "$(echo "$output" | jp 'd["actions"]["merge"]')"
	same local_change:info,local_change:info "$(echo "$output" | jp "','.join(p['kind'] + ':' + p['severity'] for p in d['problems'])")"
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same 2 "$(echo "$output" | jp 'd["outcomes"]["merged"]')"
	same false "$(field dst member "$A" active)"
	same 33 "$(field dst member "$A" age)"
	same true "$(field dst member "$B" active)"
	same 44 "$(field dst member "$B" age)"
}

@test "rule: a local change to the same field is a conflict naming the field (local_change error)" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\"}" >/dev/null
	change_name anne
	run dst --json import preview "$ID"
	[ "$status" -eq 3 ]
	same 1 "$(echo "$output" | jp 'd["unresolved"]')"
	same local_change:error "$(echo "$output" | jp '[p["kind"] + ":" + p["severity"] for p in d["problems"]][0]')"
	[[ "$(echo "$output" | jp 'd["problems"][0]["message"]')" == *"a field the package changes (name) also changed there, to another value; 'ferry import resolve $ID accept 2' takes the package's values of the fields that conflict"* ]]
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	[[ "$output" == *"1 item(s) unresolved"* ]]
}

@test "rule: commit is refused (exit 3) until every error is resolved, and changes nothing" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\"}" >/dev/null
	change_name anne
	snapshot
	expect_error 3 "import $ID has 1 item(s) with unresolved problems; see 'ferry import preview $ID'" \
		dst import commit "$ID"
	same annie "$(field dst member "$A" name)"
	ls dst.db.backup-* 2>/dev/null && false
	run dst --json import show "$ID"
	same previewed "$(echo "$output" | jp 'd["state"]')"
}

@test "rule: accept: the package wins the conflicting fields, the target keeps its other changes (recorded on the item)" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\",\"age\":33}" >/dev/null
	change_name anne
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	run dst --json import resolve "$ID" accept 2
	[ "$status" -eq 0 ]
	same '{"id":2,"resolution":"accept","resolved":1,"left":0,"left_items":[],"unresolved":0,"unresolved_items":[]}' "$output"
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	same accept "$(echo "$output" | jp 'd["problems"][0]["resolution"]')"
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["outcomes"]["merged"]')"
	same anne "$(field dst member "$A" name)"
	same 33 "$(field dst member "$A" age)" "the target's change to a field the package did not change is kept"
	run dst --json import show "$ID"
	same accept "$(echo "$output" | jp "[i['resolution'] for i in d['items'] if i['sys_id'] == '$A'][0]")"
	same admin "$(echo "$output" | jp "[i['resolved_by'] for i in d['items'] if i['sys_id'] == '$A'][0]")"
	same "$NOW" "$(echo "$output" | jp "[i['resolved_at'] for i in d['items'] if i['sys_id'] == '$A'][0]")"
}

@test "a merge whose staged payload is gone is refused by commit, which changes nothing" {
	skip_on_postgres "the staging tables of the SQLite file"
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\",\"age\":33}" >/dev/null
	change_name anne
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	run dst import resolve "$ID" accept 2
	[ "$status" -eq 0 ]
	sqlite3 "$BATS_TEST_TMPDIR/dst.db" "DELETE FROM ferry_version_payload WHERE k = $ID * 4294967296 + 2"
	snapshot
	expect_error 1 "item 2 of import $ID has lost its staged payload; discard the import and load the package again" \
		dst import commit "$ID" --no-backup
	assert_unchanged
	same annie "$(field dst member "$A" name)"
}

@test "rule: accept --whole takes the package's record as it is, and the outcome says so" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\",\"age\":33}" >/dev/null
	change_name anne
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	run dst --json import resolve "$ID" accept 2 --whole
	[ "$status" -eq 0 ]
	same accept_whole "$(echo "$output" | jp 'd["resolution"]')"
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["outcomes"]["updated"]')"
	same anne "$(field dst member "$A" name)"
	same 30 "$(field dst member "$A" age)" "the whole package version"
	same "$(field src member "$A" sys_version)" "$(field dst member "$A" sys_version)"
	run dst --json import show "$ID"
	same accept_whole "$(echo "$output" | jp "[i['resolution'] for i in d['items'] if i['sys_id'] == '$A'][0]")"
	same "the package's whole record (accept --whole)" "$(echo "$output" | jp "[i['detail'] for i in d['items'] if i['sys_id'] == '$A'][0]")"
	expect_error 2 "--whole goes with accept" dst import resolve "$ID" skip 2 --whole
}

@test "rule: an instance from before schema 20 keeps what its commits recorded of each item once opened" {
	skip_on_postgres "the SQLite file's plan columns"
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\",\"age\":33}" >/dev/null
	change_name anne
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	dst import resolve "$ID" accept "$(item_of "$ID" "$A")" --whole >/dev/null
	dst import commit "$ID" --no-backup >/dev/null
	shown=$(dst --json import show "$ID")
	# Schema 19: the outcome and its detail in the item's plan row
	sqlite3 dst.db "$(undo_outcomes) PRAGMA user_version = 19;"
	same "updated|the package's whole record (accept --whole)" "$(sqlite3 dst.db "SELECT outcome || '|' || detail FROM ferry_import_plan WHERE import_id = $ID AND outcome IS NOT NULL")"
	run --separate-stderr dst --json import show "$ID"
	[ "$status" -eq 0 ]
	same "$SCHEMA_LATEST" "$(sqlite3 dst.db 'PRAGMA user_version')"
	same "$shown" "$output"
	[[ "$output" == *"the package's whole record (accept --whole)"* ]]
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM pragma_table_info('ferry_import_plan') WHERE name = 'outcome'")"
}

@test "rule: skip keeps the target's record" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\"}" >/dev/null
	change_name anne
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	run dst import resolve "$ID" skip --all
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 item(s) resolved with skip; 0 item(s) unresolved"* ]]
	run dst --json import commit "$ID" --no-backup
	same 1 "$(echo "$output" | jp 'd["outcomes"]["skipped"]')"
	same annie "$(field dst member "$A" name)"
	run dst --json import show "$ID"
	same skip "$(echo "$output" | jp "[i['action'] for i in d['items'] if i['sys_id'] == '$A'][0]")"
}

# The import's previewed_at after a preview and a resolve --all with
# each of $@ in turn, on days 1, 2, ..., then a commit on day 9: the last
# preview's day when commit acted on the plan it kept, day 9 when it
# planned again.
previewed_at_after() {
	local r day=1
	for r in "$@"; do
		FERRY_NOW=2031-01-0${day}T00:00:00Z dst import preview "$ID" >/dev/null || true
		FERRY_NOW=2031-01-0${day}T12:00:00Z dst import resolve "$ID" "$r" --all >/dev/null
		day=$((day + 1))
	done
	FERRY_NOW=2031-01-09T00:00:00Z dst import commit "$ID" --no-backup >/dev/null
	dst --json import show "$ID" | jp 'd["previewed_at"]'
}

# A's name changed in both: annie in dst, anne in the package ($ID).
name_conflict() {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\"}" >/dev/null
	change_name anne
}

@test "rule: an accept keeps the preview's plan for commit (planning reads no accept)" {
	name_conflict
	same 2031-01-01T00:00:00Z "$(previewed_at_after accept)" "commit planned again"
	same anne "$(field dst member "$A" name)"
}

@test "rule: an accept that replaces a skip makes commit plan again" {
	name_conflict
	same 2031-01-09T00:00:00Z "$(previewed_at_after skip accept)" "commit kept a plan made before the accept replaced the skip"
	same anne "$(field dst member "$A" name)"
}

@test "rule: merge: the patch names the fields decided by hand, checked like a record put; bad input changes nothing" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\",\"age\":33}" >/dev/null
	change_name anne
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	snapshot
	expect_error 1 "member.age: int takes an integer; got a string" \
		dst import resolve "$ID" merge 2 '{"age":"old"}'
	expect_error 1 "member has no field 'ghost'" dst import resolve "$ID" merge 2 '{"ghost":1}'
	expect_error 1 "member.name: nvarchar(40) holds at most 40 characters" \
		dst import resolve "$ID" merge 2 "{\"name\":\"$(printf 'x%.0s' $(seq 41))\"}"
	expect_error 1 "refers to member record 00000000-0000-4000-8000-000000000000, which is neither in the target nor written by the import" \
		dst import resolve "$ID" merge 2 '{"boss":"00000000-0000-4000-8000-000000000000"}'
	expect_error 1 "is not a JSON object" dst import resolve "$ID" merge 2 '[1]'
	expect_error 1 "the patch must decide every field that conflicts; it leaves out name" \
		dst import resolve "$ID" merge 2 '{"age":34}'
	expect_error 1 "the patch names no field" dst import resolve "$ID" merge 2 '{}'
	expect_error 1 "import $ID has no item 9" dst import resolve "$ID" merge 9 '{"name":"x"}'
	expect_error 2 "merge takes one ITEM and a PATCH" dst import resolve "$ID" merge 2
	assert_unchanged
	run dst import resolve "$ID" merge 2 "{\"name\":\"anne-annie\",\"boss\":\"$B\"}"
	[ "$status" -eq 0 ]
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["outcomes"]["merged"]')"
	same anne-annie "$(field dst member "$A" name)"
	same 33 "$(field dst member "$A" age)"
	same "$B" "$(field dst member "$A" boss)"
}

@test "rule: resolve needs a preview and names its items" {
	setup_pair
	change_name anne
	expect_error 1 "cannot resolve import $ID before its preview: run 'ferry import preview $ID' first" \
		dst import resolve "$ID" skip 2
	dst import preview "$ID" >/dev/null
	expect_error 1 "import $ID has no item 7; see 'ferry import preview $ID'" dst import resolve "$ID" skip 7
	expect_error 2 "name the ITEMs to accept, or --all" dst import resolve "$ID" accept
	expect_error 2 "resolve with accept, skip, clear or merge, not 'maybe'" dst import resolve "$ID" maybe 2
	expect_error 1 "cannot resolve import 1: it is committed" dst import resolve 1 skip 2
}

# ---- the protection matrix ------------------------------------------------

# matrix SOURCE TARGET: a package whose version of A has policy SOURCE,
# loaded where A's policy is TARGET.  Sets A and ID.
matrix() {
	local source=$1 target=$2 base_opts=() p2_opts=()
	src init --name dev >/dev/null
	if [ "$target" = protected ]; then
		src property set protected.essences member >/dev/null
		base_opts=(--as-application)
	fi
	src pack create base --use >/dev/null
	src entity create member >/dev/null
	src field add member name 'nvarchar(40)' >/dev/null
	src field add member age int >/dev/null
	A=$(src record put member '{"name":"ann","age":30}')
	if [ "$target" = protected ]; then
		# changed in src, so the application export protects it
		src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	fi
	export_pack base "${base_opts[@]}"
	dst init >/dev/null
	dst import apply base.sop --no-backup >/dev/null
	if [ "$target" = changed ]; then
		dst record put member "{\"sys_id\":\"$A\",\"age\":33}" >/dev/null
	fi
	same "$target" "$(field dst member "$A" sys_policy)" "target policy"
	case $source in
	open) src property set protected.essences none >/dev/null
	      p2_opts=(--as-application) ;;
	protected) src property set protected.essences member >/dev/null
	      p2_opts=(--as-application) ;;
	esac
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"name\":\"anne\"}" >/dev/null
	export_pack p2 "${p2_opts[@]}"
	same "$source" "$(python3 "$SOP" items p2.sop | grep '"record","entity":"member"' | sed 's/.*"policy":"\([a-z]*\)".*/\1/')" "source policy"
	ID=$(load_id p2.sop)
}

# The policy problems of A's item.
policy_kinds() {
	kinds "$ID" "$A" | tr ',' '\n' | grep -v local_change | paste -sd, -
}

@test "rule: protection matrix: source protected onto target open applies" {
	matrix protected open
	same "" "$(policy_kinds)"
}

@test "rule: protection matrix: source protected onto target changed applies" {
	matrix protected changed
	same "" "$(policy_kinds)"
}

@test "rule: protection matrix: source protected onto target protected applies" {
	matrix protected protected
	same "" "$(policy_kinds)"
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same anne "$(field dst member "$A" name)"
}

@test "rule: protection matrix: source changed onto target open applies" {
	matrix changed open
	same "" "$(policy_kinds)"
}

@test "rule: protection matrix: source changed onto target changed applies" {
	matrix changed changed
	same "" "$(policy_kinds)"
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same anne "$(field dst member "$A" name)"
	same 33 "$(field dst member "$A" age)" "the target's change merged"
}

@test "rule: protection matrix: source changed onto target protected is a protected problem" {
	matrix changed protected
	same protected "$(policy_kinds)"
	run dst --json import preview "$ID"
	[ "$status" -eq 3 ]
	[[ "$(echo "$output" | jp '[p["message"] for p in d["problems"] if p["kind"] == "protected"][0]')" == *"is protected in the target (it belongs to an installed application) and the package's version is changed"* ]]
}

@test "rule: protection matrix: source open onto target open applies" {
	matrix open open
	same "" "$(policy_kinds)"
}

@test "rule: protection matrix: source open onto target changed is a customized problem" {
	matrix open changed
	same customized "$(policy_kinds)"
	expect_error 3 "unresolved problems" dst import commit "$ID"
	same ann "$(field dst member "$A" name)" "a vendor's open record never silently overwrites a customisation"
	dst import resolve "$ID" accept 2 >/dev/null
	dst import commit "$ID" --no-backup >/dev/null
	same anne "$(field dst member "$A" name)"
	same 33 "$(field dst member "$A" age)" "accept keeps the customisation of other fields"
	same changed "$(field dst member "$A" sys_policy)" "still customised"
}

@test "rule: protection matrix: accept --whole onto a customisation is a strong overwrite" {
	matrix open changed
	run dst import preview "$ID"
	[ "$status" -eq 3 ]
	dst import resolve "$ID" accept 2 --whole >/dev/null
	dst import commit "$ID" --no-backup >/dev/null
	same anne "$(field dst member "$A" name)"
	same 30 "$(field dst member "$A" age)"
	same open "$(field dst member "$A" sys_policy)"
}

@test "rule: protection matrix: source open onto target protected is a protected problem" {
	matrix open protected
	same protected "$(policy_kinds)"
	dst import resolve "$ID" accept 2 >/dev/null
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same anne "$(field dst member "$A" name)" "accept is a strong overwrite"
}

# ---- missing things -----------------------------------------------------------

@test "rule: an entity the target lacks is created from the package's declared schema (creates_entity info)" {
	setup_pair
	src pack create hidden --use >/dev/null
	src entity create club --display Club >/dev/null
	src field add club title 'nvarchar(20)' >/dev/null
	begin_pack p2
	C=$(src record put club '{"title":"chess"}')
	export_pack p2
	ID=$(load_id p2.sop)
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	same creates_entity:info "$(echo "$output" | jp '",".join(p["kind"] + ":" + p["severity"] for p in d["problems"])')"
	same "entity club is not in the target: it is created from the package's declared schema, with title nvarchar(20)" \
		"$(echo "$output" | jp 'd["problems"][0]["message"]')"
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same chess "$(field dst club "$C" title)"
	same Club "$(dst --json entity show club | jp 'd["display"]')"
}

@test "rule: a declared reference to an entity neither side has is missing_entity, answered only by skip" {
	setup_pair
	src pack create hidden --use >/dev/null
	src entity create town >/dev/null
	src entity create club >/dev/null
	src field add club town 'ref(town)' >/dev/null
	begin_pack p2
	C=$(src record put club '{}')
	export_pack p2
	ID=$(load_id p2.sop)
	run dst --json import preview "$ID"
	[ "$status" -eq 3 ]
	same missing_entity:error "$(echo "$output" | jp '",".join(p["kind"] + ":" + p["severity"] for p in d["problems"] if p["severity"] == "error")')"
	msg=$(echo "$output" | jp '[p["message"] for p in d["problems"] if p["kind"] == "missing_entity"][0]')
	[[ "$msg" == *"field club.town is a ref(town), and entity town is neither in the target nor created by the package; create the entity first (ferry entity create), or 'ferry import resolve $ID skip 1' keeps the target's" ]]
	[[ "$msg" != *accept* ]]
	snapshot
	expect_error 1 "item 1 cannot be accepted: it has a missing_entity problem" \
		dst import resolve "$ID" accept 1
	assert_unchanged
	run dst --json import resolve "$ID" accept --all
	[ "$status" -eq 3 ]
	same 1 "$(echo "$output" | jp 'd["left"]')"
	same '[1]' "$(echo "$output" | jp 'd["left_items"]')"
	same '[1]' "$(echo "$output" | jp 'd["unresolved_items"]')"
	run dst import resolve "$ID" accept --all
	[ "$status" -eq 3 ]
	[[ "$output" == *"1 left (accept cannot answer them: see their problems in 'ferry import preview $ID'): 1; 1 item(s) unresolved: 1"* ]]
}

@test "rule: a field the target lacks that the package declares is added (creates_field info)" {
	setup_pair
	src pack create hidden --use >/dev/null
	src field add member email 'nvarchar(80)' >/dev/null
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"email\":\"a@x.org\"}" >/dev/null
	export_pack p2
	ID=$(load_id p2.sop)
	same creates_field "$(dst --json import preview "$ID" | jp '",".join(p["kind"] for p in d["problems"])')"
	run dst --json import preview "$ID"
	[[ "$(echo "$output" | jp 'd["problems"][0]["message"]')" == "entity member lacks field(s) the package declares: email nvarchar(80) is added by the schema merge rules" ]]
	run dst import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same a@x.org "$(field dst member "$A" email)"
	same 'nvarchar(80)' "$(dst --json entity show member | jp "[f['type'] for f in d['fields'] if f['name'] == 'email'][0]")"
}

# p2.sop, in which new record D refers to C, a record only the source
# has, and B refers to A, which the target has too.
make_missing_ref() {
	setup_pair
	src pack create hidden --use >/dev/null
	C=$(src record put member '{"name":"cy"}')
	begin_pack p2
	D=$(src record put member "{\"name\":\"dan\",\"boss\":\"$C\"}")
	src record put member "{\"sys_id\":\"$B\",\"boss\":\"$A\"}" >/dev/null
	export_pack p2
}

@test "rule: a reference to a record neither in the target nor in the package is missing_reference" {
	make_missing_ref
	ID=$(load_id p2.sop)
	same missing_reference "$(kinds "$ID" "$D")"
	same "" "$(kinds "$ID" "$B")" "a reference to a target record is fine"
	run dst --json import preview "$ID"
	[[ "$(echo "$output" | jp "[p['message'] for p in d['problems'] if p['sys_id'] == '$D'][0]")" == "member.boss refers to member record $C, which is neither in the target nor written by the package"* ]]
	expect_error 1 "cannot be accepted: it has a missing_reference problem" \
		dst import resolve "$ID" accept "$(item_of "$ID" "$D")"
}

@test "rule: a reference is checked the same whether load kept its value with the item or the plan reads the payload" {
	# Load keeps each record's reference values with its item when it
	# judged the record's values, its schema item having come first;
	# the plan's check reads them there, and reads the payload of a
	# record staged before its schema.
	make_missing_ref
	cp p2.sop p3.sop
	python3 "$SOP" items p2.sop | head -1 | grep -q '"t":"schema"'
	ID=$(load_id p2.sop)
	same "{\"boss\":\"$C\"}" "$(sqlite3 dst.db "SELECT refs FROM ferry_import_item WHERE import_id = $ID AND sys_id = '$D'")"
	same missing_reference "$(kinds "$ID" "$D")"
	same "" "$(kinds "$ID" "$B")"
	dst import discard "$ID" >/dev/null
	# The records before the schema: none kept, the same problems.
	python3 "$SOP" swap p3.sop 1 2
	python3 "$SOP" swap p3.sop 2 3
	python3 "$SOP" items p3.sop | sed -n 3p | grep -q '"t":"schema"'
	ID=$(load_id p3.sop)
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM ferry_import_item WHERE import_id = $ID AND refs IS NOT NULL")"
	same missing_reference "$(kinds "$ID" "$D")"
	same "" "$(kinds "$ID" "$B")"
	run dst --json import preview "$ID"
	[[ "$(echo "$output" | jp "[p['message'] for p in d['problems'] if p['sys_id'] == '$D'][0]")" == "member.boss refers to member record $C, which is neither in the target nor written by the package"* ]]
}

@test "rule: a merge accepted whole writes every field, so every field is checked: a reference the target lacks is missing_reference" {
	setup_pair
	begin_pack p1
	src record put member "{\"sys_id\":\"$B\",\"boss\":\"$A\"}" >/dev/null
	export_pack p1
	dst import apply p1.sop --no-backup >/dev/null
	# The target clears B's boss and deletes A; the package renames B,
	# its boss still A.
	dst record put member "{\"sys_id\":\"$B\",\"boss\":null}" >/dev/null
	dst record delete member "$A" >/dev/null
	begin_pack p2
	src record put member "{\"sys_id\":\"$B\",\"name\":\"bobby\"}" >/dev/null
	export_pack p2
	ID=$(load_id p2.sop)
	same local_change "$(kinds "$ID" "$B")" "a merge writes only the name"
	dst import resolve "$ID" accept --whole "$(item_of "$ID" "$B")" >/dev/null
	same local_change,missing_reference "$(kinds "$ID" "$B")"
	expect_error 3 "unresolved problems" dst import commit "$ID" --no-backup
	same null "$(field dst member "$B" boss)"
}

@test "rule: a reference to a record the package brings is fine" {
	setup_pair
	begin_pack p2
	C=$(src record put member '{"name":"cy"}')
	D=$(src record put member "{\"name\":\"dan\",\"boss\":\"$C\"}")
	export_pack p2
	ID=$(load_id p2.sop)
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	same '[]' "$(echo "$output" | jp 'd["problems"]')"
}

@test "rule: a package that deletes a record its own other items still refer to is missing_reference" {
	setup_pair
	begin_pack p2
	# C is new and refers to B, A now refers to B ...
	C=$(src record put member "{\"name\":\"cy\",\"boss\":\"$B\"}")
	src record put member "{\"sys_id\":\"$A\",\"boss\":\"$B\"}" >/dev/null
	# ... until a later pack drops the references, so that src lets B
	# go; its delete goes into p2, whose versions of A and C (now out
	# of date) still refer to B.
	begin_pack p3
	src record put member "{\"sys_id\":\"$A\",\"boss\":null}" >/dev/null
	src record put member "{\"sys_id\":\"$C\",\"boss\":null}" >/dev/null
	src pack use p2 >/dev/null
	src record delete member "$B" >/dev/null
	export_pack p2
	python3 "$SOP" items p2.sop | grep -q "\"sys_id\":\"$B\",.*\"action\":\"delete\""
	ID=$(load_id p2.sop)
	run dst --json import preview "$ID"
	[ "$status" -eq 3 ]
	same missing_reference "$(kinds "$ID" "$C")"
	same missing_reference "$(kinds "$ID" "$A")"
	[[ "$(echo "$output" | jp "[p['message'] for p in d['problems'] if p['sys_id'] == '$C'][0]")" == "member.boss refers to member record $B, which is neither in the target nor written by the package"* ]]
	snapshot
	expect_error 3 "unresolved problems" dst import commit "$ID" --no-backup
	assert_unchanged
	# Skipping the delete answers both.
	dst import resolve "$ID" skip "$(item_of "$ID" "$B")" >/dev/null
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	run dst import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same "$B" "$(field dst member "$C" boss)"
	same 40 "$(field dst member "$B" age)"
}

@test "rule: a value that does not fit the target's field is type_mismatch" {
	setup_pair
	dst field set member name --type 'nvarchar(5)' >/dev/null
	# the target narrowed name (nvarchar(40) -> it keeps values <= 5)
	same 'nvarchar(5)' "$(dst --json entity show member | jp "[f['type'] for f in d['fields'] if f['name'] == 'name'][0]")"
	change_name annabelle
	run dst --json import preview "$ID"
	[ "$status" -eq 3 ]
	same type_mismatch "$(echo "$output" | jp 'd["problems"][0]["kind"]')"
	[[ "$(echo "$output" | jp 'd["problems"][0]["message"]')" == *"a value does not fit the target (name is nvarchar(5))"* ]]
}

@test "rule: sizes count characters on import: 5 multi-byte characters fit nvarchar(5), 6 do not" {
	setup_pair
	dst field set member name --type 'nvarchar(5)' >/dev/null
	# 5 characters in 11 bytes (2-, 3- and 4-byte sequences), and 6.
	five='é€😀ab' six='é€😀abc'
	same 11 "$(printf %s "$five" | wc -c | tr -d ' ')"
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"name\":\"$five\"}" >/dev/null
	src record put member "{\"sys_id\":\"$B\",\"name\":\"$six\"}" >/dev/null
	C=$(src record put member "{\"name\":\"$five\"}")
	D=$(src record put member "{\"name\":\"$six\"}")
	export_pack p2
	ID=$(load_id p2.sop)
	same "" "$(kinds "$ID" "$A")" "an update of 5 characters fits"
	same "" "$(kinds "$ID" "$C")" "an insert of 5 characters fits"
	same type_mismatch "$(kinds "$ID" "$B")"
	same type_mismatch "$(kinds "$ID" "$D")"
	dst import resolve "$ID" skip "$(item_of "$ID" "$B")" "$(item_of "$ID" "$D")" >/dev/null
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same "$five" "$(field dst member "$A" name)"
	same "$five" "$(field dst member "$C" name)"
	same bob "$(field dst member "$B" name)"
	run dst record get member "$D"
	[ "$status" -eq 1 ]
	same "$(field src member "$C" sys_version)" "$(field dst member "$C" sys_version)"
}

@test "rule: a delete of a record other target records still refer to is a still_referenced error naming them, answered by skip" {
	setup_pair
	dst record put member "{\"sys_id\":\"$B\",\"boss\":\"$A\"}" >/dev/null
	begin_pack p2
	src record delete member "$A" >/dev/null
	export_pack p2
	ID=$(load_id p2.sop)
	run dst --json import preview "$ID"
	[ "$status" -eq 3 ]
	same still_referenced:error "$(echo "$output" | jp '[p["kind"] + ":" + p["severity"] for p in d["problems"]][0]')"
	msg=$(echo "$output" | jp 'd["problems"][0]["message"]')
	[[ "$msg" == *"referred to by member.boss of 1 target record(s) the package neither deletes nor re-points ($B)"* ]]
	[[ "$msg" == *"'ferry import resolve $ID skip 2' keeps the target's" ]]
	[[ "$msg" != *accept* ]]
	expect_error 1 "item 2 cannot be accepted: it has a still_referenced problem" dst import resolve "$ID" accept 2
	expect_error 3 "unresolved problems" dst import commit "$ID"
	dst import resolve "$ID" skip 2 >/dev/null
	dst import commit "$ID" --no-backup >/dev/null
	same ann "$(field dst member "$A" name)" "the referred record stays"
}

@test "rule: still_referenced is no problem when the package also re-points or deletes the referrers" {
	setup_pair
	begin_pack p1
	src record put member "{\"sys_id\":\"$B\",\"boss\":\"$A\"}" >/dev/null
	export_pack p1
	dst import apply p1.sop --no-backup >/dev/null
	same "$A" "$(field dst member "$B" boss)"
	begin_pack p2
	src record put member "{\"sys_id\":\"$B\",\"boss\":null}" >/dev/null
	src record delete member "$A" >/dev/null
	export_pack p2
	ID=$(load_id p2.sop)
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	same "" "$(echo "$output" | jp '",".join(p["kind"] for p in d["problems"])')"
	dst import commit "$ID" --no-backup >/dev/null
	same null "$(field dst member "$B" boss)"
	run dst record get member "$A"
	[ "$status" -eq 1 ]
}

@test "rule: a merge keeps the target's reference the package did not change: deleting what it points at is still_referenced" {
	setup_pair
	# The target points B at A; the package renames B (a clean merge,
	# which keeps the target's boss) and deletes A.
	dst record put member "{\"sys_id\":\"$B\",\"boss\":\"$A\"}" >/dev/null
	begin_pack p2
	src record put member "{\"sys_id\":\"$B\",\"name\":\"bobby\"}" >/dev/null
	src record delete member "$A" >/dev/null
	export_pack p2
	ID=$(load_id p2.sop)
	run dst --json import preview "$ID"
	[ "$status" -eq 3 ]
	same local_change:info,still_referenced:error "$(echo "$output" | jp '",".join(sorted(p["kind"] + ":" + p["severity"] for p in d["problems"]))')"
	snapshot
	expect_error 3 "unresolved problems" dst import commit "$ID" --no-backup
	assert_unchanged
	# Accepting B whole writes the package's B, whose boss is empty:
	# then nothing refers to A any more.
	dst import resolve "$ID" accept --whole "$(item_of "$ID" "$B")" >/dev/null
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	dst import commit "$ID" --no-backup >/dev/null
	same bobby "$(field dst member "$B" name)"
	same null "$(field dst member "$B" boss)"
	run dst record get member "$A"
	[ "$status" -eq 1 ]
}

@test "rule: every problem of a record is shown, not only the first" {
	matrix open changed
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\"}" >/dev/null
	same customized,local_change "$(kinds "$ID" "$A")"
}

@test "rule: apply --on-conflict fail exits 3 listing the problems; skip and accept answer them" {
	setup_pair
	dst record put member "{\"sys_id\":\"$A\",\"name\":\"annie\"}" >/dev/null
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"name\":\"anne\"}" >/dev/null
	src record put member "{\"sys_id\":\"$B\",\"age\":41}" >/dev/null
	export_pack p2
	run --separate-stderr dst import apply p2.sop
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"local_change"* ]]
	[[ "$stderr" == *"ferry: import 2 has 1 item(s) with unresolved problems"* ]]
	run --separate-stderr dst --json import apply p2.sop
	[ "$status" -eq 3 ]
	same 1 "$(echo "$output" | jp 'd["preview"]["unresolved"]')"
	same 40 "$(field dst member "$B" age)" "nothing committed"
	run --separate-stderr dst --json import apply p2.sop --on-conflict skip --no-backup
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["resolved"]')"
	same annie "$(field dst member "$A" name)"
	same 41 "$(field dst member "$B" age)"
	run --separate-stderr dst --json import apply p2.sop --on-conflict accept --no-backup
	[ "$status" -eq 0 ]
	same anne "$(field dst member "$A" name)"
}
