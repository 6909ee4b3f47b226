#!/usr/bin/env bats
# import_refuse.bats - bad and hostile packages are refused at load with a
# message naming the item and its line, and the target is left exactly
# as it was (docs/import.md, "Load").  Packages are crafted from plain
# exports with helpers/sop.py, which recomputes the trailer (and, with
# --rehash, the item's version hash) so that only the item check can
# catch them.

load helpers/import_helpers
load schema_steps

# p2.sop: item 2 is a record update of member A (item 1 is the schema);
# make_p2 [export options], e.g. --format 1 for the rules of the members
# format 2 leaves out.
make_p2() {
	setup_pair
	begin_pack p2
	src record put member "{\"sys_id\":\"$A\",\"age\":31}" >/dev/null
	export_pack p2 "$@"
	same '"record"' "$(python3 "$SOP" items p2.sop | sed -n 2p | sed 's/^2 {"t":\("record"\).*/\1/')"
}

@test "rule: a truncated file is refused and the target is unchanged" {
	make_p2
	head -c 300 p2.sop >cut.sop
	refused_load cut.sop "cut.sop: the file is truncated"
}

@test "rule: an item altered after export (trailer not rewritten) fails the integrity check" {
	make_p2
	sed -i 's/"age":31/"age":99/' p2.sop
	refused_load p2.sop "p2.sop: integrity check failed: the file was changed after export"
}

@test "rule: a header byte altered with items and trailer intact fails the integrity check (trailer hash)" {
	make_p2
	cp p2.sop orig.sop
	# One byte of the source's name, which only the trailer hash covers.
	sed -i '1s/"name":"dev"/"name":"dew"/' p2.sop
	same "$(sed 1d orig.sop)" "$(sed 1d p2.sop)" "items and trailer intact"
	same 1 "$(cmp -l orig.sop p2.sop | wc -l)" "one byte differs"
	refused_load p2.sop "p2.sop: integrity check failed: the file was changed after export"
	# The same in the compressed container: the hash is over the stream.
	sed '1s/"exported_by":"admin"/"exported_by":"admiN"/' orig.sop | zstd -q -c >z.sop
	refused_load z.sop "z.sop: integrity check failed: the file was changed after export"
	# Untouched, the file loads.
	zstd -q -c orig.sop >ok.sop
	run dst import load ok.sop
	[ "$status" -eq 0 ]
}

@test "rule: a format 1 item whose content does not match its version hash is refused (altered item)" {
	make_p2 --format 1
	python3 "$SOP" edit p2.sop 2 'it["payload"]["age"] = 99'
	refused_load p2.sop "p2.sop: item 2 (line 3) (member record $A) does not match its version hash: its content was changed after export"
}

@test "rule: an entity name that is not an identifier is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["entity"] = "member\"; DROP TABLE member; --"' --rehash
	refused_load p2.sop 'p2.sop: item 2 (line 3) names entity "member\"; DROP TABLE member; --", which is not an entity name'
}

@test "rule: a reserved entity name (ferry_, sqlite_) is refused" {
	make_p2
	cp p2.sop p3.sop
	python3 "$SOP" edit p2.sop 2 'it["entity"] = "ferry_version"' --rehash
	refused_load p2.sop "item 2 (line 3) names entity \"ferry_version\", which is not an entity name"
	python3 "$SOP" edit p3.sop 2 'it["entity"] = "sqlite_master"' --rehash
	refused_load p3.sop "item 2 (line 3) names entity \"sqlite_master\", which is not an entity name"
}

@test "rule: a sys_id that is not a UUID is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["sys_id"] = it["key"] = "1 OR 1=1"' --rehash
	refused_load p2.sop 'item 2 (line 3) has sys_id "1 OR 1=1", which is not a lowercase UUID or 32 hex digits'
}

@test "rule: an action other than insert, update or delete is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["action"] = "upsert"'
	refused_load p2.sop "item 2 (line 3) has action \"upsert\"; a record's action is insert, update or delete"
}

@test "rule: a payload value of the wrong type for the declared schema is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["payload"]["age"] = "thirty"' --rehash
	refused_load p2.sop "item 2 (line 3) sets member.age to a string, which does not fit its declared type int"
}

