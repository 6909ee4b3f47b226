"""Helpers of the API scenario tests: make an instance with the ferry
command, start `ferry serve` on a free loopback port, and talk to it with
the standard library only (http.client), by token or by cookie session.

Environment: FERRY_BIN (the ferry binary).  Each test class gets its own
folder, instance and server; the server's stderr (its request log) is
kept so that tests can read it.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import warnings

# Connections a test leaves open are closed by the server's timeout.
warnings.simplefilter("ignore", ResourceWarning)

FERRY = os.environ.get("FERRY_BIN", "build/ferry")
PASSWORD = "correct horse battery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ferry(db, *args, stdin=None, check=True, user=None):
    cmd = [FERRY, "--db", db]
    if user:
        cmd += ["--user", user]
    p = subprocess.run(cmd + list(args), input=stdin, capture_output=True,
                       text=True)
    if check and p.returncode != 0:
        raise AssertionError("ferry %s: exit %d: %s" %
                             (" ".join(args), p.returncode, p.stderr))
    return p


class Server:
    """One `ferry serve` process on one instance."""

    def __init__(self, folder, name, extra=(), admin="admin"):
        self.folder = folder
        self.db = os.path.join(folder, name + ".db")
        self.admin = admin
        ferry(self.db, "init", "--name", name, "--admin", admin)
        ferry(self.db, "user", "passwd", admin, "--password-stdin",
              stdin=PASSWORD + "\n")
        self.token = json.loads(ferry(self.db, "--json", "token", "create",
                                      admin, "--label", "tests").stdout)["token"]
        self.port = free_port()
        self.log_path = os.path.join(folder, name + ".log")
        self.extra = list(extra)
        self.start()

    def start(self):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [FERRY, "--db", self.db, "serve", "--listen",
             "127.0.0.1:%d" % self.port] + self.extra,
            stderr=self.log, stdout=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError("ferry serve exited: " +
                                         self.read_log())
                time.sleep(0.05)
        raise AssertionError("ferry serve did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.log.close()
        return self.proc.returncode

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()

    def client(self, token=None):
        return Client(self.port, token=token or self.token)

    def anonymous(self):
        return Client(self.port)

    def login(self, user=None, password=PASSWORD):
        c = Client(self.port)
        st, doc = c.call("POST", "/session", {"user": user or self.admin,
                                              "password": password})
        if st != 200:
            raise AssertionError("login failed: %d %r" % (st, doc))
        c.csrf = doc["csrf"]
        return c

    def add_user(self, name, admin=False):
        args = ["user", "add", name] + (["--admin"] if admin else [])
        ferry(self.db, *args)
        ferry(self.db, "user", "passwd", name, "--password-stdin",
              stdin=PASSWORD + "\n")
        return json.loads(ferry(self.db, "--json", "token", "create",
                                name).stdout)["token"]


class Client:
    """HTTP/1.1 with keep-alive; a token, or a session cookie + CSRF."""

    def __init__(self, port, token=None):
        self.port = port
        self.token = token
        self.cookie = None
        self.csrf = None
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = None

    def raw(self, method, path, body=None, headers=None, prefix="/api/v1"):
        h = dict(headers or {})
        if self.token and "Authorization" not in h:
            h["Authorization"] = "Bearer " + self.token
        if self.cookie:
            h["Cookie"] = self.cookie
            if self.csrf and method not in ("GET", "HEAD") and \
                    "X-CSRF-Token" not in h:
                h["X-CSRF-Token"] = self.csrf
        for attempt in range(2):
            try:
                self.conn.request(method, prefix + path, body=body, headers=h)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=60)
                if attempt:
                    raise
        self.headers = resp.headers
        sc = resp.getheader("Set-Cookie")
        if sc and sc.startswith("ferry_session="):
            value = sc.split(";")[0]
            self.cookie = None if value == "ferry_session=" else value
        return resp.status, data

    def call(self, method, path, doc=None, headers=None):
        body = None if doc is None else json.dumps(doc).encode()
        h = dict(headers or {})
        if body is not None:
            h["Content-Type"] = "application/json"
        st, data = self.raw(method, path, body, h)
        try:
            return st, json.loads(data) if data else None
        except ValueError:
            return st, data

    def get(self, path):
        return self.call("GET", path)

    def ok(self, method, path, doc=None, want=200):
        st, out = self.call(method, path, doc)
        if st != want:
            raise AssertionError("%s %s: %d %r" % (method, path, st, out))
        return out

    def upload(self, path, filename, data, query=""):
        sep = "&" if "?" in path else "?"
        name = "name=" + __import__("urllib.parse").parse.quote(filename)
        return self.raw("POST", path + sep + name + query, data,
                        {"Content-Type": "application/octet-stream"})

    def wait_job(self, job, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            doc = self.ok("GET", "/jobs/%d" % job)
            if doc["state"] != "running":
                return doc
            time.sleep(0.05)
        raise AssertionError("job %d still running" % job)


class ServerTest(unittest.TestCase):
    """A test class with a temporary folder; servers stop at the end."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ferry-api-")
        cls.servers = []

    @classmethod
    def tearDownClass(cls):
        # Every server stops cleanly on SIGTERM: exit 0, which under the
        # sanitizer build also means no leak and no error report.
        bad = []
        for s in cls.servers:
            if s.stop() != 0:
                bad.append("%s: exit %s\n%s" % (s.db, s.proc.returncode,
                                                 s.read_log()[-3000:]))
        if not os.environ.get("FERRY_KEEP"):
            shutil.rmtree(cls.tmp, ignore_errors=True)
        else:
            print(cls.tmp)
        if bad:
            raise AssertionError("\n".join(bad))

    @classmethod
    def server(cls, name, extra=(), admin="admin"):
        s = Server(cls.tmp, name, extra, admin)
        cls.servers.append(s)
        return s
