#!/usr/bin/env bats
# export.bats - exporting a completed local pack to a .sop file: file
# names, the two modes' policies, vendor records, the VersionStamp,
# refusals and where the file goes (issue 4, seed 000).

load foundation_helpers
load schema_steps

# A pack "P" holding one inserted (open) and one updated (changed) member
# record, completed at $NOW.  Sets OPEN_ID and CHANGED_ID.
completed_pack() {
	init_member "$@"
	CHANGED_ID=$(ferry record put member '{"name":"changed"}')
	ferry pack create P --use >/dev/null
	OPEN_ID=$(ferry record put member '{"name":"open"}')
	ferry record put member "{\"sys_id\":\"$CHANGED_ID\",\"age\":7}" >/dev/null
	ferry pack complete P >/dev/null
}

# recomplete PACK: reopen and complete a pack again, for a test that
# edits its versions in SQL as an import would have written them: a
# version never changes, and completing copies what export reads.
recomplete() {
	ferry pack reopen "$1" >/dev/null
	ferry pack complete "$1" >/dev/null
}

# The items of a package (plain or zstd) as a JSON array.
items_of() {
	zstd -dcf -- "$1" | python3 -c '
import json, sys
lines = sys.stdin.read().split("\n")
print(json.dumps([json.loads(l) for l in lines[1:-2]]))'
}

# The policy written for each record item: {"name": policy}.
policies() {
	items_of "$1" | jp 'dict(sorted((i["payload"].get("name", i["sys_id"]), i["policy"]) for i in d if i["t"] == "record"))'
}

# item_seal VERSION POLICY VENDOR: an item's seal (docs/format.md 5.3).
item_seal() {
	python3 -c '
import hashlib, sys
print(hashlib.blake2b(("ferry-seal-1\n%s\n%s\n%s" % tuple(sys.argv[1:])).encode(), digest_size=32).hexdigest())' "$@"
}

# The stamp recomputed from the file's items (docs/format.md section 6).
stamp_of() {
	zstd -dcf -- "$1" | python3 -c '
import hashlib, sys
lines = sys.stdin.buffer.read().split(b"\n")
h = hashlib.blake2b(digest_size=32)
h.update(b"ferry-stamp-1\n")
for l in lines[1:-2]:
    h.update(l + b"\n")
print(h.hexdigest())'
}

@test "rule: export prints the path; --json {path, stamp, items, mode}" {
	completed_pack
	run --separate-stderr ferry pack export P
	[ "$status" -eq 0 ]
	same "./P_2021-12-31 12:00:00.sop" "$output"
	[ -f "P_2021-12-31 12:00:00.sop" ]
	run --separate-stderr ferry --json pack export P --output p.sop
	[ "$status" -eq 0 ]
	same p.sop "$(echo "$output" | jp 'd["path"]')"
	same pack "$(echo "$output" | jp 'd["mode"]')"
	same 3 "$(echo "$output" | jp 'd["items"]')"
	same "$(stamp_of p.sop)" "$(echo "$output" | jp 'd["stamp"]')"
	same '[]' "$(echo "$output" | jp 'd["warnings"]')"
}

@test "rule: the file is named for the completion time in UTC for a UTC user" {
	completed_pack
	ferry pack export P >/dev/null
	[ -f "P_2021-12-31 12:00:00.sop" ]
}

@test "rule: the file name shows the completion time in the exporting user's zone (12:00 UTC is 15:00 in Moscow)" {
	completed_pack
	ferry user add ivan --tz Europe/Moscow >/dev/null
	run ferry --user ivan pack export P
	[ "$status" -eq 0 ]
	same "./P_2021-12-31 15:00:00.sop" "$output"
	[ -f "P_2021-12-31 15:00:00.sop" ]
}

@test "rule: a negative offset zone goes back in time (America/New_York)" {
	completed_pack --tz America/New_York
	ferry pack export P >/dev/null
	[ -f "P_2021-12-31 07:00:00.sop" ]
	# Across midnight, the date follows the zone too.
	ferry pack create Q --use >/dev/null
	ferry record put member '{"name":"q"}' >/dev/null
	FERRY_NOW=2022-01-01T02:30:00Z ferry pack complete Q >/dev/null
	ferry pack export Q >/dev/null
	[ -f "Q_2021-12-31 21:30:00.sop" ]
	# Summer time: UTC-4.
	ferry pack create S --use >/dev/null
	ferry record put member '{"name":"s"}' >/dev/null
	FERRY_NOW=2022-07-01T12:00:00Z ferry pack complete S >/dev/null
	ferry pack export S >/dev/null
	[ -f "S_2022-07-01 08:00:00.sop" ]
}

