#!/usr/bin/env bats
# everyday.bats - the everyday commands around the core (docs/cli.md,
# docs/cli/backup.md, docs/cli/pack.md, docs/cli/record.md): global
# options anywhere, JSON errors, backups, pack rename/delete/remove,
# record filters and pages, readable listings, progress, the --force
# warning.

load foundation_helpers

# ---- global options anywhere ------------------------------------------------

@test "rule: --db, --user and --json are accepted after the command too" {
	unset FERRY_DB
	ferry init --db dev.db >/dev/null
	ferry entity create member --db dev.db >/dev/null
	run --separate-stderr ferry entity list --db dev.db
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == member* ]]
	same member "$(ferry entity list --json --db=dev.db | jp 'd[0]["name"]')"
	ferry user add bob --db dev.db >/dev/null
	# --user after the command: bob is no admin, so entity create is refused.
	expect_error 1 "only admins may" entity create other --db dev.db --user bob
	same bob "$(ferry pack current --db dev.db --user=bob --json | jp 'd["user"]')"
	# Between the command's own arguments, and after its options.
	same "created pack p" "$(ferry pack create --db dev.db p --description x)"
	expect_error 2 "--db needs a value" entity list --db
	expect_error 2 "unknown option '--dbx'" entity list --dbx dev.db
}

@test "rule: after -- a global option's name is an argument" {
	init_db
	same "created pack --db" "$(ferry pack create -- --db)"
}

# ---- --json errors ------------------------------------------------------------

# json_error STATUS CODE CMD...: CMD exits STATUS with nothing on stdout
# and one line {"error":{"code":CODE,"message":...}} on stderr.
json_error() {
	local want=$1 code=$2
	shift 2
	run --separate-stderr "$FERRY_BIN" "$@"
	[ "$status" -eq "$want" ] || { echo "exit $status, expected $want: $stderr" >&2; return 1; }
	[ -z "$output" ] || { echo "stdout: $output" >&2; return 1; }
	same 1 "$(printf '%s\n' "$stderr" | wc -l | tr -d ' ')" "one line"
	same "$code" "$(echo "$stderr" | jp 'd["error"]["code"]')"
	same '["error"]' "$(echo "$stderr" | jp 'list(d)')"
	same '["code","message"]' "$(echo "$stderr" | jp 'list(d["error"])')"
}

@test "rule: with --json an error is {\"error\":{\"code\",\"message\"}} on stderr, with the same exit codes" {
	init_member
	ferry user add bob >/dev/null
	json_error 1 not_found --json entity show ghost
	same "no entity 'ghost'; see 'ferry entity list'" "$(echo "$stderr" | jp 'd["error"]["message"]')"
	json_error 1 not_found entity show ghost --json
	json_error 1 denied --json --user bob entity create x
	json_error 1 exists --json entity create member
	json_error 1 invalid --json record put member '{"age":"x"}'
	json_error 2 usage --json frobnicate
	json_error 2 usage user add --json
	json_error 2 usage --json user add bob --tz
	json_error 2 usage --json --frob user list
	json_error 1 state --json pack complete Default
	# Without --json the same errors stay one plain line.
	expect_error 1 "no entity 'ghost'" entity show ghost
}

@test "rule: an import with unresolved problems is exit 3 and code unresolved_problems under --json" {
	ferry --db src.db init --name dev >/dev/null
	ferry --db src.db pack create f --use >/dev/null
	ferry --db src.db formula create fee --inputs 'a:decimal' --outputs 'total' >/dev/null
	ferry --db src.db pack add f formula fee --version 1 >/dev/null
	ferry --db src.db pack complete f >/dev/null
	ferry --db src.db pack export f --output f.sop >/dev/null
	ferry --db dst.db init >/dev/null
	ferry --db dst.db formula create fee --inputs 'a:decimal' --outputs 'total' >/dev/null
	id=$(ferry --db dst.db --json import load f.sop | jp 'd["id"]')
	run ferry --db dst.db import preview "$id"
	[ "$status" -eq 3 ]
	json_error 3 unresolved_problems --db dst.db --json import commit "$id"
}

# ---- backups ------------------------------------------------------------------

