"""What the FHIR suite stands on: the real `mds` binary started on a temporary data directory
(SQLite, or a fresh PostgreSQL database), a recording proxy in front of it that keeps every
FHIR JSON answer for validation, demo sign-ins, and small HTTP helpers."""

import http.client
import http.server
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import urllib.parse

import requests

PASSWORD = "Demo-MDS-2026"
CAFAT = "https://mondrivesante.nc/fhir/sid/cafat"


class Recorder(http.server.ThreadingHTTPServer):
    """A reverse proxy to the server under test, on loopback; it records every FHIR JSON
    answer (method, path, status, body)."""

    daemon_threads = True

    def __init__(self, target_port):
        self.target_port = target_port
        self.records = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Forward)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        conn = http.client.HTTPConnection("127.0.0.1", self.server.target_port, timeout=300)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        content_type = r.getheader("Content-Type", "")
        if self.path.startswith("/fhir") and content_type.startswith("application/fhir+json"):
            with self.server.lock:
                self.server.records.append((self.command, self.path, r.status, data))
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _forward


class Server:
    """`mds serve --demo` on a free port, with its own data directory and database. With
    `tls_env` (the `MDS_TLS_*` variables), it serves HTTPS itself and is reached directly, not
    through the recording proxy."""

    def __init__(self, binary, pg_admin_url=None, tls_env=None):
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="mds-fhir-")
        self.pg_admin_url = pg_admin_url
        self.db_name = None
        env = {k: v for k, v in os.environ.items() if not k.startswith("MDS_") or k.startswith("MDS_TEST_")}
        env.update({"MDS_DATA_DIR": self.dir, "MDS_LISTEN": "127.0.0.1:0", "MDS_LOG_LEVEL": "error"})
        if pg_admin_url:
            self.db_name = "mds_test_fhir_" + secrets.token_hex(6)
            subprocess.run(["psql", "-qAt", pg_admin_url, "-c", f"CREATE DATABASE {self.db_name}"], check=True)
            parts = urllib.parse.urlsplit(pg_admin_url)
            env["MDS_DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path="/" + self.db_name))
        env.update(tls_env or {})
        self.env = env
        self.proc = subprocess.Popen([binary, "serve", "--demo"], env=env, stdout=subprocess.PIPE, text=True)
        self.port = None
        scheme = None
        for line in self.proc.stdout:
            m = re.search(r"écoute sur (https?)://127\.0\.0\.1:(\d+)", line)
            if m:
                scheme, self.port = m.group(1), int(m.group(2))
                break
        if self.port is None:
            raise RuntimeError("mds serve did not announce its address")
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()
        if tls_env:
            if scheme != "https":
                raise RuntimeError(f"mds serve announced {scheme}, not https")
            self.proxy = None
            self.url = f"https://127.0.0.1:{self.port}"
        else:
            self.proxy = Recorder(self.port)
            threading.Thread(target=self.proxy.serve_forever, daemon=True).start()
            self.url = self.proxy.url
        self.fhir = self.url + "/fhir"

    def code(self, login):
        out = subprocess.run([self.binary, "demo", "code", login], env=self.env, check=True,
                             capture_output=True, text=True).stdout
        return re.search(r"\b(\d{6})\b", out).group(1)

    def vault_objects(self):
        count = 0
        for _, _, files in os.walk(os.path.join(self.dir, "vault")):
            count += len(files)
        return count

    def stop(self):
        if self.proxy:
            self.proxy.shutdown()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.db_name:
            subprocess.run(["psql", "-qAt", self.pg_admin_url, "-c", f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)"],
                           check=False, capture_output=True)


class Person:
    """A signed-in demo account: its bearer token and account id, and HTTP helpers."""

    def __init__(self, server, login):
        self.server = server
        self.login = login
        r = requests.post(server.url + "/api/v1/auth/login",
                          json={"login": login, "password": PASSWORD, "totp_code": server.code(login)})
        r.raise_for_status()
        self.token = r.json()["token"]
        self.id = r.json()["account"]["id"]
        self.auth = {"Authorization": f"Bearer {self.token}"}

    def get(self, path, headers=None, **kw):
        return requests.get(self.server.url + path, headers={**self.auth, **(headers or {})}, **kw)

    def post(self, path, body=None, headers=None, **kw):
        h = {**self.auth, **(headers or {})}
        if body is not None:
            h.setdefault("Content-Type", "application/fhir+json" if path.startswith("/fhir") else "application/json")
            kw["data"] = json.dumps(body)
        return requests.post(self.server.url + path, headers=h, **kw)

    def delete(self, path):
        return requests.delete(self.server.url + path, headers=self.auth)

    def upload(self, path, fields, content):
        return requests.post(self.server.url + path, headers=self.auth, data=fields,
                             files={"file": ("doc", content)})
