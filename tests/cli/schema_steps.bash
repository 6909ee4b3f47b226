# schema_steps.bash - SQL that takes a new SQLite instance back before a
# schema step, for the tests that open an instance of an older ferry.
# Each takes it back before every later step too, where a step cannot
# run twice.

# The schema version a new instance of this ferry has, and every older
# one reaches when opened: one place to move at each new step.
SCHEMA_LATEST=20

# undo_outcomes: before schema 20, commit recorded an item's outcome in
# its plan row (sqlite/schema.c, 19 -> 20).
undo_outcomes() {
	cat <<'SQL'
ALTER TABLE ferry_import_plan ADD COLUMN outcome TEXT;
UPDATE ferry_import_plan AS p SET outcome = o.outcome,
	detail = coalesce(o.detail, p.detail)
	FROM ferry_import_outcome o
	WHERE o.import_id = p.import_id AND o.item = p.item;
DROP TABLE ferry_import_outcome;
SQL
}

# undo_frozen_packs: before schema 19, a completed pack kept no copy of
# its items for export (sqlite/schema.c, 18 -> 19).
undo_frozen_packs() {
	undo_outcomes
	cat <<'SQL'
DROP TABLE ferry_pack_frozen;
ALTER TABLE ferry_pack DROP COLUMN frozen_mark;
ALTER TABLE ferry_pack DROP COLUMN frozen_format;
SQL
}

# undo_plan_marks: before schema 18, a commit marked the plan rows it
# wrote set-wise (sqlite/schema.c, 17 -> 18).
undo_plan_marks() {
	undo_frozen_packs
	cat <<'SQL'
ALTER TABLE ferry_import_plan ADD COLUMN fast INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ferry_import_plan ADD COLUMN before_id INTEGER;
ALTER TABLE ferry_import_plan ADD COLUMN before_hash TEXT;
SQL
}

# undo_version_payload: before schema 15, a staged payload lived in
# ferry_import_payload and every version held its own (sqlite/schema.c,
# 14 -> 15).
undo_version_payload() {
	undo_plan_marks
	cat <<'SQL'
UPDATE ferry_import_payload AS s SET payload = vp.payload
	FROM ferry_version_payload vp WHERE vp.k = s.k;
UPDATE ferry_version AS v SET payload = vp.payload
	FROM ferry_version_payload vp WHERE vp.k = v.payload_k;
ALTER TABLE ferry_version DROP COLUMN payload_k;
DROP TABLE ferry_version_payload;
SQL
}

# undo_item_refs: before schema 14, the items kept no reference values
# (sqlite/schema.c, 13 -> 14).
undo_item_refs() {
	undo_version_payload
	echo "ALTER TABLE ferry_import_item DROP COLUMN refs;"
}

# undo_stage_verdict: before schema 13, the items kept no verdict of
# their own (sqlite/schema.c, 12 -> 13).
undo_stage_verdict() {
	undo_item_refs
	echo "ALTER TABLE ferry_import_item DROP COLUMN stage_code;"
	echo "ALTER TABLE ferry_import_item DROP COLUMN stage_system;"
}

# undo_payload_table [noseal]: before schema 10, the staged values lived
# in ferry_import_item's own columns (sqlite/schema.c, 9 -> 10); seal
# too, unless noseal (an instance from before schema 5).
undo_payload_table() {
	local cols="version base policy vendor payload old body seal" c set=
	[ "${1:-}" = noseal ] && cols=${cols% seal}
	undo_stage_verdict
	for c in $cols; do
		echo "ALTER TABLE ferry_import_item ADD COLUMN $c;"
		set="$set${set:+, }$c = p.$c"
	done
	echo "UPDATE ferry_import_item AS i SET $set FROM ferry_import_payload p"
	echo "  WHERE p.import_id = i.import_id AND p.item = i.item;"
	echo "DROP TABLE ferry_import_payload;"
}

# undo_check_comparisons: before schema 12, the CHECK constraints held IN
# lists (sqlite/schema.c, 11 -> 12): every table's text as schema 11
# wrote it, through writable_schema as SQLite documents for a CHECK
# change.  The policy lists come back as schema 1 wrote them; the
# others as one line each.
undo_check_comparisons() {
	undo_stage_verdict
	cat <<'SQL'
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
	'CHECK (sys_policy = ''open'' OR sys_policy = ''changed'' OR sys_policy = ''protected'')',
	'CHECK (sys_policy IN (''open'',''changed'',''protected''))')
	WHERE type = 'table';
UPDATE sqlite_schema SET sql = replace(sql,
	'CHECK (action = ''insert'' OR action = ''update'' OR action = ''delete'')',
	'CHECK (action IN (''insert'',''update'',''delete''))')
	WHERE name = 'ferry_version';
UPDATE sqlite_schema SET sql = replace(sql,
	'CHECK (decision = ''insert'' OR decision = ''update'' OR decision = ''merge'' OR decision = ''delete'' OR decision = ''skip'')',
	'CHECK (decision IN (''insert'',''update'',  ''merge'',''delete'',''skip''))')
	WHERE name = 'ferry_import_plan';
PRAGMA schema_version = 1000;
PRAGMA writable_schema = OFF;
SQL
}