# A backup of the instance as it is now, taken the way ferry takes them
# (an entity unpack backs the instance up first).
take_backup() {
	rm -rf packs && mkdir packs
	ferry entity pack member --dir packs >/dev/null
	ferry entity unpack packs >/dev/null
}

@test "rule: backup list shows the instance's backups oldest first with path, created_at and bytes" {
	init_member
	same "no backups" "$(ferry backup list)"
	same "[]" "$(ferry --json backup list)"
	take_backup
	FERRY_NOW=2022-01-01T08:00:00Z take_backup
	# Another instance's backups beside it are not ours.
	touch other.db.backup-20211231T120000Z.db
	run ferry --json backup list
	[ "$status" -eq 0 ]
	same '[["i.db.backup-20211231T120000Z.db","2021-12-31T12:00:00Z"],["i.db.backup-20220101T080000Z.db","2022-01-01T08:00:00Z"]]' \
		"$(echo "$output" | jp '[[p["path"].split("/")[-1], p["created_at"]] for p in d]')"
	same '["bytes","created_at","path"]' "$(echo "$output" | jp 'sorted(d[0])')"
	same "$(stat -c %s i.db.backup-20211231T120000Z.db)" "$(echo "$output" | jp 'd[0]["bytes"]')"
	# Two in the same second: -1 sorts after the first.
	take_backup
	same '["20211231T120000Z.db","20211231T120000Z-1.db","20220101T080000Z.db"]' \
		"$(ferry --json backup list | jp '[p["path"].split("backup-")[1] for p in d]')"
	run ferry backup list
	[[ "${lines[0]}" == "created_at"*"bytes"*"path" ]]
}

@test "rule: backup restore brings the backup's content back and backs up the state before" {
	init_member
	id=$(ferry record put member '{"name":"kept"}')
	take_backup
	backup=$(ferry --json backup list | jp 'd[0]["path"]')
	ferry record put member "{\"sys_id\":\"$id\",\"name\":\"changed\"}" >/dev/null
	ferry record put member '{"name":"new"}' >/dev/null
	FERRY_NOW=2022-02-02T10:00:00Z run --separate-stderr ferry --json backup restore "$backup" --yes
	[ "$status" -eq 0 ]
	same "$backup" "$(echo "$output" | jp 'd["restored"]')"
	before=$(echo "$output" | jp 'd["backup"]')
	same "$BATS_TEST_TMPDIR/i.db.backup-20220202T100000Z.db" "$before"
	same "kept" "$(sql "SELECT group_concat(name) FROM member")"
	# The state before the restore is kept whole, so the restore can be undone.
	same "changed,new" "$(sqlite3 "$before" "SELECT group_concat(name) FROM (SELECT name FROM member ORDER BY name)")"
	run ferry backup restore "$before" --yes
	[ "$status" -eq 0 ]
	same "restored $before" "${lines[0]}"
	same "changed,new" "$(sql "SELECT group_concat(name) FROM (SELECT name FROM member ORDER BY name)")"
	# The instance still works after a restore.
	ferry record put member '{"name":"after"}' >/dev/null
	same 3 "$(sql "SELECT count(*) FROM member")"
}

@test "rule: backup restore refuses a cut-off, damaged or foreign file and changes nothing" {
	skip_on_postgres "cut-off and damaged SQLite backup files"
	init_member
	ferry record put member '{"name":"a"}' >/dev/null
	take_backup
	backup=$(ferry --json backup list | jp 'd[0]["path"]')
	# Cut off: the first half of a backup.
	head -c $(( $(stat -c %s "$backup") / 2 )) "$backup" >cut.db
	refused "cut.db is not a whole ferry backup" backup restore cut.db --yes
	# Damaged: a page overwritten in the middle.
	cp "$backup" damaged.db
	printf 'garbage%.0s' $(seq 1 600) | dd of=damaged.db bs=1 seek=8192 conv=notrunc 2>/dev/null
	refused "damaged.db is not a whole ferry backup" backup restore damaged.db --yes
	# Not an instance at all.
	sqlite3 plain.db "CREATE TABLE t (a)"
	refused "plain.db is not a ferry instance or backup" backup restore plain.db --yes
	echo "hello" >text.db
	refused "text.db is not a whole ferry backup" backup restore text.db --yes
	# A backup of another instance.
	ferry --db other.db init --name other >/dev/null
	refused "other.db is a backup of another instance ('other'" backup restore other.db --yes
	refused "no file missing.db" backup restore missing.db --yes
	refused "is the instance itself" backup restore i.db --yes
	# None of these took a backup either.
	same 1 "$(ferry --json backup list | jp 'len(d)')"
}

