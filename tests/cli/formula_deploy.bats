#!/usr/bin/env bats
# formula_deploy.bats - the import rules of formulas and data sets (seed
# 001, docs/formulas.md) end to end: a source instance exports a pack with
# a formula or data set version, the target imports it with 'ferry import
# load / preview / commit'.  The same rules are unit-tested, item by item,
# in tests/unit/test_formula_deploy.c.

load foundation_helpers

NOW=2022-03-10T12:00:00Z
TODAY=2022-03-10

# src ARGS...: ferry on the source instance.
src() {
	FERRY_DB="$BATS_TEST_TMPDIR/src.db" "$FERRY_BIN" "$@"
}

# export_pack FILE NOUN NAME VERSION: pack that version in the source and
# export it to FILE (uncompressed).
export_pack() {
	local pack="p$RANDOM"
	src pack create "$pack" >/dev/null
	src pack add "$pack" "$2" "$3" --version "$4" >/dev/null
	src pack complete "$pack" >/dev/null
	src pack export "$pack" --uncompressed --output "$1" >/dev/null
}

# A source with formula tax (v1, start 2021-06-01) and data set rates.
make_source() {
	src init >/dev/null
	src formula create tax --inputs 'a:decimal(10,2),b:int' --outputs 'gross,net' --body 'a*b' --start "${1:-2021-06-01}" "${@:2}" >/dev/null
	src dataset create rates --columns 'code:nvarchar(10),rate:decimal(5,2)' --start "${1:-2021-06-01}" >/dev/null
}

# load FILE: load into the target, print the import id.
load_file() {
	ferry --json import load "$1" | jp 'd["id"]'
}

# problems ID: [[kind, severity]] of the preview's problems.
problems() {
	ferry --json import preview "$1" | jp '[[p["kind"], p["severity"]] for p in d["problems"]]'
}

vfield() {
	ferry --json "$1" show "$2" | jp "[v for v in d['versions'] if v['version'] == $3][0]['$4']"
}

statuses() {
	ferry --json "$1" show "$2" | jp '[v["status"] for v in d["versions"]]'
}

@test "rule: a formula the target lacks comes in as version 1, draft, start date today" {
	make_source 2030-01-01
	export_pack tax.sop formula tax 1
	init_db
	id=$(load_file tax.sop)
	same '[]' "$(problems "$id")"
	run ferry import commit "$id" --no-backup
	[ "$status" -eq 0 ]
	same '["draft"]' "$(statuses formula tax)"
	same "$TODAY" "$(vfield formula tax 1 start_date)"
	same 'a*b' "$(vfield formula tax 1 body)"
}

@test "rule: same inputs and outputs and a draft in the target: formula_draft_exists blocks, nothing imported" {
	make_source
	export_pack tax.sop formula tax 1
	init_db
	ferry formula create tax --inputs 'a:decimal(10,2),b:int' --outputs 'gross,net' >/dev/null
	id=$(load_file tax.sop)
	same '[["formula_draft_exists","error"]]' "$(problems "$id")"
	[[ "$(ferry --json import preview "$id" | jp 'd["problems"][0]["message"]')" == *"delete the draft ('ferry formula delete tax 1')"* ]]
	run ferry import commit "$id" --no-backup
	[ "$status" -eq 3 ]
	same '["draft"]' "$(statuses formula tax)"
	# Accepting does not override it.
	run --separate-stderr ferry --json import resolve "$id" accept --all
	[ "$status" -eq 3 ]
	same '[1]' "$(echo "$output" | jp 'd["left_items"]')"
	run ferry import commit "$id" --no-backup
	[ "$status" -ne 0 ]
	same '["draft"]' "$(statuses formula tax)"
	# Once the draft is deleted, the same package imports.
	ferry formula delete tax 1 >/dev/null
	ferry formula create tax --inputs 'a:decimal(10,2),b:int' --outputs 'gross,net' >/dev/null
	ferry formula activate tax 1 >/dev/null
	id=$(load_file tax.sop)
	same '[]' "$(problems "$id")"
	ferry import commit "$id" --no-backup >/dev/null
	same '["active","draft"]' "$(statuses formula tax)"
}

@test "rule: no draft: the latest version, draft, start date today when the package's is past" {
	make_source 2021-06-01
	export_pack tax.sop formula tax 1
	init_db
	ferry formula create tax --inputs 'a:decimal(10,2),b:int' --outputs 'gross,net' >/dev/null
	ferry formula activate tax 1 >/dev/null
	id=$(load_file tax.sop)
	ferry import commit "$id" --no-backup >/dev/null
	same '["active","draft"]' "$(statuses formula tax)"
	same "$TODAY" "$(vfield formula tax 2 start_date)"
}

@test "rule: no draft: a future package start date is kept" {
	make_source 2023-05-01
	export_pack tax.sop formula tax 1
	init_db
	ferry formula create tax --inputs 'a:decimal(10,2),b:int' --outputs 'gross,net' >/dev/null
	ferry formula activate tax 1 >/dev/null
	id=$(load_file tax.sop)
	ferry import commit "$id" --no-backup >/dev/null
	same 2023-05-01 "$(vfield formula tax 2 start_date)"
	same draft "$(vfield formula tax 2 status)"
}

