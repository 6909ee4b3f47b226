#!/usr/bin/env bats
# catalog.bats - entities and fields: real tables and columns, validated
# names, versions of every catalog change (issue 2).

load foundation_helpers

columns() {
	sql "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('$1') ORDER BY cid)"
}

SYS_COLS=sys_id,sys_created_at,sys_created_by,sys_updated_at,sys_updated_by,sys_policy,sys_vendor,sys_version

@test "rule: entity create makes a real table with the system columns" {
	init_db
	run ferry entity create member --display Member --description 'Club members'
	[ "$status" -eq 0 ]
	same "created entity member" "$output"
	same member "$(sql "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'member'")"
	same "$SYS_COLS" "$(columns member)"
}

@test "rule: entity list and show (--json field names)" {
	init_db
	ferry entity create member --display Member --description 'Club members' >/dev/null
	ferry entity create invoice >/dev/null
	ferry field add member name 'nvarchar(40)' --display Name --description 'Full name' --default '"anon"' >/dev/null
	run ferry --json entity list
	same '[{"name":"invoice","display":null,"description":null,"fields":0},{"name":"member","display":"Member","description":"Club members","fields":1}]' "$output"
	run ferry --json entity show member
	same '{"name":"member","display":"Member","description":"Club members","fields":[{"name":"name","type":"nvarchar(40)","display":"Name","description":"Full name","default":"anon","external_name":null}]}' "$output"
	run ferry entity show member
	[ "$status" -eq 0 ]
	same "name: member" "${lines[0]}"
	same "display: Member" "${lines[1]}"
	[[ "$output" == *"nvarchar(40)"* ]]
	run ferry entity list
	[[ "${lines[0]}" == "name"*"display"*"fields"*"description" ]]
}

@test "rule: entity show of an unknown entity is an error" {
	init_db
	expect_error 1 "no entity 'ghost'; see 'ferry entity list'" entity show ghost
}

@test "rule: an entity is created once" {
	init_db
	ferry entity create member >/dev/null
	refused "entity 'member' already exists" entity create member
}

@test "rule: identifiers are validated: 'x; DROP TABLE y' is refused and nothing is dropped" {
	init_db
	ferry entity create member >/dev/null
	refused "invalid entity name 'x; DROP TABLE member'" entity create 'x; DROP TABLE member'
	same member "$(sql "SELECT name FROM sqlite_master WHERE name = 'member'")"
	refused "invalid entity name" entity create 'member"; DROP TABLE member; --'
	refused "invalid field name" field add member 'x int); DROP TABLE member; --' int
	same member "$(sql "SELECT name FROM sqlite_master WHERE name = 'member'")"
}

@test "rule: entity names are lowercase identifiers of at most 63 characters" {
	init_db
	for bad in Member 1member _member 'mem ber' 'mem-ber' 'mémber' ''; do
		refused "invalid entity name" entity create "$bad"
	done
	long=$(printf 'a%.0s' $(seq 64))
	refused "invalid entity name" entity create "$long"
	run ferry entity create "${long:1}"
	[ "$status" -eq 0 ]
	run ferry entity create m_2
	[ "$status" -eq 0 ]
}

@test "rule: ferry's own names are reserved (system entities, ferry_, sqlite_, system columns)" {
	init_db
	refused "entity name 'sys_field' is reserved" entity create sys_field
	refused "reserved" entity create ferry_thing
	refused "reserved" entity create sqlite_thing
	ferry entity create member >/dev/null
	refused "field name 'sys_policy' is a system column's" field add member sys_policy int
	refused "field name 'sys_created_by' is a system column's" field add member sys_created_by int
}

@test "rule: external sys_ names are kept exactly (sys_script_include, sys_class_name)" {
	init_db
	ferry entity create sys_script_include >/dev/null
	ferry field add sys_script_include sys_class_name 'nvarchar(80)' >/dev/null
	echo '{"sys_id":"cb2d45d1db731200fc79f7fdbf9619b5","sys_class_name":"sys_script_include"}' >in.jsonl
	ferry record load sys_script_include in.jsonl >/dev/null
	run ferry record get sys_script_include cb2d45d1db731200fc79f7fdbf9619b5 --json
	[ "$status" -eq 0 ]
	[[ "$output" == *'"sys_class_name":"sys_script_include"'* ]]
}