@test "rule: backup restore is for admins, and needs --yes off a terminal" {
	init_member
	take_backup
	backup=$(ferry --json backup list | jp 'd[0]["path"]')
	ferry user add bob >/dev/null
	refused "only admins may restore backups" --user bob backup restore "$backup" --yes
	snapshot
	expect_error 2 "confirm with --yes" backup restore "$backup" </dev/null
	assert_unchanged
	same 1 "$(ferry --json backup list | jp 'len(d)')"
}

@test "rule: backup restore on a terminal asks first; anything but y restores nothing" {
	init_member
	take_backup
	backup=$(ferry --json backup list | jp 'd[0]["path"]')
	ferry record put member '{"name":"later"}' >/dev/null
	run script -qec "printf 'n\n' | '$FERRY_BIN' backup restore '$backup'" /dev/null
	# stdin is a pipe here, so it refuses as off a terminal.
	[[ "$output" == *"confirm with --yes"* ]]
	same later "$(sql "SELECT name FROM member")"
}

# ---- packs --------------------------------------------------------------------

@test "rule: pack rename follows the name rules; Default keeps its name" {
	init_member
	ferry pack create P --use >/dev/null
	ferry record put member '{"name":"a"}' >/dev/null
	ferry pack create taken >/dev/null
	same "renamed pack P to Q" "$(ferry pack rename P Q)"
	same '["Default","Q","taken"]' "$(ferry --json pack list | jp '[p["name"] for p in d]')"
	# Items and users follow the pack.
	same Q "$(ferry --json pack current | jp 'd["name"]')"
	same 1 "$(ferry --json pack show Q | jp 'len(d["items"])')"
	refused "a pack named 'taken' already exists" pack rename Q taken
	refused "no pack named 'P'" pack rename P R
	refused "the Default pack keeps its name" pack rename Default D
	refused "invalid pack name" pack rename Q ""
	refused "invalid pack name" pack rename Q "$(printf 'a\tb')"
	refused "invalid pack name" pack rename Q "$(printf 'x%.0s' $(seq 1 201))"
	same '{"ok":true}' "$(ferry --json pack rename Q "$(printf 'x%.0s' $(seq 1 200))")"
}

@test "rule: pack delete takes an empty or never exported pack; never Default; admins only" {
	init_member
	ferry user add bob >/dev/null
	ferry pack create empty >/dev/null
	ferry pack create P --use >/dev/null
	id=$(ferry record put member '{"name":"a"}')
	refused "only admins may delete packs" --user bob pack delete empty
	refused "the Default pack is never deleted" pack delete Default
	refused "no pack named 'ghost'" pack delete ghost
	same "deleted pack empty" "$(ferry pack delete empty)"
	# Never exported, with items: deleted; the versions stay, without a pack.
	ferry pack delete P >/dev/null
	same '["Default"]' "$(ferry --json pack list | jp '[p["name"] for p in d]')"
	same Default "$(ferry --json pack current | jp 'd["name"]')"
	same '[null]' "$(ferry --json record history member "$id" | jp '[v["pack"] for v in d]')"
	same 0 "$(sql "SELECT count(*) FROM ferry_pack_item WHERE pack_id NOT IN (SELECT id FROM ferry_pack)")"
	# Exported and not empty: refused; emptied: deleted.
	ferry pack create E --use >/dev/null
	id2=$(ferry record put member '{"name":"b"}')
	ferry pack complete E >/dev/null
	ferry pack export E --output e.sop >/dev/null
	refused "pack 'E' was exported (first at 2021-12-31T12:00:00Z) and holds 1 item(s)" pack delete E
	ferry pack reopen E >/dev/null
	ferry pack remove E "$id2" >/dev/null
	same "deleted pack E" "$(ferry pack delete E)"
}

