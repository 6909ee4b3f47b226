#!/usr/bin/env bats
# demo.bats - the end-to-end demo of the README's quick start runs to its
# end and tells the whole story.

load foundation_helpers

@test "demo: make demo's script runs end to end and leaves its files in its own folder" {
	run env DEMO_OUT="$BATS_TEST_TMPDIR/demo" bash "$FERRY_SRC/scripts/demo" "$FERRY_BIN"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	for step in "Two instances" "Export:" "Preview on prod: one real conflict" \
		"Resolve:" "Back out:" "Entity packs:" "A formula deployed" \
		"The web page:" "Explore further"; do
		[[ "$output" == *"$step"* ]] || { echo "missing step: $step" >&2; false; }
	done
	[[ "$output" == *"error local_change"* ]]
	[[ "$output" == *"info local_change"* ]]
	instance_exists "$BATS_TEST_TMPDIR/demo/prod.db"
	# rule: the demo ends with how to open the web page on prod.
	[[ "$output" == *"make serve"* ]]
	[[ "$output" == *"user: olga    password: ferry-demo-password"* ]]
	[ -f "$BATS_TEST_TMPDIR/demo/entity-packs/member.sop" ]
	ls "$BATS_TEST_TMPDIR/demo/"release-1_2021-12-31\ 15:00:00.sop
}