@test "rule: the time is when the pack was completed, not when it is exported" {
	completed_pack
	FERRY_NOW=2023-05-05T05:05:05Z ferry pack export P >/dev/null
	[ -f "P_2021-12-31 12:00:00.sop" ]
}

@test "rule: each of \\ / : * ? \" < > | in the pack name becomes _" {
	init_member
	name='a\b/c:d*e?f"g<h>i|j k-é'
	ferry pack create "$name" --use >/dev/null
	ferry record put member '{"name":"x"}' >/dev/null
	ferry pack complete "$name" >/dev/null
	run ferry pack export "$name"
	[ "$status" -eq 0 ]
	same "./a_b_c_d_e_f_g_h_i_j k-é_2021-12-31 12:00:00.sop" "$output"
	[ -f "a_b_c_d_e_f_g_h_i_j k-é_2021-12-31 12:00:00.sop" ]
	# The name inside the file is the real one.
	same "$name" "$(zstd -dc -- "a_b_c_d_e_f_g_h_i_j k-é_2021-12-31 12:00:00.sop" | head -n 1 | jp 'd["pack"]["name"]')"
}

@test "rule: only a completed pack is exported (in progress refused, no file)" {
	init_member
	ferry pack create P --use >/dev/null
	ferry record put member '{"name":"x"}' >/dev/null
	refused "pack 'P' is in_progress; only a completed pack is exported: run 'ferry pack complete P' first" pack export P
	refused "pack 'Default' is in_progress" pack export Default
	same "" "$(ls ./*.sop 2>/dev/null)"
	# Reopened counts as in progress again.
	ferry pack complete P >/dev/null
	ferry pack reopen P >/dev/null
	refused "only a completed pack is exported" pack export P --output p.sop
	[ ! -e p.sop ]
}

@test "rule: an existing file is never overwritten without --overwrite" {
	completed_pack
	ferry pack export P --output p.sop >/dev/null
	echo "keep me" >p.sop
	refused "p.sop already exists; pass --overwrite to replace it" pack export P --output p.sop
	same "keep me" "$(cat p.sop)"
	ferry pack export P >/dev/null
	before=$(b2sum "P_2021-12-31 12:00:00.sop")
	refused "already exists; pass --overwrite" pack export P
	same "$before" "$(b2sum "P_2021-12-31 12:00:00.sop")"
	run ferry pack export P --output p.sop --overwrite
	[ "$status" -eq 0 ]
	same "$(items_of "P_2021-12-31 12:00:00.sop")" "$(items_of p.sop)"
	same "" "$(ls -a | grep tmp- || true)"
}

@test "rule: --dir picks the folder of the automatic name, --output the exact path" {
	completed_pack
	mkdir out
	run ferry pack export P --dir out
	same "out/P_2021-12-31 12:00:00.sop" "$output"
	[ -f "out/P_2021-12-31 12:00:00.sop" ]
	run ferry pack export P --output "out/any name.sop"
	same "out/any name.sop" "$output"
	[ -f "out/any name.sop" ]
	refused "no folder missing; create it first" pack export P --dir missing
	expect_error 1 "" pack export P --output missing/p.sop
	[ ! -e missing ]
	expect_error 2 "give --dir or --output, not both" pack export P --dir out --output x.sop
	[ ! -e x.sop ]
}

@test "rule: compressed by default (zstd), plain JSON Lines with --uncompressed" {
	completed_pack
	ferry pack export P --output z.sop >/dev/null
	same "28b52ffd" "$(head -c 4 z.sop | od -An -tx1 | tr -d ' \n')"
	ferry pack export P --output u.sop --uncompressed >/dev/null
	same "{" "$(head -c 1 u.sop)"
	same "$(zstd -dc z.sop | sed 1d)" "$(sed 1d u.sop)"
	same 5 "$(wc -l <u.sop | tr -d ' ')"
}

