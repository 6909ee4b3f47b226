#!/usr/bin/env python3
"""sop.py - hand-craft plain (--uncompressed) .sop packages for the import
and entity pack tests: edit items, recompute version hashes and rewrite the trailer, the
way docs/format.md section 6 defines it:

  stamp = BLAKE2b-256(b"ferry-stamp-1\\n" + every item line + "\\n")
  hash  = BLAKE2b-256(the header line + "\\n" + the stamp's hex digits)

a record's version hash as docs/import.md "Version ids" describes:

  BLAKE2b-256(b"ferry-version-1\\n" + entity + "\\n" + key + "\\n" +
              action + "\\n" + canonical payload (not for a delete))

A signed package keeps its trailer's "signature" member, byte for byte,
after any edit: exactly what someone who changes a package and
recomputes its digests, but lacks the signer's secret key, can do
(docs/format.md section 6.1).

Usage:
  sop.py retrailer FILE            recompute the trailer in place
  sop.py items FILE                print the items, one per line, numbered
  sop.py edit FILE N CODE [--rehash]
        run the Python statements CODE with `it` bound to item N (1-based,
        as ferry numbers items) parsed as a dict; write it back compact,
        then the trailer; --rehash also recomputes its version hash
        and seal (a format 2 item's seal over the version it leaves
        out), or an entity pack object's seal (without it, they stay
        as they were)
  sop.py raw FILE N TEXT           replace item N's line with TEXT as is
  sop.py append FILE TEXT          add TEXT as the last item line
  sop.py swap FILE N M             exchange items N and M
  sop.py header FILE CODE          run CODE with `h` bound to the header
                                   (a dict, key order kept), write it back
  sop.py trailer FILE CODE         run CODE with `t` bound to the trailer
                                   as a dict (the signature a dict too),
                                   write it back as is: no digest changes
  sop.py unsign FILE               drop the signature, recompute digests
"""
import hashlib
import json
import sys


def b2(data):
    return hashlib.blake2b(data, digest_size=32).hexdigest()


def canonical(value):
    """ferry's canonical JSON: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False)


def version_hash(entity, key, action, payload_text):
    data = b"ferry-version-1\n" + entity.encode() + b"\n" + key.encode() + \
        b"\n" + action.encode() + b"\n"
    if action != "delete":
        data += payload_text.encode()
    return b2(data)


SIGNATURE = b',"signature":'


def seal(version, policy, vendor):
    return b2(b"ferry-seal-1\n" + version.encode() + b"\n" +
              policy.encode() + (b"\ntrue" if vendor else b"\nfalse"))


def object_seal(it):
    """An entity pack object item's seal (docs/entitypacks.md)."""
    parts = [it["entity_object"], it["entity"], it["name"],
             canonical(it.get("definition")), it.get("policy", "open")]
    return b2(b"ferry-object-seal-1\n" + "\n".join(parts).encode())


def read(path):
    """The header line, the item lines and the signature member's text
    (from its leading comma to the trailer's closing brace, or b"")."""
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    header, items, signature = lines[0], lines[1:], b""
    if items and items[-1].startswith(b'{"trailer":'):
        trailer = items.pop()
        at = trailer.find(SIGNATURE)
        if at >= 0:
            signature = trailer[at:-1]
    return header, items, signature


def write(path, header, items, signature=b""):
    body = header + b"\n" + b"".join(i + b"\n" for i in items)
    stamp = b2(b"ferry-stamp-1\n" + b"".join(i + b"\n" for i in items))
    trailer = '{"trailer":"ferry-sop","items":%d,"stamp":"%s","hash":"%s"' \
        % (len(items), stamp, b2(header + b"\n" + stamp.encode()))
    with open(path, "wb") as f:
        f.write(body + trailer.encode() + signature + b"}\n")


def compact(value):
    return json.dumps(value, separators=(",", ":"),
                      ensure_ascii=False).encode()


def dump_item(it):
    """An item line: the exporter's key order, the payload canonical."""
    if isinstance(it.get("payload"), dict):
        it["payload"] = dict(sorted(it["payload"].items()))
    return json.dumps(it, separators=(",", ":"), ensure_ascii=False).encode()


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    cmd, path = argv[1], argv[2]
    header, items, signature = read(path)
    if cmd == "retrailer":
        pass
    elif cmd == "items":
        for n, line in enumerate(items, 1):
            print(n, line.decode())
        return
    elif cmd == "edit":
        n, code = int(argv[3]), argv[4]
        it = json.loads(items[n - 1])
        exec(code, {"json": json}, {"it": it})
        if "--rehash" in argv[5:] and it.get("t") == "object":
            it["seal"] = object_seal(it)
        elif "--rehash" in argv[5:]:
            # Format 2 leaves out the version, a key equal to the sys_id
            # and a false vendor flag (docs/format.md 5.2).
            version = version_hash(it["entity"], it.get("key", it["sys_id"]),
                                   it["action"], canonical(it["payload"]))
            if "version" in it:
                it["version"] = version
            it["seal"] = seal(version, it["policy"], it.get("vendor", False))
        items[n - 1] = dump_item(it)
    elif cmd == "raw":
        items[int(argv[3]) - 1] = argv[4].encode()
    elif cmd == "append":
        items.append(argv[3].encode())
    elif cmd == "swap":
        n, m = int(argv[3]) - 1, int(argv[4]) - 1
        items[n], items[m] = items[m], items[n]
    elif cmd == "header":
        h = json.loads(header)
        exec(argv[3], {"json": json}, {"h": h})
        header = compact(h)
    elif cmd == "trailer":
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
        t = json.loads(lines[-2])
        exec(argv[3], {"json": json}, {"t": t})
        lines[-2] = compact(t)
        with open(path, "wb") as f:
            f.write(b"\n".join(lines))
        return
    elif cmd == "unsign":
        signature = b""
    else:
        sys.exit(__doc__)
    write(path, header, items, signature)


if __name__ == "__main__":
    main(sys.argv)
