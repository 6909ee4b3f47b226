"""Security rules of ferry serve, each test named after the rule it
checks: authentication on every endpoint, roles from the library, CSRF,
revoked tokens, upload caps and names, malformed JSON, slow clients,
login throttling, TLS cookies, busy instances, graceful stops, and no
secret in any log line or response."""
import fcntl
import json
import os
import re
import socket
import ssl
import subprocess
import time
import unittest
import http.client

from apitest import PASSWORD, ServerTest, ferry

SRC = os.environ.get("FERRY_SRC", os.path.join(os.path.dirname(__file__),
                                               "..", ".."))


def routes():
    """Every route of src/server/routes.c: (method, pattern, public)."""
    with open(os.path.join(SRC, "src", "server", "routes.c")) as f:
        text = f.read()
    out = []
    for m in re.finditer(r'\{ "(\w+)", V "([^"]+)", \w+, ([^}]*)\}', text):
        out.append((m.group(1), m.group(2), "ROUTE_PUBLIC" in m.group(3)))
    return out


class Security(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s = cls.server("sec", ["--max-upload", "4096", "--timeout", "2"])
        cls.admin = cls.s.client()
        cls.bob_token = cls.s.add_user("bob")
        cls.bob = cls.s.client(cls.bob_token)
        cls.responses = []

    def keep(self, data):
        self.responses.append(data if isinstance(data, bytes) else
                              json.dumps(data).encode())
        return data

    def test_rule_every_endpoint_needs_credentials(self):
        table = routes()
        self.assertGreater(len(table), 60)
        anon = self.s.anonymous()
        for method, pattern, public in table:
            path = pattern.replace("/api/v1", "").replace("*", "x1")
            st, doc = anon.call(method, path, {} if method != "GET" else None)
            if public:
                continue
            self.assertEqual(st, 401, "%s %s" % (method, path))
            self.assertEqual(doc["error"]["code"], "unauthenticated")
        st, doc = anon.call("GET", "/instance",
                            headers={"Authorization": "Basic eDp5"})
        self.assertEqual(st, 401)

    def snapshot(self):
        a = self.admin
        docs = [a.ok("GET", p) for p in
                ("/users", "/properties", "/entities", "/packs", "/tokens",
                 "/imports", "/formulas", "/entities/thing",
                 "/formulas/f1")]
        for t in docs[4]["items"]:
            del t["last_used_at"]     # reading with a token notes its use
        return docs

    def test_rule_admin_operations_as_non_admin_are_403_and_change_nothing(self):
        a = self.admin
        a.ok("POST", "/entities", {"name": "thing"})
        a.ok("POST", "/entities/thing/fields", {"name": "n", "type": "int"})
        a.ok("POST", "/packs", {"name": "done-pack"})
        a.ok("POST", "/packs/done-pack/complete")
        a.ok("POST", "/formulas", {"name": "f1", "inputs": "a:int",
                                   "outputs": "s"})
        admin_token_id = a.ok("GET", "/tokens?user=admin")["items"][0]["id"]
        before = self.snapshot()
        attempts = [
            ("POST", "/users", {"name": "mallory", "admin": True}),
            ("PATCH", "/users/bob", {"admin": True}),
            ("PUT", "/users/admin/password", {"password": "x" * 12}),
            ("PUT", "/properties/protected.essences", {"value": "thing"}),
            ("POST", "/entities", {"name": "other"}),
            ("POST", "/entities/thing/fields", {"name": "m", "type": "int"}),
            ("PATCH", "/entities/thing/fields/n", {"display": "N"}),
            ("DELETE", "/entities/thing/fields/n", None),
            ("POST", "/packs/done-pack/reopen", {}),
            ("POST", "/tokens", {"user": "admin"}),
            ("DELETE", "/tokens/%d" % admin_token_id, None),
            ("POST", "/formulas/f1/activate", {"version": 1}),
            ("GET", "/tokens?user=admin", None),
            ("GET", "/audit", None),
            ("GET", "/imports/1/preview", None),
            ("POST", "/imports/1/resolve", {"action": "skip", "all": True}),
            ("POST", "/imports/1/commit?wait=true", {}),
            ("POST", "/imports/1/backout?wait=true", {}),
        ]
        for method, path, doc in attempts:
            st, out = self.bob.call(method, path, doc)
            self.assertEqual(st, 403, "%s %s: %r" % (method, path, out))
            self.assertEqual(out["error"]["code"], "denied")
        # Loading a package and unpacking entities are for admins too
        # (jobs: ?wait=true answers their outcome).
        st, out = self.bob.upload("/imports", "x.sop", b"not a package",
                                  "&wait=true")
        self.assertEqual(st, 403, out)
        st, data = a.raw("GET", "/entities/thing/pack")
        self.assertEqual(st, 200)
        st, out = self.bob.upload("/entity-packs", "thing.sop", data)
        self.assertEqual(st, 200, out)
        st, out = self.bob.call("POST", "/entity-packs/unpack?wait=true",
                                {"upload": json.loads(out)["upload"]})
        self.assertEqual(st, 403, out)
        self.assertEqual(self.snapshot(), before)

    def test_rule_cookie_write_without_csrf_is_403(self):
        c = self.s.login()
        st, doc = c.call("GET", "/users")
        self.assertEqual(st, 200)
        csrf, c.csrf = c.csrf, None
        st, doc = c.call("POST", "/packs", {"name": "csrf-less"})
        self.assertEqual(st, 403)
        self.assertEqual(doc["error"]["code"], "csrf")
        st, doc = c.call("POST", "/packs", {"name": "csrf-less"},
                         headers={"X-CSRF-Token": "0" * 64})
        self.assertEqual(st, 403)
        self.assertNotIn("csrf-less",
                         [p["name"] for p in
                          self.admin.ok("GET", "/packs")["items"]])
        c.csrf = csrf
        c.ok("POST", "/packs", {"name": "csrf-ok"})

    def test_rule_logout_ends_the_session(self):
        c = self.s.login()
        cookie = c.cookie
        c.ok("DELETE", "/session")
        c.cookie = cookie
        st, doc = c.call("GET", "/instance")
        self.assertEqual(st, 401)

    def test_rule_revoked_token_is_401(self):
        tok = self.s.add_user("carol")
        c = self.s.client(tok)
        me = c.ok("GET", "/session")
        self.assertEqual(me["user"], "carol")
        tid = c.ok("GET", "/tokens")["items"][0]["id"]
        c.ok("DELETE", "/tokens/%d" % tid)
        st, doc = c.call("GET", "/instance")
        self.assertEqual(st, 401)
        self.assertEqual(doc["error"]["code"], "unauthenticated")

    def test_rule_unknown_user_and_wrong_password_get_the_same_401(self):
        anon = self.s.anonymous()
        st1, d1 = anon.call("POST", "/session",
                            {"user": "nobody", "password": "whatever1"})
        st2, d2 = anon.call("POST", "/session",
                            {"user": "bob", "password": "whatever1"})
        self.assertEqual((st1, st2), (401, 401))
        self.assertEqual(d1, d2)

    def test_rule_failed_logins_slow_down(self):
        self.s.add_user("dave")
        anon = self.s.anonymous()
        for _ in range(3):
            st, _ = anon.call("POST", "/session",
                              {"user": "dave", "password": "wrong-one"})
            self.assertEqual(st, 401)
        st, doc = anon.call("POST", "/session",
                            {"user": "dave", "password": PASSWORD})
        self.assertEqual(st, 401)
        self.assertIn("too many failed logins", doc["error"]["message"])
        time.sleep(1.2)
        st, doc = anon.call("POST", "/session",
                            {"user": "dave", "password": PASSWORD})
        self.assertEqual(st, 200, doc)

    def work_entries(self):
        return sorted(e for e in os.listdir(os.path.join(self.tmp,
                                                         ".ferry-serve"))
                      if not e.endswith(".lock"))

    def test_rule_upload_over_the_cap_is_413_and_leaves_no_file(self):
        before = self.work_entries()
        st, data = self.admin.upload("/files/inspect", "big.sop",
                                     b"x" * 5000)
        self.assertEqual(st, 413)
        self.assertEqual(json.loads(data)["error"]["code"], "too_large")
        # Without a Content-Length the cap holds while streaming.
        conn = http.client.HTTPConnection("127.0.0.1", self.s.port)
        conn.putrequest("POST", "/api/v1/imports?name=big.sop")
        conn.putheader("Authorization", "Bearer " + self.s.token)
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for _ in range(5):
            conn.send(b"400\r\n" + b"y" * 1024 + b"\r\n")
        conn.send(b"0\r\n\r\n")
        resp = conn.getresponse()
        self.assertEqual(resp.status, 413)
        resp.read()
        conn.close()
        self.assertEqual(self.work_entries(), before)

    def test_rule_malformed_json_is_400(self):
        for body in (b"{", b"[1,2]", b"\"text\"", b"{\"name\": 3}"):
            st, data = self.admin.raw("POST", "/packs", body,
                                      {"Content-Type": "application/json"})
            self.assertEqual(st, 400, body)
            self.assertEqual(json.loads(data)["error"]["code"],
                             "bad_request")

    def test_rule_path_like_upload_names_stay_inside(self):
        outside = os.path.join(os.path.dirname(self.tmp), "evil.sop")
        for name in ("../../evil.sop", "/tmp/evil.sop", "..\\..\\evil.sop",
                     "....//evil.sop"):
            st, data = self.admin.upload("/entity-packs", name, b"junk")
            self.assertIn(st, (200, 422), data)
        st, data = self.admin.upload("/entity-packs", "../../../up.sop",
                                     b"junk")
        self.assertFalse(os.path.exists(outside))
        self.assertFalse(os.path.exists("/tmp/evil.sop"))
        sets = [e for e in self.work_entries() if e.startswith("entitypacks-")]
        found = []
        for d in sets:
            found += os.listdir(os.path.join(self.tmp, ".ferry-serve", d))
        self.assertIn("up.sop", found)
        self.assertTrue(all("/" not in f and not f.startswith(".")
                            for f in found))

    def test_rule_a_slow_client_is_cut_off(self):
        sock = socket.create_connection(("127.0.0.1", self.s.port))
        sock.sendall(b"GET /api/v1/instance HTTP/1.1\r\nHost: x\r\n")
        sock.settimeout(10)
        start = time.time()
        data = sock.recv(100)
        self.assertEqual(data, b"")
        self.assertLess(time.time() - start, 6)
        sock.close()

    def test_rule_a_client_trickling_a_body_is_cut_off(self):
        before = self.work_entries()
        sock = socket.create_connection(("127.0.0.1", self.s.port))
        sock.sendall(b"POST /api/v1/files/inspect?name=slow.sop HTTP/1.1\r\n"
                     b"Host: x\r\nContent-Length: 4000\r\n"
                     b"Authorization: Bearer " + self.s.token.encode() +
                     b"\r\n\r\n")
        sock.settimeout(1)
        closed = False
        start = time.time()
        while time.time() - start < 10 and not closed:
            try:
                sock.sendall(b"x")
                closed = sock.recv(100) == b""
            except socket.timeout:
                pass
            except OSError:
                closed = True
        sock.close()
        self.assertTrue(closed)
        self.assertLess(time.time() - start, 8)
        time.sleep(0.5)
        self.assertEqual(self.work_entries(), before)

    def test_rule_one_commit_at_a_time_is_409_busy(self):
        path = os.path.join(self.tmp, ".ferry-serve", "operation.lock")
        with open(path, "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            st, doc = self.admin.call("POST", "/imports/1/commit", {})
            fcntl.flock(f, fcntl.LOCK_UN)
        self.assertEqual(st, 409)
        self.assertEqual(doc["error"]["code"], "busy")

    def test_rule_zz_no_secret_in_any_log_line_or_response(self):
        c = self.s.login()
        session = c.cookie.split("=", 1)[1]
        for path in ("/users", "/tokens", "/session", "/audit", "/instance"):
            self.keep(c.raw("GET", path)[1])
        log = self.s.read_log()
        secrets = [PASSWORD, self.s.token, self.bob_token, session]
        with open(self.s.db.replace(".db", ".log")) as f:
            self.assertEqual(f.read(), log)
        for secret in secrets:
            self.assertNotIn(secret, log)
            for body in self.responses:
                self.assertNotIn(secret.encode(), body)
        self.assertRegex(log, r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 127\.0\.0\.1 "
                              r"admin GET /api/v1/users 200 \d+ms")


class Tls(ServerTest):

    def test_rule_tls_sessions_have_secure_cookies(self):
        cert = os.path.join(self.tmp, "cert.pem")
        key = os.path.join(self.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                        "-subj", "/CN=127.0.0.1"], check=True,
                       capture_output=True)
        s = self.server("tls", ["--tls-cert", cert, "--tls-key", key])
        ctx = ssl.create_default_context(cafile=cert)
        ctx.check_hostname = False
        conn = http.client.HTTPSConnection("127.0.0.1", s.port, context=ctx)
        conn.request("POST", "/api/v1/session",
                     json.dumps({"user": "admin", "password": PASSWORD}),
                     {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        self.assertEqual(resp.status, 200)
        cookie = resp.getheader("Set-Cookie")
        for attr in ("HttpOnly", "SameSite=Strict", "Secure"):
            self.assertIn(attr, cookie)
        conn.close()


class Stop(ServerTest):

    def test_rule_sigterm_finishes_a_running_commit(self):
        s = self.server("stop")
        a = s.client()
        a.ok("POST", "/packs", {"name": "big", "use": True})
        a.ok("POST", "/entities", {"name": "item"})
        a.ok("POST", "/entities/item/fields", {"name": "n", "type": "int"})
        lines = "".join('{"n": %d}\n' % i for i in range(3000))
        ferry(s.db, "record", "load", "item", "-", stdin=lines)
        a.ok("POST", "/packs/big/complete")
        st, data = a.raw("POST", "/packs/big/export", b"{}")
        self.assertEqual(st, 200)
        target = self.server("stop-target")
        t = target.client()
        st, out = t.upload("/imports", "big.sop", data, "&wait=true")
        imp = json.loads(out)["id"]
        t.ok("GET", "/imports/%d/preview" % imp)
        st, out = t.call("POST", "/imports/%d/commit" % imp, {})
        self.assertEqual(st, 202)
        self.assertEqual(target.stop(), 0, target.read_log())
        shown = json.loads(ferry(target.db, "--json", "import", "show",
                                 str(imp)).stdout)
        self.assertEqual(shown["state"], "committed")
        self.assertIn("stopped", target.read_log())


if __name__ == "__main__":
    unittest.main()