@test "rule: a payload value too long for the declared size is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["payload"]["name"] = "x" * 41' --rehash
	refused_load p2.sop "item 2 (line 3) sets member.name to a string, which does not fit its declared type nvarchar(40)"
}

@test "rule: the declared size counts characters: 40 multi-byte characters load, 41 are refused" {
	make_p2
	cp p2.sop p3.sop
	# 40 characters in 121 bytes: nvarchar(40) of the declared schema.
	python3 "$SOP" edit p2.sop 2 'it["payload"]["name"] = "€" * 39 + "😀"' --rehash
	long=$(python3 "$SOP" items p2.sop | sed -n 2p | cut -d' ' -f2- | jp 'd["payload"]["name"]')
	same 121 "$(printf %s "$long" | wc -c | tr -d ' ')"
	run --separate-stderr dst --json import apply p2.sop --no-backup
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["commit"]["outcomes"]["updated"]')"
	same "$long" "$(field dst member "$A" name)"
	python3 "$SOP" edit p3.sop 2 'it["payload"]["name"] = "é" * 41' --rehash
	refused_load p3.sop "item 2 (line 3) sets member.name to a string, which does not fit its declared type nvarchar(40)"
}

@test "rule: a payload field not in the declared schema is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["payload"]["ghost"] = 1' --rehash
	refused_load p2.sop "item 2 (line 3) sets field ghost, which the package does not declare for entity member"
}

@test "rule: a bad value is refused the same way when its record comes before its schema item" {
	# ferry's exporter writes schema items first, and load judges each
	# record's values as it reads them; another order is judged by the
	# store once everything is staged, with the same words.
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["payload"]["age"] = "thirty"' --rehash
	python3 "$SOP" swap p2.sop 1 2
	refused_load p2.sop "item 1 (line 2) sets member.age to a string, which does not fit its declared type int"
	python3 "$SOP" edit p2.sop 1 'it["payload"]["age"] = 30; it["payload"]["ghost"] = 1' --rehash
	refused_load p2.sop "item 1 (line 2) sets field ghost, which the package does not declare for entity member"
	python3 "$SOP" edit p2.sop 1 'del it["payload"]["ghost"]' --rehash
	run --separate-stderr dst --json import load p2.sop
	[ "$status" -eq 0 ]
}

@test "rule: a record of an entity with no declared schema is refused" {
	make_p2
	python3 "$SOP" raw p2.sop 1 '{"t":"schema","entity":"other","definition":{"name":"other","fields":[]}}'
	refused_load p2.sop "item 2 (line 3) is a record of member, an entity the package declares no schema for"
}

@test "rule: an item that is not JSON is refused" {
	make_p2
	python3 "$SOP" raw p2.sop 2 '{"t":"record",}'
	refused_load p2.sop "p2.sop: item 2 (line 3) is not valid JSON; the package was changed after export or is damaged: export it again"
}

@test "rule: a record repeated in one package is refused" {
	make_p2
	python3 "$SOP" append p2.sop "$(python3 "$SOP" items p2.sop | sed -n 2p | cut -d' ' -f2-)"
	refused_load p2.sop "item 3 (line 4) repeats a record of an earlier item (same entity and sys_id)"
}

@test "rule: a payload not in canonical form is refused" {
	make_p2
	cp p2.sop p3.sop
	# keys out of order
	python3 "$SOP" raw p2.sop 2 "$(python3 "$SOP" items p2.sop | sed -n 2p | cut -d' ' -f2- | sed 's/"payload":{"age":31,/"payload":{"name":"ann","age":31,/; s/,"name":"ann"}/}/')"
	refused_load p2.sop "item 2 (line 3) has a payload that is not canonical JSON"
	# an escape ferry never writes
	python3 "$SOP" raw p3.sop 2 "$(python3 "$SOP" items p3.sop | sed -n 2p | cut -d' ' -f2- | sed 's/"name":"ann"/"name":"\\u0061nn"/')"
	refused_load p3.sop "item 2 (line 3) has a payload that is not canonical JSON"
}

