#!/usr/bin/env bats
# entitypack.bats - entity packs (seed 002, issue 6): packing entities with
# their fields and associated objects, and unpacking them into another
# instance with the safe merge rules.  The source instance is src.db
# (run with `src`), the target the test's $FERRY_DB (run with `ferry`).

load foundation_helpers

src() {
	"$FERRY_BIN" --db "$BATS_TEST_TMPDIR/src.db" "$@"
}

# A source instance with entity member: code nchar(15) with labels and a
# default, name nvarchar(40), note text; a form template and an event
# handler.
init_src() {
	src init --name dev --admin dev >/dev/null
	src entity create member --display 'Pack member' \
		--description 'Members, as packed' >/dev/null
	src field add member code 'nchar(15)' --display 'Pack code' \
		--description 'Pack description' --default PACK >/dev/null
	src field add member name 'nvarchar(40)' >/dev/null
	src field add member note text >/dev/null
	src record put sys_form_template \
		'{"entity":"member","name":"Member form","definition":{"layout":"pack"}}' >/dev/null
	src record put sys_event_handler \
		'{"entity":"member","name":"On save","definition":{"run":"pack"}}' >/dev/null
}

# Pack the named source entities into ./packs.
pack_src() {
	mkdir -p packs
	src entity pack "$@" --dir packs >/dev/null
}

items() {
	zstd -dcf "$1" | sed '1d;$d'
}

header() {
	zstd -dcf "$1" | head -n 1
}

# field_of ENTITY FIELD KEY: a field's KEY as `entity show` reports it.
field_of() {
	ferry --json entity show "$1" | jp "[f for f in d['fields'] if f['name'] == '$2'][0]['$3']"
}

# unpack_report ENTITY FIELD: "action|reason" of a field in the last
# unpack report (saved in report.json).
field_report() {
	jp "[x for e in d['entities'] if e['entity'] == '$1' for x in e['fields'] if x['field'] == '$2'][0]" <report.json |
		jp "d['action'] + '|' + d['reason']"
}

object_report() {
	jp "[x for e in d['entities'] if e['entity'] == '$1' for x in e['objects'] if x['name'] == '$2'][0]" <report.json |
		jp "d['action'] + '|' + d['reason']"
}

unpack_json() {
	ferry --json entity unpack packs --no-backup "$@" >report.json
}

# The target's own member: code nvarchar(10) with local labels.
init_target_member() {
	init_db
	ferry entity create member --display 'Local member' >/dev/null
	ferry field add member code 'nvarchar(10)' --display 'Local code' \
		--description 'Local description' --default LOCAL >/dev/null
}

SOP="$FERRY_SRC/tests/cli/helpers/sop.py"

# object_seal TABLE ENTITY NAME DEFINITION POLICY: an object item's seal,
# computed here from docs/entitypacks.md, not by ferry.
object_seal() {
	python3 -c 'import hashlib, sys
print(hashlib.blake2b(b"ferry-object-seal-1\n" + "\n".join(sys.argv[1:]).encode(), digest_size=32).hexdigest())' "$@"
}

# The member pack as a plain file (sop.py edits plain files).
plain_member_pack() {
	init_src
	pack_src member
	zstd -dq packs/member.sop -o packs/plain && mv packs/plain packs/member.sop
}

# Write a plain .sop file with valid digests: make_sop FILE HEADER ITEM...
make_sop() {
	python3 - "$@" <<'EOF'
import hashlib, json, sys
path, header, items = sys.argv[1], sys.argv[2], sys.argv[3:]
h = '{"format":"ferry-sop","format_version":1,' + header[1:]
body = h + "\n" + "".join(i + "\n" for i in items)
stamp = hashlib.blake2b(b"ferry-stamp-1\n" + "".join(i + "\n" for i in items).encode(), digest_size=32).hexdigest()
full = hashlib.blake2b((h + "\n" + stamp).encode(), digest_size=32).hexdigest()
trailer = '{"trailer":"ferry-sop","items":%d,"stamp":"%s","hash":"%s"}\n' % (len(items), stamp, full)
open(path, "w").write(body + trailer)
EOF
}

# ---- packing ------------------------------------------------------------

