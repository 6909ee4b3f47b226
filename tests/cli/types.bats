#!/usr/bin/env bats
# types.bats - field types are enforced on every write (put insert, put
# update, load), whatever SQLite would accept (issue 2).

load foundation_helpers

# An entity "t" with one field "v" of type $1.
typed() {
	init_db
	ferry entity create t >/dev/null
	ferry field add t v "$1" >/dev/null
}

# accepts JSON-VALUE STORED: a record with v = JSON-VALUE is written and
# reads back as STORED (compact JSON).
accepts() {
	run --separate-stderr ferry record put t "{\"v\":$1}"
	if [ "$status" -ne 0 ]; then
		echo "value $1 refused: $stderr" >&2
		return 1
	fi
	local id=$output
	run ferry --json record get t "$id"
	same "$2" "$(echo "$output" | jp 'd["v"]')" "value $1"
}

# rejects JSON-VALUE TEXT: a record with v = JSON-VALUE is refused by put
# (insert and update) and by load, with TEXT in the message, and nothing
# changes.
rejects() {
	refused "$2" record put t "{\"v\":$1}" || return 1
	refused "$2" record put t "{\"sys_id\":\"$BASE\",\"v\":$1}" || return 1
	printf '{"v":null}\n{"v":%s}\n' "$1" >bad.jsonl
	refused "line 2: t.v" record load t bad.jsonl || return 1
	[[ "$stderr" == *"$2"* ]]
}

base_record() {
	BASE=$(ferry record put t '{}')
}

@test "rule: nvarchar(n) counts characters, not bytes: 'ééé' fits nvarchar(3)" {
	typed 'nvarchar(3)'
	base_record
	accepts '"ééé"' ééé
	accepts '"abc"' abc
	accepts '"😀😀😀"' 😀😀😀
	accepts '""' ''
	rejects '"éééé"' "nvarchar(3) holds at most 3 characters; got 4"
	rejects '"abcd"' "nvarchar(3) holds at most 3 characters; got 4"
	rejects 12 "nvarchar(3) takes a string; got an integer"
}

@test "rule: nchar(n) holds at most n characters" {
	typed 'nchar(2)'
	base_record
	accepts '"жж"' жж
	rejects '"жжж"' "nchar(2) holds at most 2 characters; got 3"
}

@test "rule: text holds any string but no NUL" {
	typed text
	base_record
	accepts '"line1\nline2 \"q\" \\ é"' "$(printf 'line1\nline2 "q" \\ é')"
	refused "text may not contain NUL characters" record put t '{"v":"a\u0000b"}'
	rejects true "text takes a string; got a boolean"
}

@test "rule: int is 32-bit" {
	typed int
	base_record
	accepts 2147483647 2147483647
	accepts -2147483648 -2147483648
	accepts 0 0
	rejects 2147483648 "int holds -2147483648 to 2147483647; got 2147483648"
	rejects -2147483649 "int holds -2147483648 to 2147483647; got -2147483649"
	rejects '"1"' "int takes an integer; got a string"
	rejects 1.5 "int takes an integer; got a number with a fraction"
}

@test "rule: bigint is 64-bit" {
	typed bigint
	base_record
	accepts 9223372036854775807 9223372036854775807
	accepts -9223372036854775808 -9223372036854775808
	refused "malformed JSON" record put t '{"v":9223372036854775808}'
	rejects '"5"' "bigint takes an integer; got a string"
}

@test "rule: decimal(p,s) holds p digits, s after the point, normalised, never rounded" {
	typed 'decimal(5,2)'
	base_record
	accepts '"123.45"' 123.45
	accepts '"12.3"' 12.30
	accepts '"7"' 7.00
	accepts 7 7.00
	accepts 12.5 12.50
	accepts '"-0.5"' -0.50
	accepts '"-0"' 0.00
	accepts '"007.10"' 7.10
	accepts '"1.500"' 1.50
	accepts '"-999.99"' -999.99
	rejects '"1234.5"' "decimal(5,2) takes a number with at most 3 digits before and 2 after the point"
	rejects '"12.345"' "decimal(5,2) takes"
	rejects 12.345 "decimal(5,2) takes"
	rejects '"1e2"' "decimal(5,2) takes"
	rejects '"abc"' "decimal(5,2) takes"
	rejects '" 1.5"' "decimal(5,2) takes"
	rejects '""' "decimal(5,2) takes"
	rejects true "decimal(5,2) takes"
}

@test "rule: a JSON number in a decimal is the decimal it was written as" {
	typed 'decimal(38,20)'
	base_record
	accepts 0.1 0.10000000000000000000
	accepts 123.456 123.45600000000000000000
	accepts '"0.1"' 0.10000000000000000000
}

@test "rule: decimal(p,0) holds whole numbers" {
	typed 'decimal(3,0)'
	base_record
	accepts '"999"' 999
	accepts '"5.0"' 5
	rejects '"1000"' "decimal(3,0) takes"
	rejects '"5.5"' "decimal(3,0) takes"
}