@test "rule: a payload with spaces (not canonical) is refused" {
	make_p2
	python3 "$SOP" raw p2.sop 2 "$(python3 "$SOP" items p2.sop | sed -n 2p | cut -d' ' -f2- | sed 's/"payload":{"age":31,/"payload":{"age": 31,/')"
	python3 "$SOP" items p2.sop | sed -n 2p | grep -q '"payload":{"age": 31,'
	refused_load p2.sop "item 2 (line 3) has a payload that is not canonical JSON"
}

# A line with spaces between its members: the payload is then found by
# the store's own way, and is refused the same.
@test "rule: a payload with spaces is refused in a line with spaces between members" {
	make_p2
	python3 "$SOP" raw p2.sop 2 "$(python3 "$SOP" items p2.sop | sed -n 2p | cut -d' ' -f2- | sed 's/"payload":{"age":31,/"payload": {"age": 31,/')"
	python3 "$SOP" items p2.sop | sed -n 2p | grep -q '"payload": {"age": 31,'
	refused_load p2.sop "item 2 (line 3) has a payload that is not canonical JSON"
}

@test "rule: a line with spaces between members and a canonical payload loads" {
	make_p2
	python3 "$SOP" raw p2.sop 2 "$(python3 "$SOP" items p2.sop | sed -n 2p | cut -d' ' -f2- | sed 's/,"payload":{/, "payload": {/')"
	python3 "$SOP" items p2.sop | sed -n 2p | grep -q ', "payload": {"age":31,'
	dst --json import load p2.sop >out.json
	id=$(jp "d['id']" <out.json)
	same 1 "$(staged_payloads "$id" "payload LIKE '{\"age\":31,%'")"
}

@test "rule: a key that does not match the record's content is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["key"] = "member"' --rehash
	refused_load p2.sop "item 2 (line 3) has key \"member\", which does not match its content"
}

@test "rule: an item without a kind is refused" {
	make_p2
	python3 "$SOP" raw p2.sop 2 '{"entity":"member"}'
	refused_load p2.sop "item 2 (line 3) has no \"t\" saying what kind of item it is"
}

@test "rule: a schema item with an invalid field type is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 1 'it["definition"]["fields"][0]["type"] = "blob"'
	refused_load p2.sop "item 1 (line 2) declares a field of member with an invalid name or type"
}

@test "rule: a package that is not a local pack is refused" {
	make_p2
	sed -i '1s/"kind":"local_pack"/"kind":"other"/' p2.sop
	python3 "$SOP" retrailer p2.sop
	refused_load p2.sop "p2.sop: not a local pack (its kind is other)"
}

@test "rule: a file that is not a package is refused" {
	setup_pair
	echo 'hello' >x.sop
	refused_load x.sop "x.sop: not a ferry package"
	refused_load missing.sop "missing.sop: cannot open"
}

@test "rule: items of an unknown kind are skipped with a note (format rule)" {
	make_p2
	python3 "$SOP" append p2.sop '{"t":"gadget","name":"x"}'
	ID=$(load_id p2.sop)
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	same unknown_item:info "$(echo "$output" | jp '[p["kind"] + ":" + p["severity"] for p in d["problems"]][0]')"
}

@test "rule: a load refused late (after staging) leaves no trace" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["payload"]["age"] = "thirty"' --rehash
	refused_load p2.sop "does not fit its declared type int"
	same 1 "$(sqlite3 dst.db 'SELECT count(*) FROM ferry_import')"
	same 0 "$(sqlite3 dst.db 'SELECT count(*) FROM ferry_import_item WHERE import_id <> 1')"
}

