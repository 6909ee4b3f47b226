#!/usr/bin/env bats
# import_types_same.bats - the same change made on both sides is no
# conflict (a same_change info), over every field type, from the table in
# helpers/import_types.bash (docs/import.md, "Preview").

load helpers/import_types

@test "rule: types: nvarchar: the same change of a nvarchar field on both sides is no conflict (same_change)" { change_same nvarchar; }
@test "rule: types: nchar: the same change of a nchar field on both sides is no conflict (same_change)" { change_same nchar; }
@test "rule: types: int: the same change of a int field on both sides is no conflict (same_change)" { change_same int; }
@test "rule: types: bigint: the same change of a bigint field on both sides is no conflict (same_change)" { change_same bigint; }
@test "rule: types: decimal: the same change of a decimal field on both sides is no conflict (same_change)" { change_same decimal; }
@test "rule: types: bool: the same change of a bool field on both sides is no conflict (same_change)" { change_same bool; }
@test "rule: types: date: the same change of a date field on both sides is no conflict (same_change)" { change_same date; }
@test "rule: types: datetime: the same change of a datetime field on both sides is no conflict (same_change)" { change_same datetime; }
@test "rule: types: text: the same change of a text field on both sides is no conflict (same_change)" { change_same text; }
@test "rule: types: json: the same change of a json field on both sides is no conflict (same_change)" { change_same json; }
@test "rule: types: ref: the same change of a ref field on both sides is no conflict (same_change)" { change_same ref; }
