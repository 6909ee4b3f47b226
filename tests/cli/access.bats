#!/usr/bin/env bats
# access.bats - passwords, API tokens and the audit log on the command
# line (issue 14): who may set what, what is stored, what is shown once.

load foundation_helpers
load schema_steps

@test "rule: user passwd stores an argon2id hash, never the password" {
	init_db
	run --separate-stderr ferry user passwd admin --password-stdin <<<'correct horse battery'
	[ "$status" -eq 0 ]
	same "set the password of admin" "$output"
	run sql "SELECT password FROM ferry_user WHERE name = 'admin'"
	[[ "$output" == '$argon2id$'* ]]
	# Nowhere in the instance: its file, or on PostgreSQL its dump.
	if on_postgres; then
		dump_instance "$FERRY_DB" >dump.sql
		run grep -c 'correct horse battery' dump.sql
	else
		run grep -c 'correct horse battery' "$FERRY_DB"
	fi
	[ "$output" = 0 ]
}

@test "rule: user passwd refuses a short password and changes nothing" {
	init_db
	snapshot
	run --separate-stderr ferry user passwd admin --password-stdin <<<'short'
	[ "$status" -eq 1 ]
	[[ "$stderr" == "ferry: a password needs at least 8 characters"* ]]
	assert_unchanged
}

@test "rule: user passwd without a terminal needs --password-stdin" {
	init_db
	run --separate-stderr ferry user passwd admin </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--password-stdin"* ]]
}

@test "rule: a non-admin sets only their own password and tokens" {
	init_db
	ferry user add bob >/dev/null
	run ferry --user bob user passwd bob --password-stdin <<<'bobs password'
	[ "$status" -eq 0 ]
	snapshot
	run --separate-stderr ferry --user bob user passwd admin --password-stdin <<<'take over admin'
	[ "$status" -eq 1 ]
	[[ "$stderr" == "ferry: only admins may set the password of another user"* ]]
	run --separate-stderr ferry --user bob token create admin
	[ "$status" -eq 1 ]
	run --separate-stderr ferry --user bob token list admin
	[ "$status" -eq 1 ]
	assert_unchanged
}

@test "rule: token create shows the token once and stores only its hash" {
	init_db
	run --separate-stderr ferry --json token create admin --label ci
	[ "$status" -eq 0 ]
	token=$(echo "$output" | jp 'd["token"]')
	[[ "$token" =~ ^ferry_[0-9a-f]{64}$ ]]
	same ci "$(echo "$output" | jp 'd["label"]')"
	run sql "SELECT count(*) FROM ferry_token WHERE hash = '${token#ferry_}' OR label LIKE '%$token%'"
	same 0 "$output"
	run ferry --json token list
	same '[{"id":1,"user":"admin","label":"ci","created_at":"2021-12-31T12:00:00Z","last_used_at":null}]' "$output"
	[[ "$output" != *"$token"* ]]
}

@test "rule: token list shows a non-admin only their own tokens" {
	init_db
	ferry user add bob >/dev/null
	ferry token create admin >/dev/null
	ferry --user bob token create bob --label mine >/dev/null
	run ferry --user bob --json token list
	same bob "$(echo "$output" | jp 'd[0]["user"]')"
	same 1 "$(echo "$output" | jp 'len(d)')"
	run ferry --json token list
	same 2 "$(echo "$output" | jp 'len(d)')"
}

@test "rule: token revoke takes a token out of the list; twice is an error" {
	init_db
	ferry token create admin >/dev/null
	run ferry token revoke 1
	[ "$status" -eq 0 ]
	same "revoked token 1" "$output"
	run ferry --json token list
	same '[]' "$output"
	run --separate-stderr ferry token revoke 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == "ferry: no live token 1"* ]]
}

@test "rule: audit list is for admins and names who did what from where" {
	init_db
	ferry user add bob >/dev/null
	ferry token create admin --label x >/dev/null
	run --separate-stderr ferry --json audit list
	[ "$status" -eq 0 ]
	same "token create" "$(echo "$output" | jp 'd[0]["operation"]')"
	same admin "$(echo "$output" | jp 'd[0]["user"]')"
	same local "$(echo "$output" | jp 'd[0]["address"]')"
	run --separate-stderr ferry --json audit list --since 2022-01-01T00:00:00Z
	same '[]' "$output"
	run --separate-stderr ferry --user bob audit list
	[ "$status" -eq 1 ]
	[[ "$stderr" == "ferry: only admins may read the audit log"* ]]
	run --separate-stderr ferry audit list --since yesterday
	[ "$status" -eq 1 ]
}

@test "rule: serve checks its options before it listens" {
	init_db
	run --separate-stderr ferry serve --tls-cert x.pem
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"give both --tls-cert and --tls-key"* ]]
	run --separate-stderr ferry serve --workers 0
	[ "$status" -eq 2 ]
	run --separate-stderr ferry serve --listen nowhere
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot read --listen 'nowhere'"* ]]
	run --separate-stderr ferry --db missing.db serve
	[ "$status" -eq 1 ]
}

@test "rule: an instance made before passwords and tokens is upgraded when opened" {
	skip_on_postgres "instances of schema versions before 9 exist only as files"
	init_db
	ferry user add bob >/dev/null
	# Back to schema 1: no password column, no token, session, failed
	# login or audit tables, no key or trust tables, no import columns
	# of schema 4, no item seal, no pack export time, no external names.
	sql "$(undo_payload_table noseal)"
	sql "DROP TABLE ferry_token; DROP TABLE ferry_session;
		DROP TABLE ferry_login_failure; DROP TABLE ferry_audit;
		ALTER TABLE ferry_user DROP COLUMN password;
		DROP TABLE ferry_key; DROP TABLE ferry_trust;
		ALTER TABLE ferry_import_plan DROP COLUMN same;
		ALTER TABLE ferry_import_plan DROP COLUMN applied;
		ALTER TABLE ferry_import_resolution DROP COLUMN whole;
		ALTER TABLE ferry_pack DROP COLUMN exported_at;
		ALTER TABLE ferry_import_problem RENAME COLUMN facts TO message;
		DROP INDEX sys_field_external;
		ALTER TABLE sys_field DROP COLUMN external_name;
		ALTER TABLE ferry_pack_item DROP COLUMN base;
		ALTER TABLE ferry_pack_item DROP COLUMN old;
		PRAGMA user_version = 1;"
	run ferry --json user list
	[ "$status" -eq 0 ]
	same "$SCHEMA_LATEST" "$(sql 'PRAGMA user_version')"
	# ...and on to the latest schema: packs know when they were first exported.
	same "" "$(sql 'SELECT exported_at FROM ferry_pack')"
	run ferry user passwd bob --password-stdin <<<'a good password'
	[ "$status" -eq 0 ]
	run ferry --json token create bob
	[ "$status" -eq 0 ]
	same 2 "$(sql 'SELECT count(*) FROM ferry_audit')"
}
