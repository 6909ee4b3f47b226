"""Import resolution over HTTP: a conflict's diff, resolve by merge
patch, clear, accept whole, preview filters and paging, discard, and
their errors and roles (docs/api.md, "Imports")."""
import json
import subprocess
import unittest

from apitest import ServerTest, ferry


class ImportResolution(ServerTest):

    def setUp(self):
        self.dev = self.server("dev%d" % len(self.servers))
        self.prod = self.server("prod%d" % len(self.servers))
        d = self.dev.client()
        d.ok("POST", "/packs", {"name": "base", "use": True})
        d.ok("POST", "/entities", {"name": "member"})
        d.ok("POST", "/entities/member/fields",
             {"name": "name", "type": "nvarchar(40)"})
        d.ok("POST", "/entities/member/fields",
             {"name": "email", "type": "nvarchar(80)"})
        self.ids = {}
        for n in ("Ann", "Bob", "Cy"):
            self.ids[n] = d.ok("POST", "/records/member", {
                "name": n, "email": n.lower() + "@example.org"})["sys_id"]
        d.ok("POST", "/packs/base/complete")
        base = self.export(d, "base")
        self.p = self.prod.client()
        first = self.load(base, "base.sop")
        self.p.ok("GET", "/imports/%d/preview" % first)
        self.p.ok("POST", "/imports/%d/commit?wait=true" % first, {})

        # Both sides change Ann's and Bob's e-mail; only dev renames Cy.
        d.ok("POST", "/packs", {"name": "release-1", "use": True})
        for n in ("Ann", "Bob"):
            d.ok("PUT", "/records/member/%s" % self.ids[n],
                 {"email": n.lower() + "@dev.example.org"})
            self.p.ok("PUT", "/records/member/%s" % self.ids[n],
                      {"email": n.lower() + "@prod.example.org"})
        d.ok("PUT", "/records/member/%s" % self.ids["Cy"], {"name": "Cyd"})
        d.ok("POST", "/packs/release-1/complete")
        self.release = self.export(d, "release-1")
        self.imp = self.load(self.release, "release-1.sop")
        self.prev = self.p.ok("GET", "/imports/%d/preview" % self.imp)
        self.item = {}
        for x in self.prev["problems"]:
            for n in ("Ann", "Bob"):
                if x["sys_id"] == self.ids[n]:
                    self.item[n] = x["item"]
        self.assertEqual(len(self.item), 2, self.prev)

    def export(self, client, pack):
        st, data = client.raw("POST", "/packs/%s/export" % pack, b"{}",
                              {"Content-Type": "application/json"})
        self.assertEqual(st, 200, data)
        return data

    def load(self, data, name):
        st, out = self.p.upload("/imports", name, data, "&wait=true")
        self.assertEqual(st, 200, out)
        return json.loads(out)["id"]

    def url(self, tail=""):
        return "/imports/%d%s" % (self.imp, tail)

    def test_diff_is_the_cli_document(self):
        ann = self.item["Ann"]
        doc = self.p.ok("GET", self.url("/items/%d/diff" % ann))
        # rule: the diff answers the same document as the CLI's --json.
        cli = json.loads(ferry(self.prod.db, "--json", "import", "diff",
                               str(self.imp), str(ann)).stdout)
        self.assertEqual(doc, cli)
        fields = {f["name"]: f for f in doc["items"][0]["fields"]}
        self.assertEqual(fields["email"]["base"], "ann@example.org")
        self.assertEqual(fields["email"]["target"], "ann@prod.example.org")
        self.assertEqual(fields["email"]["package"], "ann@dev.example.org")
        self.assertTrue(fields["email"]["conflict"])
        self.assertEqual(fields["name"]["merge"], "target")

    def test_diff_of_an_unknown_item_is_404(self):
        for item in ("999999", "abc", "0"):
            st, err = self.p.get(self.url("/items/%s/diff" % item))
            self.assertEqual(st, 404, (item, err))
            self.assertEqual(err["error"]["code"], "not_found")
        st, err = self.p.get("/imports/999/items/1/diff")
        self.assertEqual(st, 404, err)

    def test_merge_then_clear_then_merge(self):
        ann = self.item["Ann"]
        r = self.url("/resolve")
        self.p.ok("POST", r, {"action": "merge", "items": [ann],
                              "payload": {"email": "ann@merged.org"}})
        prev = self.p.ok("GET", self.url("/preview?entity=member"))
        res = {x["item"]: x["resolution"] for x in prev["problems"]}
        self.assertEqual(res[ann], "merge")
        # rule: clear puts an item back to unresolved.
        out = self.p.ok("POST", r, {"action": "clear", "items": [ann]})
        self.assertEqual(out["resolution"], "clear")
        prev = self.p.ok("GET", self.url("/preview?entity=member"))
        res = {x["item"]: x["resolution"] for x in prev["problems"]}
        self.assertIsNone(res[ann])
        self.p.ok("POST", r, {"action": "merge", "items": [ann],
                              "payload": {"email": "ann@merged.org"}})
        out = self.p.ok("POST", r, {"action": "accept", "whole": True,
                                    "items": [self.item["Bob"]]})
        self.assertEqual(out["resolved"], 1)
        self.assertEqual(out["unresolved"], 0, out)
        done = self.p.ok("POST", self.url("/commit?wait=true"), {})
        self.assertEqual(done["state"], "committed")
        rec = self.p.ok("GET", "/records/member/%s" % self.ids["Ann"])
        self.assertEqual(rec["email"], "ann@merged.org")
        rec = self.p.ok("GET", "/records/member/%s" % self.ids["Bob"])
        self.assertEqual(rec["email"], "bob@dev.example.org")
        rec = self.p.ok("GET", "/records/member/%s" % self.ids["Cy"])
        self.assertEqual(rec["name"], "Cyd")

        # rule: a committed import cannot be discarded; its history stays.
        st, err = self.p.call("DELETE", self.url())
        self.assertEqual(st, 409, err)
        self.assertEqual(err["error"]["code"], "state")
        self.assertEqual(self.p.ok("GET", self.url())["state"], "committed")

    def test_bad_resolutions(self):
        ann = self.item["Ann"]
        r = self.url("/resolve")
        bad = [
            {"action": "keep", "items": [ann]},
            {"items": [ann]},
            {"action": "skip", "whole": True, "items": [ann]},
            {"action": "clear", "all": True},
            {"action": "accept"},
            {"action": "accept", "all": True, "items": [ann]},
            {"action": "accept", "items": ["two"]},
            {"action": "accept", "items": 3},
            {"action": "merge", "items": [ann]},
            {"action": "merge", "items": [ann], "payload": "{}"},
            {"action": "merge", "items": [ann, ann], "payload": {}},
            {"action": "merge", "all": True, "payload": {}},
        ]
        for doc in bad:
            st, err = self.p.call("POST", r, doc)
            self.assertEqual(st, 400, (doc, err))
            self.assertEqual(err["error"]["code"], "bad_request")
        st, err = self.p.raw("POST", r, b"{not json",
                             {"Content-Type": "application/json"})
        self.assertEqual(st, 400, err)
        # rule: a patch that leaves a conflicting field out, or gives a
        # value of the wrong type, is refused by the library's rules.
        for payload in ({"name": "Ann"}, {"email": 42}):
            st, err = self.p.call("POST", r, {"action": "merge",
                                              "items": [ann],
                                              "payload": payload})
            self.assertEqual(st, 422, (payload, err))
            self.assertEqual(err["error"]["code"], "invalid")
        st, err = self.p.call("POST", r, {"action": "merge", "items": [ann],
                                          "payload": {"email": "a@b.c",
                                                      "nosuch": 1}})
        self.assertIn(st, (404, 422), err)
        st, err = self.p.call("POST", r, {"action": "accept",
                                          "items": [999999]})
        self.assertEqual(st, 404, err)
        # Nothing changed: both conflicts are still unresolved.
        prev = self.p.ok("GET", self.url("/preview?severity=error"))
        self.assertEqual(prev["unresolved"], self.prev["unresolved"])
        self.assertTrue(all(x["resolution"] is None
                            for x in prev["problems"]))

    def test_preview_filters_and_paging(self):
        full = self.p.ok("GET", self.url("/preview"))
        self.assertEqual(full["matched"], len(full["problems"]))
        self.assertEqual(sum(full["kinds"].values()), full["problem_count"])
        self.assertEqual(full["kinds"].get("local_change"), 2, full)
        lc = self.p.ok("GET", self.url("/preview?kind=local_change"))
        self.assertEqual(lc["matched"], 2)
        self.assertEqual({x["kind"] for x in lc["problems"]},
                         {"local_change"})
        # rule: limit and offset page the matching problems; kinds and
        # matched count them all.
        one = self.p.ok("GET", self.url("/preview?kind=local_change&limit=1"))
        two = self.p.ok("GET", self.url("/preview?kind=local_change&limit=1"
                                        "&offset=1"))
        self.assertEqual(len(one["problems"]), 1)
        self.assertEqual(len(two["problems"]), 1)
        self.assertEqual(one["matched"], 2)
        self.assertEqual(one["kinds"], full["kinds"])
        self.assertNotEqual(one["problems"][0]["item"],
                            two["problems"][0]["item"])
        none = self.p.ok("GET", self.url("/preview?entity=nosuch"))
        self.assertEqual((none["matched"], none["problems"]), (0, []))
        cli = json.loads(ferry(self.prod.db, "--json", "import", "preview",
                               str(self.imp), "--kind", "local_change",
                               "--limit", "1", check=False).stdout)
        self.assertEqual(cli["problems"], one["problems"])
        for q, want in (("severity=fatal", 422), ("kind=nosuch", 422),
                        ("limit=x", 400), ("offset=-1", 400)):
            st, err = self.p.get(self.url("/preview?" + q))
            self.assertEqual(st, want, (q, err))

    def test_discard(self):
        st, err = self.p.call("DELETE", "/imports/999999")
        self.assertEqual(st, 404, err)
        out = self.p.ok("DELETE", self.url())
        self.assertTrue(out["discarded"])
        self.assertEqual(out["id"], self.imp)
        st, err = self.p.get(self.url())
        self.assertEqual(st, 404, err)
        # Live data never changed.
        rec = self.p.ok("GET", "/records/member/%s" % self.ids["Ann"])
        self.assertEqual(rec["email"], "ann@prod.example.org")
        # A loaded (not previewed) import can be discarded too.
        again = self.load(self.release, "release-1.sop")
        self.assertTrue(self.p.ok("DELETE", "/imports/%d" % again)
                        ["discarded"])

    def test_non_admin_cannot_resolve_or_discard(self):
        v = self.prod.client(self.prod.add_user("vera"))
        # rule: resolve and discard are for admins.
        st, err = v.call("POST", self.url("/resolve"),
                         {"action": "accept", "all": True})
        self.assertEqual(st, 403, err)
        self.assertEqual(err["error"]["code"], "denied")
        st, err = v.call("POST", self.url("/resolve"),
                         {"action": "merge", "items": [self.item["Ann"]],
                          "payload": {"email": "x@y.z"}})
        self.assertEqual(st, 403, err)
        st, err = v.call("DELETE", self.url())
        self.assertEqual(st, 403, err)
        self.assertEqual(self.p.ok("GET", self.url())["state"], "previewed")


if __name__ == "__main__":
    unittest.main()
