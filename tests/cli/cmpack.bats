#!/usr/bin/env bats
# cmpack.bats - Aptify Configuration Migration packs (.cmpack folders)
# through ferry entity unpack, built here from the layout that
# ../shared/realdata/aptify/FORMAT.md describes (no real pack can be
# shipped), with the seed-002 merge rules (docs/interop.md).

load foundation_helpers

# field NAME TYPE SIZE [DISPLAY] [INTABLE] [PRECISION] [SCALE] [DEFAULT]
field() {
	printf '<OBJECT NAME="EntityFields" ID="%s"><FIELD NAME="Name">%s</FIELD><FIELD NAME="DisplayName">%s</FIELD><FIELD NAME="Description"></FIELD><FIELD NAME="DefaultValue">%s</FIELD><FIELD NAME="SQLDataType">%s</FIELD><FIELD NAME="SQLFieldSize">%s</FIELD><FIELD NAME="SQLFieldPrecision">%s</FIELD><FIELD NAME="SQLFieldScale">%s</FIELD><FIELD NAME="IsRequired">0</FIELD><FIELD NAME="SQLAllowNull">1</FIELD><FIELD NAME="InTable">%s</FIELD></OBJECT>' \
		"$RANDOM" "$1" "${4:-$1}" "${8:-}" "$2" "$3" "${6:-0}" "${7:-0}" "${5:-1}"
}

# make_pack DIR NAME_SIZE OWNER_DISPLAY [CHIPS_DEFAULT]: Pets__c with
# every SQL type, and defaults as Aptify writes them.
make_pack() {
	mkdir -p "$1/Entities" "$1/Metadata/Event Handlers" "$1/Metadata/Process Flows" "$1/Metadata/Form Templates"
	{
		printf '<OBJECT CLASS="Entities" ID="2168" VERSION="1"><FIELD NAME="Name">Pets__c</FIELD><FIELD NAME="Description">Pets of members</FIELD><SUBTYPE NAME="EntityFields">'
		field OwnerID int 4 "$3" 1
		field Name nvarchar "$2" "Pet name" 1 0 0 "N'Rex'"
		field Notes 'nvarchar(max)' -1
		field Code varchar 10 Code 1 0 0 "'it''s'"
		field Tag nchar 3
		field IsActive bit 1 IsActive 1 0 0 "((1))"
		field Fee money 8 Fee 1 0 0 "(12.5)"
		field Weight float 8 Weight 1 0 0 0.25
		field Price decimal 9 Price 1 10 2
		field Born datetime 8 Born 1 0 0 "getdate()"
		field Ref uniqueidentifier 16 Ref 1 0 0 "newid()"
		field Chips bigint 8 Chips 1 0 0 "${4:-7}"
		field OwnerName nvarchar 100 "Owner name" 0
		printf '</SUBTYPE></OBJECT>'
	} >"$1/Entities/2168.apt"
	printf '<OBJECT CLASS="Event Handlers" ID="7"><FIELD NAME="Name">Pet saved</FIELD><FIELD NAME="EntityID">2168</FIELD><FIELD NAME="Entity">Pets__c</FIELD><FIELD NAME="Event">AfterSave</FIELD><FIELD NAME="ProcessFlowID">31</FIELD><FIELD NAME="ProcessFlow">Notify owner</FIELD><FIELD NAME="UniqueID">6F9619FF-8B86-D011-B42D-00C04FC964FF</FIELD></OBJECT>' >"$1/Metadata/Event Handlers/7.apt"
	printf '<OBJECT CLASS="Process Flows" ID="31"><FIELD NAME="Name">Notify owner</FIELD><FIELD NAME="UniqueID">7A9619FF-8B86-D011-B42D-00C04FC964FF</FIELD></OBJECT>' >"$1/Metadata/Process Flows/31.apt"
	printf '<OBJECT CLASS="Form Templates" ID="12"><FIELD NAME="Name">Pets Form</FIELD><FIELD NAME="Entity">Pets__c</FIELD><FIELD NAME="FormTemplatePartLinks">3,4</FIELD></OBJECT>' >"$1/Metadata/Form Templates/12.apt"
	printf '<Map/>' >"$1/Entity.map"
}

type_of() {
	ferry --json entity show pets__c | jp "[f['type'] for f in d['fields'] if f['name'] == '$1'][0]"
}

