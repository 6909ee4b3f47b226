"""A whole promotion between two servers over HTTP: on dev, a catalog,
records and packs made through the API and exported as downloads; on
prod, an admin logs in with a password (cookie session + CSRF header),
uploads the package, previews it, commits, meets a real conflict,
resolves it, commits again and backs out."""
import re
import unittest
import urllib.parse

from apitest import ServerTest


class Promotion(ServerTest):

    def test_promotion_between_two_servers(self):
        dev = self.server("dev")
        prod = self.server("prod")
        d = dev.client()

        # dev: the catalog and the first pack, all through the API.
        d.ok("POST", "/packs", {"name": "base/line: 1", "use": True})
        d.ok("POST", "/entities", {"name": "member", "display": "Member"})
        d.ok("POST", "/entities/member/fields",
             {"name": "name", "type": "nvarchar(40)"})
        d.ok("POST", "/entities/member/fields",
             {"name": "email", "type": "nvarchar(80)"})
        ann = d.ok("POST", "/records/member",
                   {"name": "Ann", "email": "ann@example.org"})["sys_id"]
        pack = urllib.parse.quote("base/line: 1", safe="")
        d.ok("POST", "/packs/%s/complete" % pack)
        st, data = d.raw("POST", "/packs/%s/export" % pack,
                         b'{"mode":"plain"}',
                         {"Content-Type": "application/json"})
        self.assertEqual(st, 200, data)
        cd = d.headers["Content-Disposition"]
        # rule: the seed's file name, '/' and ':' replaced by '_', in
        # filename* (RFC 6266) and a plain ASCII fallback.
        m = re.search(r"filename\*=UTF-8''(\S+)", cd)
        name = urllib.parse.unquote(m.group(1))
        self.assertRegex(name, r"^base_line_ 1_\d{4}-\d\d-\d\d "
                               r"\d\d:\d\d:\d\d\.sop$")
        self.assertIn('filename="base_line_ 1_', cd)
        baseline = data

        # prod: log in with a password; everything below rides the cookie.
        p = prod.login()
        st, out = p.upload("/imports", name, baseline)
        self.assertEqual(st, 202, out)
        import json
        job = p.wait_job(json.loads(out)["job"])
        self.assertEqual(job["state"], "done", job)
        first = job["result"]["id"]
        prev = p.ok("GET", "/imports/%d/preview" % first)
        self.assertEqual(prev["unresolved"], 0)
        done = p.ok("POST", "/imports/%d/commit?wait=true" % first, {})
        self.assertEqual(done["state"], "committed")
        rec = p.ok("GET", "/records/member/%s" % ann)
        self.assertEqual(rec["email"], "ann@example.org")

        # Both sides change Ann's e-mail.
        d.ok("POST", "/packs", {"name": "release-1", "use": True})
        d.ok("PUT", "/records/member/%s" % ann,
             {"email": "ann@dev.example.org"})
        d.ok("POST", "/packs/release-1/complete")
        st, rel = d.raw("POST", "/packs/release-1/export", b"{}",
                        {"Content-Type": "application/json"})
        self.assertEqual(st, 200)
        p.ok("PUT", "/records/member/%s" % ann,
             {"email": "ann@prod.example.org"})

        st, out = p.upload("/imports", "release-1.sop", rel, "&wait=true")
        self.assertEqual(st, 200, out)
        second = json.loads(out)["id"]
        prev = p.ok("GET", "/imports/%d/preview" % second)
        kinds = [x["kind"] for x in prev["problems"]]
        self.assertIn("local_change", kinds)
        self.assertGreater(prev["unresolved"], 0)

        # rule: commit with an unresolved error is 409 unresolved_problems.
        st, err = p.call("POST", "/imports/%d/commit?wait=true" % second, {})
        self.assertEqual(st, 409)
        self.assertEqual(err["error"]["code"], "unresolved_problems")

        res = p.ok("POST", "/imports/%d/resolve" % second,
                   {"action": "accept", "all": True})
        self.assertEqual(res["unresolved"], 0)
        st, out = p.call("POST", "/imports/%d/commit" % second,
                         {"backup": True})
        self.assertEqual(st, 202)
        job = p.wait_job(out["job"])
        self.assertEqual(job["state"], "done", job)
        self.assertTrue(job["result"]["backup"])
        self.assertEqual(p.ok("GET", "/records/member/%s" % ann)["email"],
                         "ann@dev.example.org")
        shown = p.ok("GET", "/imports/%d" % second)
        self.assertEqual(shown["state"], "committed")

        back = p.ok("POST", "/imports/%d/backout?wait=true" % second, {})
        self.assertEqual(back["state"], "backed_out")
        self.assertEqual(p.ok("GET", "/records/member/%s" % ann)["email"],
                         "ann@prod.example.org")
        lst = p.ok("GET", "/imports")
        self.assertEqual(lst["total"], 2)

        # The audit log names who committed, from where.
        audit = prod.client().ok("GET", "/audit?user=admin")
        ops = [(e["operation"], e["outcome"]) for e in audit["items"]]
        self.assertIn(("import commit", "ok"), ops)
        self.assertIn(("import backout", "ok"), ops)
        self.assertTrue(all(e["address"] in ("127.0.0.1", "local")
                            for e in audit["items"]))


if __name__ == "__main__":
    unittest.main()