@test "rule: field add really adds a column" {
	init_db
	ferry entity create member >/dev/null
	run ferry field add member name 'nvarchar(40)'
	[ "$status" -eq 0 ]
	same "added field member.name nvarchar(40)" "$output"
	ferry field add member age int >/dev/null
	same "$SYS_COLS,name,age" "$(columns member)"
}

@test "rule: field drop really drops the column" {
	init_db
	ferry entity create member >/dev/null
	ferry field add member name 'nvarchar(40)' >/dev/null
	ferry field add member age int >/dev/null
	id=$(ferry record put member '{"name":"Ann","age":30}')
	run ferry field drop member age
	[ "$status" -eq 0 ]
	same "dropped field member.age" "$output"
	same "$SYS_COLS,name" "$(columns member)"
	run ferry --json entity show member
	same '["name"]' "$(echo "$output" | jp '[f["name"] for f in d["fields"]]')"
	run ferry --json record get member "$id"
	same Ann "$(echo "$output" | jp 'd["name"]')"
	same False "$(echo "$output" | jp 'str("age" in d)')"
}

@test "rule: field set changes the catalog and the type is enforced from then on" {
	init_db
	ferry entity create member >/dev/null
	ferry field add member name 'nvarchar(5)' >/dev/null
	ferry record put member '{"name":"Ann"}' >/dev/null
	run ferry field set member name --type 'nvarchar(10)' --display Name --description 'Full name' --default '"x"'
	[ "$status" -eq 0 ]
	same "changed field member.name" "$output"
	run ferry --json entity show member
	same '[{"name":"name","type":"nvarchar(10)","display":"Name","description":"Full name","default":"x","external_name":null}]' "$(echo "$output" | jp 'd["fields"]')"
	# The column is still there (ferry, not SQLite, checks the type).
	same "$SYS_COLS,name" "$(columns member)"
	run ferry record put member '{"name":"Annabelle"}'
	[ "$status" -eq 0 ]
	refused "nvarchar(10) holds at most 10 characters; got 11" record put member '{"name":"Annabellexx"}'
}

@test "rule: field set refuses a type that an existing value does not fit" {
	init_db
	ferry entity create member >/dev/null
	ferry field add member name 'nvarchar(10)' >/dev/null
	id=$(ferry record put member '{"name":"Annabelle"}')
	refused "member record $id holds a value that nvarchar(5) cannot hold" field set member name --type 'nvarchar(5)'
	refused "cannot hold" field set member name --type int
	run ferry field set member name --type text
	[ "$status" -eq 0 ]
}

@test "rule: field add errors: unknown entity, duplicate field, bad type, dangling ref, system entity" {
	init_db
	ferry entity create member >/dev/null
	ferry field add member name 'nvarchar(40)' >/dev/null
	refused "no entity 'ghost'" field add ghost name int
	refused "entity 'member' already has a field 'name'" field add member name int
	refused "unknown type 'varchar(10)'" field add member x 'varchar(10)'
	refused "malformed type 'nvarchar(0)'" field add member x 'nvarchar(0)'
	refused "malformed type 'nvarchar(x)'" field add member x 'nvarchar(x)'
	refused "malformed type 'decimal(39,2)'" field add member x 'decimal(39,2)'
	refused "malformed type 'decimal(5,6)'" field add member x 'decimal(5,6)'
	refused "malformed type 'int(4)'" field add member x 'int(4)'
	refused "refers to entity 'ghost', which does not exist" field add member x 'ref(ghost)'
	refused "the fields of system entity 'sys_entity' cannot be changed" field add sys_entity x int
	refused "does not fit field x" field add member x int --default abc
}

@test "rule: a ref field may point at its own entity" {
	init_db
	ferry entity create member >/dev/null
	run ferry field add member mentor 'ref(member)'
	[ "$status" -eq 0 ]
}

@test "rule: field set and drop errors: unknown entity or field" {
	init_db
	ferry entity create member >/dev/null
	refused "entity 'member' has no field 'ghost'" field set member ghost --display x
	refused "entity 'member' has no field 'ghost'" field drop member ghost
	refused "no entity 'ghost'" field drop ghost name
}

@test "rule: a field's default fills inserts that leave it out" {
	init_db
	ferry entity create member >/dev/null
	ferry field add member name 'nvarchar(40)' --default anon >/dev/null
	ferry field add member age int --default 18 >/dev/null
	id=$(ferry record put member '{}')
	run ferry --json record get member "$id"
	same anon "$(echo "$output" | jp 'd["name"]')"
	same 18 "$(echo "$output" | jp 'd["age"]')"
	id=$(ferry record put member '{"age":null}')
	run ferry --json record get member "$id"
	same null "$(echo "$output" | jp 'd["age"]')"
}

