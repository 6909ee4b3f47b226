#!/usr/bin/env bats
# formula.bats - formulas and data sets on the command line: create,
# version, activate, close, delete, list, show, and packing any version
# (issue 7, docs/cli/formula.md).  The import rules are in
# formula_deploy.bats and tests/unit/test_formula_deploy.c.

load foundation_helpers

NOW=2022-03-10T12:00:00Z
TODAY=2022-03-10

# vfield NOUN NAME N KEY: member KEY of version N of a formula or data set.
vfield() {
	ferry --json "$1" show "$2" | jp "[v for v in d['versions'] if v['version'] == $3][0]['$4']"
}

statuses() {
	ferry --json "$1" show "$2" | jp '[v["status"] for v in d["versions"]]'
}

tax() {
	ferry formula create tax --inputs 'a:decimal(10,2),b:int' --outputs 'gross,net' "$@" >/dev/null
}

@test "rule: formula create makes version 1, a draft starting today" {
	init_db
	run --separate-stderr ferry formula create tax --inputs 'a:decimal,b:int' --outputs 'step1,step2' --body 'a*b'
	[ "$status" -eq 0 ]
	same "created formula tax, version 1 (draft)" "$output"
	same '[1,"draft","2022-03-10"]' "$(ferry --json formula show tax | jp '[d["versions"][0][k] for k in ("version", "status", "start_date")]')"
	same '[{"name":"a","type":"decimal"},{"name":"b","type":"int"}]' "$(vfield formula tax 1 inputs)"
	same '["step1","step2"]' "$(vfield formula tax 1 outputs)"
	same 'a*b' "$(vfield formula tax 1 body)"
}

@test "rule: the default start date is today in the acting user's time zone" {
	init_db
	ferry user add kenji --tz Asia/Tokyo >/dev/null
	FERRY_NOW=2022-03-10T20:00:00Z ferry --user kenji formula create tax --inputs 'a:int' --outputs 'y' >/dev/null
	same 2022-03-11 "$(vfield formula tax 1 start_date)"
	FERRY_NOW=2022-03-10T20:00:00Z ferry formula create tax2 --inputs 'a:int' --outputs 'y' >/dev/null
	same 2022-03-10 "$(vfield formula tax2 1 start_date)"
}

@test "rule: --start sets the start date, past or future" {
	init_db
	tax --start 2021-01-31
	same 2021-01-31 "$(vfield formula tax 1 start_date)"
	ferry formula create later --inputs '' --outputs 'y' --start 2030-12-31 >/dev/null
	same 2030-12-31 "$(vfield formula later 1 start_date)"
	same '[]' "$(vfield formula later 1 inputs)"
}

@test "formula show --json: name, versions with inputs, outputs, parent, master" {
	init_db
	ferry formula create base --inputs 'x:int' --outputs 'y' >/dev/null
	tax --parent base --master base
	run ferry --json formula show tax
	[ "$status" -eq 0 ]
	same 'tax' "$(echo "$output" | jp 'd["name"]')"
	same '["body","created_at","created_by","import","inputs","master","outputs","parent","start_date","status","version"]' "$(echo "$output" | jp 'sorted(d["versions"][0].keys())')"
	same 'base' "$(vfield formula tax 1 parent)"
	same 'base' "$(vfield formula tax 1 master)"
	run ferry formula show tax
	[[ "${lines[0]}" == "tax (formula)" ]]
	[[ "${lines[1]}" == "version"*"status"*"start_date"*"inputs"*"outputs"*"parent"*"master" ]]
	[[ "${lines[2]}" == "1"*"draft"*"2022-03-10"*"a:decimal(10,2),b:int"*"gross,net"*"base"*"base" ]]
}

@test "formula list --json: name, versions, latest, active, draft" {
	init_db
	tax
	ferry formula activate tax 1 >/dev/null
	ferry formula version tax >/dev/null
	ferry formula create alpha --inputs 'x:int' --outputs 'y' >/dev/null
	run ferry --json formula list
	[ "$status" -eq 0 ]
	same '[{"name":"alpha","versions":1,"latest":1,"active":null,"draft":1},{"name":"tax","versions":2,"latest":2,"active":1,"draft":2}]' "$output"
	run ferry formula list
	[[ "${lines[0]}" == "name"*"versions"*"latest"*"active"*"draft" ]]
}

