#!/usr/bin/env python3
"""entries.py - every public entry point taking a handle starts clean.

Each function of include/ferry/*.h that takes a `ferry_db *db` must run
FERRY_CHECK_DB(db) (store/handle.h: misuse unless db is an open handle,
then the last error is cleared) before it uses db, so ferry_errmsg()
always speaks of the latest call; or it must only hand its arguments to
another entry point that does (a wrapper: `return ferry_x_v2(...)`, or
the read helper ferry__document()).  Prints each function that does
neither and exits 1.

Usage: entries.py [--self-test]   (run from the source root)
"""

import glob
import re
import sys

# Entry points that take a handle but need not clear its error, and why.
EXEMPT = {
	"ferry_db_close": "ends the handle",
	"ferry_db_set_progress": "returns nothing: a setter that cannot fail",
	"ferry_inspect_in": "db is optional (NULL: no instance); it checks "
		"and clears a given one itself",
}

DEF = re.compile(r"^(?:[A-Za-z_][\w \*]*?)\b(ferry_\w+)\s*\(([^;{]*?)\)\s*\{",
	re.M)


def entry_points(headers):
	"""{name: header} of public functions taking a non-const handle."""
	out = {}
	for path, text in headers:
		for m in re.finditer(r"^[A-Za-z_][\w \*]*?\b(ferry_\w+)\s*"
				r"\(([^;{]*?)\)\s*;", text, re.M):
			if re.search(r"(?<!const )ferry_db \*db\b", m.group(2)):
				out[m.group(1)] = path
	return out


def body_of(text, start):
	"""The text of a function body from just after its opening brace."""
	depth, i = 1, start
	while depth and i < len(text):
		if text[i] == "{":
			depth += 1
		elif text[i] == "}":
			depth -= 1
		i += 1
	return text[start:i - 1]


def check(headers, sources):
	decl = entry_points(headers)
	bodies = {}
	for path, text in sources:
		for m in DEF.finditer(text):
			if m.group(1) in decl:
				bodies[m.group(1)] = (path, body_of(text, m.end()))
	bad = []
	wrappers = {}
	for name, (path, body) in sorted(bodies.items()):
		if name in EXEMPT:
			continue
		k = body.find("FERRY_CHECK_DB(db);")
		if k >= 0:
			before = re.sub(r"/\*.*?\*/", "", body[:k], flags=re.S)
			if re.search(r"\bdb\b", before):
				bad.append(f"{path}: {name} uses db before "
					"FERRY_CHECK_DB(db)")
			continue
		stmts = re.sub(r"/\*.*?\*/", "", body, flags=re.S).strip()
		m = re.fullmatch(r"return\s+(ferry_\w+)\s*\(([^;]*)\);", stmts,
			re.S)
		if m and re.search(r"\bdb\b", m.group(2)):
			wrappers[name] = (path, m.group(1))
			continue
		bad.append(f"{path}: {name} does not start with "
			"FERRY_CHECK_DB(db)")
	for name, (path, callee) in sorted(wrappers.items()):
		ok = callee == "ferry__document" or (callee in bodies and
			callee not in wrappers and callee not in EXEMPT and
			"FERRY_CHECK_DB(db);" in bodies[callee][1])
		if not ok:
			bad.append(f"{path}: {name} hands db to {callee}, which "
				"does not start with FERRY_CHECK_DB(db)")
	for name in sorted(set(decl) - set(bodies)):
		bad.append(f"{decl[name]}: {name} has no definition in src/lib")
	return decl, bad


def self_test():
	headers = [("h", "int ferry_a(ferry_db *db);\nint ferry_b(ferry_db *db);"
		"\nint ferry_c(ferry_db *db);\nint ferry_d(ferry_db *db);\n"
		"int ferry_e(const ferry_db *db);\n")]
	sources = [("s.c", "int ferry_a(ferry_db *db)\n{\n\tint x = 1;\n\n"
		"\tFERRY_CHECK_DB(db);\n\treturn x;\n}\n"
		"int ferry_b(ferry_db *db)\n{\n\treturn ferry_a(db);\n}\n"
		"int ferry_c(ferry_db *db)\n{\n\tint64_t t = now(db);\n\n"
		"\tFERRY_CHECK_DB(db);\n\treturn 0;\n}\n"
		"int ferry_d(ferry_db *db)\n{\n\treturn go(db);\n}\n")]
	decl, bad = check(headers, sources)
	want = ["s.c: ferry_c uses db before FERRY_CHECK_DB(db)",
		"s.c: ferry_d does not start with FERRY_CHECK_DB(db)"]
	if sorted(decl) != ["ferry_a", "ferry_b", "ferry_c", "ferry_d"] or \
			bad != want:
		print("self-test failed:", sorted(decl), bad)
		return 1
	print("self-test: ok")
	return 0


def main(argv):
	if argv[1:] == ["--self-test"]:
		return self_test()
	headers = [(p, open(p).read()) for p in ["include/ferry.h"] +
		sorted(glob.glob("include/ferry/*.h"))]
	sources = [(p, open(p).read()) for p in
		sorted(glob.glob("src/lib/*.c"))]
	decl, bad = check(headers, sources)
	if len(decl) < 60:
		bad.append(f"only {len(decl)} entry points found: the parser "
			"is broken")
	print("\n".join(bad))
	return 1 if bad else 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