@test "rule: items keep their base's hash and old values; a pack captured before exports the same bytes" {
	completed_pack
	same "$(sql "SELECT hash FROM ferry_version WHERE sys_id = '$CHANGED_ID' ORDER BY id LIMIT 1")" "$(sql "SELECT base FROM ferry_pack_item WHERE pack_id = (SELECT id FROM ferry_pack WHERE name = 'P') AND sys_id = '$CHANGED_ID'")"
	same '{"age":null}' "$(sql "SELECT old FROM ferry_pack_item WHERE pack_id = (SELECT id FROM ferry_pack WHERE name = 'P') AND sys_id = '$CHANGED_ID'")"
	same "0" "$(sql "SELECT count(base) + count(old) FROM ferry_pack_item WHERE pack_id = (SELECT id FROM ferry_pack WHERE name = 'P') AND sys_id = '$OPEN_ID'")"
	ferry pack export P --output new.sop >/dev/null
	# The rest is an instance from before (schema 8), which exists only
	# as a file.
	if on_postgres; then return 0; fi
	# An instance from before (schema 8): its items have neither.
	sql "$(undo_payload_table)"
	sql 'ALTER TABLE ferry_pack_item DROP COLUMN base;
		ALTER TABLE ferry_pack_item DROP COLUMN old;
		PRAGMA user_version = 8'
	ferry pack export P --output old.sop >/dev/null
	same "$SCHEMA_LATEST" "$(sql 'PRAGMA user_version')"
	same "$(sql "SELECT hash FROM ferry_version WHERE sys_id = '$CHANGED_ID' ORDER BY id LIMIT 1")" "$(sql "SELECT base FROM ferry_pack_item WHERE pack_id = (SELECT id FROM ferry_pack WHERE name = 'P') AND sys_id = '$CHANGED_ID'")"
	same "" "$(sql "SELECT old FROM ferry_pack_item WHERE pack_id = (SELECT id FROM ferry_pack WHERE name = 'P') AND sys_id = '$CHANGED_ID'")"
	cmp new.sop old.sop
	# Captured again, the item keeps the old values of its new version
	# against the same base.
	ferry pack reopen P >/dev/null
	ferry pack use P >/dev/null
	ferry record put member "{\"sys_id\":\"$CHANGED_ID\",\"name\":\"again\"}" >/dev/null
	same '{"age":null,"name":"changed"}' "$(sql "SELECT old FROM ferry_pack_item WHERE pack_id = (SELECT id FROM ferry_pack WHERE name = 'P') AND sys_id = '$CHANGED_ID'")"
	ferry pack complete P >/dev/null
	ferry pack export P --output again.sop --uncompressed >/dev/null
	same '{"age":null,"name":"changed"}' "$(items_of again.sop | jp "[i['old'] for i in d if i.get('sys_id') == '$CHANGED_ID'][0]")"
}

@test "rule: the items: one schema item per entity, then one record item per record" {
	completed_pack
	ferry pack export P --output p.sop --uncompressed >/dev/null
	run items_of p.sop
	same '["schema","record","record"]' "$(echo "$output" | jp '[i["t"] for i in d]')"
	same '{"t":"schema","entity":"member","definition":{"name":"member","display":"Member","description":null,"fields":[{"name":"age","type":"int","display":null,"description":null,"default":null,"external_name":null},{"name":"name","type":"nvarchar(40)","display":null,"description":null,"default":null,"external_name":null}]}}' "$(echo "$output" | jp 'd[0]')"
	rec=$(echo "$output" | jp "[i for i in d if i['t'] == 'record' and i['sys_id'] == '$CHANGED_ID'][0]")
	# Format 2: no version, no key equal to the sys_id, no false vendor.
	same '["t","entity","sys_id","action","base","policy","seal","payload","old"]' "$(echo "$rec" | jp 'list(d.keys())')"
	same update "$(echo "$rec" | jp 'd["action"]')"
	same "$(item_seal "$(sql "SELECT sys_version FROM member WHERE sys_id = '$CHANGED_ID'")" changed false)" "$(echo "$rec" | jp 'd["seal"]')"
	same "$(sql "SELECT hash FROM ferry_version WHERE sys_id = '$CHANGED_ID' ORDER BY id LIMIT 1")" "$(echo "$rec" | jp 'd["base"]')"
	same '{"age":7,"name":"changed"}' "$(echo "$rec" | jp 'd["payload"]')"
	same '{"age":null}' "$(echo "$rec" | jp 'd["old"]')"
	# Record items are ordered by entity, then sys_id.
	same "$(printf '%s\n' "$OPEN_ID" "$CHANGED_ID" | sort | tr '\n' ' ')" "$(echo "$output" | jp '" ".join(i["sys_id"] for i in d if i["t"] == "record")') "
	# The header names the pack, the source, the mode.
	head -n 1 p.sop >h.json
	same "local_pack|pack|P|2021-12-31T12:00:00Z|admin|i.db" "$(jp '"|".join([d["kind"], d["mode"], d["pack"]["name"], d["pack"]["completed_at"], d["exported_by"], d["source"]["name"]])' <h.json)"
}

