#!/usr/bin/env bats
# cli_contract.bats - what scripts rely on (docs/cli.md): global options,
# --help on every command, exit codes, --json before or after the
# command, FERRY_DB, FERRY_USER and FERRY_NOW.

load foundation_helpers

# Every command named by 'ferry --help', one a line.
all_commands() {
	"$FERRY_BIN" --help | python3 -c '
import re, sys
text = sys.stdin.read()
body = text.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
for line in body.splitlines():
    line = line[2:]
    m = re.match(r"(\S+(?: \S+)?)\s{2,}", line)
    print(m.group(1) if m else " ".join(line.split()[:2]))'
}

@test "contract: ferry --help lists global options, commands, exit codes and environment" {
	run --separate-stderr ferry --help
	[ "$status" -eq 0 ]
	same "usage: ferry [--db PATH] [--user NAME] [--json] COMMAND [ARGS]" "${lines[0]}"
	for w in --db --user --json --help --version FERRY_DB FERRY_USER FERRY_NOW "Exit codes: 0 done, 1 error, 2 usage, 3"; do
		[[ "$output" == *"$w"* ]] || { echo "missing $w" >&2; false; }
	done
	[ -z "$stderr" ]
	run ferry -h
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: ferry"* ]]
}

@test "contract: the commands of the contract exist" {
	cmds=$(all_commands)
	for c in init "user add" "user set" "user list" "property set" "property get" "property list" "entity create" "entity list" "entity show" "field add" "field set" "field drop" "record put" "record get" "record list" "record load" "record delete" "record history" "record restore" "pack create" "pack use" "pack current" "pack list" "pack show" "pack add" "pack complete" "pack reopen" "pack export"; do
		grep -qx "$c" <<<"$cmds" || { echo "no command '$c'" >&2; false; }
	done
}

@test "contract: --help works on every command, exit 0, usage on stdout" {
	n=0
	while IFS= read -r c; do
		# shellcheck disable=SC2086
		run --separate-stderr "$FERRY_BIN" $c --help
		if [ "$status" -ne 0 ] || [[ "${lines[0]}" != "usage: ferry $c"* ]]; then
			echo "'ferry $c --help': exit $status: ${lines[0]}" >&2
			return 1
		fi
		[[ "$output" == *"--help"*"this help"* ]]
		[[ "$output" == *"--json"* ]]
		[ -z "$stderr" ]
		n=$((n + 1))
	done < <(all_commands)
	[ "$n" -ge 29 ]
}

@test "contract: --help needs no instance and touches nothing" {
	unset FERRY_DB
	run ferry pack export --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--as-application"* ]]
	[ -z "$(ls)" ]
}

