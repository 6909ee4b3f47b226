# import_types.bash - the import scenarios over every field type, driven
# by one table (import_types.bats, import_types_same.bats).
#
# Entity "thing" has the field v of the type under test and an unrelated
# field note.  Record A starts at v = BASE in both instances; then
#   here:  the target changes v, the package changes only note;
#   there: the package changes v, the target changes only note;
#   both:  both change v, to different values (a conflict);
#   same:  both change v to the same value, the target also note.
# Load it with:  load helpers/import_types

load helpers/import_helpers

# The table: TYPE | field type | BASE | V1 | V2, values as canonical JSON
# (what 'ferry --json record get' prints).  For ref, @1 @2 @3 stand for
# the sys_ids of three other things.  V1 is the package's value, V2 the
# target's, each different from BASE and from each other; the strings
# carry escapes and 2-, 3- and 4-byte UTF-8.
type_row() {
	case $1 in
	nvarchar) row 'nvarchar(20)' '"ann"' '"tab\t\"é€😀\""' '"a\\b/c"' ;;
	nchar)    row 'nchar(10)' '"ab"' '"cd é"' '"😀😀😀😀😀😀😀😀😀😀"' ;;
	int)      row int 30 -2147483648 2147483647 ;;
	bigint)   row bigint 9007199254740993 -9223372036854775808 \
	              9223372036854775807 ;;
	decimal)  row 'decimal(8,2)' '"10.50"' '"-123456.78"' '"0.01"' ;;
	bool)     row bool true false null ;;
	date)     row date '"2021-01-02"' '"1999-12-31"' '"2024-02-29"' ;;
	datetime) row datetime '"2021-01-02T03:04:05Z"' \
	              '"1999-12-31T23:59:59Z"' '"2024-02-29T00:00:00Z"' ;;
	text)     row text '"line one"' '"line\nnext \"q\" \\ é\t/"' \
	              '"other \u0001 text"' ;;
	json)     row json '{"a":1}' '{"a":{"c":true},"b":[1,"é",null,2.5]}' \
	              '[1,"x"]' ;;
	ref)      row 'ref(thing)' '"@1"' '"@2"' '"@3"' ;;
	*)        echo "no row for type $1" >&2; return 1 ;;
	esac
}

row() {
	FTYPE=$1 BASE=$2 V1=$3 V2=$4
}

# The refs @1..@3 replaced by the sys_ids T1..T3.
refs() {
	local v=$1
	v=${v//@1/$T1}
	v=${v//@2/$T2}
	printf '%s' "${v//@3/$T3}"
}

# v of record A in an instance, as canonical JSON: value INSTANCE
value() {
	"$1" --json record get thing "$A" | python3 -c '
import json, sys
print(json.dumps(json.load(sys.stdin).get("v"), separators=(",", ":"),
                 sort_keys=True, ensure_ascii=False))'
}

# put INSTANCE JSON-FIELDS: update record A.
put() {
	"$1" record put thing "{\"sys_id\":\"$A\",$2}" >/dev/null
}

# typed_pair TYPE: src and dst share record A (v = BASE, note "n0"),
# imported from src's pack "base".  Sets A (and T1..T3 for ref).
typed_pair() {
	type_row "$1" || return 1
	src init --name dev >/dev/null
	src pack create base --use >/dev/null
	src entity create thing >/dev/null
	src field add thing v "$FTYPE" >/dev/null
	src field add thing note 'nvarchar(20)' >/dev/null
	T1=$(src record put thing '{"note":"t1"}')
	T2=$(src record put thing '{"note":"t2"}')
	T3=$(src record put thing '{"note":"t3"}')
	BASE=$(refs "$BASE") V1=$(refs "$V1") V2=$(refs "$V2")
	A=$(src record put thing "{\"v\":$BASE,\"note\":\"n0\"}")
	same "$BASE" "$(value src)" "the table's BASE is canonical"
	export_pack base
	dst init --name test >/dev/null
	dst import apply base.sop --no-backup >/dev/null
	same "$BASE" "$(value dst)"
}

# The package p2 from src's changes, loaded into dst: sets ID.
ship() {
	export_pack p2
	ID=$(load_id p2.sop)
}

# Problems of A's item as kind:severity, sorted.
problems_of_a() {
	dst --json import preview "$ID" | jp "','.join(sorted(p['kind'] + \
':' + p['severity'] for p in d['problems'] if p['sys_id'] == '$A'))"
}

# clean_merge FIELD: import ID previews as one clean merge of A, whose
# package changes only FIELD, and commits.
clean_merge() {
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["actions"]["merge"]')"
	same local_change:info "$(problems_of_a)"
	[[ "$(echo "$output" | jp 'd["problems"][0]["message"]')" == *"not in the fields the package changes ($1)"* ]]
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same 1 "$(echo "$output" | jp 'd["outcomes"]["merged"]')"
}

# here TYPE: the target's change of v is kept, the package's note merged.
change_here() {
	typed_pair "$1"
	begin_pack p2
	put src '"note":"n1"'
	ship
	put dst "\"v\":$V1"
	same "$V1" "$(value dst)" "the table's V1 is canonical"
	clean_merge note
	same "$V1" "$(value dst)" "the target's change is kept"
	same n1 "$(field dst thing "$A" note)"
}

# there TYPE: the package's change of v merges with the target's note.
change_there() {
	typed_pair "$1"
	begin_pack p2
	put src "\"v\":$V1"
	same "$V1" "$(value src)" "the table's V1 is canonical"
	ship
	put dst '"note":"local"'
	clean_merge v
	same "$V1" "$(value dst)" "the package's change is merged in"
	same local "$(field dst thing "$A" note)"
}

# both TYPE: different changes of v conflict; skip answers the problem,
# accept takes the package's.
change_both() {
	typed_pair "$1"
	begin_pack p2
	put src "\"v\":$V1"
	ship
	put dst "\"v\":$V2"
	same "$V2" "$(value dst)" "the table's V2 is canonical"
	run dst --json import preview "$ID"
	[ "$status" -eq 3 ]
	same 1 "$(echo "$output" | jp 'd["unresolved"]')"
	same local_change:error "$(problems_of_a)"
	[[ "$(echo "$output" | jp 'd["problems"][0]["message"]')" == *"a field the package changes (v) also changed there"* ]]
	expect_error 3 "unresolved problems" dst import commit "$ID" --no-backup
	same "$V2" "$(value dst)" "nothing committed"
	item=$(item_of "$ID" "$A")
	dst import resolve "$ID" skip "$item" >/dev/null
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	dst import resolve "$ID" accept "$item" >/dev/null
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same "$V1" "$(value dst)" "accept takes the package's value"
	same n0 "$(field dst thing "$A" note)"
}

# same TYPE: the same change on both sides is no conflict (same_change,
# info); the target's other change is kept.
change_same() {
	typed_pair "$1"
	begin_pack p2
	put src "\"v\":$V1"
	ship
	put dst "\"v\":$V1,\"note\":\"local\""
	run dst --json import preview "$ID"
	[ "$status" -eq 0 ]
	same 0 "$(echo "$output" | jp 'd["unresolved"]')"
	# same_change says so; a local_change info may name the target's
	# note, merged beside it; nothing is an error.
	problems=",$(problems_of_a),"
	[[ "$problems" == *",same_change:info,"* ]]
	[[ "$problems" != *":error,"* ]]
	run dst --json import commit "$ID" --no-backup
	[ "$status" -eq 0 ]
	same "$V1" "$(value dst)"
	same local "$(field dst thing "$A" note)"
}
