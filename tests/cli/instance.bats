#!/usr/bin/env bats
# instance.bats - creating and opening instances, users, properties
# (issue 2: the foundation).

load foundation_helpers
load schema_steps

@test "rule: init creates an instance with its first admin and the Default pack" {
	run --separate-stderr ferry init
	[ "$status" -eq 0 ]
	[[ "$output" == "created instance at $FERRY_DB (admin: admin)" ]]
	instance_exists "$FERRY_DB"
	run ferry --json user list
	same '[{"name":"admin","admin":true,"tz":"UTC","current_pack":"Default"}]' "$output"
	run ferry --json pack current
	same Default "$(echo "$output" | jp 'd["name"]')"
	same in_progress "$(echo "$output" | jp 'd["state"]')"
}

@test "rule: init --json prints the instance: id, name, schema_version, path" {
	run --separate-stderr ferry --json init --name dev
	[ "$status" -eq 0 ]
	[[ "$(echo "$output" | jp 'd["id"]')" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]
	same dev "$(echo "$output" | jp 'd["name"]')"
	same "$SCHEMA_LATEST" "$(echo "$output" | jp 'd["schema_version"]')"
	same "$FERRY_DB" "$(echo "$output" | jp 'd["path"]')"
	run ferry --json info
	same dev "$(echo "$output" | jp 'd["name"]')"
}

@test "rule: init names the instance after its file by default" {
	init_db
	run ferry --json info
	same i.db "$(echo "$output" | jp 'd["name"]')"
}

@test "rule: init --name --admin --tz set the name, first admin and zone" {
	init_db --name prod --admin alice --tz Europe/Moscow
	run ferry --json user list
	same '[{"name":"alice","admin":true,"tz":"Europe/Moscow","current_pack":"Default"}]' "$output"
	run ferry --json info
	same prod "$(echo "$output" | jp 'd["name"]')"
}

@test "rule: init refuses an existing instance and leaves it untouched" {
	init_db
	ferry entity create member >/dev/null
	snapshot
	expect_error 1 "already exists" init
	assert_unchanged
}

@test "rule: init refuses any existing file, even one that is not an instance" {
	skip_on_postgres "an existing file at the path"
	echo "precious" >"$FERRY_DB"
	expect_error 1 "already exists" init
	same precious "$(cat "$FERRY_DB")"
}

@test "rule: init with a bad zone or admin name leaves no file behind" {
	expect_error 1 "unknown time zone 'Mars/Olympus'" init --tz Mars/Olympus
	instance_missing "$FERRY_DB"
	expect_error 1 "invalid user name" init --admin ' padded'
	instance_missing "$FERRY_DB"
	expect_error 1 "invalid user name" init --admin ''
	instance_missing "$FERRY_DB"
}

@test "rule: init needs --db or FERRY_DB (usage error, exit 2)" {
	unset FERRY_DB
	expect_error 2 "no instance path" init
}

@test "rule: init honours FERRY_NOW" {
	init_db
	same "$NOW" "$(sql 'SELECT created_at FROM ferry_instance')"
	run ferry --json pack list
	same "$NOW" "$(echo "$output" | jp 'd[0]["created_at"]')"
}

@test "rule: init refuses an unreadable FERRY_NOW and leaves no file" {
	FERRY_NOW=yesterday expect_error 1 "cannot read the time 'yesterday'" init
	instance_missing "$FERRY_DB"
}

@test "rule: an instance is an SQLite file in WAL mode" {
	skip_on_postgres "the journal mode"
	init_db
	same wal "$(sql 'PRAGMA journal_mode')"
	same "$SCHEMA_LATEST" "$(sql 'PRAGMA user_version')"
}

# part NAME: that part's bytes in the last `info --sizes --json` ($sizes).
part() {
	echo "$sizes" | jp "[p['bytes'] for p in d['parts'] if p['part'] == '$1'][0]"
}

@test "rule: info --sizes: the parts add up to the instance and grow where data goes" {
	init_member
	sizes=$(ferry --json info --sizes)
	same "records,catalog,versions,packs,import_staging,imports,definitions,access,audit,other,free" \
		"$(echo "$sizes" | jp "','.join(p['part'] for p in d['parts'])")"
	same true "$(echo "$sizes" | jp "d['by_part']")"
	# every part within the whole; the parts are the whole
	same "$(echo "$sizes" | jp "d['bytes']")" "$(echo "$sizes" | jp "sum(p['bytes'] for p in d['parts'])")"
	# (pages: a SQLite file matter)
	on_postgres || same "$(sqlite3 "$FERRY_DB" 'PRAGMA page_count')" "$(echo "$sizes" | jp "d['bytes'] // d['page_size']")"
	same "[]" "$(echo "$sizes" | jp "[p['part'] for p in d['parts'] if not 0 <= p['index_bytes'] <= p['bytes']]")"
	records0=$(part records)
	versions0=$(part versions)
	packs0=$(part packs)
	total0=$(echo "$sizes" | jp "d['bytes']")
	python3 -c '
import json
for i in range(2000):
    print(json.dumps({"name": "member %05d %s" % (i, "x" * 20), "age": i}))
' >members.jsonl
	ferry record load member members.jsonl >/dev/null
	sizes=$(ferry --json info --sizes)
	same "$(echo "$sizes" | jp "d['bytes']")" "$(echo "$sizes" | jp "sum(p['bytes'] for p in d['parts'])")"
	# 2,000 rows of about 50 bytes: each in the entity's table, each as a
	# version, each captured into the pack
	[ "$(part records)" -gt $((records0 + 100000)) ]
	[ "$(part versions)" -gt $((versions0 + 100000)) ]
	[ "$(part packs)" -gt "$packs0" ]
	[ "$(echo "$sizes" | jp "d['bytes']")" -gt "$total0" ]
	# the human table: every part, then the whole and the log
	run --separate-stderr ferry info --sizes
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "part"*"bytes"*"index_bytes"*"holds"* ]]
	[[ "$output" == *"import_staging "*"free "*"total "*"wal "* ]]
}