@test "rule: a load stopped after its staging is loading: preview and commit refuse it, discard leaves the target as before" {
	make_p2
	snapshot
	id=$(load_id p2.sop)
	# What a load stopped between its two transactions leaves
	# (import_load.c): the staging committed, the import without its
	# stamp, counts and plan.
	sqlite3 dst.db "UPDATE ferry_import SET stamp = '', items = 0, plan_mark = NULL, previous_id = NULL WHERE id = $id;
		DELETE FROM ferry_import_problem WHERE import_id = $id;
		DELETE FROM ferry_import_plan WHERE import_id = $id;
		DELETE FROM ferry_import_field WHERE import_id = $id AND scope = 1"
	same loading "$(dst --json import list | jp "[i['state'] for i in d if i['id'] == $id][0]")"
	same loading "$(dst --json import show "$id" | jp "d['state']")"
	expect_error 1 "cannot preview import $id: its load has not finished; unless it is still running, remove it with 'ferry import discard $id' and load the file again" \
		dst import preview "$id"
	expect_error 1 "cannot commit import $id: its load has not finished" \
		dst import commit "$id" --no-backup
	run dst import discard "$id"
	[ "$status" -eq 0 ]
	assert_unchanged
	# and the file loads again, whole
	id=$(load_id p2.sop)
	same loaded "$(dst --json import show "$id" | jp "d['state']")"
}

@test "rule: values must be in the stored form of their declared type" {
	src init --name dev >/dev/null
	src pack create p --use >/dev/null
	src entity create fee >/dev/null
	src field add fee amount 'decimal(8,2)' >/dev/null
	src field add fee due date >/dev/null
	src field add fee paid bool >/dev/null
	F=$(src record put fee '{"amount":"10.5","due":"2021-12-31","paid":false}')
	export_pack p
	dst init >/dev/null
	python3 "$SOP" items p.sop | grep -q '"amount":"10.50"'
	cp p.sop q.sop
	cp p.sop r.sop
	python3 "$SOP" edit p.sop 2 'it["payload"]["amount"] = "10.5"' --rehash
	refused_load p.sop "item 2 (line 3) sets fee.amount to a string, which is not in the canonical form of its declared type decimal(8,2)"
	python3 "$SOP" edit q.sop 2 'it["payload"]["due"] = "2021-02-30"' --rehash
	refused_load q.sop "item 2 (line 3) sets fee.due to a string, which does not fit its declared type date"
	python3 "$SOP" edit r.sop 2 'it["payload"]["paid"] = 0' --rehash
	refused_load r.sop "item 2 (line 3) sets fee.paid to an integer, which does not fit its declared type bool"
}

# ---- every load check has a test: the rest of them -------------------------
# Each refusal names the file, the item and its line, says why, and ends
# with what to do; the load exits 1 and leaves the target exactly as it
# was (refused_load).

# refused_item FILE N WHY: the whole message of a bad item N.
refused_item() {
	refused_load "$1" "$1: item $2 (line $(($2 + 1))) $3; the package was changed after export or is damaged: export it again"
}

@test "rule: a format 1 record without a version hash of 64 hex digits is refused" {
	make_p2 --format 1
	python3 "$SOP" edit p2.sop 2 'it["version"] = it["version"][:63]'
	refused_item p2.sop 2 "has no version hash (64 hex digits)"
}

@test "rule: a record whose base is not a version hash is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["base"] = "not-a-hash"'
	refused_item p2.sop 2 "has a base that is not a version hash"
}

@test "rule: an update without its base version is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["base"] = None'
	refused_item p2.sop 2 "is an update without the base version it was made from"
}

@test "rule: an insert with a base version is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["action"] = "insert"' --rehash
	refused_item p2.sop 2 "is an insert with a base version"
}

@test "rule: a record policy other than open, changed or protected is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["policy"] = "mine"'
	refused_item p2.sop 2 'has policy "mine"; a policy is open, changed or protected'
}

@test "rule: a format 1 record without a vendor flag is refused" {
	make_p2 --format 1
	cp p2.sop p3.sop
	python3 "$SOP" edit p2.sop 2 'del it["vendor"]'
	refused_item p2.sop 2 "has no vendor flag (true or false)"
	python3 "$SOP" edit p3.sop 2 'it["vendor"] = "yes"'
	refused_item p3.sop 2 "has no vendor flag (true or false)"
}

@test "rule: a format 2 record's vendor flag, when written, is true or false" {
	make_p2
	python3 "$SOP" edit p2.sop 2 'it["vendor"] = "yes"'
	refused_item p2.sop 2 "has no vendor flag (true or false)"
}

@test "rule: a format 1 record without a key is refused" {
	make_p2 --format 1
	python3 "$SOP" edit p2.sop 2 'del it["key"]'
	refused_item p2.sop 2 "has no key"
}

