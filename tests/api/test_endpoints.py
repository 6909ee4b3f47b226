"""Every endpoint group of the API answers the documents that the same
CLI command prints with --json (the same library call builds both), with
lists as {"items", "total"} and ?limit=&offset= paging."""
import json
import os
import unittest
import urllib.parse

from apitest import ServerTest, ferry


class Endpoints(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s = cls.server("ep")
        cls.a = cls.s.client()

    def cli(self, *args):
        return json.loads(ferry(self.s.db, "--json", *args).stdout)

    def test_instance_users_properties(self):
        a = self.a
        self.assertEqual(a.ok("GET", "/instance"), self.cli("info"))
        a.ok("POST", "/users", {"name": "erin", "tz": "Europe/Moscow"})
        a.ok("PATCH", "/users/erin", {"admin": True})
        users = a.ok("GET", "/users")
        self.assertEqual(users["items"], self.cli("user", "list"))
        self.assertEqual(users["total"], len(users["items"]))
        page = a.ok("GET", "/users?limit=1&offset=1")
        self.assertEqual(page["items"], users["items"][1:2])
        self.assertEqual(page["total"], users["total"])
        st, doc = a.call("GET", "/users?limit=x")
        self.assertEqual(st, 400)
        a.ok("PUT", "/users/erin/password", {"password": "long enough pw"})
        st, doc = a.call("PUT", "/users/erin/password", {"password": "short"})
        self.assertEqual((st, doc["error"]["code"]), (422, "invalid"))
        a.ok("PUT", "/properties/protected.essences", {"value": "member"})
        self.assertEqual(a.ok("GET", "/properties/protected.essences"),
                         self.cli("property", "get", "protected.essences"))
        self.assertEqual(a.ok("GET", "/properties")["items"],
                         self.cli("property", "list"))
        st, doc = a.call("GET", "/properties/nothing.here")
        self.assertEqual((st, doc["error"]["code"]), (404, "not_found"))
        st, doc = a.call("POST", "/users", {"name": "erin"})
        self.assertEqual((st, doc["error"]["code"]), (409, "exists"))

    def test_catalog_and_records(self):
        a = self.a
        a.ok("POST", "/entities", {"name": "club", "display": "Club"})
        a.ok("POST", "/entities/club/fields",
             {"name": "name", "type": "nvarchar(20)", "display": "Name"})
        a.ok("POST", "/entities/club/fields", {"name": "size", "type": "int"})
        a.ok("PATCH", "/entities/club/fields/size", {"display": "Size"})
        a.ok("POST", "/entities/club/fields", {"name": "tmp", "type": "int"})
        a.ok("DELETE", "/entities/club/fields/tmp")
        self.assertEqual(a.ok("GET", "/entities/club"),
                         self.cli("entity", "show", "club"))
        self.assertEqual(a.ok("GET", "/entities")["items"],
                         self.cli("entity", "list"))
        st, doc = a.call("POST", "/entities", {"name": "Bad Name"})
        self.assertEqual((st, doc["error"]["code"]), (422, "invalid"))
        ids = [a.ok("POST", "/records/club", {"name": n, "size": i})["sys_id"]
               for i, n in enumerate(["Chess", "Go", "Bridge"])]
        rec = a.ok("GET", "/records/club/%s" % ids[0])
        self.assertEqual(rec, self.cli("record", "get", "club", ids[0]))
        a.ok("PUT", "/records/club/%s" % ids[0], {"size": 40})
        lst = a.ok("GET", "/records/club")
        self.assertEqual(lst["items"], self.cli("record", "list", "club"))
        self.assertEqual(lst["total"], 3)
        self.assertEqual(a.ok("GET", "/records/club?limit=1&offset=2")
                         ["items"], lst["items"][2:])
        only = a.ok("GET", "/records/club?filter=name:Go")
        self.assertEqual(only["total"], 1)
        self.assertEqual(only["items"][0]["sys_id"], ids[1])
        self.assertEqual(a.ok("GET", "/records/club?filter=size:40")
                         ["items"][0]["sys_id"], ids[0])
        hist = a.ok("GET", "/records/club/%s/history" % ids[0])
        self.assertEqual(hist["items"],
                         self.cli("record", "history", "club", ids[0]))
        a.ok("POST", "/records/club/%s/restore" % ids[0],
             {"version": hist["items"][0]["version"]})
        self.assertEqual(a.ok("GET", "/records/club/%s" % ids[0])["size"], 0)
        a.ok("DELETE", "/records/club/%s" % ids[2])
        st, doc = a.call("GET", "/records/club/%s" % ids[2])
        self.assertEqual(st, 404)
        st, doc = a.call("POST", "/records/club", {"size": "big"})
        self.assertEqual((st, doc["error"]["code"]), (422, "invalid"))
        st, doc = a.call("GET", "/records/nope")
        self.assertEqual(st, 404)

    def test_packs_export_inspect(self):
        a = self.a
        a.ok("POST", "/packs", {"name": "Spring: é", "description":
                                "the spring release", "use": True})
        self.assertEqual(a.ok("GET", "/current-pack"),
                         self.cli("pack", "current"))
        a.ok("POST", "/entities", {"name": "team"})
        a.ok("POST", "/entities/team/fields",
             {"name": "name", "type": "nvarchar(20)"})
        tid = a.ok("POST", "/records/team", {"name": "A"})["sys_id"]
        a.ok("POST", "/packs", {"name": "side"})
        a.ok("POST", "/packs/side/items", {"entity": "team", "sys_id": tid})
        name = urllib.parse.quote("Spring: é", safe="")
        self.assertEqual(a.ok("GET", "/packs/%s" % name),
                         self.cli("pack", "show", "Spring: é"))
        lst = a.ok("GET", "/packs")
        self.assertEqual(lst["items"], self.cli("pack", "list"))
        q = a.ok("GET", "/packs?q=SPRING")
        self.assertEqual([p["name"] for p in q["items"]], ["Spring: é"])
        st, doc = a.call("POST", "/packs/%s/export" % name, {})
        self.assertEqual((st, doc["error"]["code"]), (409, "state"))
        a.ok("POST", "/packs/%s/complete" % name)
        done = a.ok("GET", "/packs?state=completed")
        self.assertEqual([p["name"] for p in done["items"]], ["Spring: é"])
        a.ok("POST", "/packs/%s/reopen" % name)
        a.ok("POST", "/packs/%s/use" % name)
        a.ok("POST", "/packs/%s/complete" % name)
        st, data = a.raw("POST", "/packs/%s/export" % name,
                         b'{"mode":"application"}',
                         {"Content-Type": "application/json"})
        self.assertEqual(st, 200)
        cd = a.headers["Content-Disposition"]
        # rule: non-ASCII and ':' travel in filename* (RFC 6266).
        self.assertIn("filename*=UTF-8''Spring_%20%C3%A9_", cd)
        self.assertIn('filename="Spring_ __', cd)
        st, out = a.upload("/files/inspect", "x.sop", data)
        self.assertEqual(st, 200)
        doc = json.loads(out)
        self.assertEqual(doc["mode"], "application")
        self.assertEqual(doc["format_version"], 2)
        self.assertTrue(doc["valid"])
        # rule: "format": 1 writes format 1; a format ferry does not
        # write is the library's refusal, as at the command line.
        st, old = a.raw("POST", "/packs/%s/export" % name, b'{"format":1}',
                        {"Content-Type": "application/json"})
        self.assertEqual(st, 200)
        st, out = a.upload("/files/inspect", "old.sop", old)
        self.assertEqual((st, json.loads(out)["format_version"]), (200, 1))
        st, doc = a.call("POST", "/packs/%s/export" % name, {"format": 3})
        self.assertEqual(st, 422)
        self.assertIn("ferry writes .sop formats 1 to 2, not 3",
                      doc["error"]["message"])
        st, out = a.upload("/files/inspect", "bad.sop", data[:-20])
        self.assertEqual(st, 422)
        st, doc = a.call("POST", "/packs/%s/export" % name, {"mode": "x"})
        self.assertEqual(st, 400)

    def test_formulas_and_datasets(self):
        a = self.a
        a.ok("POST", "/formulas", {"name": "dues", "inputs": "fee:decimal",
                                   "outputs": "total", "body": "fee * 12"})
        st, doc = a.call("POST", "/formulas/dues/versions", {})
        self.assertEqual((st, doc["error"]["code"]), (409, "state"))
        a.ok("POST", "/formulas/dues/activate", {"version": 1})
        v2 = a.ok("POST", "/formulas/dues/versions", {"body": "fee * 11"})
        self.assertEqual(v2["version"], 2)
        a.ok("DELETE", "/formulas/dues/versions/2")
        a.ok("POST", "/formulas/dues/close", {"version": 1})
        self.assertEqual(a.ok("GET", "/formulas/dues"),
                         self.cli("formula", "show", "dues"))
        self.assertEqual(a.ok("GET", "/formulas")["items"],
                         self.cli("formula", "list"))
        a.ok("POST", "/datasets", {"name": "rates", "columns": "a:int"})
        self.assertEqual(a.ok("GET", "/datasets/rates"),
                         self.cli("dataset", "show", "rates"))
        self.assertEqual(a.ok("GET", "/datasets")["total"], 1)
        st, doc = a.call("POST", "/formulas/dues/activate", {})
        self.assertEqual(st, 400)

    def test_entity_packs_upload_and_unpack(self):
        a = self.a
        a.ok("POST", "/entities", {"name": "venue", "display": "Venue"})
        a.ok("POST", "/entities/venue/fields",
             {"name": "city", "type": "nvarchar(30)"})
        st, data = a.raw("GET", "/entities/venue/pack")
        self.assertEqual(st, 200)
        self.assertIn("venue", a.headers["Content-Disposition"])
        other = self.server("ep-target")
        t = other.client()
        st, out = t.upload("/entity-packs", "venue.sop", data)
        self.assertEqual(st, 200, out)
        listed = json.loads(out)
        upload = listed["upload"]
        self.assertIn("venue", json.dumps(listed))
        st, doc = t.call("POST", "/entity-packs/unpack",
                         {"upload": upload, "select": ["venue"],
                          "backup": False})
        self.assertEqual(st, 202)
        job = t.wait_job(doc["job"])
        self.assertEqual(job["state"], "done", job)
        self.assertEqual(job["total"], job["done"])
        self.assertEqual(t.ok("GET", "/entities/venue")["fields"][0]["name"],
                         "city")
        # The upload set is gone with its job.
        st, doc = t.call("POST", "/entity-packs/unpack", {"upload": upload})
        self.assertEqual(st, 404)
        # Another user may not read the job.
        bob = other.client(other.add_user("bob"))
        st, doc = bob.call("GET", "/jobs/%d" % job["id"])
        self.assertEqual(st, 404)

    def test_tokens_session_audit(self):
        a = self.a
        tok = a.ok("POST", "/tokens", {"label": "pipeline"})
        self.assertTrue(tok["token"].startswith("ferry_"))
        listed = a.ok("GET", "/tokens")
        self.assertEqual(listed["items"], self.cli("token", "list"))
        self.assertNotIn(tok["token"], json.dumps(listed))
        a.ok("DELETE", "/tokens/%d" % tok["id"])
        st, doc = a.call("DELETE", "/tokens/%d" % tok["id"])
        self.assertEqual(st, 404)
        me = a.ok("GET", "/session")
        self.assertEqual(me, {"user": "admin", "admin": True})
        audit = a.ok("GET", "/audit?limit=2")
        self.assertEqual(len(audit["items"]), 2)
        self.assertGreater(audit["total"], 2)
        full = a.ok("GET", "/audit")
        self.assertEqual(full["items"][:2], audit["items"])
        self.assertEqual(full["items"], self.cli("audit", "list"))
        since = full["items"][0]["at"]
        recent = a.ok("GET", "/audit?since=" + urllib.parse.quote(since))
        self.assertTrue(all(e["at"] >= since for e in recent["items"]))
        st, doc = a.call("GET", "/audit?since=yesterday")
        self.assertEqual(st, 422)

    def test_unknown_paths_and_methods(self):
        a = self.a
        st, doc = a.call("GET", "/nothing")
        self.assertEqual((st, doc["error"]["code"]), (404, "not_found"))
        st, doc = a.call("DELETE", "/instance")
        self.assertEqual(st, 405)
        st, data = a.raw("GET", "/", prefix="")
        self.assertEqual(st, 200)
        self.assertIn(b"<html", data)
        st, data = a.raw("GET", "/packs/anything", prefix="")
        self.assertEqual(st, 200)


if __name__ == "__main__":
    unittest.main()