@test "rule: pack remove takes one item out of an in-progress pack, by sys_id or schema name" {
	init_member
	ferry formula create fee --inputs 'a:int' --outputs 'total' >/dev/null
	ferry pack create P --use >/dev/null
	a=$(ferry record put member '{"name":"a"}')
	b=$(ferry record put member '{"name":"b"}')
	ferry field add member note text >/dev/null
	ferry pack add P formula fee --version 1 >/dev/null
	same "removed $a from pack P" "$(ferry pack remove P "$a")"
	same "removed member $b from pack P" "$(ferry pack remove P member "$b")"
	same "removed member.note from pack P" "$(ferry pack remove P member.note)"
	same "removed formula fee from pack P" "$(ferry pack remove P formula fee)"
	same '[]' "$(ferry --json pack show P | jp '[i["sys_id"] for i in d["items"] if i["type"] != "entity"]')"
	same '[]' "$(ferry --json pack show P | jp 'd["definitions"]')"
	# The records themselves are untouched.
	same 2 "$(sql "SELECT count(*) FROM member")"
	refused "pack 'P' holds no item $a" pack remove P "$a"
	refused "pack 'P' holds no formula fee" pack remove P formula fee
	refused "no pack named 'ghost'" pack remove ghost "$a"
	ferry pack complete P >/dev/null
	refused "pack 'P' is completed and frozen" pack remove P member
	expect_error 2 "missing arguments" pack remove P
	expect_error 2 "too many arguments" pack remove P a b c
}

@test "rule: pack show names schema items, has a type column and fits 80 columns" {
	init_member
	ferry pack create P --use >/dev/null
	ferry entity create membership >/dev/null
	ferry field add membership joined_on date >/dev/null
	id=$(ferry record put member '{"name":"a"}')
	run ferry pack show P
	[ "$status" -eq 0 ]
	[[ "$output" == *"type    entity"*"item"*"action"*"version"* ]]
	grep -Eq "^entity +sys_entity +membership +insert " <<<"$output"
	grep -Eq "^field +sys_field +membership.joined_on +insert " <<<"$output"
	grep -Eq "^record +member +$id +insert +[0-9a-f]{12}$" <<<"$output"
	while IFS= read -r line; do
		[ "${#line}" -le 80 ] || { echo "too wide (${#line}): $line" >&2; false; }
	done <<<"$output"
	run ferry --json pack show P
	same '["entity","field","record"]' "$(echo "$output" | jp 'sorted(set(i["type"] for i in d["items"]))')"
	same "membership.joined_on" "$(echo "$output" | jp '[i["name"] for i in d["items"] if i["type"] == "field"][0]')"
	same None "$(echo "$output" | jp 'str([i["name"] for i in d["items"] if i["type"] == "record"][0])')"
	# An item out of date gets a star and a note.
	ferry pack use Default >/dev/null
	ferry record put member "{\"sys_id\":\"$id\",\"name\":\"b\"}" >/dev/null
	run ferry pack show P
	grep -Eq "^record +member +$id +insert +[0-9a-f]{12}\*$" <<<"$output"
	[[ "$output" == *"* 1 item(s) out of date"* ]]
}

@test "rule: long free text in a table is cut with ~ to fit 80 columns; ids never are" {
	init_db
	ferry pack create "$(printf 'p%.0s' $(seq 1 70))" --use --description x >/dev/null
	ferry entity create member >/dev/null
	run ferry pack list
	while IFS= read -r line; do
		[ "${#line}" -le 80 ] || { echo "too wide (${#line}): $line" >&2; false; }
	done <<<"$output"
	[[ "$output" == *"~"* ]]
	COLUMNS=200 run ferry pack list
	[[ "$output" == *"$(printf 'p%.0s' $(seq 1 70))"* ]]
}