@test "rule: plain export keeps every protection policy" {
	completed_pack
	ferry pack export P --output p.sop >/dev/null
	same '{"changed":"changed","open":"open"}' "$(policies p.sop)"
	ferry property set protected.essences member >/dev/null
	ferry pack export P --output p2.sop >/dev/null
	same '{"changed":"changed","open":"open"}' "$(policies p2.sop)"
	same pack "$(zstd -dc p2.sop | head -n 1 | jp 'd["mode"]')"
}

@test "rule: application export without protected.essences turns changed into open" {
	completed_pack
	run ferry --json pack export P --as-application --output a.sop
	[ "$status" -eq 0 ]
	same application "$(echo "$output" | jp 'd["mode"]')"
	same '{"changed":"open","open":"open"}' "$(policies a.sop)"
	same application "$(zstd -dc a.sop | head -n 1 | jp 'd["mode"]')"
}

@test "rule: application export turns changed into protected for entities in protected.essences, open for the others" {
	init_member
	ferry entity create note >/dev/null
	ferry field add note name 'nvarchar(20)' >/dev/null
	m=$(ferry record put member '{"name":"m-changed"}')
	n=$(ferry record put note '{"name":"n-changed"}')
	ferry pack create P --use >/dev/null
	ferry record put member "{\"sys_id\":\"$m\",\"age\":1}" >/dev/null
	ferry record put note "{\"sys_id\":\"$n\",\"name\":\"n-changed\"}" >/dev/null
	ferry record put note "{\"sys_id\":\"$n\",\"name\":\"n-changed2\"}" >/dev/null
	ferry record put member '{"name":"m-open"}' >/dev/null
	ferry pack complete P >/dev/null
	ferry property set protected.essences ' invoice , member,other' >/dev/null
	ferry pack export P --as-application --output a.sop >/dev/null
	same '{"m-changed":"protected","m-open":"open","n-changed2":"open"}' "$(policies a.sop)"
	# A name that merely contains the entity's name does not count.
	ferry property set protected.essences 'members,xmember' >/dev/null
	ferry pack export P --as-application --output b.sop >/dev/null
	same '{"m-changed":"open","m-open":"open","n-changed2":"open"}' "$(policies b.sop)"
}

@test "rule: protected.essences ignores spaces around the commas ('member ,other', 'other, member ')" {
	init_member
	m=$(ferry record put member '{"name":"m-changed"}')
	ferry pack create P --use >/dev/null
	ferry record put member "{\"sys_id\":\"$m\",\"age\":1}" >/dev/null
	ferry pack complete P >/dev/null
	# A space after the matching name, before the comma.
	ferry property set protected.essences 'member ,other' >/dev/null
	ferry pack export P --as-application --output a.sop >/dev/null
	same '{"m-changed":"protected"}' "$(policies a.sop)"
	# A space after the comma, and one at the end of the list.
	ferry property set protected.essences 'other, member ' >/dev/null
	ferry pack export P --as-application --output b.sop >/dev/null
	same '{"m-changed":"protected"}' "$(policies b.sop)"
	# Spaces inside a name are not trimmed: 'mem ber' is not member.
	ferry property set protected.essences 'mem ber, other' >/dev/null
	ferry pack export P --as-application --output c.sop >/dev/null
	same '{"m-changed":"open"}' "$(policies c.sop)"
}