@test "rule: pack writes <entity>.sop with the entity, its fields and its associated objects" {
	init_src
	mkdir packs
	run src --json entity pack member --dir packs
	[ "$status" -eq 0 ]
	same packs/member.sop "$(echo "$output" | jp "d['packs'][0]['path']")"
	same 3 "$(echo "$output" | jp "d['packs'][0]['fields']")"
	same 2 "$(echo "$output" | jp "d['packs'][0]['objects']")"
	same '[]' "$(echo "$output" | jp "d['packs'][0]['depends']")"
	[ -f packs/member.sop ]
	same entity_pack "$(header packs/member.sop | jp "d['kind']")"
	same member "$(header packs/member.sop | jp "d['entity']")"
	run items packs/member.sop
	same '{"t":"entity","name":"member","display":"Pack member","description":"Members, as packed"}' "${lines[0]}"
	same '{"t":"field","name":"code","type":"nchar(15)","display":"Pack code","description":"Pack description","default":"PACK"}' "${lines[1]}"
	same '{"t":"field","name":"name","type":"nvarchar(40)","display":null,"description":null,"default":null}' "${lines[2]}"
	same '{"t":"field","name":"note","type":"text","display":null,"description":null,"default":null}' "${lines[3]}"
	same '{"t":"object","entity_object":"sys_event_handler","entity":"member","name":"On save","definition":{"run":"pack"},"policy":"open","seal":"'"$(object_seal sys_event_handler member 'On save' '{"run":"pack"}' open)"'"}' "${lines[4]}"
	same '{"t":"object","entity_object":"sys_form_template","entity":"member","name":"Member form","definition":{"layout":"pack"},"policy":"open","seal":"'"$(object_seal sys_form_template member 'Member form' '{"layout":"pack"}' open)"'"}' "${lines[5]}"
	same 6 "${#lines[@]}"
}

@test "rule: pack prints each file it wrote" {
	init_src
	mkdir packs
	run src entity pack member --dir packs
	[ "$status" -eq 0 ]
	same "packs/member.sop  (3 fields, 2 objects)" "$output"
}

@test "rule: pack item bytes are deterministic: same definition, same stamp, whoever packs it and when" {
	init_src
	src user add other --admin >/dev/null
	mkdir a b
	stamp_a=$(src --json entity pack member --dir a | jp "d['packs'][0]['stamp']")
	stamp_b=$(FERRY_NOW=2030-01-01T00:00:00Z src --json --user other entity pack member --dir b | jp "d['packs'][0]['stamp']")
	same "$stamp_a" "$stamp_b"
	same "$(items a/member.sop)" "$(items b/member.sop)"
	src field add member extra int >/dev/null
	mkdir c
	stamp_c=$(src --json entity pack member --dir c | jp "d['packs'][0]['stamp']")
	[ "$stamp_c" != "$stamp_a" ]
}

@test "rule: an entity whose fields are ref(OTHER) names OTHER in depends (header and report)" {
	init_src
	src entity create org >/dev/null
	src entity create region >/dev/null
	src field add member org 'ref(org)' >/dev/null
	src field add member region 'ref(region)' >/dev/null
	src field add member sponsor 'ref(member)' >/dev/null
	mkdir packs
	run src --json entity pack member org --dir packs
	[ "$status" -eq 0 ]
	same '["org","region"]' "$(echo "$output" | jp "d['packs'][0]['depends']")"
	same '[]' "$(echo "$output" | jp "d['packs'][1]['depends']")"
	same '["org","region"]' "$(header packs/member.sop | jp "d['depends']")"
	run src entity pack region --dir packs
	same "packs/region.sop  (0 fields, 0 objects)" "$output"
}

@test "rule: pack never overwrites a file and then writes nothing at all" {
	init_src
	src entity create org >/dev/null
	mkdir packs
	echo keep >packs/member.sop
	run --separate-stderr src entity pack org member --dir packs
	[ "$status" -eq 1 ]
	[[ "$stderr" == "ferry: packs/member.sop already exists"* ]]
	[ ! -e packs/org.sop ]
	same keep "$(cat packs/member.sop)"
}