@test "contract: --version names ferry, then each library as built and as running" {
	run --separate-stderr ferry --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ferry\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	for lib in sqlite libpq jansson zstd libsodium; do
		grep -Eq "^  $lib +built with [0-9][0-9.]*, running [0-9][0-9.]*$" <<<"$output" || { echo "no line for $lib: $output" >&2; false; }
	done
	[ -z "$stderr" ]
	# The running SQLite is the one sqlite3 reports on this machine.
	grep -q "running $(sqlite3 --version | cut -d' ' -f1)" <<<"$output"
	first=${lines[0]#ferry }
	run ferry --version --json
	same '["sqlite","libpq","jansson","zstd","libsodium"]' "$(echo "$output" | jp '[l["name"] for l in d["libraries"]]')"
	same "$first" "$(echo "$output" | jp 'd["version"]')"
}

@test "contract: usage errors exit 2 with 'ferry: ' on stderr" {
	init_member
	snapshot
	expect_error 2 "unknown command 'frobnicate'" frobnicate
	expect_error 2 "unknown option '--frob'" --frob user list
	expect_error 2 "unknown option '--frob'" user list --frob
	expect_error 2 "missing arguments" user add
	expect_error 2 "too many arguments" user add a b
	expect_error 2 "option --tz needs a value (ZONE)" user add bob --tz
	expect_error 2 "option --use takes no value" pack create p --use=yes
	expect_error 2 "--db needs a value" --db
	expect_error 2 "usage: ferry record put ENTITY JSON (see 'ferry record put --help')" record put member
	assert_unchanged
	run ferry
	[ "$status" -eq 2 ]
}

@test "contract: a usage error is found before the instance is opened" {
	expect_error 2 "missing arguments" --db none.db user add
	instance_missing none.db
}

@test "contract: errors exit 1, one line 'ferry: ...' on stderr, nothing on stdout" {
	init_member
	run --separate-stderr ferry entity show ghost
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	same 1 "$(printf '%s\n' "$stderr" | wc -l | tr -d ' ')"
	[[ "$stderr" == "ferry: no entity 'ghost'; see 'ferry entity list'" ]]
}

@test "contract: no instance given is a usage error" {
	unset FERRY_DB
	expect_error 2 "no instance: give --db PATH or set FERRY_DB" user list
	FERRY_DB= expect_error 2 "no instance" user list
}

@test "contract: --db and FERRY_DB name the instance; --db wins" {
	FERRY_DB=$BATS_TEST_TMPDIR/a.db ferry init --name a >/dev/null
	FERRY_DB=$BATS_TEST_TMPDIR/b.db ferry init --name b >/dev/null
	same a "$(FERRY_DB=a.db ferry --json info | jp 'd["name"]')"
	same b "$(FERRY_DB=a.db ferry --db b.db --json info | jp 'd["name"]')"
	same b "$(FERRY_DB=a.db ferry --db=b.db --json info | jp 'd["name"]')"
	unset FERRY_DB
	same a "$(ferry --db a.db --json info | jp 'd["name"]')"
}

@test "contract: --user and FERRY_USER name who acts; --user wins; empty FERRY_USER is unset" {
	init_member
	ferry user add bob >/dev/null
	ferry user add carol >/dev/null
	FERRY_USER=bob ferry record put member '{"name":"a"}' >/dev/null
	FERRY_USER=bob ferry --user carol record put member '{"name":"b"}' >/dev/null
	FERRY_USER=bob ferry --user=carol record put member '{"name":"c"}' >/dev/null
	FERRY_USER= ferry record put member '{"name":"d"}' >/dev/null
	same "a|bob
b|carol
c|carol
d|admin" "$(sql 'SELECT name, sys_created_by FROM member ORDER BY name')"
	same bob "$(FERRY_USER=bob ferry --json pack current | jp 'd["user"]')"
}

@test "contract: --json is accepted before and after the command, with the same output" {
	init_member
	id=$(ferry record put member '{"name":"Ann"}')
	ferry property set k v >/dev/null
	for c in "user list" "property list" "entity list" "entity show member" "record list member" "record get member $id" "record history member $id" "pack list" "pack show Default" "pack current" "info" "property get k"; do
		# shellcheck disable=SC2086
		before=$("$FERRY_BIN" --json $c)
		# shellcheck disable=SC2086
		after=$("$FERRY_BIN" $c --json)
		same "$before" "$after" "$c"
		echo "$before" | python3 -c 'import json,sys; json.load(sys.stdin)' || { echo "not JSON: $c" >&2; false; }
	done
}

@test "contract: commands without data print {\"ok\":true} with --json" {
	init_member
	run --separate-stderr ferry --json user add bob
	same '{"ok":true}' "$output"
	run --separate-stderr ferry pack create p --json
	same '{"ok":true}' "$output"
	run ferry --json property set a b
	same '{"ok":true}' "$output"
	run ferry --json entity create note
	same '{"ok":true}' "$output"
}

@test "contract: option values may use --opt=value, and -- ends the options" {
	init_member
	ferry pack create p --description='with = sign' >/dev/null
	same "with = sign" "$(ferry --json pack show p | jp 'd["description"]')"
	run ferry pack create -- --odd-name
	[ "$status" -eq 0 ]
	same "--odd-name" "$(ferry --json pack show -- --odd-name | jp 'd["name"]')"
}

@test "contract: FERRY_NOW fixes the clock; an unreadable FERRY_NOW is an error" {
	init_member
	FERRY_NOW=2000-01-02T03:04:05Z ferry record put member '{"name":"a"}' >/dev/null
	same 2000-01-02T03:04:05Z "$(sql 'SELECT sys_created_at FROM member')"
	FERRY_NOW='2000-01-02 03:04:05Z' ferry record put member '{"name":"b"}' >/dev/null
	same 2000-01-02T03:04:05Z "$(sql "SELECT sys_created_at FROM member WHERE name = 'b'")"
	snapshot
	FERRY_NOW=2000-13-01T00:00:00Z expect_error 1 "cannot read the time '2000-13-01T00:00:00Z'" record put member '{"name":"c"}'
	FERRY_NOW=2000-01-01T00:00:00+03:00 expect_error 1 "cannot read the time" record put member '{"name":"c"}'
	assert_unchanged
}

@test "contract: without FERRY_NOW the real clock is used" {
	init_member
	unset FERRY_NOW
	ferry record put member '{"name":"a"}' >/dev/null
	year=$(date -u +%Y)
	[[ "$(sql 'SELECT sys_created_at FROM member')" == "$year"-*T*Z ]]
}

@test "contract: times in JSON are UTC ISO-8601" {
	init_member --tz Asia/Tokyo
	id=$(ferry record put member '{"name":"a"}')
	same "$NOW" "$(ferry --json record history member "$id" | jp 'd[0]["at"]')"
	ferry pack create p >/dev/null
	ferry pack complete p >/dev/null
	same "$NOW" "$(ferry --json pack list | jp 'd[1]["completed_at"]')"
}

@test "contract: 'ferry GROUP --help' lists the group's commands" {
	run --separate-stderr ferry pack --help
	[ "$status" -eq 0 ]
	same "usage: ferry pack COMMAND [ARGS]" "${lines[0]}"
	[[ "$output" == *"pack export"* ]]
	[[ "$output" != *"record put"* ]]
	[ -z "$stderr" ]
}

@test "contract: an unknown command of a group is a usage error naming it" {
	run --separate-stderr ferry pack frob
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == "ferry: unknown command 'pack frob'"* ]]
	[[ "$stderr" == *"pack create"* ]]
	run --separate-stderr ferry frob
	[ "$status" -eq 2 ]
	[[ "$stderr" == "ferry: unknown command 'frob'"* ]]
}
