#!/usr/bin/env bats
# packs.bats - local packs: capture, one item per record, users' current
# packs, completion, freezing, reopening, out-of-date items (issue 3).

load foundation_helpers

items() {
	ferry --json pack show "$1" | jp '[[i["entity"], i["sys_id"], i["action"], i["version"], i["out_of_date"]] for i in d["items"]]'
}

current() {
	ferry --user "$1" --json pack current | jp 'd["name"]'
}

state() {
	ferry --json pack list | jp "[p for p in d if p['name'] == '$1'][0]['$2']"
}

@test "rule: a Default pack always exists and captures changes nobody else does" {
	init_member
	run ferry --json pack list
	same '[["Default","in_progress",true]]' "$(echo "$output" | jp '[[p["name"], p["state"], p["default"]] for p in d]')"
	id=$(ferry record put member '{"name":"Ann"}')
	same "[\"member\",\"$id\",\"insert\"]" "$(ferry --json pack show Default | jp '[[i["entity"], i["sys_id"], i["action"]] for i in d["items"] if i["entity"] == "member"][0]')"
}

@test "rule: pack create, --use, pack current" {
	init_member
	run ferry pack create fix-vat --description 'VAT rates'
	[ "$status" -eq 0 ]
	same "created pack fix-vat" "$output"
	same Default "$(current admin)"
	run ferry pack create other --use
	same "created pack other (now your current pack)" "$output"
	run ferry --json pack current
	same '{"user":"admin","name":"other","state":"in_progress"}' "$output"
	run ferry pack current
	same "other (in_progress)" "$output"
	run ferry pack use fix-vat
	same "your changes now go into pack fix-vat" "$output"
	same fix-vat "$(current admin)"
	same "VAT rates" "$(ferry --json pack show fix-vat | jp 'd["description"]')"
}

@test "rule: pack list --json: name, state, records, created_by, completed_at" {
	init_member
	ferry user add bob >/dev/null
	ferry --user bob pack create p --use >/dev/null
	ferry --user bob record put member '{"name":"Ann"}' >/dev/null
	run ferry --json pack list
	same '{"name":"p","state":"in_progress","default":false,"records":1,"definitions":0,"out_of_date":0,"description":"","created_by":"bob","created_at":"2021-12-31T12:00:00Z","completed_at":null}' "$(echo "$output" | jp 'd[1]')"
	run ferry pack list
	[[ "${lines[0]}" == name*state*records*out_of_date*created_by*completed_at ]]
}

@test "rule: every change is captured into the acting user's current pack" {
	init_member
	ferry pack create p --use >/dev/null
	a=$(ferry record put member '{"name":"Ann"}')
	b=$(ferry record put member '{"name":"Bob"}')
	ferry record delete member "$b" >/dev/null
	same p "$(sql "SELECT DISTINCT p.name FROM ferry_version v JOIN ferry_pack p ON p.id = v.pack_id WHERE v.entity = 'member'")"
	run ferry --json pack show p
	same 2 "$(echo "$output" | jp 'len(d["items"])')"
	same "$(printf '%s\n' "$a insert" "$b delete" | sort)" "$(echo "$output" | jp '"\n".join(i["sys_id"] + " " + i["action"] for i in d["items"])')"
	same '[]' "$(ferry --json pack show Default | jp '[i for i in d["items"] if i["entity"] == "member"]')"
}

@test "rule: a record appears once in a pack, with its latest version" {
	init_member
	ferry pack create p --use >/dev/null
	id=$(ferry record put member '{"name":"Ann"}')
	ferry record put member "{\"sys_id\":\"$id\",\"age\":1}" >/dev/null
	ferry record put member "{\"sys_id\":\"$id\",\"age\":2}" >/dev/null
	latest=$(sql "SELECT sys_version FROM member")
	same "[[\"member\",\"$id\",\"insert\",\"$latest\",false]]" "$(items p)"
	same 1 "$(state p records)"
}