@test "rule: pack refuses unknown entities, system entities, a missing folder and no --dir" {
	init_src
	mkdir packs
	run --separate-stderr src entity pack nope --dir packs
	[ "$status" -eq 1 ]
	same "ferry: no entity 'nope'; see 'ferry entity list'" "$stderr"
	run --separate-stderr src entity pack sys_form_template --dir packs
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"system entity"* ]]
	run --separate-stderr src entity pack member --dir missing
	[ "$status" -eq 1 ]
	same "ferry: no folder missing; create it first" "$stderr"
	run --separate-stderr src entity pack member
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--dir DIR"* ]]
	same "" "$(ls packs)"
}

# ---- unpacking: new entities ------------------------------------------

@test "rule: a new entity is created with its fields and associated objects" {
	init_src
	pack_src member
	init_db
	unpack_json
	same created "$(jp "d['entities'][0]['action']" <report.json)"
	same "added|the entity is new: added as nchar(15)" "$(field_report member code)"
	same "added|not in the target: added" "$(object_report member 'Member form')"
	same "$(src --json entity show member)" "$(ferry --json entity show member)"
	same '{"layout":"pack"}' "$(ferry --json record list sys_form_template | jp "d[0]['definition']")"
	same '{"run":"pack"}' "$(ferry --json record list sys_event_handler | jp "d[0]['definition']")"
	# A real table with real columns.
	same "code,name,note" "$(sql "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('member') WHERE name NOT LIKE 'sys_%' ORDER BY name)")"
}

@test "rule: unpacked changes are versioned (source unpack) and captured into no local pack" {
	init_src
	pack_src member
	init_db
	unpack_json
	same 6 "$(sql "SELECT count(*) FROM ferry_version WHERE source = 'unpack' AND pack_id IS NULL")"
	same 0 "$(sql "SELECT count(*) FROM ferry_pack_item")"
	id=$(ferry --json record list sys_form_template | jp "d[0]['sys_id']")
	same unpack "$(ferry --json record history sys_form_template "$id" | jp "d[0]['source']")"
}

# ---- unpacking: the merge rules --------------------------------------

@test "rule: pack nchar(15) onto target nvarchar(10) gives nvarchar(15) (the seed's example)" {
	init_src
	pack_src member
	init_target_member
	unpack_json
	same merged "$(jp "d['entities'][0]['action']" <report.json)"
	same "grown|size grows: package nchar(15) onto target nvarchar(10) gives nvarchar(15) (the type is never changed); the target's description, display name and default value are kept" "$(field_report member code)"
	same 'nvarchar(15)' "$(field_of member code type)"
	# ferry enforces the grown size.
	run ferry record put member '{"code":"123456789012345"}'
	[ "$status" -eq 0 ]
	expect_error 1 "at most 15" record put member '{"code":"1234567890123456"}'
}

@test "rule: a larger SQL size in the pack grows the field" {
	init_src
	src field add member title 'nvarchar(80)' >/dev/null
	pack_src member
	init_target_member
	ferry field add member title 'nvarchar(20)' >/dev/null
	unpack_json
	same "grown" "$(field_report member title | cut -d'|' -f1)"
	same 'nvarchar(80)' "$(field_of member title type)"
}

@test "rule: a smaller SQL size in the pack is kept (size only grows)" {
	init_src
	pack_src member
	init_target_member
	ferry field add member name 'nvarchar(100)' >/dev/null
	unpack_json
	same "kept|size only grows: target keeps nvarchar(100) (package has nvarchar(40))" "$(field_report member name)"
	same 'nvarchar(100)' "$(field_of member name type)"
}

@test "rule: a field deleted in the target is added back" {
	init_src
	pack_src member
	init_target_member
	ferry field add member note text >/dev/null
	ferry field drop member note >/dev/null
	unpack_json
	same "added|deleted in the target earlier: added back as text" "$(field_report member note)"
	same text "$(field_of member note type)"
}

@test "rule: a field new in the pack is added with the pack's labels and default" {
	init_src
	pack_src member
	init_target_member
	unpack_json
	same "added|new in the pack: added as nvarchar(40)" "$(field_report member name)"
	same 'nvarchar(40)' "$(field_of member name type)"
	same "added" "$(field_report member note | cut -d'|' -f1)"
}