@test "rule: a completed pack keeps its items' lines, and exports them as its items give them" {
	completed_pack
	frozen() { sql "SELECT count(*) FROM ferry_pack_frozen WHERE pack_id = (SELECT id FROM ferry_pack WHERE name = 'P')"; }
	# Completing keeps each record item's line, in file order, as the
	# export writes it.
	same 2 "$(frozen)"
	same 2 "$(sql "SELECT frozen_format FROM ferry_pack WHERE name = 'P'")"
	ferry pack export P --uncompressed --output plain.sop >/dev/null
	same "$(sed -n '3,4p' plain.sop)" "$(sql "SELECT line FROM ferry_pack_frozen ORDER BY entity, sys_id")"
	ferry pack export P --output copy.sop >/dev/null
	# Without them (a pack completed before packs kept them), the same
	# bytes from the items.
	sql "DELETE FROM ferry_pack_frozen; UPDATE ferry_pack SET frozen_mark = NULL, frozen_format = NULL"
	ferry pack export P --output items.sop >/dev/null
	cmp copy.sop items.sop
	# Reopening drops them; completing again keeps them again.
	ferry pack reopen P >/dev/null
	ferry pack complete P >/dev/null
	same 2 "$(frozen)"
	ferry pack export P --output again.sop >/dev/null
	cmp copy.sop again.sop
	ferry pack reopen P >/dev/null
	same 0 "$(frozen)"
	same "|" "$(sql "SELECT frozen_mark, frozen_format FROM ferry_pack WHERE name = 'P'")"
	# A record captured while reopened is in the next lines.
	ferry pack use P >/dev/null
	ferry record put member '{"name":"third"}' >/dev/null
	ferry pack complete P >/dev/null
	same 3 "$(frozen)"
	same 3 "$(ferry --json pack export P --output third.sop | jp 'd["items"] - 1')"
	# Deleting a never exported pack deletes its lines.
	ferry pack create Q --use >/dev/null
	ferry record put member '{"name":"fourth"}' >/dev/null
	ferry pack complete Q >/dev/null
	same 4 "$(sql "SELECT count(*) FROM ferry_pack_frozen")"
	ferry pack delete Q >/dev/null
	same 3 "$(sql "SELECT count(*) FROM ferry_pack_frozen")"
}

@test "rule: kept lines hold any content byte for byte" {
	init_member
	ferry pack create P --use >/dev/null
	ferry record put member '{"name":"tab\there \"quoted\" back\\slash \\N é ✓\u0001"}' >/dev/null
	ferry pack complete P >/dev/null
	ferry pack export P --uncompressed --output kept.sop >/dev/null
	[[ "$(sed -n 3p kept.sop)" == *'back\\slash \\N'* ]]
	same "$(sed -n 3p kept.sop)" "$(sql "SELECT line FROM ferry_pack_frozen")"
	sql "DELETE FROM ferry_pack_frozen; UPDATE ferry_pack SET frozen_mark = NULL, frozen_format = NULL"
	ferry pack export P --uncompressed --output items.sop >/dev/null
	cmp kept.sop items.sop
}

@test "rule: the other format and the application mode build their lines from the items" {
	completed_pack
	# Lines kept by completion but changed here would show if read.
	sql "UPDATE ferry_pack_frozen SET line = replace(line, '\"open\"', '\"OPEN\"')"
	ferry pack export P --format 1 --output one.sop >/dev/null
	ferry pack export P --as-application --output app.sop >/dev/null
	same '{"changed":"changed","open":"open"}' "$(policies one.sop)"
	same '{"changed":"open","open":"open"}' "$(policies app.sop)"
	# The plain export of the newest format reads them.
	ferry pack export P --output p.sop >/dev/null
	[[ "$(items_of p.sop)" == *OPEN* ]]
}

@test "rule: an item of a frozen pack is out of date once its record changes after completion" {
	completed_pack
	same 0 "$(ferry --json pack export P --output a.sop | jp 'd["out_of_date"]')"
	# A change after completion: probed past the copy's mark.
	ferry record put member "{\"sys_id\":\"$CHANGED_ID\",\"age\":9}" >/dev/null
	same 1 "$(ferry --json pack export P --output b.sop | jp 'd["out_of_date"]')"
	# Out of date before completion: kept in the copy.
	ferry pack reopen P >/dev/null
	ferry pack complete P >/dev/null
	same 1 "$(sql "SELECT sum(out_of_date) FROM ferry_pack_frozen")"
	same 1 "$(ferry --json pack export P --output c.sop | jp 'd["out_of_date"]')"
	ferry record delete member "$OPEN_ID" >/dev/null
	same 2 "$(ferry --json pack export P --output d.sop | jp 'd["out_of_date"]')"
}

@test "rule: protected records stay protected in both modes" {
	completed_pack
	# Simulates a version delivered protected by an application import;
	# completed again, so that the pack's copy for export has it.
	sql "UPDATE ferry_version SET policy = 'protected' WHERE sys_id = '$CHANGED_ID' AND id = (SELECT max(id) FROM ferry_version WHERE sys_id = '$CHANGED_ID')"
	recomplete P
	ferry pack export P --output p.sop >/dev/null
	same '{"changed":"protected","open":"open"}' "$(policies p.sop)"
	ferry pack export P --as-application --output a.sop >/dev/null
	same '{"changed":"protected","open":"open"}' "$(policies a.sop)"
}