@test "rule: formula version copies unset options from the latest version" {
	init_db
	ferry formula create base --inputs 'x:int' --outputs 'y' >/dev/null
	tax --body 'a*b' --parent base --start 2021-01-01
	ferry formula activate tax 1 >/dev/null
	run ferry formula version tax --outputs 'gross,net,vat'
	[ "$status" -eq 0 ]
	same "formula tax: new draft version 2, starts 2022-03-10" "$output"
	same '[{"name":"a","type":"decimal(10,2)"},{"name":"b","type":"int"}]' "$(vfield formula tax 2 inputs)"
	same '["gross","net","vat"]' "$(vfield formula tax 2 outputs)"
	same 'a*b' "$(vfield formula tax 2 body)"
	same 'base' "$(vfield formula tax 2 parent)"
	ferry formula activate tax 2 >/dev/null
	run ferry --json formula version tax --parent '' --start 2022-04-01
	same '{"name":"tax","version":3,"start_date":"2022-04-01"}' "$output"
	same null "$(vfield formula tax 3 parent)"
}

@test "rule: at most one draft per formula" {
	init_db
	tax
	expect_error 1 "formula 'tax' already has a draft, version 1, and may have only one; activate it ('ferry formula activate tax 1') or delete it ('ferry formula delete tax 1') first" formula version tax
	same '["draft"]' "$(statuses formula tax)"
}

@test "rule: activating a version closes the previously active one" {
	init_db
	tax
	ferry formula activate tax 1 >/dev/null
	ferry formula version tax >/dev/null
	same '["active","draft"]' "$(statuses formula tax)"
	run ferry formula activate tax 2
	[ "$status" -eq 0 ]
	same "activated version 2 of formula tax (the version active before it, if any, is closed)" "$output"
	same '["closed","active"]' "$(statuses formula tax)"
}

@test "rule: only a draft can be activated, only an active version closed" {
	init_db
	tax
	ferry formula activate tax 1 >/dev/null
	refused "version 1 of formula 'tax' is active; only a draft can be activated" formula activate tax 1
	run ferry formula close tax 1
	[ "$status" -eq 0 ]
	same "closed version 1 of formula tax" "$output"
	refused "version 1 of formula 'tax' is already closed" formula close tax 1
	ferry formula version tax >/dev/null
	refused "version 2 of formula 'tax' is a draft, which is never closed; delete it instead ('ferry formula delete tax 2')" formula close tax 2
}

@test "rule: delete removes a draft only" {
	init_db
	tax
	ferry formula activate tax 1 >/dev/null
	refused "version 1 of formula 'tax' is active; only a draft can be deleted (close it instead: 'ferry formula close tax 1')" formula delete tax 1
	ferry formula version tax >/dev/null
	run ferry formula delete tax 2
	[ "$status" -eq 0 ]
	same "deleted draft version 2 of formula tax" "$output"
	same '["active"]' "$(statuses formula tax)"
	ferry formula close tax 1 >/dev/null
	refused "version 1 of formula 'tax' is closed; only a draft can be deleted" formula delete tax 1
}

@test "rule: deleting the only version deletes the formula and frees its name" {
	init_db
	tax
	ferry formula delete tax 1 >/dev/null
	expect_error 1 "no formula named 'tax'; see 'ferry formula list'" formula show tax
	tax
	same '["draft"]' "$(statuses formula tax)"
}

@test "rule: only admins activate and close; a draft is deleted by its author or an admin" {
	init_db
	ferry user add bob >/dev/null
	ferry user add eve >/dev/null
	ferry --user bob formula create tax --inputs 'a:int' --outputs 'y' >/dev/null
	refused "only admins may activate formulas; 'bob' is not an admin" --user bob formula activate tax 1
	refused "only admins may delete a draft someone else wrote; 'eve' is not an admin" --user eve formula delete tax 1
	ferry formula activate tax 1 >/dev/null
	refused "only admins may close formulas" --user bob formula close tax 1
	ferry --user bob formula version tax >/dev/null
	ferry --user bob formula delete tax 2 >/dev/null
	ferry --user bob formula version tax >/dev/null
	ferry formula delete tax 2 >/dev/null
	same '["active"]' "$(statuses formula tax)"
}

