# schema_steps.bash - SQL that takes a new SQLite instance back before a
# schema step, for the tests that open an instance of an older ferry.

# undo_payload_table [noseal]: before schema 10, the staged values lived
# in ferry_import_item's own columns (sqlite/schema.c, 9 -> 10); seal
# too, unless noseal (an instance from before schema 5).
undo_payload_table() {
	local cols="version base policy vendor payload old body seal" c set=
	[ "${1:-}" = noseal ] && cols=${cols% seal}
	for c in $cols; do
		echo "ALTER TABLE ferry_import_item ADD COLUMN $c;"
		set="$set${set:+, }$c = p.$c"
	done
	echo "UPDATE ferry_import_item AS i SET $set FROM ferry_import_payload p"
	echo "  WHERE p.import_id = i.import_id AND p.item = i.item;"
	echo "DROP TABLE ferry_import_payload;"
}
