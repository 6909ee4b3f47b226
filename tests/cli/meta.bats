#!/usr/bin/env bats
# meta.bats - checks on the sources and docs themselves, so that they
# cannot drift: public names and doc comments, error texts, documented
# CLI options, SQL confined to the store, banned functions, headers that
# compile on their own.

load foundation_helpers

setup() {
	cd "$FERRY_SRC" || return 1
}

@test "meta: every public function is prefixed ferry_ and has a /** doc comment" {
	run python3 - <<'EOF'
import glob, re, sys
bad = []
n = 0
for path in sorted(glob.glob("include/ferry.h") + glob.glob("include/ferry/*.h")):
    text = open(path).read()
    # A declaration: a line starting a type, a name, "(" ... ");".
    for m in re.finditer(r"^(?!typedef|#|\s|/|\*|\}|extern)([A-Za-z_][\w \*]*?\**\b(\w+))\s*\(([^;{]*?)\)\s*(__attribute__\(\([^;]*\)\))?\s*;",
                         text, re.M):
        name = m.group(2)
        n += 1
        if not name.startswith("ferry_"):
            bad.append(f"{path}: {name} is not prefixed ferry_")
        before = text[:m.start()].rstrip()
        if not before.endswith("*/"):
            bad.append(f"{path}: {name} has no doc comment")
            continue
        start = before.rfind("/*")
        if not before[start:].startswith("/**"):
            bad.append(f"{path}: {name}'s comment does not start with /**")
if n < 40:
    bad.append(f"only {n} declarations found: the parser is broken")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "meta: every public type and macro is prefixed ferry_ or FERRY_" {
	run python3 - <<'EOF'
import glob, re, sys
bad = []
for path in sorted(glob.glob("include/ferry.h") + glob.glob("include/ferry/*.h")):
    text = open(path).read()
    for name in re.findall(r"^#define\s+(\w+)", text, re.M):
        if not name.startswith("FERRY_"):
            bad.append(f"{path}: macro {name}")
    for name in re.findall(r"\}\s*(\w+)\s*;", text):
        if not name.startswith("ferry_"):
            bad.append(f"{path}: type {name}")
    for name in re.findall(r"typedef\s+[^;{(]*?\b(\w+)\s*;", text):
        if not name.startswith("ferry_"):
            bad.append(f"{path}: type {name}")
    for name in re.findall(r"typedef[^;]*\(\s*\*\s*(\w+)\s*\)", text):
        if not name.startswith("ferry_"):
            bad.append(f"{path}: callback type {name}")
    for name in re.findall(r"^\s+(\w+)\s*(?:=\s*-?\d+)?\s*,?\s*/\*\*<", text, re.M):
        if not name.startswith("FERRY_"):
            bad.append(f"{path}: enum value {name}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "meta: every public header is included by ferry.h" {
	for h in include/ferry/*.h; do
		grep -q "#include \"ferry/$(basename "$h")\"" include/ferry.h || { echo "ferry.h lacks $h" >&2; false; }
	done
}

@test "meta: every FERRY_E* code has its ferry_strerror text and one JSON error name, in code order" {
	run python3 - <<'EOF'
import re, sys
common = open("include/ferry/common.h").read()
codes = re.findall(r"^\s+(FERRY_\w+)\s*=\s*(-?\d+)", common, re.M)
table = open("src/lib/db.c").read().split("error_table[] = {", 1)[1].split("};", 1)[0]
entries = re.findall(r'\{\s*"([^"]+)",\s*"([a-z_]+)"\s*\},\s*/\*\s*(FERRY_\w+)\s*\*/', table)
bad = []
if len(entries) != len(codes):
    bad.append(f"{len(codes)} codes but {len(entries)} rows")
for name, value in codes:
    i = -int(value)
    if i >= len(entries) or entries[i][2] != name:
        bad.append(f"{name} ({value}) has no row at index {i}")
    elif not entries[i][0].strip():
        bad.append(f"{name} has an empty text")
names = [e[1] for e in entries]
for n in set(names):
    if names.count(n) > 1:
        bad.append(f"the JSON name {n} is used twice")
# The two names the HTTP API contract fixes.
for code, want in (("FERRY_EUNRESOLVED", "unresolved_problems"), ("FERRY_EBUSY", "busy")):
    if not any(e[2] == code and e[1] == want for e in entries):
        bad.append(f"{code} must be named {want} (API.md)")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "meta: every command and every option of its --help is documented in docs/cli/" {
	run python3 - "$FERRY_BIN" <<'EOF'
import glob, re, subprocess, sys
ferry = sys.argv[1]
docs = "\n".join(open(p).read() for p in sorted(glob.glob("docs/cli/*.md")))
index = open("docs/cli.md").read()
top = subprocess.run([ferry, "--help"], capture_output=True, text=True).stdout
body = top.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
bad = []
for line in body.splitlines():
    line = line[2:]
    m = re.match(r"(\S+(?: \S+)?)\s{2,}", line)
    cmd = m.group(1) if m else " ".join(line.split()[:2])
    if f"ferry {cmd}" not in docs:
        bad.append(f"'ferry {cmd}' is not in docs/cli/")
    if f"ferry {cmd}" not in index and f"`{cmd}`" not in index:
        bad.append(f"'{cmd}' is not in the index docs/cli.md")
    out = subprocess.run([ferry] + cmd.split() + ["--help"],
                         capture_output=True, text=True).stdout
    for opt in re.findall(r"^  (--[\w-]+)", out, re.M):
        if opt in ("--json", "--help"):
            continue
        if not re.search(re.escape(opt) + r"\b", docs):
            bad.append(f"'ferry {cmd}' option {opt} is not in docs/cli/")
for opt in ("--db", "--user", "--json", "FERRY_DB", "FERRY_USER", "FERRY_NOW"):
    if opt not in index:
        bad.append(f"global {opt} is not in docs/cli.md")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "meta: docs/cli.md links every docs/cli/<noun>.md, and each link exists" {
	for f in docs/cli/*.md; do
		grep -q "(cli/$(basename "$f"))" docs/cli.md || { echo "docs/cli.md does not link $f" >&2; false; }
	done
	for link in $(grep -o '(cli/[a-z_-]*\.md)' docs/cli.md | tr -d '()'); do
		[ -f "docs/$link" ] || { echo "docs/cli.md links missing docs/$link" >&2; false; }
	done
}

@test "meta: every anchor the CLI docs link to is a heading" {
	run python3 - <<'EOF2'
import glob, os, re, sys
def slug(h):
    h = re.sub(r"[^\w\- ]", "", h.strip().lower())
    return h.replace(" ", "-")
bad = []
for doc in ["docs/cli.md"] + sorted(glob.glob("docs/cli/*.md")):
    for target, anchor in re.findall(r"\]\(([\w./-]*\.md)?#([\w-]+)\)", open(doc).read()):
        path = os.path.normpath(os.path.join(os.path.dirname(doc), target)) if target else doc
        if not os.path.exists(path):
            continue
        heads = [slug(h) for h in re.findall(r"^#+ (.*)$", open(path).read(), re.M)]
        if anchor not in heads:
            bad.append(f"{doc}: #{anchor} is not a heading of {path}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF2
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "meta: no SQL outside the store: 'sqlite3' appears only in the SQLite backend, src/lib/store/sqlite" {
	run grep -rln sqlite3 src --include='*.c' --include='*.h'
	[ "$status" -eq 0 ]
	bad=$(echo "$output" | grep -v '^src/lib/store/sqlite/' || true)
	[ -z "$bad" ] || { echo "sqlite3 outside the store: $bad" >&2; false; }
}

@test "meta: no SQL outside the store: libpq (PQ*, libpq-fe.h) appears only in the PostgreSQL backend, src/lib/store/postgres" {
	run grep -rlnE 'libpq-fe\.h|\<PQ[a-z]+[A-Za-z]*\(' src --include='*.c' --include='*.h'
	[ "$status" -eq 0 ]
	bad=$(echo "$output" | grep -v '^src/lib/store/postgres/' || true)
	[ -z "$bad" ] || { echo "libpq outside the store: $bad" >&2; false; }
}

@test "meta: no strcpy, sprintf or atoi in src" {
	run grep -rnE '\<(strcpy|sprintf|vsprintf|strcat|atoi)[[:space:]]*\(' src
	[ "$status" -eq 1 ] || { echo "$output" >&2; false; }
}

@test "meta: no TODO, FIXME or XXX left in src" {
	run grep -rnwE 'TODO|FIXME|XXX' src
	[ "$status" -eq 1 ] || { echo "$output" >&2; false; }
}

@test "meta: public headers compile alone under -std=c11 -pedantic -Werror" {
	for h in include/ferry.h include/ferry/*.h; do
		rel=${h#include/}
		echo "#include <$rel>" | cc -std=c11 -pedantic -Werror -Wall -Wextra -fsyntax-only -I include -x c - || { echo "$h" >&2; false; }
	done
}

@test "meta: the CLI uses only the public API and src/util" {
	run grep -n '#include "' src/cli/*.c src/cli/*.h
	bad=$(echo "$output" | grep -vE '#include "(cli\.h|serve\.h|ferry\.h|alloc\.h|str\.h|text\.h|timeutil\.h|hash\.h)"' || true)
	[ -z "$bad" ] || { echo "$bad" >&2; false; }
}

@test "meta: the server uses only the public API and src/util" {
	run grep -n '#include "' src/server/*.c src/server/*.h
	[ "$status" -eq 0 ]
	bad=$(echo "$output" | grep -vE '#include "(server\.h|serve\.h|mhd\.h|ferry\.h|str\.h|text\.h|dynlib\.h)"' || true)
	[ -z "$bad" ] || { echo "$bad" >&2; false; }
}

@test "meta: every public call taking a handle clears its last error first (FERRY_CHECK_DB)" {
	run python3 tests/meta/entries.py --self-test
	echo "$output"
	[ "$status" -eq 0 ]
	run python3 tests/meta/entries.py
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "meta: an allocation failure in the library answers through ferry__oom()" {
	# The library's import files keep their own words until their rework
	# lands (src/lib/import*.c): work to be removed.
	run python3 - <<'EOF'
import glob, re
bad = []
for path in sorted(glob.glob("src/lib/**/*.c", recursive=True)):
    if re.match(r"src/lib/(import\w*|store/handle)\.c$", path):
        continue
    text = open(path).read()
    for m in re.finditer(r'ferry__error\(\s*[^,]+,\s*FERRY_ENOMEM,\s*"out of memory"\s*\)', text):
        bad.append(f"{path}:{text.count(chr(10), 0, m.start()) + 1}")
print("\n".join(bad))
EOF
	[ "$status" -eq 0 ] && [ -z "$output" ] || { echo "$output" >&2; false; }
	# The helper is there and is the one place that words it.
	grep -q '^int ferry__oom(ferry_db \*db)' src/lib/store/handle.c
}

@test "meta: misuse is checked by FERRY_ASSERT_ARG only (no bare FERRY_EMISUSE returns)" {
	run grep -rnE 'return FERRY_EMISUSE;' src/lib --include='*.c'
	bad=$(echo "$output" | grep -v '^src/lib/store/handle.c:' || true)
	[ -z "$bad" ] || { echo "$bad" >&2; false; }
}