@test "bad input: an unknown formula" {
	init_db
	refused "no formula named 'nope'; see 'ferry formula list'" formula version nope
	refused "no formula named 'nope'" formula activate nope 1
	refused "no formula named 'nope'" formula close nope 1
	refused "no formula named 'nope'" formula delete nope 1
	expect_error 1 "no formula named 'nope'" formula show nope
	tax
	refused "formula 'tax' has no version 4; see 'ferry formula show tax'" formula activate tax 4
}

@test "bad input: a bad type or a malformed list in --inputs" {
	init_db
	refused "input 'a': unknown type 'money'; use nvarchar(n)" formula create tax --inputs 'a:money' --outputs 'y'
	refused "input 'b': malformed type 'nvarchar(0)'" formula create tax --inputs 'a:int,b:nvarchar(0)' --outputs 'y'
	refused "malformed inputs 'a int': write name:type pairs separated by commas" formula create tax --inputs 'a int' --outputs 'y'
	refused "input 'a' is given twice" formula create tax --inputs 'a:int,a:text' --outputs 'y'
	refused "invalid input name 'A'" formula create tax --inputs 'A:int' --outputs 'y'
	refused "output step 'y' is given twice" formula create tax --inputs 'a:int' --outputs 'y,y'
	refused "a formula needs at least one output step" formula create tax --inputs 'a:int' --outputs ''
	tax
	ferry formula activate tax 1 >/dev/null
	refused "input 'c': unknown type 'real'" formula version tax --inputs 'c:real'
}

@test "bad input: a malformed --start" {
	init_db
	refused "invalid start date '10/03/2022': write a calendar date as YYYY-MM-DD" formula create tax --inputs 'a:int' --outputs 'y' --start 10/03/2022
	refused "invalid start date '2022-02-29'" formula create tax --inputs 'a:int' --outputs 'y' --start 2022-02-29
	tax
	ferry formula activate tax 1 >/dev/null
	refused "invalid start date '2022-13-01'" formula version tax --start 2022-13-01
}

@test "bad input: parent and master must exist" {
	init_db
	refused "no formula named 'ghost' to be the parent; see 'ferry formula list'" formula create tax --inputs 'a:int' --outputs 'y' --parent ghost
	refused "no formula named 'ghost' to be the master" formula create tax --inputs 'a:int' --outputs 'y' --master ghost
}

@test "usage: missing --inputs or --outputs, a VERSION that is not a number" {
	init_db
	expect_error 2 "give the formula's --inputs 'a:decimal,b:int' and --outputs 'step1,step2'" formula create tax --inputs 'a:int'
	tax
	expect_error 2 "VERSION must be a whole number, not 'one'" formula activate tax one
	expect_error 2 "VERSION is a version number from 1, not '0'" formula delete tax 0
	expect_error 2 "unknown option '--columns'" formula create t2 --columns 'a:int'
}

@test "rule: creating an existing formula is refused" {
	init_db
	tax
	refused "formula 'tax' already exists; add a version with 'ferry formula version tax'" formula create tax --inputs 'a:int' --outputs 'y'
}