@test "rule: an application export with vendor records is refused unless --force" {
	init_member
	v=$(ferry record put member '{"name":"vendor"}')
	# Simulates a record delivered by a vendor (an import sets the flag);
	# the local edit below carries it into the pack.
	sql "UPDATE member SET sys_vendor = 1 WHERE sys_id = '$v'"
	ferry pack create P --use >/dev/null
	ferry record put member "{\"sys_id\":\"$v\",\"age\":1}" >/dev/null
	ferry record put member '{"name":"mine"}' >/dev/null
	ferry pack complete P >/dev/null
	same 1 "$(sql "SELECT vendor FROM ferry_version WHERE sys_id = '$v' ORDER BY id DESC LIMIT 1")"
	refused "pack 'P' contains vendor records (member $v, for one): exporting it as a new application may cause collisions while updating the system; use the plain export instead, or pass --force" pack export P --as-application --output a.sop
	[ ! -e a.sop ]
	run ferry pack export P --as-application --force --output a.sop
	[ "$status" -eq 0 ]
	same '{"mine":false,"vendor":true}' "$(items_of a.sop | jp 'dict(sorted((i["payload"]["name"], i.get("vendor", False)) for i in d if i["t"] == "record"))')"
	same True "$(items_of a.sop | jp 'str([i for i in d if i.get("sys_id") == "'"$v"'"][0].get("vendor", False))')"
	# The plain export is fine with vendor records.
	run ferry pack export P --output p.sop
	[ "$status" -eq 0 ]
}

@test "rule: the vendor check reads the captured version's vendor flag" {
	completed_pack
	sql "UPDATE ferry_version SET vendor = 1 WHERE sys_id = '$OPEN_ID'"
	recomplete P
	refused "contains vendor records (member $OPEN_ID, for one)" pack export P --as-application
	# Refused while streaming: no file, no temporary file is left behind.
	[ -z "$(ls | grep '\.sop')" ]
	run ferry pack export P --as-application --force --output a.sop
	[ "$status" -eq 0 ]
}

@test "rule: --force goes with --as-application (usage error)" {
	completed_pack
	expect_error 2 "--force goes with --as-application" pack export P --force
	same "" "$(ls ./*.sop 2>/dev/null)"
}

@test "rule: the stamp is stable across re-exports, users, times and containers" {
	completed_pack
	s1=$(ferry --json pack export P --output 1.sop | jp 'd["stamp"]')
	s2=$(ferry --json pack export P --output 2.sop | jp 'd["stamp"]')
	ferry user add ivan --tz Europe/Moscow >/dev/null
	s3=$(FERRY_NOW=2030-01-01T00:00:00Z ferry --user ivan --json pack export P --output 3.sop | jp 'd["stamp"]')
	s4=$(ferry --json pack export P --output 4.sop --uncompressed | jp 'd["stamp"]')
	[[ "$s1" =~ ^[0-9a-f]{64}$ ]]
	same "$s1" "$s2"
	same "$s1" "$s3"
	same "$s1" "$s4"
	same "$s1" "$(stamp_of 3.sop)"
	same "$s1" "$(zstd -dc 3.sop | tail -n 1 | jp 'd["stamp"]')"
	# The header differs (who, when); the items do not.
	same ivan "$(zstd -dc 3.sop | head -n 1 | jp 'd["exported_by"]')"
	same 2030-01-01T00:00:00Z "$(zstd -dc 3.sop | head -n 1 | jp 'd["exported_at"]')"
	same "$(zstd -dc 1.sop | sed '1d;$d' | b2sum)" "$(zstd -dc 3.sop | sed '1d;$d' | b2sum)"
}

@test "rule: the same pack content has the same stamp in another instance" {
	line='{"sys_id":"0d5f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f","name":"Ann"}'
	init_member
	ferry pack create P --use >/dev/null
	echo "$line" | ferry record load member - >/dev/null
	ferry pack complete P >/dev/null
	a=$(ferry --json pack export P --output a.sop | jp 'd["stamp"]')
	export FERRY_DB=$BATS_TEST_TMPDIR/other.db
	FERRY_NOW=2025-01-01T00:00:00Z init_member --admin other
	ferry pack create "P2" --use >/dev/null
	echo "$line" | ferry record load member - >/dev/null
	FERRY_NOW=2025-02-02T00:00:00Z ferry pack complete P2 >/dev/null
	b=$(ferry --json pack export P2 --output b.sop | jp 'd["stamp"]')
	same "$a" "$b"
}