@test "interop: a synthetic .cmpack unpacks: entities, fields with mapped SQL types, joined fields skipped, objects" {
	init_db
	make_pack pets.cmpack 50 Owner
	run ferry entity unpack pets.cmpack --no-backup
	[ "$status" -eq 0 ]
	[ "$(type_of ownerid)" = int ]
	[ "$(type_of name)" = "nvarchar(50)" ]
	[ "$(type_of notes)" = text ]
	[ "$(type_of code)" = "nvarchar(10)" ]
	[ "$(type_of tag)" = "nchar(3)" ]
	[ "$(type_of isactive)" = bool ]
	[ "$(type_of fee)" = "decimal(19,4)" ]
	[ "$(type_of weight)" = float ]
	[ "$(type_of price)" = "decimal(10,2)" ]
	[ "$(type_of born)" = datetime ]
	[ "$(type_of ref)" = "nchar(36)" ]
	[ "$(type_of chips)" = bigint ]
	run ferry --json entity show pets__c
	same "Pets__c" "$(echo "$output" | jp 'd["display"]')"
	same "[]" "$(echo "$output" | jp "[f['name'] for f in d['fields'] if f['name'] == 'ownername']")"
	same "OwnerID" "$(echo "$output" | jp "[f['external_name'] for f in d['fields'] if f['name'] == 'ownerid'][0]")"
	same "null" "$(echo "$output" | jp "[f['description'] for f in d['fields'] if f['name'] == 'ownerid'][0]")"
	local t names=""
	for t in sys_event_handler sys_process_flow sys_form_template; do
		names="$names$t:$(ferry --json record list $t | jp '",".join(r["name"] + "/" + r["entity"] for r in d)');"
	done
	same "sys_event_handler:Pet saved/pets__c;sys_process_flow:Notify owner/pets__c;sys_form_template:Pets Form/pets__c;" "$names"
}

@test "rule: a .cmpack unpacks again with the seed-002 merge rules (sizes grow, display names stay)" {
	init_db
	make_pack pets.cmpack 50 Owner
	ferry entity unpack pets.cmpack --no-backup >/dev/null
	rm -r pets.cmpack
	make_pack pets.cmpack 80 "Pet owner"
	run ferry entity unpack pets.cmpack --no-backup
	[ "$status" -eq 0 ]
	[ "$(type_of name)" = "nvarchar(80)" ]
	same "Owner" "$(ferry --json entity show pets__c | jp "[f['display'] for f in d['fields'] if f['name'] == 'ownerid'][0]")"
	rm -r pets.cmpack
	make_pack pets.cmpack 20 Owner
	ferry entity unpack pets.cmpack --no-backup >/dev/null
	[ "$(type_of name)" = "nvarchar(80)" ]
}

@test "rule: a .cmpack field of an SQL type ferry lacks is refused whole, nothing changed" {
	init_db
	make_pack pets.cmpack 50 Owner
	sed -i 's/>bigint</>geography</' pets.cmpack/Entities/2168.apt
	on_postgres || cp "$FERRY_DB" before.db
	run ferry entity unpack pets.cmpack --no-backup
	[ "$status" -ne 0 ]
	[[ "$output" == *"field Chips of pets__c has SQL type geography"* ]]
	run ferry entity show pets__c
	[ "$status" -ne 0 ]
}

# defaults: every field's default, as entity show --json gives it.
defaults() {
	ferry --json entity show pets__c | jp '{f["name"]: f["default"] for f in d["fields"]}'
}

# external_names: every field's external name.
external_names() {
	ferry --json entity show pets__c | jp '{f["name"]: f["external_name"] for f in d["fields"]}'
}

NAMES='{"born":"Born","chips":"Chips","code":"Code","fee":"Fee","isactive":"IsActive","name":"Name","notes":"Notes","ownerid":"OwnerID","price":"Price","ref":"Ref","tag":"Tag","weight":"Weight"}'
DEFAULTS="{\"born\":null,\"chips\":7,\"code\":\"it's\",\"fee\":\"12.5000\",\"isactive\":true,\"name\":\"Rex\",\"notes\":null,\"ownerid\":null,\"price\":null,\"ref\":null,\"tag\":null,\"weight\":0.25}"

@test "rule: a .cmpack field's Aptify name is its external name, in entity show and in the entity packs made from it" {
	init_db
	make_pack pets.cmpack 50 Owner
	ferry entity unpack pets.cmpack --no-backup >/dev/null
	same "$NAMES" "$(external_names)"
	run ferry entity show pets__c
	[[ "$output" == *"ownerid   OwnerID        int"* ]]
	# An entity pack of it carries the names to the next instance.
	mkdir packs
	ferry entity pack pets__c --dir packs >/dev/null
	same '{"t":"field","name":"ownerid","type":"int","display":"Owner","description":null,"default":null,"external_name":"OwnerID"}' \
		"$(zstd -dcf packs/pets__c.sop | grep '"name":"ownerid"')"
	export FERRY_DB="$BATS_TEST_TMPDIR/other.db"
	init_db
	ferry entity unpack packs --no-backup >/dev/null
	same "$NAMES" "$(external_names)"
}

