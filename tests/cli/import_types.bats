#!/usr/bin/env bats
# import_types.bats - the import scenarios over every field type, from
# the table in helpers/import_types.bash: a change made only in the
# target (here), only in the package (there), and different changes on
# both sides (both) (docs/import.md, "Preview" and "Resolve").  The same
# change on both sides is in import_types_same.bats.

load helpers/import_types

@test "rule: types: nvarchar: the target's change of a nvarchar field is kept, the package's other change merged" { change_here nvarchar; }
@test "rule: types: nchar: the target's change of a nchar field is kept, the package's other change merged" { change_here nchar; }
@test "rule: types: int: the target's change of a int field is kept, the package's other change merged" { change_here int; }
@test "rule: types: bigint: the target's change of a bigint field is kept, the package's other change merged" { change_here bigint; }
@test "rule: types: decimal: the target's change of a decimal field is kept, the package's other change merged" { change_here decimal; }
@test "rule: types: bool: the target's change of a bool field is kept, the package's other change merged" { change_here bool; }
@test "rule: types: date: the target's change of a date field is kept, the package's other change merged" { change_here date; }
@test "rule: types: datetime: the target's change of a datetime field is kept, the package's other change merged" { change_here datetime; }
@test "rule: types: text: the target's change of a text field is kept, the package's other change merged" { change_here text; }
@test "rule: types: json: the target's change of a json field is kept, the package's other change merged" { change_here json; }
@test "rule: types: ref: the target's change of a ref field is kept, the package's other change merged" { change_here ref; }

@test "rule: types: nvarchar: the package's change of a nvarchar field merges with a local edit of another field" { change_there nvarchar; }
@test "rule: types: nchar: the package's change of a nchar field merges with a local edit of another field" { change_there nchar; }
@test "rule: types: int: the package's change of a int field merges with a local edit of another field" { change_there int; }
@test "rule: types: bigint: the package's change of a bigint field merges with a local edit of another field" { change_there bigint; }
@test "rule: types: decimal: the package's change of a decimal field merges with a local edit of another field" { change_there decimal; }
@test "rule: types: bool: the package's change of a bool field merges with a local edit of another field" { change_there bool; }
@test "rule: types: date: the package's change of a date field merges with a local edit of another field" { change_there date; }
@test "rule: types: datetime: the package's change of a datetime field merges with a local edit of another field" { change_there datetime; }
@test "rule: types: text: the package's change of a text field merges with a local edit of another field" { change_there text; }
@test "rule: types: json: the package's change of a json field merges with a local edit of another field" { change_there json; }
@test "rule: types: ref: the package's change of a ref field merges with a local edit of another field" { change_there ref; }

@test "rule: types: nvarchar: different changes of a nvarchar field on both sides conflict; accept takes the package's" { change_both nvarchar; }
@test "rule: types: nchar: different changes of a nchar field on both sides conflict; accept takes the package's" { change_both nchar; }
@test "rule: types: int: different changes of a int field on both sides conflict; accept takes the package's" { change_both int; }
@test "rule: types: bigint: different changes of a bigint field on both sides conflict; accept takes the package's" { change_both bigint; }
@test "rule: types: decimal: different changes of a decimal field on both sides conflict; accept takes the package's" { change_both decimal; }
@test "rule: types: bool: different changes of a bool field on both sides conflict; accept takes the package's" { change_both bool; }
@test "rule: types: date: different changes of a date field on both sides conflict; accept takes the package's" { change_both date; }
@test "rule: types: datetime: different changes of a datetime field on both sides conflict; accept takes the package's" { change_both datetime; }
@test "rule: types: text: different changes of a text field on both sides conflict; accept takes the package's" { change_both text; }
@test "rule: types: json: different changes of a json field on both sides conflict; accept takes the package's" { change_both json; }
@test "rule: types: ref: different changes of a ref field on both sides conflict; accept takes the package's" { change_both ref; }