@test "rule: a table never cuts a public key, a fingerprint, a time or the sys_id in import show's name" {
	init_member
	ferry key create >/dev/null
	key=$(ferry --json key show | jp 'd["public_key"]')
	fp=$(ferry --json key show | jp 'd["fingerprint"]')
	ferry trust add "$(printf 'n%.0s' $(seq 1 40))" "$key" >/dev/null
	run ferry trust list
	[[ "$output" == *"$fp"* && "$output" == *"$key"* ]]
	[[ "$output" == *"~"* ]]
	[[ "$output" =~ 20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]+Z ]]
	ferry pack create P --use >/dev/null
	m=$(ferry record put member '{"name":"ann"}')
	ferry pack complete P >/dev/null
	ferry pack export P --output p.sop >/dev/null
	ferry --db dst.db init >/dev/null
	id=$(ferry --db dst.db --json import load p.sop 2>/dev/null | jp 'd["id"]')
	run ferry --db dst.db import show "$id"
	[[ "$output" =~ [0-9]+\ +record\ +member\ $m\  ]]
}

# ---- records --------------------------------------------------------------------

@test "rule: record list --filter FIELD=VALUE keeps matching records, each value read as its field's type" {
	init_member
	ferry field add member fee 'decimal(10,2)' >/dev/null
	ferry field add member active bool >/dev/null
	for i in 1 2 3 4 5; do
		ferry record put member "{\"name\":\"n$i\",\"age\":$((i % 2)),\"fee\":\"1$i.5\",\"active\":$([ $i -gt 3 ] && echo true || echo false)}" >/dev/null
	done
	same '["n1","n3","n5"]' "$(ferry --json record list member --filter age=1 | jp 'sorted(r["name"] for r in d)')"
	same '["n3"]' "$(ferry --json record list member --filter fee=13.5 | jp '[r["name"] for r in d]')"
	same '["n5"]' "$(ferry --json record list member --filter age=1 --filter active=true | jp '[r["name"] for r in d]')"
	same '["n2"]' "$(ferry --json record list member --filter name=n2 | jp '[r["name"] for r in d]')"
	same 5 "$(ferry --json record list member --filter sys_policy=open | jp 'len(d)')"
	same 0 "$(ferry --json record list member --filter sys_vendor=true | jp 'len(d)')"
	same "[]" "$(ferry --json record list member --filter name=nobody)"
	# Without --json: JSON Lines, one record a line.
	same 3 "$(ferry record list member --filter age=1 | wc -l | tr -d ' ')"
}

@test "rule: record list --filter refuses an unknown field or a value its type refuses" {
	init_member
	ferry record put member '{"name":"a","age":1}' >/dev/null
	refused "member has no field 'nme' to filter on; its fields: age, name (and sys_id, sys_policy, sys_vendor)" record list member --filter nme=a
	refused "filter age=x: int takes an integer" record list member --filter age=x
	refused "filter age=1.5: int takes an integer" record list member --filter age=1.5
	refused "filter name=$(printf 'x%.0s' $(seq 1 41)): nvarchar(40) holds at most 40 characters" record list member --filter "name=$(printf 'x%.0s' $(seq 1 41))"
	refused "filter sys_policy=mine: a policy is open, changed or protected" record list member --filter sys_policy=mine
	expect_error 2 "--filter takes FIELD=VALUE, not 'age'" record list member --filter age
	expect_error 2 "--filter takes FIELD=VALUE, not '=1'" record list member --filter =1
}

@test "rule: record list --limit and --offset page through the records in sys_id order" {
	init_member
	for i in 1 2 3 4 5; do ferry record put member "{\"name\":\"n$i\"}" >/dev/null; done
	all=$(ferry --json record list member | jp '[r["sys_id"] for r in d]')
	same "$(echo "$all" | jp 'd[:2]')" "$(ferry --json record list member --limit 2 | jp '[r["sys_id"] for r in d]')"
	same "$(echo "$all" | jp 'd[2:4]')" "$(ferry --json record list member --limit 2 --offset 2 | jp '[r["sys_id"] for r in d]')"
	same "$(echo "$all" | jp 'd[4:]')" "$(ferry --json record list member --offset 4 | jp '[r["sys_id"] for r in d]')"
	same "[]" "$(ferry --json record list member --offset 9)"
	expect_error 2 "--limit must be at least 1" record list member --limit 0
	expect_error 2 "--limit must be a whole number, not 'x'" record list member --limit x
	expect_error 2 "--offset must be a whole number, not '-1'" record list member --offset -1
}

# ---- progress ---------------------------------------------------------------------

