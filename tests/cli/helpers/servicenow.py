#!/usr/bin/env python3
"""servicenow.py - an independent reading of ServiceNow update sets for
the interop tests (tests/cli/servicenow.bats).

  servicenow.py compare FILE.xml DB
      Every record the update set leaves in place must be in instance DB
      (read with `ferry record list`) with every field value exactly as
      the XML gives it (the XML parser's text, byte for byte: scripts with
      CR, NBSP, long text; an empty element is "", an absent one is
      absent), and nothing else; every record it deletes must be absent.
      Prints "N records, M values compared" or the first difference.

  servicenow.py change FILE.xml OUT.xml DROP_ID SCRIPT_ID...
      A changed copy: the update of record DROP_ID is removed and each
      record SCRIPT_ID gets a new last line in its script.

Python's expat, not libxml2, so the two readings are independent.
ferry keeps a field named like one of its system columns under the
prefix ext_ with its ServiceNow name as external name (docs/interop.md):
records are compared under ServiceNow's names, read back through the
"@external_names" member of ferry's record documents, so the mapping is
proved reversible rather than applied here by hand.
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

SYSTEM_COLUMNS = {"sys_created_at", "sys_created_by", "sys_updated_at",
                  "sys_updated_by", "sys_policy", "sys_vendor", "sys_version"}


def is_wrapper(e):
    return any(len(g) for g in e)


def records(elem, action, out):
    for c in elem:
        act = c.get("action", action)
        if is_wrapper(c):
            records(c, act, out)
        elif act != "delete_multiple":
            out.append((c, act))


def expected(path):
    """(entity, sys_id) -> {field: value} or None (deleted), in order."""
    want = {}
    root = ET.parse(path).getroot()
    for u in root.findall("sys_update_xml"):
        payload = ET.fromstring(u.findtext("payload"))
        found = []
        records(payload, u.findtext("action") or "", found)
        for rec, act in found:
            values = {}
            for f in rec:
                name = f.tag
                if name == "sys_id":
                    continue
                values[name] = "".join(f.itertext())
            key = (rec.tag, rec.findtext("sys_id"))
            want[key] = None if act == "DELETE" else values
    return want


def ferry_list(db, entity):
    out = subprocess.run([os.environ["FERRY_BIN"], "--db", db, "--json",
                          "record", "list", entity], capture_output=True,
                         check=False)
    if out.returncode != 0:
        return None
    return {r["sys_id"]: external(r) for r in json.loads(out.stdout)}


def external(rec):
    """A record document under ServiceNow's names: ferry's own system
    columns left out, renamed fields under their external names."""
    names = rec.get("@external_names", {})
    return {names.get(k, k): v for k, v in rec.items()
            if k not in SYSTEM_COLUMNS and k != "sys_id"
            and k != "@external_names"}


def compare(path, db):
    want = expected(path)
    tables = {}
    n = values = 0
    for (entity, sys_id), fields in want.items():
        if entity not in tables:
            tables[entity] = ferry_list(db, entity)
        got = (tables[entity] or {}).get(sys_id)
        if fields is None:
            if got is not None:
                sys.exit("%s %s: deleted by the set, still in prod"
                         % (entity, sys_id))
            continue
        if got is None:
            sys.exit("%s %s: missing in prod" % (entity, sys_id))
        n += 1
        for name, value in fields.items():
            if got.get(name) != value:
                sys.exit("%s %s: field %s is %r in prod, %r in the XML"
                         % (entity, sys_id, name, got.get(name), value))
            values += 1
        extra = [k for k, v in got.items()
                 if v is not None and k not in fields]
        if extra:
            sys.exit("%s %s: prod has fields the XML lacks: %s"
                     % (entity, sys_id, ", ".join(extra)))
    print("%d records, %d values compared" % (n, values))


def change(path, out, drop_id, *script_ids):
    tree = ET.parse(path)
    root = tree.getroot()
    for u in list(root.findall("sys_update_xml")):
        p = u.find("payload")
        if drop_id in p.text:
            root.remove(u)
        elif any(i in p.text for i in script_ids):
            doc = ET.fromstring(p.text)
            for rec in doc.iter():
                if rec.findtext("sys_id") in script_ids:
                    s = rec.find("script")
                    s.text = s.text + "\n// changed in the second release"
            p.text = ET.tostring(doc, encoding="unicode")
    tree.write(out, encoding="UTF-8", xml_declaration=True)


if __name__ == "__main__":
    if sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "change":
        change(*sys.argv[2:])
    else:
        sys.exit("usage: servicenow.py compare|change ...")