@test "rule: an item's action is its effect over the whole pack" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	ferry pack create p --use >/dev/null
	ferry record put member "{\"sys_id\":\"$id\",\"age\":1}" >/dev/null
	same update "$(ferry --json pack show p | jp 'd["items"][0]["action"]')"
	ferry record delete member "$id" >/dev/null
	same delete "$(ferry --json pack show p | jp 'd["items"][0]["action"]')"
}

@test "rule: two users with different current packs capture into their own packs" {
	init_member
	ferry user add alice >/dev/null
	ferry user add bob >/dev/null
	ferry --user alice pack create A --use >/dev/null
	ferry --user bob pack create B --use >/dev/null
	a=$(ferry --user alice record put member '{"name":"by alice"}')
	b=$(ferry --user bob record put member '{"name":"by bob"}')
	same A "$(current alice)"
	same B "$(current bob)"
	same "[\"$a\"]" "$(ferry --json pack show A | jp '[i["sys_id"] for i in d["items"]]')"
	same "[\"$b\"]" "$(ferry --json pack show B | jp '[i["sys_id"] for i in d["items"]]')"
	# Bob edits Alice's record: captured in B; A's item goes out of date.
	ferry --user bob record put member "{\"sys_id\":\"$a\",\"age\":5}" >/dev/null
	same 2 "$(state B records)"
	same true "$(ferry --json pack show A | jp 'd["items"][0]["out_of_date"]')"
	run ferry --json user list
	same '{"admin":"Default","alice":"A","bob":"B"}' "$(echo "$output" | jp '{u["name"]: u["current_pack"] for u in d}')"
}

@test "rule: completing a pack stamps completed_at and switches every user of it to Default" {
	init_member
	ferry user add alice >/dev/null
	ferry user add bob >/dev/null
	ferry user add carol >/dev/null
	ferry --user alice pack create A --use >/dev/null
	ferry --user bob pack use A >/dev/null
	ferry --user carol pack create C --use >/dev/null
	ferry --user alice record put member '{"name":"x"}' >/dev/null
	run env FERRY_NOW=2022-03-04T05:06:07Z "$FERRY_BIN" --user bob pack complete A
	[ "$status" -eq 0 ]
	same "completed pack A; users who worked in it now use Default" "$output"
	same completed "$(state A state)"
	same 2022-03-04T05:06:07Z "$(state A completed_at)"
	same Default "$(current alice)"
	same Default "$(current bob)"
	same C "$(current carol)"
	same Default "$(current admin)"
	# Their next change goes to Default, not to the frozen pack.
	ferry --user alice record put member '{"name":"y"}' >/dev/null
	same 1 "$(state A records)"
}

@test "rule: a completed pack is frozen: no pack add, no pack use, no second complete" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	ferry pack create A --use >/dev/null
	ferry record put member '{"name":"Bob"}' >/dev/null
	ferry pack complete A >/dev/null
	refused "pack 'A' is completed and frozen; reopen it first ('ferry pack reopen A')" pack add A member "$id"
	refused "pack 'A' is completed and cannot capture changes; reopen it first" pack use A
	refused "pack 'A' is already completed (at 2021-12-31T12:00:00Z)" pack complete A
	ferry user add bob >/dev/null
	refused "pack 'A' is completed" --user bob pack use A
}

@test "rule: the Default pack is never completed" {
	init_member
	refused "the Default pack is never completed" pack complete Default
}

@test "rule: pack add puts a record's current version into a pack explicitly" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	ferry record put member "{\"sys_id\":\"$id\",\"age\":1}" >/dev/null
	ferry pack create p >/dev/null
	run ferry pack add p member "$id"
	[ "$status" -eq 0 ]
	same "added member $id to pack p" "$output"
	latest=$(sql "SELECT sys_version FROM member")
	# The base is the version before the current one: an update.
	same "[[\"member\",\"$id\",\"update\",\"$latest\",false]]" "$(items p)"
	# Adding again keeps one item.
	ferry pack add p member "$id" >/dev/null
	same 1 "$(state p records)"
}