@test "rule: any change gives a new stamp (reopen, change a record, complete, export)" {
	completed_pack
	s1=$(ferry --json pack export P --output 1.sop | jp 'd["stamp"]')
	ferry pack reopen P >/dev/null
	ferry pack use P >/dev/null
	ferry record put member "{\"sys_id\":\"$OPEN_ID\",\"age\":1}" >/dev/null
	FERRY_NOW=2022-01-01T00:00:00Z ferry pack complete P >/dev/null
	s2=$(ferry --json pack export P --output 2.sop | jp 'd["stamp"]')
	[ "$s1" != "$s2" ]
	same "$s2" "$(stamp_of 2.sop)"
	# Another change, another stamp.
	ferry pack reopen P >/dev/null
	ferry pack use P >/dev/null
	ferry record put member "{\"sys_id\":\"$OPEN_ID\",\"age\":null}" >/dev/null
	ferry pack complete P >/dev/null
	s3=$(ferry --json pack export P --output 3.sop | jp 'd["stamp"]')
	[ "$s3" != "$s2" ]
}

@test "rule: the two modes give different stamps when a policy changes" {
	completed_pack
	p=$(ferry --json pack export P --output p.sop | jp 'd["stamp"]')
	a=$(ferry --json pack export P --as-application --output a.sop | jp 'd["stamp"]')
	[ "$p" != "$a" ]
}

@test "rule: export warns about out-of-date items" {
	completed_pack
	ferry record put member "{\"sys_id\":\"$OPEN_ID\",\"age\":2}" >/dev/null
	run --separate-stderr ferry --json pack export P --output p.sop
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["out_of_date"]')"
	same "ferry: warning: 1 item(s) of pack 'P' are out of date: their records changed after they were captured; reopen the pack and add them again to ship the newest versions" "$stderr"
	# The file ships the captured version, not the newer one.
	same '{"name":"open"}' "$(items_of p.sop | jp "[i for i in d if i.get('sys_id') == '$OPEN_ID'][0]['payload']")"
}

@test "rule: a non-admin may export" {
	completed_pack
	ferry user add bob >/dev/null
	run ferry --user bob pack export P --output p.sop
	[ "$status" -eq 0 ]
}

@test "rule: an empty completed pack exports with no items" {
	init_member
	ferry pack create E >/dev/null
	ferry pack complete E >/dev/null
	run ferry --json pack export E --output e.sop --uncompressed
	[ "$status" -eq 0 ]
	same 0 "$(echo "$output" | jp 'd["items"]')"
	same "$(printf 'ferry-stamp-1\n' | b2sum -l 256 | cut -d' ' -f1)" "$(echo "$output" | jp 'd["stamp"]')"
}

@test "rule: ferry inspect reads an exported pack" {
	completed_pack
	s=$(ferry --json pack export P --output p.sop | jp 'd["stamp"]')
	run --separate-stderr ferry --json inspect p.sop
	[ "$status" -eq 0 ]
	same "$s" "$(echo "$output" | jp 'd["stamp"]')"
	same 3 "$(echo "$output" | jp 'd["items"]')"
	same True "$(echo "$output" | jp 'str(d["valid"])')"
	same P "$(echo "$output" | jp 'd["pack"]["name"]')"
	same pack "$(echo "$output" | jp 'd["mode"]')"
}

@test "rule: a pack's description goes into the package header whole, never cut inside a UTF-8 character" {
	init_member
	# 700 two-byte characters: 1,400 bytes, so a 1,024-byte buffer
	# would end inside the 512th character.
	desc=$(python3 -c 'print("é" * 700)')
	ferry pack create D --description "$desc" --use >/dev/null
	ferry record put member '{"name":"x"}' >/dev/null
	ferry pack complete D >/dev/null
	run --separate-stderr ferry pack export D --output d.sop
	[ "$status" -eq 0 ]
	run python3 -c '
import json, subprocess, sys
raw = subprocess.run(["zstd", "-dcf", "--", "d.sop"], check=True,
    capture_output=True).stdout
header = json.loads(raw.split(b"\n")[0].decode("utf-8", "strict"))
print(header["pack"]["description"])'
	[ "$status" -eq 0 ]
	same "$desc" "$output"
	# And the importing side reads it back whole.
	run --separate-stderr ferry --json inspect d.sop
	[ "$status" -eq 0 ]
	same "$desc" "$(echo "$output" | jp 'd["pack"]["description"]')"
}