@test "rule: an instance from before schema 12 gets its CHECK lists as comparisons when opened, and they still refuse" {
	skip_on_postgres "the SQLite file's table definitions"
	init_db
	ferry entity create thing >/dev/null
	ferry field add thing name 'nvarchar(40)' >/dev/null
	id=$(ferry record put thing '{"name":"kept"}')
	sql "$(undo_check_comparisons)"
	sql 'PRAGMA user_version = 11'
	[ "$(sql "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%CHECK (% IN (''%'")" -ge 4 ]
	before=$(sql 'SELECT count(*) FROM ferry_version')
	run ferry --json info
	[ "$status" -eq 0 ]
	same "$SCHEMA_LATEST" "$(sql 'PRAGMA user_version')"
	same 0 "$(sql "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%CHECK (% IN (''%'")"
	same "CHECK (sys_policy = 'open' OR sys_policy = 'changed' OR sys_policy = 'protected')" \
		"$(sql "SELECT sql FROM sqlite_schema WHERE name = 'thing'" | grep -o "CHECK ([^)]*)")"
	same ok "$(sql 'PRAGMA integrity_check')"
	same "$before" "$(sql 'SELECT count(*) FROM ferry_version')"
	same kept "$(ferry --json record get thing "$id" | jp 'd["name"]')"
	# the rules hold as before
	run sql "UPDATE thing SET sys_policy = 'closed'"
	[ "$status" -ne 0 ]
	[[ "$output" == *"CHECK constraint failed"* ]]
	run sql "UPDATE ferry_version SET action = 'upsert'"
	[ "$status" -ne 0 ]
	# and the instance goes on working, its new tables alike
	ferry record put thing '{"name":"new"}' >/dev/null
	same 2 "$(sql 'SELECT count(*) FROM thing')"
	ferry entity create other >/dev/null
	same 0 "$(sql "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%CHECK (% IN (''%'")"
	same 1 "$(sql "SELECT count(*) FROM sqlite_schema WHERE name = 'other' AND sql LIKE '%CHECK (sys_policy = ''open'' OR %'")"
}

@test "rule: an instance from before the item seal gets the seal column when opened" {
	skip_on_postgres "instances of schema versions before 9 exist only as files"
	init_db
	sql "$(undo_payload_table noseal)"
	sql 'ALTER TABLE ferry_pack DROP COLUMN exported_at;
		ALTER TABLE ferry_import_problem RENAME COLUMN facts TO message;
		DROP INDEX sys_field_external;
		ALTER TABLE sys_field DROP COLUMN external_name;
		ALTER TABLE ferry_pack_item DROP COLUMN base;
		ALTER TABLE ferry_pack_item DROP COLUMN old;
		PRAGMA user_version = 4'
	run ferry --json info
	[ "$status" -eq 0 ]
	same "$SCHEMA_LATEST" "$(sql 'PRAGMA user_version')"
	# (where step 10 moved it)
	same 1 "$(sql "SELECT count(*) FROM pragma_table_info('ferry_import_payload') WHERE name = 'seal'")"
}

@test "rule: an instance from before problem facts keeps its problems' words when opened" {
	skip_on_postgres "instances of schema versions before 9 exist only as files"
	init_db
	sql "$(undo_payload_table)"
	sql "ALTER TABLE ferry_import_problem RENAME COLUMN facts TO message;
		DROP INDEX sys_field_external;
		ALTER TABLE sys_field DROP COLUMN external_name;
		INSERT INTO ferry_import_problem (import_id, item, kind,
			severity, message) VALUES (1, 1, 'local_change', 'error',
			'a sentence of an older ferry');
		ALTER TABLE ferry_pack_item DROP COLUMN base;
		ALTER TABLE ferry_pack_item DROP COLUMN old;
		PRAGMA user_version = 6"
	run ferry --json info
	[ "$status" -eq 0 ]
	same "$SCHEMA_LATEST" "$(sql 'PRAGMA user_version')"
	same '[["text","a sentence of an older ferry"]]' "$(sql 'SELECT facts FROM ferry_import_problem')"
}

@test "rule: an instance from before pack export times gets exported_at when opened" {
	skip_on_postgres "instances of schema versions before 9 exist only as files"
	init_db
	ferry pack create p >/dev/null
	sql "$(undo_payload_table)"
	sql 'ALTER TABLE ferry_pack DROP COLUMN exported_at;
		ALTER TABLE ferry_import_problem RENAME COLUMN facts TO message;
		DROP INDEX sys_field_external;
		ALTER TABLE sys_field DROP COLUMN external_name;
		ALTER TABLE ferry_pack_item DROP COLUMN base;
		ALTER TABLE ferry_pack_item DROP COLUMN old;
		PRAGMA user_version = 5'
	run ferry --json info
	[ "$status" -eq 0 ]
	same "$SCHEMA_LATEST" "$(sql 'PRAGMA user_version')"
	same 1 "$(sql "SELECT count(*) FROM pragma_table_info('ferry_pack') WHERE name = 'exported_at'")"
	same "" "$(sql 'SELECT exported_at FROM ferry_pack')"
}

@test "rule: an instance from before external names gets sys_field.external_name when opened" {
	skip_on_postgres "instances of schema versions before 9 exist only as files"
	init_db
	ferry entity create member >/dev/null
	ferry field add member name 'nvarchar(40)' >/dev/null
	sql "$(undo_payload_table)"
	sql 'DROP INDEX sys_field_external;
		ALTER TABLE sys_field DROP COLUMN external_name;
		ALTER TABLE ferry_pack_item DROP COLUMN base;
		ALTER TABLE ferry_pack_item DROP COLUMN old;
		PRAGMA user_version = 7'
	run ferry --json entity show member
	[ "$status" -eq 0 ]
	same "$SCHEMA_LATEST" "$(sql 'PRAGMA user_version')"
	same '[{"name":"name","external_name":null}]' "$(echo "$output" | jp '[{"name": f["name"], "external_name": f["external_name"]} for f in d["fields"]]')"
	same 1 "$(sql "SELECT count(*) FROM pragma_index_list('sys_field') WHERE name = 'sys_field_external'")"
}

@test "rule: a location no store of this ferry claims (an address like postgresql://...) is refused, never taken for a file name" {
	mkdir "$BATS_TEST_TMPDIR/empty" && cd "$BATS_TEST_TMPDIR/empty"
	for cmd in init info; do
		run --separate-stderr ferry --db 'mysql://u@host/db' $cmd
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"'mysql' instances are not supported by this ferry: name an instance file with --db"* ]]
	done
	[ -z "$(ls -A .)" ]
}

@test "rule: opening a missing instance is an error and creates nothing" {
	expect_error 1 "no instance at none.db; create one with" --db none.db user list
	instance_missing none.db
}

@test "rule: a file that is not an instance is refused untouched" {
	sqlite3 other.db 'CREATE TABLE t (x); INSERT INTO t VALUES (1)'
	before=$(sqlite3 other.db .dump)
	expect_error 1 "is not a ferry instance" --db other.db user list
	same "$before" "$(sqlite3 other.db .dump)"
	echo "plain text" >text.db
	expect_error 1 "" --db text.db user list
	same "plain text" "$(cat text.db)"
}

@test "rule: an instance made by a newer ferry is refused" {
	init_db
	if on_postgres; then
		sql 'UPDATE ferry_schema SET version = 99'
	else
		sql 'PRAGMA user_version = 99'
	fi
	expect_error 1 "newer ferry" user list
}

# ---- users --------------------------------------------------------------

@test "rule: user add makes a non-admin in UTC by default, --admin and --tz otherwise" {
	init_db
	run ferry user add bob
	[ "$status" -eq 0 ]
	same "added user bob" "$output"
	ferry user add carol --admin --tz America/New_York >/dev/null
	run ferry --json user list
	same '[{"name":"admin","admin":true,"tz":"UTC","current_pack":"Default"},{"name":"bob","admin":false,"tz":"UTC","current_pack":"Default"},{"name":"carol","admin":true,"tz":"America/New_York","current_pack":"Default"}]' "$output"
}

@test "rule: user list for people is a table" {
	init_db
	ferry user add bob --tz Europe/Moscow >/dev/null
	run ferry user list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "name"*"admin"*"tz"*"current_pack" ]]
	[[ "${lines[2]}" == "bob"*"no"*"Europe/Moscow"*"Default" ]]
}

@test "rule: a user's zone must be an IANA zone (bad zone refused)" {
	init_db
	refused "unknown time zone 'Mars/Olympus'" user add bob --tz Mars/Olympus
	refused "unknown time zone '../../etc/passwd'" user add bob --tz ../../etc/passwd
	refused "unknown time zone" user add bob --tz zone.tab
	ferry user add bob >/dev/null
	refused "unknown time zone 'Nowhere'" user set bob --tz Nowhere
}

@test "rule: a user name is added once" {
	init_db
	ferry user add bob >/dev/null
	refused "user 'bob' already exists" user add bob --admin
}

@test "rule: user names are printable text" {
	init_db
	refused "invalid user name" user add "$(printf 'a\tb')"
	refused "invalid user name" user add ' bob'
	run ferry user add 'Zoë Smith'
	[ "$status" -eq 0 ]
}

@test "rule: user set changes the zone and the admin flag" {
	init_db
	ferry user add bob >/dev/null
	ferry user set bob --tz Asia/Tokyo --admin >/dev/null
	run ferry --json user list
	same true "$(echo "$output" | jp '[u for u in d if u["name"]=="bob"][0]["admin"]')"
	same Asia/Tokyo "$(echo "$output" | jp '[u for u in d if u["name"]=="bob"][0]["tz"]')"
	ferry user set bob --no-admin >/dev/null
	run ferry --json user list
	same false "$(echo "$output" | jp '[u for u in d if u["name"]=="bob"][0]["admin"]')"
	same Asia/Tokyo "$(echo "$output" | jp '[u for u in d if u["name"]=="bob"][0]["tz"]')"
}

@test "rule: user set --admin with --no-admin is a usage error" {
	init_db
	ferry user add bob >/dev/null
	snapshot
	expect_error 2 "not both" user set bob --admin --no-admin
	assert_unchanged
}

@test "rule: user set of an unknown user is refused" {
	init_db
	refused "no user 'ghost'" user set ghost --admin
}

@test "rule: the last admin cannot lose the admin flag" {
	init_db
	ferry user add bob >/dev/null
	refused "'admin' is the last admin" user set admin --no-admin
	ferry user set bob --admin >/dev/null
	run ferry user set admin --no-admin
	[ "$status" -eq 0 ]
	# bob is now the only admin, and keeps the flag.
	refused "'bob' is the last admin" --user bob user set bob --no-admin
}

@test "rule: an unknown acting user is refused (--user and FERRY_USER)" {
	init_db
	refused "no user 'ghost' in this instance" --user ghost user list
	refused "no user 'ghost' in this instance" --user ghost user add bob
	FERRY_USER=ghost refused "no user 'ghost'" property set a b
}

@test "rule: the acting user defaults to the first admin" {
	init_db --admin root
	ferry entity create member >/dev/null
	same root "$(sql "SELECT author FROM ferry_version")"
}

@test "rule: a non-admin may not manage users" {
	init_db
	ferry user add bob >/dev/null
	refused "only admins may add users; 'bob' is not an admin" --user bob user add carol
	refused "only admins may change users" --user bob user set bob --admin
	refused "only admins may change users" --user bob user set admin --tz Asia/Tokyo
}

@test "rule: a non-admin may not set properties" {
	init_db
	ferry user add bob >/dev/null
	refused "only admins may set properties" --user bob property set protected.essences member
}

@test "rule: a non-admin may not change the catalog" {
	init_db
	ferry entity create member >/dev/null
	ferry field add member name 'nvarchar(10)' >/dev/null
	ferry user add bob >/dev/null
	refused "only admins may change the catalog" --user bob entity create other
	refused "only admins may change the catalog" --user bob field add member age int
	refused "only admins may change the catalog" --user bob field set member name --display Name
	refused "only admins may change the catalog" --user bob field drop member name
}

@test "rule: a non-admin may read users, properties and the catalog" {
	init_db
	ferry user add bob >/dev/null
	ferry property set a b >/dev/null
	run ferry --user bob user list
	[ "$status" -eq 0 ]
	run ferry --user bob property get a
	same b "$output"
	run ferry --user bob --json entity list
	same "[]" "$output"
}

# ---- properties ---------------------------------------------------------

@test "rule: property set, get and list" {
	init_db
	run ferry property set protected.essences 'member, invoice'
	[ "$status" -eq 0 ]
	same "protected.essences = member, invoice" "$output"
	run ferry property get protected.essences
	same "member, invoice" "$output"
	run ferry --json property get protected.essences
	same '{"key":"protected.essences","value":"member, invoice"}' "$output"
	ferry property set a.b-c_D 1 >/dev/null
	run ferry --json property list
	same '[{"key":"a.b-c_D","value":"1"},{"key":"protected.essences","value":"member, invoice"}]' "$output"
	run ferry property list
	[[ "${lines[0]}" == "key"*"value" ]]
}

@test "rule: property set replaces the value" {
	init_db
	ferry property set k one >/dev/null
	ferry property set k two >/dev/null
	run ferry property get k
	same two "$output"
	same 1 "$(sql "SELECT count(*) FROM ferry_property")"
}

@test "rule: an unset property is an error, a bad key is refused" {
	init_db
	expect_error 1 "property 'nope' is not set" property get nope
	refused "invalid property key 'a b'" property set 'a b' v
	refused "invalid property key" property set '' v
}

@test "rule: an empty property value is allowed" {
	init_db
	ferry property set k '' >/dev/null
	run ferry --json property get k
	same '{"key":"k","value":""}' "$output"
}
