#!/usr/bin/env python3
"""graph.py - no file circles and no upward edges in src/.

Builds two graphs over the files of src/ and checks them:

- the include graph: file -> the header each `#include "..."` names,
  resolved as the compiler does (the including file's folder first, then
  src/lib, src/util, src/server, src/cli and include/);
- the call graph: file.c -> the .c file that defines each external
  symbol (function or table) it uses, read with `nm` from the object
  files the build made (defined: T/D/R/B; used: U).

It fails, printing each offending path, when
1. the union of both graphs has a cycle (two files depending on each
   other, directly or through others): the shortest cycle through each
   strongly connected group is printed, each step with its kind
   (include, or call with the symbols);
2. an edge goes up the layers: src/util uses only src/util;
   src/lib/store uses only itself, src/util and the public headers
   (include/); src/lib never uses src/cli or src/server.  Inside the
   store, a backend (src/lib/store/NAME/) uses only itself and the
   store's shared files (the table of operations, the handle, the row
   types), never another backend; the shared files use no backend, but
   for dispatch.c's list of backends naming each one's table
   (NAME/backend.c).

KNOWN_STORE_TO_LIB and KNOWN_IMPORT_CIRCLE (both now empty) listed
edges still to be removed: store->lib edges, and the circle among
src/lib/import*.c (the steps calling back into import.c's helpers) that
the flat import pipeline removed.  Work to be removed, never an
allowance: an entry that no longer matches an edge fails the check too,
so the lists only shrink.

Usage: graph.py SRC_ROOT OBJECT...      (the objects of src/*.c)
       graph.py --self-test             (the checker finds what it must)
"""

import collections
import os
import re
import subprocess
import sys

# The store uses nothing of the library: every rule its statements need
# comes to it as data or as a lent function (store.h).
KNOWN_STORE_TO_LIB = set()

# The import steps share their helpers through import_common.c, which
# uses no step: no circle is left among them.
KNOWN_IMPORT_CIRCLE = set()

KNOWN = KNOWN_STORE_TO_LIB | KNOWN_IMPORT_CIRCLE

INCLUDE_DIRS = ["src/lib", "src/util", "src/server", "src/cli", "include"]


def layer(path):
	"""The layer of a file: util, store, lib, server, cli or api."""
	if path.startswith("src/util/"):
		return "util"
	if path.startswith("src/lib/store/"):
		return "backend" if backend_of(path) else "store"
	if path.startswith("src/lib/"):
		return "lib"
	if path.startswith("src/server/"):
		return "server"
	if path.startswith("src/cli/"):
		return "cli"
	if path.startswith("include/"):
		return "api"
	return "other"


def backend_of(path):
	"""sqlite for src/lib/store/sqlite/x.c; None for the shared files."""
	m = re.match(r"src/lib/store/([^/]+)/", path)
	return m.group(1) if m else None


def backend_edge_ok(a, b):
	"""Whether an edge that touches a backend keeps to its folder."""
	ba, bb = backend_of(a), backend_of(b)
	if ba and bb:
		return ba == bb
	if bb:
		# Only the list of backends names one, and only its table.
		return a == "src/lib/store/dispatch.c" and \
			b == f"src/lib/store/{bb}/backend.c"
	return True


# What each layer may use besides itself.
ALLOWED = {
	"util": set(),
	"backend": {"store", "util", "api"},
	"store": {"util", "api"},
	"lib": {"store", "util", "api"},
	"server": {"lib", "util", "api"},
	"cli": {"server", "lib", "util", "api"},
	"api": set(),
}


def source_files(root):
	out = []
	for top in ("src", "include"):
		for d, _, names in os.walk(os.path.join(root, top)):
			for n in names:
				if n.endswith((".c", ".h")):
					out.append(os.path.relpath(os.path.join(d, n),
						root))
	return sorted(out)


def include_edges(root, files):
	"""{(from, to): "include"} for every quoted include of a src file."""
	edges = {}
	present = set(files)
	for f in files:
		if not f.startswith("src/"):
			continue
		text = open(os.path.join(root, f), encoding="utf-8").read()
		for name in re.findall(r'^\s*#\s*include\s+"([^"]+)"', text,
				re.M):
			cands = [os.path.normpath(os.path.join(
				os.path.dirname(f), name))]
			cands += [os.path.normpath(os.path.join(d, name))
				for d in INCLUDE_DIRS]
			hit = next((c for c in cands if c in present), None)
			if hit is None:
				# A generated or system header: not ours.
				continue
			edges[(f, hit)] = "include"
	return edges