@test "rule: catalog records are changed only through entity and field commands" {
	init_db
	ferry entity create member >/dev/null
	refused "sys_entity records are changed with the 'ferry entity' and 'ferry field' commands" record put sys_entity '{"name":"x"}'
	refused "sys_field records are changed with" record load sys_field /dev/null
}

@test "rule: every entity and field change writes a version" {
	init_db
	ferry entity create member >/dev/null
	ferry field add member name 'nvarchar(40)' >/dev/null
	ferry field set member name --display Name >/dev/null
	ferry field drop member name >/dev/null
	same "sys_entity|member|insert" "$(sql "SELECT entity, rkey, action FROM ferry_version WHERE entity = 'sys_entity'")"
	same "sys_field|member.name|insert
sys_field|member.name|update
sys_field|member.name|delete" "$(sql "SELECT entity, rkey, action FROM ferry_version WHERE entity = 'sys_field' ORDER BY id")"
	# Each version's parent is the one before it.
	same 0 "$(sql "SELECT count(*) FROM ferry_version v JOIN ferry_version p ON p.id = v.parent_id WHERE v.parent <> p.hash")"
	same 2 "$(sql "SELECT count(*) FROM ferry_version WHERE entity = 'sys_field' AND parent IS NOT NULL")"
}

@test "rule: catalog changes are captured into the acting user's current pack" {
	init_db
	ferry pack create schema --use >/dev/null
	ferry entity create member >/dev/null
	ferry field add member name 'nvarchar(40)' >/dev/null
	run ferry --json pack show schema
	same '[["sys_entity","insert"],["sys_field","insert"]]' "$(echo "$output" | jp '[[i["entity"], i["action"]] for i in d["items"]]')"
	ferry field drop member name >/dev/null
	run ferry --json pack show schema
	same '[["sys_entity","insert"],["sys_field","delete"]]' "$(echo "$output" | jp '[[i["entity"], i["action"]] for i in d["items"]]')"
}

@test "rule: the same catalog content hashes the same in two instances" {
	init_db
	ferry entity create member --display Member >/dev/null
	ferry field add member name 'nvarchar(40)' >/dev/null
	a=$(sql "SELECT hash FROM ferry_version ORDER BY id")
	FERRY_DB=$BATS_TEST_TMPDIR/other.db FERRY_NOW=2030-01-01T00:00:00Z ferry init --admin someone >/dev/null
	FERRY_DB=$BATS_TEST_TMPDIR/other.db ferry entity create member --display Member >/dev/null
	FERRY_DB=$BATS_TEST_TMPDIR/other.db ferry field add member name 'nvarchar(40)' >/dev/null
	b=$(sqlite3 other.db "SELECT hash FROM ferry_version ORDER BY id")
	same "$a" "$b"
	# The sys_ids differ: catalog records are matched by name.
	[ "$(sql 'SELECT sys_id FROM sys_entity')" != "$(sqlite3 other.db 'SELECT sys_id FROM sys_entity')" ]
}

@test "rule: display names are limited to 200 characters" {
	init_db
	long=$(printf 'é%.0s' $(seq 201))
	refused "a display name must be UTF-8 text of at most 200 characters" entity create member --display "$long"
	ferry entity create member --display "${long:1}" >/dev/null
	refused "display names are UTF-8 text of at most 200 characters" field add member x int --display "$long"
}

@test "rule: names are quoted in SQL, so keywords and rowid work as names" {
	init_db
	ferry entity create order >/dev/null
	ferry field add order group int >/dev/null
	ferry field add order rowid 'nvarchar(5)' >/dev/null
	ferry field add order select 'ref(order)' >/dev/null
	a=$(ferry record put order '{"group":1,"rowid":"x"}')
	b=$(ferry record put order "{\"select\":\"$a\"}")
	same "1|x|" "$(sql "SELECT \"group\", \"rowid\", \"select\" FROM \"order\" WHERE sys_id = '$a'")"
	same "$a" "$(ferry --json record get order "$b" | jp 'd["select"]')"
	run ferry field drop order rowid
	[ "$status" -eq 0 ]
	same "$SYS_COLS,group,select" "$(columns order)"
}