@test "dataset: the same life cycle, columns as the signature" {
	init_db
	run ferry dataset create rates --columns 'code:nvarchar(10), rate:decimal(5,2)'
	[ "$status" -eq 0 ]
	same "created data set rates, version 1 (draft)" "$output"
	same '[{"name":"code","type":"nvarchar(10)"},{"name":"rate","type":"decimal(5,2)"}]' "$(vfield dataset rates 1 columns)"
	same '["body","columns","created_at","created_by","import","master","parent","start_date","status","version"]' "$(ferry --json dataset show rates | jp 'sorted(d["versions"][0].keys())')"
	expect_error 1 "data set 'rates' already has a draft, version 1" dataset version rates
	ferry dataset activate rates 1 >/dev/null
	ferry dataset version rates --columns 'code:nvarchar(12),rate:decimal(5,2)' --start 2022-06-01 >/dev/null
	ferry dataset activate rates 2 >/dev/null
	same '["closed","active"]' "$(statuses dataset rates)"
	same '[{"name":"rates","versions":2,"latest":2,"active":2,"draft":null}]' "$(ferry --json dataset list)"
	refused "version 2 of data set 'rates' is active; only a draft can be deleted" dataset delete rates 2
	run ferry dataset show rates
	[[ "${lines[0]}" == "rates (data set)" ]]
	[[ "${lines[3]}" == "2"*"active"*"2022-06-01"*"code:nvarchar(12),rate:decimal(5,2)"* ]]
	# Formulas and data sets are separate name spaces.
	expect_error 1 "no formula named 'rates'" formula show rates
}

@test "dataset: bad input" {
	init_db
	expect_error 2 "give the data set's columns with --columns 'a:int,b:nvarchar(20)'" dataset create rates
	expect_error 2 "unknown option '--outputs'" dataset create rates --columns 'a:int' --outputs 'y'
	refused "a data set needs at least one column" dataset create rates --columns ''
	refused "column 'a': unknown type 'money'" dataset create rates --columns 'a:money'
	refused "invalid start date '2022-3-1'" dataset create rates --columns 'a:int' --start 2022-3-1
	refused "no data set named 'nope'; see 'ferry dataset list'" dataset activate nope 1
}

@test "rule: any version can be packed, draft, active or closed" {
	init_db
	tax
	ferry formula activate tax 1 >/dev/null
	ferry formula version tax >/dev/null
	ferry formula activate tax 2 >/dev/null
	ferry formula version tax >/dev/null
	same '["closed","active","draft"]' "$(statuses formula tax)"
	ferry dataset create rates --columns 'a:int' >/dev/null
	for v in 1 2 3; do
		ferry pack create "p$v" >/dev/null
		ferry pack add "p$v" formula tax --version "$v" >/dev/null
		ferry pack add "p$v" dataset rates --version 1 >/dev/null
		ferry pack complete "p$v" >/dev/null
		ferry pack export "p$v" --uncompressed --output "p$v.sop" >/dev/null
	done
	same '{"t":"formula","name":"tax","version":1,"status":"closed","start_date":"2022-03-10","inputs":[{"name":"a","type":"decimal(10,2)"},{"name":"b","type":"int"}],"outputs":["gross","net"],"body":"","parent":null,"master":null}' "$(grep '"t":"formula"' p1.sop)"
	grep -q '"t":"formula","name":"tax","version":2,"status":"active"' p2.sop
	grep -q '"t":"formula","name":"tax","version":3,"status":"draft"' p3.sop
	same '{"t":"dataset","name":"rates","version":1,"status":"draft","start_date":"2022-03-10","columns":[{"name":"a","type":"int"}],"body":"","parent":null,"master":null}' "$(grep '"t":"dataset"' p1.sop)"
	refused "no formula 'tax' with version 9" pack add Default formula tax --version 9
}

@test "rule: a draft in a completed pack is not deleted until the pack is reopened" {
	init_db
	tax
	ferry pack create p >/dev/null
	ferry pack add p formula tax --version 1 >/dev/null
	ferry pack complete p >/dev/null
	refused "version 1 of formula 'tax' is in the completed pack 'p', which must not change; reopen it first ('ferry pack reopen p')" formula delete tax 1
	ferry pack reopen p >/dev/null
	ferry formula delete tax 1 >/dev/null
	same '[]' "$(ferry --json pack show p | jp 'd["definitions"]')"
}

@test "formula commands print {\"ok\":true} with --json" {
	init_db
	same '{"ok":true}' "$(ferry --json formula create tax --inputs 'a:int' --outputs y)"
	same '{"ok":true}' "$(ferry --json formula activate tax 1)"
	same '{"ok":true}' "$(ferry --json formula close tax 1)"
}