@test "rule: an Aptify DefaultValue that is a value of the field's type becomes its default; an expression is not carried" {
	init_db
	make_pack pets.cmpack 50 Owner
	ferry entity unpack pets.cmpack --no-backup >/dev/null
	same "$DEFAULTS" "$(defaults)"
	# New records get them.
	local id
	id=$(ferry record put pets__c '{"ownerid":1}')
	same "{\"chips\":7,\"code\":\"it's\",\"fee\":\"12.5000\",\"isactive\":true,\"name\":\"Rex\",\"ownerid\":1,\"weight\":0.25}" \
		"$(ferry --json record get pets__c "$id" | jp '{k: v for k, v in d.items() if not k.startswith("sys_") and not k.startswith("@") and v is not None}')"
}

@test "interop: import load DIR.cmpack stages the pack; preview, commit and back out work unchanged" {
	init_db
	make_pack pets.cmpack 50 Owner
	on_postgres || cp "$FERRY_DB" before.db
	run --separate-stderr ferry --json import load pets.cmpack
	[ "$status" -eq 0 ]
	same "aptify_cmpack" "$(echo "$output" | jp 'd["kind"]')"
	same "update_set" "$(echo "$output" | jp 'd["mode"]')"
	same "pets.cmpack" "$(echo "$output" | jp 'd["pack"]["name"]')"
	# Loading changes nothing live.
	run ferry entity show pets__c
	[ "$status" -eq 1 ]
	run ferry --json import preview 1
	[ "$status" -eq 0 ]
	# One entity, twelve fields (OwnerName is joined), three objects.
	same '{"insert":16,"update":0,"merge":0,"delete":0,"skip":0}' "$(echo "$output" | jp 'd["actions"]')"
	run ferry import commit 1
	[ "$status" -eq 0 ]
	[ "$(type_of fee)" = "decimal(19,4)" ]
	same "$NAMES" "$(external_names)"
	same "$DEFAULTS" "$(defaults)"
	same "Pets__c" "$(ferry --json entity show pets__c | jp 'd["display"]')"
	local t names=""
	for t in sys_event_handler sys_process_flow sys_form_template; do
		names="$names$t:$(ferry --json record list $t | jp '",".join(r["name"] + "/" + r["entity"] + "/" + r["definition"]["Name"] for r in d)');"
	done
	same "sys_event_handler:Pet saved/pets__c/Pet saved;sys_process_flow:Notify owner/pets__c/Notify owner;sys_form_template:Pets Form/pets__c/Pets Form;" "$names"
	# Back out removes the objects; the schema stays (imports never drop
	# entities or columns).
	run ferry import backout 1
	[ "$status" -eq 0 ]
	same "[]" "$(ferry --json record list sys_event_handler)"
	same "[]" "$(ferry --json record list sys_form_template)"
	[ "$(type_of name)" = "nvarchar(50)" ]
}

@test "rule: import load of a later .cmpack follows the seed-002 merge rules: sizes grow, the target's labels and defaults stay" {
	init_db
	make_pack pets.cmpack 50 Owner
	ferry import load pets.cmpack >/dev/null 2>&1
	ferry import commit 1 >/dev/null
	ferry field set pets__c ownerid --display "Prod's owner" >/dev/null
	rm -r pets.cmpack
	make_pack pets.cmpack 80 "Pet owner" 9
	run --separate-stderr ferry --json import load pets.cmpack
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["previous"]["id"]')"
	run ferry --json import preview 2
	[ "$status" -eq 0 ]
	same '{"insert":0,"update":1,"merge":0,"delete":0,"skip":15}' "$(echo "$output" | jp 'd["actions"]')"
	ferry import commit 2 >/dev/null
	[ "$(type_of name)" = "nvarchar(80)" ]
	same "Prod's owner" "$(ferry --json entity show pets__c | jp "[f['display'] for f in d['fields'] if f['name'] == 'ownerid'][0]")"
	same 7 "$(defaults | jp 'd["chips"]')"
	# Backing the second import out keeps the grown size.
	ferry import backout 2 >/dev/null
	[ "$(type_of name)" = "nvarchar(80)" ]
}

@test "rule: import load of a .cmpack ferry cannot take is refused whole, nothing changed" {
	init_db
	make_pack pets.cmpack 50 Owner
	sed -i 's/>bigint</>geography</' pets.cmpack/Entities/2168.apt
	sqlite3 "$FERRY_DB" .dump >before.sql
	run --separate-stderr ferry import load pets.cmpack
	[ "$status" -eq 1 ]
	[[ "$stderr" == "ferry: pets.cmpack/Entities/2168.apt: field Chips of pets__c has SQL type geography (size 8), which ferry has no type for" ]]
	sqlite3 "$FERRY_DB" .dump >after.sql
	diff before.sql after.sql
	mkdir -p empty.cmpack/Entities
	run --separate-stderr ferry import load empty.cmpack
	[ "$status" -eq 1 ]
	[[ "$stderr" == "ferry: empty.cmpack: the Aptify pack holds no entity (Entities/*.apt); nothing to import" ]]
}