def object_source(obj):
	"""src/lib/store/db.c from .../CMakeFiles/ferry.dir/src/lib/store/db.c.o"""
	m = re.search(r"(?:^|/)((?:src)/.+\.c)\.o(?:bj)?$", obj)
	return m.group(1) if m else None


def call_edges(objects):
	"""{(from, to): "call sym, ..."} from nm on the object files."""
	defined = {}
	used = collections.defaultdict(set)
	objs = [o for o in objects if object_source(o)]
	# One nm for every object: -A prefixes each line with its file.
	out = subprocess.run(["nm", "-A", "-P"] + objs, check=True,
		capture_output=True, text=True).stdout
	for line in out.splitlines():
		name, _, rest = line.partition(": ")
		parts = rest.split()
		src = object_source(name)
		if src is None or len(parts) < 2:
			continue
		sym, kind = parts[0], parts[1]
		if kind == "U":
			used[src].add(sym)
		elif kind in "TDRBGSV":
			defined[sym] = src
	edges = {}
	for src, syms in used.items():
		by = collections.defaultdict(list)
		for s in syms:
			d = defined.get(s)
			if d is not None and d != src:
				by[d].append(s)
		for d, ss in by.items():
			edges[(src, d)] = "call " + ", ".join(sorted(ss)[:4]) + \
				(", ..." if len(ss) > 4 else "")
	return edges, len(defined)


def shortest_cycle(graph, group):
	"""The shortest cycle inside one strongly connected group."""
	best = None
	for start in sorted(group):
		prev = {start: None}
		queue = collections.deque([start])
		found = None
		while queue and found is None:
			n = queue.popleft()
			for m in sorted(graph[n]):
				if m not in group:
					continue
				if m == start:
					found = n
					break
				if m not in prev:
					prev[m] = n
					queue.append(m)
		if found is None:
			continue
		path = [found]
		while prev[path[-1]] is not None:
			path.append(prev[path[-1]])
		path.reverse()
		if best is None or len(path) < len(best):
			best = path
	return best


def cycles(edges):
	"""Each strongly connected group: its shortest cycle, its files."""
	graph = collections.defaultdict(set)
	for a, b in edges:
		graph[a].add(b)
		graph.setdefault(b, set())
	index, low, stack, on, groups = {}, {}, [], set(), []
	counter = [0]

	def visit(v):
		# Iterative Tarjan: deep include chains must not hit the
		# recursion limit.
		work = [(v, iter(sorted(graph[v])))]
		index[v] = low[v] = counter[0]
		counter[0] += 1
		stack.append(v)
		on.add(v)
		while work:
			n, it = work[-1]
			advanced = False
			for m in it:
				if m not in index:
					index[m] = low[m] = counter[0]
					counter[0] += 1
					stack.append(m)
					on.add(m)
					work.append((m, iter(sorted(graph[m]))))
					advanced = True
					break
				if m in on:
					low[n] = min(low[n], index[m])
			if advanced:
				continue
			work.pop()
			if work:
				low[work[-1][0]] = min(low[work[-1][0]], low[n])
			if low[n] == index[n]:
				g = set()
				while True:
					m = stack.pop()
					on.discard(m)
					g.add(m)
					if m == n:
						break
				if len(g) > 1:
					groups.append(g)

	for v in sorted(graph):
		if v not in index:
			visit(v)
	return [(shortest_cycle(graph, g), sorted(g)) for g in groups]