@test "rule: a format 2 catalog record without its key is refused: its key is not its sys_id" {
	setup_pair
	begin_pack p2
	src field add member nick 'nvarchar(10)' >/dev/null
	export_pack p2
	n=$(python3 "$SOP" items p2.sop | grep '"entity":"sys_field"' | cut -d' ' -f1)
	python3 "$SOP" edit p2.sop "$n" 'del it["key"]' --rehash
	refused_item p2.sop "$n" "has key \"$(python3 "$SOP" items p2.sop | grep '"entity":"sys_field"' | sed 's/.*"sys_id":"\([^"]*\)".*/\1/')\", which does not match its content"
}

@test "rule: a record without a payload object is refused" {
	make_p2
	cp p2.sop p3.sop
	python3 "$SOP" edit p2.sop 2 'it["payload"] = ["age", 31]'
	refused_item p2.sop 2 "has no payload object"
	python3 "$SOP" edit p3.sop 2 'del it["payload"]'
	refused_item p3.sop 2 "has no payload object"
}

@test "rule: a record whose old values are not an object is refused" {
	make_p2
	same '{"age":30}' "$(python3 "$SOP" items p2.sop | sed -n 2p | cut -d' ' -f2- | jp 'd["old"]')"
	python3 "$SOP" edit p2.sop 2 'it["old"] = 30'
	refused_item p2.sop 2 'has "old" values that are not an object'
}

@test "rule: a record whose old values are not canonical JSON is refused" {
	make_p2
	cp p2.sop p3.sop
	# keys out of order
	python3 "$SOP" raw p2.sop 2 "$(python3 "$SOP" items p2.sop | sed -n 2p | cut -d' ' -f2- | sed 's/"old":{"age":30}/"old":{"name":"ann","age":30}/')"
	python3 "$SOP" items p2.sop | sed -n 2p | grep -q '"old":{"name":"ann","age":30}'
	refused_item p2.sop 2 'has "old" values that are not canonical JSON'
	# an escape ferry never writes
	python3 "$SOP" raw p3.sop 2 "$(python3 "$SOP" items p3.sop | sed -n 2p | cut -d' ' -f2- | sed 's/"old":{"age":30}/"old":{"age":30,"name":"\\u0061nn"}/')"
	python3 "$SOP" items p3.sop | sed -n 2p | grep -qF '"old":{"age":30,"name":"\u0061nn"}'
	refused_item p3.sop 2 'has "old" values that are not canonical JSON'
}

@test "rule: a schema item of a system entity or a bad name is refused" {
	make_p2
	cp p2.sop p3.sop
	python3 "$SOP" edit p2.sop 1 'it["entity"] = it["definition"]["name"] = "sys_field"'
	refused_item p2.sop 1 'declares the schema of "sys_field", which is not a user entity name'
	python3 "$SOP" edit p3.sop 1 'it["entity"] = 7'
	refused_item p3.sop 1 'declares the schema of "7", which is not a user entity name'
}

@test "rule: a schema item without a definition object is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 1 'it["definition"] = "member"'
	refused_item p2.sop 1 "has no definition object"
}

@test "rule: a schema item holding another entity's definition is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 1 'it["definition"]["name"] = "other"'
	refused_item p2.sop 1 "holds the definition of another entity"
}

@test "rule: a schema item without a fields array is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 1 'it["definition"]["fields"] = {"name": "nvarchar(40)"}'
	refused_item p2.sop 1 "has no fields array in its definition"
}

@test "rule: a schema item declaring a field twice is refused" {
	make_p2
	python3 "$SOP" edit p2.sop 1 'it["definition"]["fields"].append(dict(it["definition"]["fields"][0]))'
	refused_item p2.sop 1 "declares a field of member twice"
}

@test "rule: a second schema item of one entity is refused" {
	make_p2
	python3 "$SOP" append p2.sop "$(python3 "$SOP" items p2.sop | sed -n 1p | cut -d' ' -f2-)"
	refused_item p2.sop 3 "declares the schema of member a second time"
}