@test "rule: description, display name and default value of an existing field are kept" {
	init_src
	src field add member title 'nvarchar(10)' --display 'Pack title' >/dev/null
	pack_src member
	init_target_member
	ferry field add member title 'nvarchar(10)' >/dev/null
	unpack_json
	same 'Local code' "$(field_of member code display)"
	same 'Local description' "$(field_of member code description)"
	same 'LOCAL' "$(field_of member code default)"
	# Even an unset label stays unset.
	same "kept|same type nvarchar(10); the target's description, display name and default value are kept" "$(field_report member title)"
	same null "$(field_of member title display)"
	# The entity's own labels are kept too.
	same 'Local member' "$(ferry --json entity show member | jp "d['display']")"
}

@test "rule: a field only in the target is kept" {
	init_src
	pack_src member
	init_target_member
	ferry field add member local_only int >/dev/null
	unpack_json
	same "kept|only in the target: kept" "$(field_report member local_only)"
	same int "$(field_of member local_only type)"
}

@test "rule: the type is never changed" {
	init_src
	src field add member qty int >/dev/null
	pack_src member
	init_target_member
	ferry field add member qty 'nvarchar(10)' >/dev/null
	unpack_json
	same "kept|the type is never changed: target keeps nvarchar(10) (package has int)" "$(field_report member qty)"
	same 'nvarchar(10)' "$(field_of member qty type)"
}

@test "rule: rows of a merged table survive with their values (real DDL)" {
	init_src
	pack_src member
	init_target_member
	ferry field add member note text >/dev/null
	ferry field add member age int >/dev/null
	a=$(ferry record put member '{"code":"A1","note":"first","age":7}')
	b=$(ferry record put member '{"code":"B2"}')
	before=$(sql "SELECT sys_id, code, note, age, sys_version FROM member ORDER BY sys_id")
	unpack_json
	same "$before" "$(sql "SELECT sys_id, code, note, age, sys_version FROM member ORDER BY sys_id")"
	same A1 "$(ferry --json record get member "$a" | jp "d['code']")"
	same null "$(ferry --json record get member "$b" | jp "d['name']")"
	# The added column is real and writable.
	ferry record put member "{\"sys_id\":\"$a\",\"name\":\"Ann\"}" >/dev/null
	same Ann "$(sql "SELECT name FROM member WHERE sys_id = '$a'")"
}

@test "rule: --no-upgrade skips an existing entity and says so, and still creates new ones" {
	init_src
	src entity create org >/dev/null
	pack_src member org
	init_target_member
	snapshot_member=$(ferry --json entity show member)
	unpack_json --no-upgrade
	same skipped "$(jp "[e for e in d['entities'] if e['entity'] == 'member'][0]['action']" <report.json)"
	[[ "$(jp "[e for e in d['entities'] if e['entity'] == 'member'][0]['reason']" <report.json)" == *"--no-upgrade"* ]]
	same created "$(jp "[e for e in d['entities'] if e['entity'] == 'org'][0]['action']" <report.json)"
	same "$snapshot_member" "$(ferry --json entity show member)"
	same 0 "$(sql "SELECT count(*) FROM sys_form_template")"
	run --separate-stderr ferry entity unpack packs --no-backup --no-upgrade
	[[ "$output" == *"member: skipped"* ]]
}

@test "rule: --select unpacks only the named entities" {
	init_src
	src entity create org >/dev/null
	src entity create region >/dev/null
	pack_src member org region
	init_db
	unpack_json --select 'org, region'
	same '["org","region"]' "$(jp "[e['entity'] for e in d['entities']]" <report.json)"
	same 0 "$(sql "SELECT count(*) FROM sys_entity WHERE name = 'member'")"
	expect_error 1 "no entity pack for 'nope' in packs; see 'ferry entity unpack packs --list'" \
		entity unpack packs --select org,nope
}

@test "rule: dependency order: referenced entities are unpacked first" {
	init_src
	src entity create org >/dev/null
	src entity create zone >/dev/null
	src field add zone name 'nvarchar(10)' >/dev/null
	src field add member org 'ref(org)' >/dev/null
	src field add org zone 'ref(zone)' >/dev/null
	pack_src member org zone
	init_db
	unpack_json
	same '["zone","org","member"]' "$(jp "[e['entity'] for e in d['entities']]" <report.json)"
	same 'ref(org)' "$(field_of member org type)"
}