@test "rule: pack add errors: unknown pack, entity or record; --version only for formulas" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	ferry pack create p >/dev/null
	refused "no pack named 'ghost'; see 'ferry pack list'" pack add ghost member "$id"
	refused "no entity 'ghost'" pack add p ghost "$id"
	refused "no member record with sys_id 0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f" pack add p member 0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f
	refused "'nope' is not a sys_id" pack add p member nope
	snapshot
	expect_error 2 "--version is for formula and dataset items" pack add p member "$id" --version 1
	expect_error 2 "name the formula version with --version N" pack add p formula f
	assert_unchanged
}

@test "rule: reopen (admins only) makes a pack in_progress again" {
	init_member
	ferry user add bob >/dev/null
	ferry --user bob pack create A --use >/dev/null
	ferry --user bob record put member '{"name":"Ann"}' >/dev/null
	ferry --user bob pack complete A >/dev/null
	refused "only admins may reopen packs" --user bob pack reopen A
	run ferry pack reopen A
	[ "$status" -eq 0 ]
	same "reopened pack A" "$output"
	same in_progress "$(state A state)"
	same None "$(ferry --json pack list | jp 'str([p for p in d if p["name"] == "A"][0]["completed_at"])')"
	# Bob was switched to Default and stays there until he chooses A.
	same Default "$(current bob)"
	ferry --user bob pack use A >/dev/null
	ferry --user bob record put member '{"name":"Bob"}' >/dev/null
	same 2 "$(state A records)"
	refused "pack 'A' is not completed" pack reopen A
}

@test "rule: a version in a pack is out of date once the record changes outside the pack" {
	init_member
	ferry pack create A --use >/dev/null
	a=$(ferry record put member '{"name":"Ann"}')
	b=$(ferry record put member '{"name":"Bob"}')
	ferry pack complete A >/dev/null
	same 0 "$(state A out_of_date)"
	ferry record put member "{\"sys_id\":\"$a\",\"age\":1}" >/dev/null
	run ferry --json pack show A
	same true "$(echo "$output" | jp "[i['out_of_date'] for i in d['items'] if i['sys_id'] == '$a'][0]")"
	same false "$(echo "$output" | jp "[i['out_of_date'] for i in d['items'] if i['sys_id'] == '$b'][0]")"
	same 1 "$(state A out_of_date)"
	run ferry pack list
	[[ "$output" == *"A        completed    2        1"* ]]
	# A delete outside the pack makes it out of date too.
	ferry record delete member "$b" >/dev/null
	same 2 "$(state A out_of_date)"
}

@test "rule: changes inside the same pack do not make its items out of date" {
	init_member
	ferry pack create A --use >/dev/null
	a=$(ferry record put member '{"name":"Ann"}')
	ferry record put member "{\"sys_id\":\"$a\",\"age\":1}" >/dev/null
	same 0 "$(state A out_of_date)"
	same false "$(ferry --json pack show A | jp 'd["items"][0]["out_of_date"]')"
}

@test "rule: pack errors: unknown pack, duplicate name, bad name" {
	init_member
	ferry pack create A >/dev/null
	refused "a pack named 'A' already exists; choose another name" pack create A
	refused "a pack named 'Default' already exists" pack create Default
	refused "no pack named 'ghost'; see 'ferry pack list'" pack use ghost
	expect_error 1 "no pack named 'ghost'" pack show ghost
	refused "no pack named 'ghost'" pack complete ghost
	refused "no pack named 'ghost'" pack reopen ghost
	refused "no pack named 'ghost'" pack export ghost
	refused "invalid pack name" pack create ''
	refused "invalid pack name" pack create "$(printf 'a\nb')"
}

@test "rule: pack show for people lists fields then items" {
	init_member
	ferry pack create A --use --description 'd' >/dev/null
	id=$(ferry record put member '{"name":"Ann"}')
	run ferry pack show A
	[ "$status" -eq 0 ]
	same "name: A" "${lines[0]}"
	same "state: in_progress" "${lines[1]}"
	[[ "$output" == *"member  $id  insert"* ]]
}
