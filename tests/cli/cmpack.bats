#!/usr/bin/env bats
# cmpack.bats - Aptify Configuration Migration packs (.cmpack folders)
# through ferry entity unpack, built here from the layout that
# ../shared/realdata/aptify/FORMAT.md describes (no real pack can be
# shipped), with the seed-002 merge rules (docs/interop.md).

load foundation_helpers

# field NAME TYPE SIZE [DISPLAY] [INTABLE] [PRECISION] [SCALE]
field() {
	printf '<OBJECT NAME="EntityFields" ID="%s"><FIELD NAME="Name">%s</FIELD><FIELD NAME="DisplayName">%s</FIELD><FIELD NAME="Description"></FIELD><FIELD NAME="SQLDataType">%s</FIELD><FIELD NAME="SQLFieldSize">%s</FIELD><FIELD NAME="SQLFieldPrecision">%s</FIELD><FIELD NAME="SQLFieldScale">%s</FIELD><FIELD NAME="IsRequired">0</FIELD><FIELD NAME="SQLAllowNull">1</FIELD><FIELD NAME="InTable">%s</FIELD></OBJECT>' \
		"$RANDOM" "$1" "${4:-$1}" "$2" "$3" "${6:-0}" "${7:-0}" "${5:-1}"
}

# make_pack DIR NAME_SIZE OWNER_DISPLAY: Pets__c with every SQL type.
make_pack() {
	mkdir -p "$1/Entities" "$1/Metadata/Event Handlers" "$1/Metadata/Process Flows" "$1/Metadata/Form Templates"
	{
		printf '<OBJECT CLASS="Entities" ID="2168" VERSION="1"><FIELD NAME="Name">Pets__c</FIELD><FIELD NAME="Description">Pets of members</FIELD><SUBTYPE NAME="EntityFields">'
		field OwnerID int 4 "$3" 1
		field Name nvarchar "$2" "Pet name"
		field Notes 'nvarchar(max)' -1
		field Code varchar 10
		field Tag nchar 3
		field IsActive bit 1
		field Fee money 8
		field Weight float 8
		field Price decimal 9 Price 1 10 2
		field Born datetime 8
		field Ref uniqueidentifier 16
		field Chips bigint 8
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
	same "(Aptify: OwnerID)" "$(echo "$output" | jp "[f['description'] for f in d['fields'] if f['name'] == 'ownerid'][0]")"
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
	cp "$FERRY_DB" before.db
	run ferry entity unpack pets.cmpack --no-backup
	[ "$status" -ne 0 ]
	[[ "$output" == *"field Chips of pets__c has SQL type geography"* ]]
	run ferry entity show pets__c
	[ "$status" -ne 0 ]
}
