#!/usr/bin/env bats
# servicenow.bats - ServiceNow update sets through import load, preview,
# resolve, commit and back out (docs/interop.md), with the five real
# exports in tests/data/servicenow (SOURCES.md there).  Every value that
# lands in the target is compared with an independent reading of the XML
# (helpers/servicenow.py, Python's expat), byte for byte.

load helpers/import_helpers

SN="$FERRY_TEST_DATA/servicenow"
SNPY="$FERRY_SRC/tests/cli/helpers/servicenow.py"
MM="$SN/mattermost_mattermost-plugin-servicenow__servicenow_for_mattermost_notifications_v1.0.xml"
# Records of the mattermost set: two script includes, a business rule.
INCLUDE=baa850ce2fb3011063df52172799b603
DROPPED=fc979c8e2fb3011063df52172799b622
RULE=cb0b55122f77411063df52172799b661

# promote FILE: load and commit FILE into dst; prints the import id.
promote() {
	local id
	id=$(dst --json import load "$1" 2>/dev/null | jp 'd["id"]') || return 1
	dst import commit "$id" >/dev/null || return 1
	echo "$id"
}

field() {
	dst --json record get "$1" "$2" | jp "d[\"$3\"]"
}

@test "interop: each real update set promotes into prod, every value byte for byte" {
	local f n=0
	for f in "$SN"/*.xml; do
		remove_instance dst.db
		dst init >/dev/null
		promote "$f" >/dev/null
		run python3 "$SNPY" compare "$f" dst.db
		[ "$status" -eq 0 ] || { echo "$f: $output"; return 1; }
		[[ "$output" == *" values compared" ]]
		n=$((n + 1))
	done
	[ "$n" -eq 5 ]
}

@test "rule: an update set's header becomes the import's pack (name, id from its sys_id, update_set mode)" {
	dst init >/dev/null
	run --separate-stderr dst --json import load "$MM"
	[ "$status" -eq 0 ]
	same "ServiceNow for Mattermost Notifications" "$(echo "$output" | jp 'd["pack"]["name"]')"
	same "3e20a71f-4771-1110-3675-690cd36d430a" "$(echo "$output" | jp 'd["pack"]["id"]')"
	same "update_set" "$(echo "$output" | jp 'd["mode"]')"
	same "servicenow_update_set" "$(echo "$output" | jp 'd["kind"]')"
}

@test "rule: sys_dictionary rows become typed fields, sys_db_object and collection rows entities" {
	dst init >/dev/null
	promote "$SN/xmatters_xm-labs-snow_linc__xm_linc_update_set_full.xml" >/dev/null
	run dst --json entity show x_273338_xm_linc_condition_rules
	[ "$status" -eq 0 ]
	same "Condition Rules" "$(echo "$output" | jp 'd["display"]')"
	same "bool" "$(echo "$output" | jp '[f["type"] for f in d["fields"] if f["name"] == "active"][0]')"
	same "nvarchar(255)" "$(echo "$output" | jp '[f["type"] for f in d["fields"] if f["name"] == "name"][0]')"
	same "text" "$(echo "$output" | jp '[f["type"] for f in d["fields"] if f["name"] == "trigger_rule"][0]')"
}

CI="$SN/xmatters_xm-labs-snow-ci-groups__xMCIUtils.xml"
# The script include of the xMCIUtils set: it has ServiceNow's
# sys_created_by, sys_updated_by and sys_policy.
CIREC=cb2d45d1db731200fc79f7fdbf9619b5
RENAMED='{"ext_sys_created_by":"sys_created_by","ext_sys_policy":"sys_policy","ext_sys_updated_by":"sys_updated_by"}'

# external_names INSTANCE: entity show --json's renamed fields.
external_names() {
	"$1" --json entity show sys_script_include | jp '{f["name"]: f["external_name"] for f in d["fields"] if f["external_name"]}'
}

@test "rule: a ServiceNow field named like a ferry system column is kept as ext_NAME with its ServiceNow name as external name" {
	dst init >/dev/null
	promote "$CI" >/dev/null
	same "admin" "$(field sys_script_include $CIREC ext_sys_created_by)"
	same "" "$(field sys_script_include $CIREC ext_sys_policy)"
	same "sys_script_include" "$(field sys_script_include $CIREC sys_class_name)"
	# The catalog: entity show, --json and the table.
	same "$RENAMED" "$(external_names dst)"
	same "null" "$(dst --json entity show sys_script_include | jp '[f["external_name"] for f in d["fields"] if f["name"] == "sys_class_name"][0]')"
	run dst entity show sys_script_include
	[[ "$output" == *"ext_sys_policy          sys_policy      text"* ]]
	# The sys_field record itself keeps it (versioned, shipped in packs).
	same "sys_policy" "$(dst --json record list sys_field --filter name=ext_sys_policy | jp 'd[0]["external_name"]')"
	# Record documents name their renamed fields (get and list).
	same "$RENAMED" "$(dst --json record get sys_script_include $CIREC | jp 'd["@external_names"]')"
	same "$RENAMED" "$(dst record list sys_script_include | jp 'd["@external_names"]')"
	same "$RENAMED" "$(dst --json record list sys_script_include | jp 'd[0]["@external_names"]')"
	# ...and so does every version of the record's history.
	same "$RENAMED" "$(dst --json record history sys_script_include $CIREC | jp 'd[-1]["@external_names"]')"
	# An entity without renamed fields has no such member.
	dst entity create member >/dev/null
	dst field add member name text >/dev/null
	local m
	m=$(dst record put member '{"name":"Ann"}')
	same '["name"]' "$(dst --json record get member "$m" | jp '[k for k in d if not k.startswith("sys_")]')"
}

@test "rule: import diff shows a renamed field's external name, in the record's fields and its sys_field record" {
	dst init >/dev/null
	local id items
	id=$(dst --json import load "$CI" 2>/dev/null | jp 'd["id"]')
	# Every item with a key: the catalog records and the record.
	items=$(dst --json import show "$id" | jp '" ".join(str(i["item"]) for i in d["items"] if i["key"])')
	dst import preview "$id" >/dev/null
	run dst --json import diff "$id" $items
	[ "$status" -eq 0 ]
	same "$RENAMED" \
		"$(echo "$output" | jp '{f["name"]: f["external_name"] for it in d["items"] if it["entity"] == "sys_script_include" for f in it["fields"] if f["external_name"]}')"
	same "sys_policy" \
		"$(echo "$output" | jp '[f["package"] for it in d["items"] if it["key"] == "sys_script_include.ext_sys_policy" for f in it["fields"] if f["name"] == "external_name"][0]')"
	run dst import diff "$id" $items
	[[ "$output" == *"  ext_sys_policy (sys_policy)  "* ]]
}

@test "interop: renamed ServiceNow fields go dev -> prod -> export -> another instance with their external names" {
	# dev: the update set arrives.
	src init >/dev/null
	src --json import load "$CI" 2>/dev/null | jp 'd["id"]' >id
	src import commit "$(cat id)" >/dev/null
	same "$RENAMED" "$(external_names src)"
	# dev packs the script include and exports it: the declared schema
	# carries the external names.
	src pack create P >/dev/null
	src pack add P sys_script_include $CIREC >/dev/null
	src pack complete P >/dev/null
	src pack export P --output p.sop --uncompressed >/dev/null
	same '{"ext_sys_created_by":"sys_created_by","ext_sys_policy":"sys_policy","ext_sys_updated_by":"sys_updated_by"}' \
		"$(sed -n 2p p.sop | jp '{f["name"]: f["external_name"] for f in d["definition"]["fields"] if f["external_name"]}')"
	# prod: a fresh instance gets the entity, the fields and the names.
	dst init >/dev/null
	local id
	id=$(dst --json import load p.sop 2>/dev/null | jp 'd["id"]')
	# Preview names what the new entity's renamed fields stand for.
	run dst import preview "$id"
	[[ "$output" == *"ext_sys_policy text (external name sys_policy)"* ]]
	dst import commit "$id" >/dev/null
	same "$RENAMED" "$(external_names dst)"
	same "admin" "$(field sys_script_include $CIREC ext_sys_created_by)"
	same "$RENAMED" "$(dst --json record get sys_script_include $CIREC | jp 'd["@external_names"]')"
	# And the update set itself into prod afterwards: same names, no
	# collision.
	promote "$CI" >/dev/null
	same "$RENAMED" "$(external_names dst)"
}

@test "rule: a set whose table has both sys_policy and its own ext_sys_policy is refused, nothing changed" {
	dst init >/dev/null
	snapshot
	sed 's|&lt;sys_policy/&gt;|\&lt;sys_policy/\&gt;\&lt;ext_sys_policy\&gt;mine\&lt;/ext_sys_policy\&gt;|' "$CI" >both.xml
	grep -q 'ext_sys_policy' both.xml
	expect_error 1 "both.xml: update 1: table sys_script_include has both a field 'sys_policy' and a field 'ext_sys_policy', and ferry keeps both as ext_sys_policy (sys_policy is ferry's system column, so ServiceNow's is kept under the prefix ext_); rename one of them in ServiceNow" \
		dst import load both.xml
	assert_unchanged
}

@test "rule: sys_policy onto the target's own field ext_sys_policy is a collision: refused, nothing changed" {
	dst init >/dev/null
	dst entity create sys_script_include >/dev/null
	dst field add sys_script_include ext_sys_policy text >/dev/null
	snapshot
	expect_error 1 "field ext_sys_policy collides: in the package it has the external name 'sys_policy', in the target no external name (ferry's own field of that name); they are different fields" \
		dst import load "$CI"
	assert_unchanged
}

@test "interop: mattermost v1.0, then a changed copy: preview, a local change, commit and back out" {
	dst init >/dev/null
	promote "$MM" >/dev/null
	local v1
	v1=$(field sys_script_include "$INCLUDE" script)
	# prod changes the business rule locally; the copy changes it too.
	dst record put sys_script "{\"sys_id\":\"$RULE\",\"description\":\"prod's own\"}" >/dev/null
	python3 "$SNPY" change "$MM" v2.xml "$DROPPED" "$INCLUDE" "$RULE"
	run --separate-stderr dst --json import load v2.xml
	[ "$status" -eq 0 ]
	local id
	id=$(echo "$output" | jp 'd["id"]')
	same "$(echo "$output" | jp 'd["previous"]["id"]')" 1
	run dst --json import preview "$id"
	# Exit 3: problems wait for an answer.
	[ "$status" -eq 3 ]
	# The unchanged include updates cleanly; the rule prod changed is a
	# local change; the rest is already there.
	same '{"insert":0,"update":2,"merge":0,"delete":0,"skip":501}' "$(echo "$output" | jp 'd["actions"]')"
	same '["customized","local_change"]' "$(echo "$output" | jp "sorted(p['kind'] for p in d['problems'] if p.get('sys_id') == '$RULE')")"
	[[ "$output" == *"sys_script record $RULE changed in the target since it last arrived by import"* ]]
	same "[]" "$(echo "$output" | jp "[p['kind'] for p in d['problems'] if p.get('sys_id') == '$INCLUDE']")"
	same 440 "$(echo "$output" | jp 'd["kinds"]["already_applied"]')"
	local item
	item=$(echo "$output" | jp "[p['item'] for p in d['problems'] if p.get('sys_id') == '$RULE'][0]")
	dst import resolve "$id" skip "$item" >/dev/null
	dst import commit "$id" >/dev/null
	same "$v1
// changed in the second release" "$(field sys_script_include "$INCLUDE" script)"
	same "prod's own" "$(field sys_script "$RULE" description)"
	# An update set never deletes what it no longer carries.
	dst record get sys_script_include "$DROPPED" >/dev/null
	dst import backout "$id" >/dev/null
	same "$v1" "$(field sys_script_include "$INCLUDE" script)"
	same "prod's own" "$(field sys_script "$RULE" description)"
}

# refused FILE TEXT: import load FILE fails with TEXT and dst is unchanged.
refused() {
	snapshot
	run dst import load "$1"
	[ "$status" -ne 0 ] || { echo "accepted: $1"; return 1; }
	[[ "$output" == *"$2"* ]] || { echo "got: $output"; return 1; }
	[ "$(echo "$output" | wc -l)" -eq 1 ] || { echo "not one line: $output"; return 1; }
	assert_unchanged
}

# A one-update set around PAYLOAD (already escaped for the outer XML).
one_update() {
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<unload unload_date="2024-01-01 00:00:00">\n'
	printf '<sys_remote_update_set action="INSERT_OR_UPDATE"><name>t</name><sys_id>ed81de1bdb397200a34fd421cf961945</sys_id></sys_remote_update_set>\n'
	printf '<sys_update_xml action="INSERT_OR_UPDATE"><action>INSERT_OR_UPDATE</action><payload>%s</payload></sys_update_xml>\n</unload>\n' "$1"
}

@test "rule: a file that is not an update set is refused, nothing changed" {
	dst init >/dev/null
	printf '<?xml version="1.0"?>\n<root/>\n' >root.xml
	refused root.xml "not a ServiceNow update set: its root is <root>, not <unload>"
	printf '<unload><sys_script_include><name>x</name></sys_script_include></unload>\n' >table.xml
	refused table.xml "holds a <sys_script_include>, which an update-set export does not"
	printf '<unload></unload>\n' >empty.xml
	refused empty.xml "no <sys_remote_update_set> header"
}

@test "rule: a payload that is not XML is refused, nothing changed" {
	dst init >/dev/null
	one_update 'this is &lt;not xml' >bad.xml
	refused bad.xml "update 1: its payload is not XML"
	one_update '&lt;other/&gt;' >other.xml
	refused other.xml "update 1: its payload is a <other>, not a <record_update>"
}

@test "rule: a sys_update_xml of an unknown table is refused, nothing changed" {
	dst init >/dev/null
	one_update '&lt;record_update table="Bad-Table"&gt;&lt;Bad-Table&gt;&lt;sys_id&gt;cb2d45d1db731200fc79f7fdbf9619b5&lt;/sys_id&gt;&lt;/Bad-Table&gt;&lt;/record_update&gt;' >bad.xml
	refused bad.xml "holds a record of table 'Bad-Table', which is not a table name ferry can hold"
	one_update '&lt;record_update table="sys_script"&gt;&lt;sys_script_include&gt;&lt;sys_id&gt;cb2d45d1db731200fc79f7fdbf9619b5&lt;/sys_id&gt;&lt;/sys_script_include&gt;&lt;/record_update&gt;' >other.xml
	refused other.xml "update 1 names table 'sys_script' but its payload holds no sys_script record"
	one_update '&lt;record_update table="sys_field"&gt;&lt;sys_field&gt;&lt;sys_id&gt;cb2d45d1db731200fc79f7fdbf9619b5&lt;/sys_id&gt;&lt;/sys_field&gt;&lt;/record_update&gt;' >own.xml
	refused own.xml "table 'sys_field', which is not a table name ferry can hold"
	one_update '&lt;record_update table="x"&gt;&lt;x&gt;&lt;sys_id&gt;12&lt;/sys_id&gt;&lt;/x&gt;&lt;/record_update&gt;' >id.xml
	refused id.xml "a x record has sys_id '12', which is not 32 lowercase hex digits"
}

@test "rule: a truncated update set is refused, nothing changed" {
	dst init >/dev/null
	head -c 100000 "$MM" >cut.xml
	refused cut.xml "truncated or not well-formed XML"
}

@test "rule: an XML bomb is refused: no entity is expanded, depth is capped" {
	dst init >/dev/null
	{
		printf '<?xml version="1.0"?>\n<!DOCTYPE unload [\n<!ENTITY a "aaaaaaaaaa">\n'
		printf '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
		printf '<unload><sys_remote_update_set><name>&c;</name></sys_remote_update_set></unload>\n'
	} >bomb.xml
	refused bomb.xml "declares a DTD or entities"
	one_update '&lt;!DOCTYPE r [&lt;!ENTITY a "aaaa"&gt;]&gt;&lt;record_update&gt;&amp;a;&lt;/record_update&gt;' >inner.xml
	refused inner.xml "update 1: its payload declares a DTD"
	local deep='&lt;x&gt;&lt;sys_id&gt;cb2d45d1db731200fc79f7fdbf9619b5&lt;/sys_id&gt;&lt;/x&gt;' i
	for i in $(seq 40); do deep="&lt;w&gt;$deep&lt;/w&gt;"; done
	one_update "&lt;record_update&gt;$deep&lt;/record_update&gt;" >deep.xml
	refused deep.xml "its payload nests more than 32 levels deep"
}

# translation SYS_ID DOCUMENTKEY: a sys_translated_text record, escaped.
translation() {
	printf '&lt;sys_translated_text action="INSERT_OR_UPDATE"&gt;&lt;documentkey&gt;%s&lt;/documentkey&gt;&lt;value&gt;Hallo&lt;/value&gt;&lt;sys_id&gt;%s&lt;/sys_id&gt;&lt;/sys_translated_text&gt;' "$2" "$1"
}

@test "rule: delete_multiple is a delete-by-query item: preview counts, commit deletes, back out restores" {
	dst init >/dev/null
	one_update "&lt;record_update table=\"sys_translated_text\"&gt;$(translation 00000000000000000000000000000001 cb0b55122f77411063df52172799b661)$(translation 00000000000000000000000000000002 cb0b55122f77411063df52172799b661)$(translation 00000000000000000000000000000003 724c90822ff3011063df52172799b6c5)&lt;/record_update&gt;" >texts.xml
	promote texts.xml >/dev/null
	one_update '&lt;record_update table="sys_translated_text"&gt;&lt;sys_translated_text action="delete_multiple" query="documentkey=cb0b55122f77411063df52172799b661"/&gt;&lt;/record_update&gt;' >del.xml
	local id
	id=$(dst --json import load del.xml 2>/dev/null | jp 'd["id"]')
	run dst --json import preview "$id"
	[ "$status" -eq 0 ]
	same '{"insert":0,"update":0,"merge":0,"delete":1,"skip":0}' "$(echo "$output" | jp 'd["actions"]')"
	[[ "$output" == *"delete by query (sys_translated_text:documentkey=cb0b55122f77411063df52172799b661): deletes 2 sys_translated_text record(s) where documentkey = 'cb0b55122f77411063df52172799b661'"* ]]
	dst import commit "$id" >/dev/null
	same '["00000000000000000000000000000003"]' "$(dst --json record list sys_translated_text | jp '[r["sys_id"] for r in d]')"
	dst import backout "$id" >/dev/null
	same 3 "$(dst --json record list sys_translated_text | jp 'len(d)')"
}

@test "rule: a delete_multiple whose query is not FIELD=VALUE conditions is refused" {
	dst init >/dev/null
	one_update '&lt;record_update table="x"&gt;&lt;x action="delete_multiple" query="nameLIKEfoo"/&gt;&lt;/record_update&gt;' >q.xml
	refused q.xml "update 1: a delete_multiple of x: condition 'nameLIKEfoo' is not FIELD=VALUE"
	one_update '&lt;record_update table="x"&gt;&lt;x action="delete_multiple" query=""/&gt;&lt;/record_update&gt;' >e.xml
	refused e.xml "an empty query would delete every record"
}

@test "rule: the schema is applied set-wise in one transaction: a table made at the end fails, nothing stays" {
	dst init >/dev/null
	# A stray table (not an entity) with the name of one the set creates:
	# its CREATE, at the end of the schema batch, fails.
	sqlite3 dst.db 'CREATE TABLE "sys_script_include" (x)'
	local id
	id=$(dst --json import load "$SN/xmatters_xm-labs-snow-ci-groups__xMCIUtils.xml" 2>/dev/null | jp 'd["id"]')
	dst import preview "$id" >/dev/null
	snapshot
	run dst import commit "$id" --no-backup
	[ "$status" -ne 0 ]
	[[ "$output" == *"sys_script_include"* ]]
	assert_unchanged
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM sys_field WHERE entity = 'sys_script_include'")"
}