@test "rule: entities that refer to each other unpack together" {
	init_src
	src entity create org >/dev/null
	src field add member org 'ref(org)' >/dev/null
	src field add org chair 'ref(member)' >/dev/null
	pack_src member org
	init_db
	unpack_json
	same 'ref(member)' "$(field_of org chair type)"
	same 'ref(org)' "$(field_of member org type)"
}

@test "rule: an entity depending on one neither in the target nor selected is refused" {
	init_src
	src entity create org >/dev/null
	src field add member org 'ref(org)' >/dev/null
	pack_src member org
	init_db
	snapshot
	expect_error 1 "entity 'member' depends on entity 'org' (a ref(org) field), which is neither in this instance nor selected; select its pack too" \
		entity unpack packs --select member
	assert_unchanged
	ls | grep -q backup && return 1
	# Once org exists in the target, member alone is fine.
	ferry entity create org >/dev/null
	run --separate-stderr ferry entity unpack packs --select member --no-backup
	[ "$status" -eq 0 ]
}

# ---- associated objects -------------------------------------------------

@test "rule: associated objects: missing ones are added, untouched ones updated" {
	init_src
	pack_src member
	init_target_member
	# An object the target never changed since it was created (open).
	ferry record put sys_form_template \
		'{"entity":"member","name":"Member form","definition":{"layout":"old"}}' >/dev/null
	unpack_json
	same "updated|not customized locally: updated to the pack's definition" "$(object_report member 'Member form')"
	same "added|not in the target: added" "$(object_report member 'On save')"
	same '{"layout":"pack"}' "$(ferry --json record list sys_form_template | jp "d[0]['definition']")"
	# It stays open: a later unpack may update it again.
	same open "$(sql "SELECT sys_policy FROM sys_form_template")"
}

@test "rule: an associated object customized locally is kept" {
	init_src
	pack_src member
	init_target_member
	id=$(ferry record put sys_form_template \
		'{"entity":"member","name":"Member form","definition":{"layout":"v1"}}')
	ferry record put sys_form_template \
		"{\"sys_id\":\"$id\",\"definition\":{\"layout\":\"mine\"}}" >/dev/null
	unpack_json
	same "kept|customized locally: the target changed it, so its version is kept" "$(object_report member 'Member form')"
	same '{"layout":"mine"}' "$(ferry --json record get sys_form_template "$id" | jp "d['definition']")"
	run --separate-stderr ferry entity unpack packs --no-backup
	[[ "$output" == *'sys_form_template "Member form": kept: customized locally'* ]]
}

@test "rule: associated objects only in the target are kept" {
	init_src
	pack_src member
	init_target_member
	ferry record put sys_process_flow \
		'{"entity":"member","name":"Local flow","definition":{}}' >/dev/null
	unpack_json
	same "kept|only in the target: kept" "$(object_report member 'Local flow')"
	same 1 "$(sql "SELECT count(*) FROM sys_process_flow")"
}

@test "rule: unpacking the same packs again changes nothing" {
	init_src
	pack_src member
	init_db
	unpack_json
	snapshot
	unpack_json
	assert_unchanged
	same merged "$(jp "d['entities'][0]['action']" <report.json)"
	same "kept|same type nchar(15)" "$(field_report member code)"
	same "kept|already the same in the target: kept" "$(object_report member 'Member form')"
}

# ---- who, listing, backup ---------------------------------------------------

@test "rule: only admins may unpack: a non-admin is refused and the instance is unchanged" {
	init_src
	pack_src member
	init_target_member
	ferry user add carol >/dev/null
	snapshot
	expect_error 1 "only admins may unpack entities; 'carol' is not an admin" \
		--user carol entity unpack packs
	assert_unchanged
	ls | grep -q backup && return 1
	return 0
}