@test "rule: parent and master links are re-initialised: kept by name, cleared with a warning" {
	src init >/dev/null
	src formula create base --inputs 'x:int' --outputs 'y' >/dev/null
	src formula create boss --inputs 'x:int' --outputs 'y' >/dev/null
	src formula create tax --inputs 'a:int' --outputs 'y' --parent base --master boss >/dev/null
	export_pack tax.sop formula tax 1
	init_db
	ferry formula create base --inputs 'q:text' --outputs 'z' >/dev/null
	ferry formula create tax --inputs 'a:int' --outputs 'y' >/dev/null
	ferry formula activate tax 1 >/dev/null
	id=$(load_file tax.sop)
	same '[["formula_link_cleared","warning"]]' "$(problems "$id")"
	[[ "$(ferry --json import preview "$id" | jp 'd["problems"][0]["message"]')" == *"'boss'"* ]]
	ferry import commit "$id" --no-backup >/dev/null
	same base "$(vfield formula tax 2 parent)"
	same null "$(vfield formula tax 2 master)"
}

@test "rule: different inputs or output steps: a new formula <name>_<import date>, version 1, draft" {
	make_source
	export_pack tax.sop formula tax 1
	init_db
	ferry formula create tax --inputs 'a:decimal(10,2),b:int' --outputs 'net,gross' >/dev/null
	id=$(load_file tax.sop)
	same '[["formula_renamed","info"]]' "$(problems "$id")"
	ferry import commit "$id" --no-backup >/dev/null
	same '["draft"]' "$(statuses formula "tax_$TODAY")"
	same "$TODAY" "$(vfield formula "tax_$TODAY" 1 start_date)"
	same '["draft"]' "$(statuses formula tax)"
}

@test "rule: the renamed formula takes _2 when <name>_<date> is taken" {
	make_source
	export_pack tax.sop formula tax 1
	init_db
	ferry formula create tax --inputs 'a:int' --outputs 'y' >/dev/null
	ferry formula create "tax_$TODAY" --inputs 'a:int' --outputs 'y' >/dev/null
	id=$(load_file tax.sop)
	ferry import commit "$id" --no-backup >/dev/null
	same '["draft"]' "$(statuses formula "tax_${TODAY}_2")"
}

@test "rule: the import date is the importing user's date in their time zone" {
	make_source
	export_pack tax.sop formula tax 1
	init_db
	ferry user add kenji --admin --tz Asia/Tokyo >/dev/null
	ferry formula create tax --inputs 'a:int' --outputs 'y' >/dev/null
	id=$(FERRY_NOW=2022-03-10T20:00:00Z ferry --user kenji --json import load tax.sop | jp 'd["id"]')
	FERRY_NOW=2022-03-10T20:00:00Z ferry --user kenji import commit "$id" --no-backup >/dev/null
	same 2022-03-11 "$(vfield formula tax_2022-03-11 1 start_date)"
}

@test "rule: data set: absent in the target -> version 1, draft, today" {
	make_source 2023-05-01
	export_pack rates.sop dataset rates 1
	init_db
	id=$(load_file rates.sop)
	same '[]' "$(problems "$id")"
	ferry import commit "$id" --no-backup >/dev/null
	same '["draft"]' "$(statuses dataset rates)"
	same "$TODAY" "$(vfield dataset rates 1 start_date)"
}

@test "rule: data set: same columns and a draft in the target -> formula_draft_exists, nothing imported" {
	make_source
	export_pack rates.sop dataset rates 1
	init_db
	ferry dataset create rates --columns 'code:nvarchar(10),rate:decimal(5,2)' >/dev/null
	id=$(load_file rates.sop)
	same '[["formula_draft_exists","error"]]' "$(problems "$id")"
	run ferry import commit "$id" --no-backup
	[ "$status" -eq 3 ]
	same '["draft"]' "$(statuses dataset rates)"
}

@test "rule: data set: same columns, no draft -> the latest version, future start date kept" {
	make_source 2023-05-01
	export_pack rates.sop dataset rates 1
	init_db
	ferry dataset create rates --columns 'code:nvarchar(10),rate:decimal(5,2)' >/dev/null
	ferry dataset activate rates 1 >/dev/null
	id=$(load_file rates.sop)
	ferry import commit "$id" --no-backup >/dev/null
	same '["active","draft"]' "$(statuses dataset rates)"
	same 2023-05-01 "$(vfield dataset rates 2 start_date)"
}

@test "rule: data set: different columns -> a new data set <name>_<import date>" {
	make_source
	export_pack rates.sop dataset rates 1
	init_db
	ferry dataset create rates --columns 'code:nvarchar(12),rate:decimal(5,2)' >/dev/null
	id=$(load_file rates.sop)
	same '[["formula_renamed","info"]]' "$(problems "$id")"
	ferry import commit "$id" --no-backup >/dev/null
	same '["draft"]' "$(statuses dataset "rates_$TODAY")"
	same '["draft"]' "$(statuses dataset rates)"
}