@test "rule: bool is true or false" {
	typed bool
	base_record
	accepts true true
	accepts false false
	rejects 1 "bool takes true or false; got an integer"
	rejects '"true"' "bool takes true or false; got a string"
	same 1 "$(sql "SELECT count(*) FROM t WHERE v = 1")"
}

@test "rule: date is YYYY-MM-DD and a real day" {
	typed date
	base_record
	accepts '"2020-02-29"' 2020-02-29
	accepts '"0001-01-01"' 0001-01-01
	rejects '"2021-02-29"' 'date takes "YYYY-MM-DD"; got 2021-02-29'
	rejects '"2021-1-1"' "date takes"
	rejects '"2021-13-01"' "date takes"
	rejects '"2021-12-31T00:00:00Z"' "date takes"
	rejects 20211231 'date takes "YYYY-MM-DD"; got an integer'
}

@test "rule: datetime is UTC ISO-8601, stored with a T" {
	typed datetime
	base_record
	accepts '"2021-12-31T12:00:00Z"' 2021-12-31T12:00:00Z
	accepts '"2021-12-31 12:00:00Z"' 2021-12-31T12:00:00Z
	rejects '"2021-12-31T12:00:00"' 'datetime takes "YYYY-MM-DDTHH:MM:SSZ" (UTC); got 2021-12-31T12:00:00'
	rejects '"2021-12-31T12:00:00+03:00"' "datetime takes"
	rejects '"2021-12-31T24:00:00Z"' "datetime takes"
	rejects '"2021-12-31T12:00:60Z"' "datetime takes"
	rejects '"2021-12-31"' "datetime takes"
}

@test "rule: json holds any valid JSON, stored canonically (sorted keys, compact)" {
	typed json
	base_record
	accepts '{ "b" : 1, "a" : [ true, null, "x" ] }' '{"a":[true,null,"x"],"b":1}'
	accepts '[3, 2, 1]' '[3,2,1]'
	accepts '"just text"' 'just text'
	accepts '{"z":{"y":1,"x":2}}' '{"z":{"x":2,"y":1}}'
	same '{"a":[true,null,"x"],"b":1}' "$(sql "SELECT v FROM t WHERE v LIKE '{\"a\"%'")"
	refused "malformed JSON" record put t '{"v":{"a":}}'
	refused "malformed JSON" record put t '{"v":{"a":1,"a":2}}'
}

@test "rule: ref(ENTITY) takes the sys_id of an existing record of ENTITY" {
	init_db
	ferry entity create team >/dev/null
	ferry field add team name 'nvarchar(10)' >/dev/null
	ferry entity create t >/dev/null
	ferry field add t v 'ref(team)' >/dev/null
	team=$(ferry record put team '{"name":"red"}')
	base_record
	accepts "\"$team\"" "$team"
	rejects '"0b3c2e1f-0000-4000-8000-000000000000"' "refers to team record 0b3c2e1f-0000-4000-8000-000000000000, which does not exist"
	rejects '"not-a-uuid"' "ref(team) takes the sys_id (a lowercase UUID) of a team record"
	upper=$(echo "$team" | tr a-f A-F)
	rejects "\"$upper\"" "ref(team) takes the sys_id"
	# A record of another entity with that sys_id does not count.
	other=$(ferry record put t '{}')
	rejects "\"$other\"" "refers to team record $other, which does not exist"
}

@test "rule: null clears a field of any type" {
	typed int
	id=$(ferry record put t '{"v":5}')
	ferry record put t "{\"sys_id\":\"$id\",\"v\":null}" >/dev/null
	run ferry --json record get t "$id"
	same null "$(echo "$output" | jp 'd["v"]')"
	same 1 "$(sql "SELECT count(*) FROM t WHERE v IS NULL")"
}

@test "rule: values keep their type in the table (no SQLite coercion)" {
	init_db
	ferry entity create t >/dev/null
	ferry field add t s 'nvarchar(10)' >/dev/null
	ferry field add t n int >/dev/null
	ferry record put t '{"s":"0123","n":123}' >/dev/null
	same "text|0123|integer" "$(sql "SELECT typeof(s), s, typeof(n) FROM t")"
}

@test "rule: an oversized text value is refused (16 MiB)" {
	typed text
	python3 -c 'import sys; sys.stdout.write("{\"v\":\"" + "x" * (16 * 1024 * 1024 + 1) + "\"}\n")' >big.jsonl
	refused "line 1: t.v: text holds at most 16777216 bytes" record load t big.jsonl
	python3 -c 'import sys; sys.stdout.write("{\"v\":\"" + "x" * (16 * 1024 * 1024) + "\"}\n")' >ok.jsonl
	run ferry record load t ok.jsonl
	[ "$status" -eq 0 ]
}