@test "rule: --list lists entity, fields, objects, depends and whether it exists (anyone may list)" {
	init_src
	src entity create org >/dev/null
	src field add member org 'ref(org)' >/dev/null
	pack_src member org
	init_target_member
	ferry user add carol >/dev/null
	snapshot
	run ferry --user carol --json entity unpack packs --list
	[ "$status" -eq 0 ]
	assert_unchanged
	same '["member.sop","org.sop"]' "$(echo "$output" | jp "[p['file'] for p in d['packs']]")"
	same '[4,2,["org"],true,true]' "$(echo "$output" | jp "[d['packs'][0][k] for k in ('fields','objects','depends','exists','valid')]")"
	same '[0,0,[],false,true]' "$(echo "$output" | jp "[d['packs'][1][k] for k in ('fields','objects','depends','exists','valid')]")"
	run ferry entity unpack packs --list
	same "file        entity  fields  objects  depends  exists  valid  signed" "${lines[0]}"
	same "member.sop  member  4       2        org      yes     yes    no" "${lines[1]}"
	same "org.sop     org     0       0        -        no      yes    no" "${lines[2]}"
}

@test "rule: the backup is written first and its path printed; --no-backup skips it" {
	init_src
	pack_src member
	init_db
	# unsigned packs: a warning on stderr, kept apart from the document
	run --separate-stderr ferry --json entity unpack packs
	[ "$status" -eq 0 ]
	backup=$(echo "$output" | jp "d['backup']")
	same "$BATS_TEST_TMPDIR/i.db.backup-20211231T120000Z.db" "$backup"
	# The backup holds the instance as it was before the unpack.
	same 0 "$(sqlite3 "$backup" "SELECT count(*) FROM sys_entity")"
	same 1 "$(sql "SELECT count(*) FROM sys_entity")"
	run --separate-stderr ferry entity unpack packs
	same "backup: $BATS_TEST_TMPDIR/i.db.backup-20211231T120000Z-1.db" "${lines[0]}"
	run --separate-stderr ferry --json entity unpack packs --no-backup
	same null "$(echo "$output" | jp "d['backup']")"
	same 2 "$(ls | grep -c backup)"
}

@test "rule: the human report says what happened per entity, field and object, and why" {
	init_src
	pack_src member
	init_target_member
	run --separate-stderr ferry entity unpack packs --no-backup
	[ "$status" -eq 0 ]
	same "backup: none (--no-backup)" "${lines[0]}"
	same "member: merged (exists in the target: merged field by field, never overwritten; its display name and description are kept)" "${lines[1]}"
	same "  field code: grown: size grows: package nchar(15) onto target nvarchar(10) gives nvarchar(15) (the type is never changed); the target's description, display name and default value are kept" "${lines[2]}"
	same "  field name: added: new in the pack: added as nvarchar(40)" "${lines[3]}"
	same '  sys_event_handler "On save": added: not in the target: added' "${lines[5]}"
}

# ---- damaged and foreign files: all or nothing ------------------------

@test "rule: a damaged pack (one flipped byte) is reported by name and nothing is unpacked" {
	init_src
	src entity create org >/dev/null
	pack_src member org
	python3 -c "
p = 'packs/member.sop'
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 1
open(p, 'wb').write(b)"
	init_db
	snapshot
	expect_error 1 "nothing was unpacked: 1 selected pack file(s) cannot be used: packs/member.sop: " \
		entity unpack packs
	assert_unchanged
	ls | grep -q backup && return 1
	run ferry --json entity unpack packs --list
	same '[false,true]' "$(echo "$output" | jp "[p['valid'] for p in d['packs']]")"
	[[ "$(echo "$output" | jp "d['packs'][0]['problem']")" == "packs/member.sop: "* ]]
	# The undamaged pack alone may still be selected.
	run --separate-stderr ferry entity unpack packs --select org --no-backup
	[ "$status" -eq 0 ]
}

@test "rule: a foreign file (a local pack, or not a ferry file) is reported and nothing is unpacked" {
	init_src
	pack_src member
	src pack create p1 --use >/dev/null
	src record put sys_form_template '{"entity":"member","name":"x","definition":{}}' >/dev/null
	src pack complete p1 >/dev/null
	src pack export p1 --output packs/local.sop >/dev/null
	echo 'not a pack' >packs/notes.sop
	echo 'ignored: not a .sop file' >packs/README
	init_db
	snapshot
	run --separate-stderr ferry entity unpack packs
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"2 selected pack file(s) cannot be used"* ]]
	[[ "$stderr" == *"packs/local.sop: not an entity pack (its kind is local_pack)"* ]]
	[[ "$stderr" == *"packs/notes.sop: not a ferry package"* ]]
	assert_unchanged
}