@test "rule: format 2 leaves out a record item's version, a key equal to its sys_id, a null base or old and a false vendor flag" {
	completed_pack
	ferry pack export P --output p.sop --uncompressed >/dev/null
	same 2 "$(head -n 1 p.sop | jp 'd["format_version"]')"
	ins=$(items_of p.sop | jp "[i for i in d if i.get('sys_id') == '$OPEN_ID'][0]")
	same '["t","entity","sys_id","action","policy","seal","payload"]' "$(echo "$ins" | jp 'list(d.keys())')"
	same "$(item_seal "$(sql "SELECT sys_version FROM member WHERE sys_id = '$OPEN_ID'")" open false)" "$(echo "$ins" | jp 'd["seal"]')"
	# A vendor record says so; a catalog record's key is not its sys_id.
	ferry pack reopen P >/dev/null
	ferry pack use P >/dev/null
	ferry entity create other >/dev/null
	ferry field add other label nvarchar\(10\) >/dev/null
	V=$(ferry record put member '{"name":"v"}')
	sql "UPDATE member SET sys_vendor = 1 WHERE sys_id = '$V'"
	ferry record put member "{\"sys_id\":\"$V\",\"age\":3}" >/dev/null
	ferry pack complete P >/dev/null
	ferry pack export P --output q.sop --uncompressed >/dev/null
	same true "$(items_of q.sop | jp "[i for i in d if i.get('sys_id') == '$V'][0]['vendor']")"
	same '["other","other.label"]' "$(items_of q.sop | jp "sorted(i['key'] for i in d if i['t'] == 'record' and i['entity'] in ('sys_entity', 'sys_field'))")"
}

@test "rule: --format 1 writes every member of a record item, and both formats import the same" {
	completed_pack
	ferry pack export P --output p1.sop --uncompressed --format 1 >/dev/null
	ferry pack export P --output p2.sop --uncompressed >/dev/null
	same 1 "$(head -n 1 p1.sop | jp 'd["format_version"]')"
	rec=$(items_of p1.sop | jp "[i for i in d if i.get('sys_id') == '$OPEN_ID'][0]")
	same '["t","entity","sys_id","key","action","version","base","policy","vendor","seal","payload","old"]' "$(echo "$rec" | jp 'list(d.keys())')"
	same "$(sql "SELECT sys_version FROM member WHERE sys_id = '$OPEN_ID'")" "$(echo "$rec" | jp 'd["version"]')"
	# The same seals; the stamps differ, each stable.
	same "$(items_of p1.sop | jp '[i.get("seal") for i in d]')" "$(items_of p2.sop | jp '[i.get("seal") for i in d]')"
	[ "$(stamp_of p1.sop)" != "$(stamp_of p2.sop)" ]
	ferry pack export P --output again.sop --uncompressed --format 1 >/dev/null
	same "$(stamp_of p1.sop)" "$(stamp_of again.sop)"
	for f in 1 2; do
		FERRY_DB=$BATS_TEST_TMPDIR/t$f.db ferry init --name t$f --admin admin --tz UTC >/dev/null
		FERRY_DB=$BATS_TEST_TMPDIR/t$f.db ferry import load p$f.sop >/dev/null 2>&1
		# (The update finds no record in an empty target: taken as is.)
		FERRY_DB=$BATS_TEST_TMPDIR/t$f.db ferry import preview 1 >/dev/null || true
		FERRY_DB=$BATS_TEST_TMPDIR/t$f.db ferry import resolve 1 accept --all >/dev/null
		FERRY_DB=$BATS_TEST_TMPDIR/t$f.db ferry import commit 1 --no-backup >/dev/null
	done
	for id in "$OPEN_ID" "$CHANGED_ID"; do
		same "$(FERRY_DB=$BATS_TEST_TMPDIR/t1.db ferry --json record get member "$id" | jp '{k: v for k, v in d.items() if k not in ("sys_created_at", "sys_updated_at")}')" \
			"$(FERRY_DB=$BATS_TEST_TMPDIR/t2.db ferry --json record get member "$id" | jp '{k: v for k, v in d.items() if k not in ("sys_created_at", "sys_updated_at")}')"
	done
}

@test "rule: a format export ferry does not write is refused, nothing written" {
	completed_pack
	expect_error 1 "ferry: ferry writes .sop formats 1 to 2, not 3: leave the format out for the newest, or ask for 1 for a target whose ferry reads only format 1" pack export P --output p.sop --format 3
	[ ! -e p.sop ]
	expect_error 2 "--format" pack export P --output p.sop --format two
	[ ! -e p.sop ]
}