# run_tty CMD...: run ferry with stdout and stderr on a terminal.
run_tty() {
	local cmd="'$FERRY_BIN'" a
	for a in "$@"; do
		cmd="$cmd '$a'"
	done
	run script -qec "$cmd" /dev/null
}

@test "rule: long commands show progress on a terminal (done of total, rate) and nothing otherwise" {
	init_db
	ferry pack create P --use >/dev/null
	ferry entity create member >/dev/null
	ferry field add member name 'nvarchar(40)' >/dev/null
	seq 1 1500 | sed 's/.*/{"name":"n&"}/' >m.jsonl
	run_tty record load member m.jsonl
	[[ "$output" == *"loading records: 1500 of 1500"* ]]
	ferry pack complete P >/dev/null
	run_tty pack export P --output p.sop
	# The first report, then the last with its rate.
	[[ "$output" == *"exporting: 1000 of 1502"* ]]
	grep -Eq "exporting: 1502 of 1502 \([0-9]+/s\)" <<<"$output"
	ferry --db dst.db init >/dev/null
	run_tty --db dst.db import apply p.sop --no-backup
	grep -Eq "loading: ([0-9]+) of \1" <<<"$output"
	grep -Eq "planning: ([0-9]+) of \1" <<<"$output"
	grep -Eq "committing: ([0-9]+) of \1" <<<"$output"
	id=$(ferry --db dst.db --json import list | jp 'd[0]["id"]')
	run_tty --db dst.db import backout "$id"
	grep -Eq "backing out: ([0-9]+) of \1" <<<"$output"
	# Load and preview one at a time: the load plans too; a preview
	# plans again once the instance has changed.
	ferry --db dst3.db init >/dev/null
	run_tty --db dst3.db import load p.sop
	grep -Eq "loading: ([0-9]+) of \1" <<<"$output"
	grep -Eq "planning: ([0-9]+) of \1" <<<"$output"
	id=$(ferry --db dst3.db --json import list | jp 'd[0]["id"]')
	ferry --db dst3.db entity create other >/dev/null
	run_tty --db dst3.db import preview "$id"
	grep -Eq "planning: ([0-9]+) of \1" <<<"$output"
	# Entity packs: one report per entity unpacked.
	mkdir packs
	ferry entity pack member --dir packs >/dev/null
	ferry --db dst4.db init >/dev/null
	run_tty --db dst4.db entity unpack packs --no-backup
	grep -Eq "unpacking: 1 of 1" <<<"$output"
	# Off a terminal: not a byte of it.
	run --separate-stderr ferry --db dst2.db init
	run --separate-stderr ferry --db dst2.db import apply p.sop --no-backup
	[ "$status" -eq 0 ]
	# (an unsigned package is warned about; no progress line is written)
	[[ "$stderr" != *"loading:"* && "$stderr" != *"planning:"* && "$stderr" != *"committing:"* && "$stderr" != *$'\r'* ]]
	run --separate-stderr ferry record load member m.jsonl
	[ -z "$stderr" ]
}

# ---- export --force -----------------------------------------------------------

@test "seed 000: --force exports an application with vendor records, and the warning stays" {
	init_member
	v=$(ferry record put member '{"name":"vendor"}')
	sql "UPDATE member SET sys_vendor = 1 WHERE sys_id = '$v'"
	ferry pack create P --use >/dev/null
	ferry record put member "{\"sys_id\":\"$v\",\"age\":1}" >/dev/null
	ferry pack complete P >/dev/null
	run --separate-stderr ferry pack export P --as-application --force --output a.sop
	[ "$status" -eq 0 ]
	same a.sop "$output"
	same "ferry: warning: pack 'P' holds 1 vendor record(s) (member $v, for one), exported as a new application because of --force: use this option cautiously, it may cause collisions while updating the system; the plain export is recommended" "$stderr"
	[ -s a.sop ]
	run --separate-stderr ferry --json pack export P --as-application --force --output b.sop
	same 1 "$(echo "$output" | jp 'len([w for w in d["warnings"] if "cautiously" in w])')"
	# The plain export has nothing to warn about.
	run --separate-stderr ferry pack export P --output c.sop
	[ -z "$stderr" ]
}