@test "rule: a delete by query from a system entity or without a query is refused" {
	make_p2
	cp p2.sop p3.sop
	python3 "$SOP" append p2.sop '{"t":"delete_query","entity":"sys_entity","query":"name=member"}'
	refused_item p2.sop 3 'deletes by query from "sys_entity", which is not a user entity name'
	python3 "$SOP" append p3.sop '{"t":"delete_query","entity":"member","query":null}'
	refused_item p3.sop 3 "is a delete by query without a query"
}

@test "rule: a formula or data set without a name is refused" {
	make_p2
	cp p2.sop p3.sop
	python3 "$SOP" append p2.sop '{"t":"formula","version":1}'
	refused_item p2.sop 3 "is a formula without a name"
	python3 "$SOP" append p3.sop '{"t":"dataset","name":""}'
	refused_item p3.sop 3 "is a dataset without a name"
}

@test "rule: a formula or data set repeated in one package is refused" {
	make_p2
	cp p2.sop p3.sop
	python3 "$SOP" append p2.sop '{"t":"formula","name":"tax"}'
	python3 "$SOP" append p2.sop '{"t":"formula","name":"tax"}'
	refused_item p2.sop 4 'repeats formula "tax"'
	python3 "$SOP" append p3.sop '{"t":"dataset","name":"rates"}'
	python3 "$SOP" append p3.sop '{"t":"dataset","name":"rates"}'
	refused_item p3.sop 4 'repeats dataset "rates"'
}

@test "rule: two catalog records of one key (the same field twice) are refused" {
	make_p2
	begin_pack p3
	src field add member email 'nvarchar(80)' >/dev/null
	export_pack p3
	n=$(python3 "$SOP" items p3.sop | grep -n '"entity":"sys_field"' | cut -d: -f1)
	same 1 "$(echo "$n" | wc -l | tr -d ' ')" "one sys_field item"
	line=$(python3 "$SOP" items p3.sop | sed -n "${n}p" | cut -d' ' -f2-)
	python3 "$SOP" append p3.sop "$line"
	python3 "$SOP" edit p3.sop "$(python3 "$SOP" items p3.sop | wc -l)" 'it["sys_id"] = "00000000-0000-4000-8000-000000000001"'
	refused_item p3.sop "$(python3 "$SOP" items p3.sop | wc -l)" 'repeats the sys_field record "member.email" of an earlier item'
}

@test "rule: a header whose mode is not pack or application is refused" {
	make_p2
	python3 "$SOP" header p2.sop 'h["mode"] = "everything"'
	refused_load p2.sop "p2.sop: the header's mode is everything, not pack or application; export it again"
}

@test "rule: a header with an invalid source is refused" {
	make_p2
	cp p2.sop p3.sop
	python3 "$SOP" header p2.sop 'h["source"]["name"] = ""'
	refused_load p2.sop "p2.sop: the header's source is not valid; export it again"
	python3 "$SOP" header p3.sop 'h["source"]["id"] = "not-a-uuid"'
	refused_load p3.sop "p3.sop: the header's source is not valid; export it again"
}

@test "rule: an instance from before schema 13 keeps each item's own verdict once opened, and refuses as before" {
	skip_on_postgres "the SQLite file's item columns"
	make_p2 --format 1
	sqlite3 dst.db "$(undo_stage_verdict) PRAGMA user_version = 12;"
	dst --json info >/dev/null
	same "$SCHEMA_LATEST" "$(sqlite3 dst.db 'PRAGMA user_version')"
	same "stage_code stage_system" "$(sqlite3 dst.db "SELECT group_concat(name, ' ') FROM pragma_table_info('ferry_import_item') WHERE name LIKE 'stage_%'")"
	python3 "$SOP" edit p2.sop 2 'it["payload"]["age"] = 99'
	refused_load p2.sop "p2.sop: item 2 (line 3) (member record $A) does not match its version hash: its content was changed after export"
	python3 "$SOP" edit p2.sop 2 'it["payload"]["age"] = 31'
	run dst import load p2.sop
	[ "$status" -eq 0 ]
	# the verdict is kept with each item: none refused this one
	same 0 "$(sqlite3 dst.db "SELECT count(*) FROM ferry_import_item WHERE stage_code IS NOT NULL")"
}