def check(edges):
	"""The problems of a graph of {(from, to): how}: a list of lines."""
	bad = []
	known_seen = set()
	live = {}
	for (a, b), how in edges.items():
		if (a, b) in KNOWN:
			known_seen.add((a, b))
			continue
		live[(a, b)] = how
		la, lb = layer(a), layer(b)
		if la != lb and lb not in ALLOWED.get(la, set()) and \
				not (lb == "backend" and backend_edge_ok(a, b)):
			bad.append(f"upward edge: {a} -> {b} ({how}): "
				f"{la} may not use {lb}")
		elif not backend_edge_ok(a, b):
			bad.append(f"backend edge: {a} -> {b} ({how}): a backend "
				"uses only its own files and the store's shared "
				"ones")
	for cyc, group in cycles(live):
		steps = []
		for i, a in enumerate(cyc):
			b = cyc[(i + 1) % len(cyc)]
			steps.append(f"  {a} -> {b} ({live[(a, b)]})")
		more = ""
		if len(group) > len(cyc):
			more = f"\n  (one of the circles among {len(group)} " \
				"files: " + ", ".join(group) + ")"
		bad.append("file circle:\n" + "\n".join(steps) + more)
	for a, b in sorted(KNOWN - known_seen):
		bad.append(f"known edge {a} -> {b} is gone: remove it from "
			"its KNOWN_ list")
	return sorted(bad)


def self_test():
	"""The checker must find a circle, an upward edge and a stale entry."""
	edges = {
		("src/lib/a.c", "src/lib/b.c"): "call f",
		("src/lib/b.c", "src/lib/c.c"): "call g",
		("src/lib/c.c", "src/lib/a.c"): "call h",
		("src/lib/c.c", "src/lib/d.h"): "include",
		("src/lib/store/x.c", "src/lib/db.h"): "include",
		("src/lib/d.h", "src/cli/cli.h"): "include",
		("src/util/u.c", "src/util/v.h"): "include",
		("src/lib/store/one/x.c", "src/lib/store/two/y.c"): "call k",
		("src/lib/store/rows.c", "src/lib/store/one/x.c"): "call m",
		("src/lib/store/dispatch.c", "src/lib/store/one/backend.c"):
			"call ferry_one_backend",
		("src/lib/store/one/x.c", "src/lib/store/store.h"): "include",
	}
	# Every known entry but one matches an edge: that one is stale.
	stale = sorted(KNOWN)[:1]
	for e in KNOWN:
		if e not in stale:
			edges[e] = "include"
	bad = check(edges)
	want = [
		"file circle:\n"
		"  src/lib/a.c -> src/lib/b.c (call f)\n"
		"  src/lib/b.c -> src/lib/c.c (call g)\n"
		"  src/lib/c.c -> src/lib/a.c (call h)",
	] + ["known edge %s -> %s is gone: remove it from its KNOWN_ list" %
		e for e in stale] + [
		"upward edge: src/lib/d.h -> src/cli/cli.h (include): "
		"lib may not use cli",
		"upward edge: src/lib/store/x.c -> src/lib/db.h (include): "
		"store may not use lib",
		"backend edge: src/lib/store/one/x.c -> src/lib/store/two/y.c "
		"(call k): a backend uses only its own files and the store's "
		"shared ones",
		"upward edge: src/lib/store/rows.c -> src/lib/store/one/x.c "
		"(call m): store may not use backend",
	]
	if bad != sorted(want):
		print("self-test failed; got:\n" + "\n".join(bad))
		return 1
	# Objects map back to their sources.
	if object_source("b/CMakeFiles/ferry.dir/src/lib/store/sqlite/sq.c.o") \
			!= "src/lib/store/sqlite/sq.c":
		print("self-test failed: object_source")
		return 1
	print("self-test: ok")
	return 0


def main(argv):
	if argv[1:] == ["--self-test"]:
		return self_test()
	if len(argv) < 3:
		print(__doc__)
		return 2
	root = argv[1]
	objects = [o for a in argv[2:] for o in a.split(";") if o]
	files = source_files(root)
	inc = include_edges(root, files)
	calls, ndefined = call_edges(objects)
	# A parser that finds nothing passes everything: insist on a graph
	# of the size the code has.
	nobj = sum(1 for o in objects if object_source(o))
	if len(inc) < 200 or len(calls) < 200 or ndefined < 500 or nobj < 50:
		print(f"graph too small ({len(inc)} includes, {len(calls)} "
			f"calls, {ndefined} symbols, {nobj} objects): the "
			"reader is broken")
		return 1
	edges = dict(inc)
	for k, v in calls.items():
		edges[k] = v if k not in edges else edges[k] + "; " + v
	bad = check(edges)
	print(f"{len(files)} files, {len(inc)} include edges, "
		f"{len(calls)} call edges")
	for b in bad:
		print(b)
	return 1 if bad else 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