@test "rule: a pack that fails while unpacking rolls everything back" {
	init_src
	pack_src member
	# A well-formed pack whose field default does not fit its type: found
	# only while writing, after member was already created.
	make_sop packs/zzz.sop '{"kind":"entity_pack","entity":"zzz","depends":[]}' \
		'{"t":"entity","name":"zzz","display":null,"description":null}' \
		'{"t":"field","name":"qty","type":"int","display":null,"description":null,"default":"many"}'
	init_db
	snapshot
	run --separate-stderr ferry entity unpack packs --no-backup
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"default value"*"does not fit field qty"* ]]
	assert_unchanged
}

@test "rule: a pack with a bad item is refused even when its digests are right" {
	init_db
	mkdir packs
	make_sop packs/zzz.sop '{"kind":"entity_pack","entity":"zzz","depends":[]}' \
		'{"t":"entity","name":"zzz","display":null,"description":null}' \
		'{"t":"field","name":"qty","type":"varchar2(5)"}'
	snapshot
	expect_error 1 "packs/zzz.sop: line 3: field qty: " entity unpack packs
	assert_unchanged
	make_sop packs/zzz.sop '{"kind":"entity_pack","entity":"zzz","depends":[]}' \
		'{"t":"field","name":"qty","type":"int"}'
	expect_error 1 "packs/zzz.sop: line 2: the entity item must come first" entity unpack packs
	make_sop packs/zzz.sop '{"kind":"entity_pack","entity":"zzz","depends":[]}' \
		'{"t":"entity","name":"zzz"}' \
		'{"t":"object","entity_object":"sys_entity","entity":"zzz","name":"x"}'
	expect_error 1 "line 3: entity_object is not one of" entity unpack packs
	assert_unchanged
}

@test "rule: an object's definition edited in an entity pack (trailer recomputed) is caught by the object seal" {
	plain_member_pack
	python3 "$SOP" edit packs/member.sop 6 'it["definition"] = {"layout":"evil"}'
	init_db
	snapshot
	expect_error 1 "packs/member.sop: line 7: the sys_form_template object 'Member form' does not match its seal: its definition or policy was changed after packing" entity unpack packs --no-backup
	assert_unchanged
}

@test "rule: an object's policy edited in an entity pack (trailer recomputed) is caught by the object seal" {
	plain_member_pack
	cp packs/member.sop clean.sop
	python3 "$SOP" edit packs/member.sop 5 'it["policy"] = "protected"'
	init_db
	snapshot
	expect_error 1 "line 6: the sys_event_handler object 'On save' does not match its seal" entity unpack packs --no-backup
	assert_unchanged
	# The seal names the object too: moved to another name, it fails.
	cp clean.sop packs/member.sop
	python3 "$SOP" edit packs/member.sop 5 'it["name"] = "On delete"'
	expect_error 1 "line 6: the sys_event_handler object 'On delete' does not match its seal" entity unpack packs --no-backup
	assert_unchanged
}

@test "rule: an entity pack object without a seal is refused" {
	plain_member_pack
	python3 "$SOP" edit packs/member.sop 6 'del it["seal"]'
	init_db
	snapshot
	expect_error 1 "line 7: the sys_form_template object 'Member form' has no seal" entity unpack packs --no-backup
	assert_unchanged
}

@test "rule: the object seal is a digest, not a signature: recomputed with the edit, the pack is taken" {
	plain_member_pack
	python3 "$SOP" edit packs/member.sop 6 'it["definition"] = {"layout":"edited"}' --rehash
	init_db
	ferry entity unpack packs --no-backup >/dev/null
	same '{"layout":"edited"}' "$(ferry --json record list sys_form_template | jp "d[0]['definition']")"
}

@test "rule: unpack refuses a missing folder, an empty folder and two packs of one entity" {
	init_src
	pack_src member
	init_db
	expect_error 1 "no folder missing" entity unpack missing
	mkdir empty
	expect_error 1 "no entity packs (*.sop files) in empty" entity unpack empty
	run ferry --json entity unpack empty --list
	same '[]' "$(echo "$output" | jp "d['packs']")"
	cp packs/member.sop packs/copy.sop
	expect_error 1 "copy.sop and member.sop are both packs of entity 'member'" entity unpack packs
}
