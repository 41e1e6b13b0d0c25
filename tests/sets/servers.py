"""Real git servers on loopback for the sets tests.

- GitDaemon: `git daemon` serving a directory over git://127.0.0.1:PORT/.
- HttpGit: a small HTTP server that runs `git http-backend` as CGI for every
  request (smart HTTP), over http://127.0.0.1:PORT/. Paths under /private/
  need HTTP Basic authentication. While `stall_file` exists, requests wait
  (a fetch that hangs, for the lock and kill tests).
Both can be stopped and started again on the same port (a remote going down
and coming back).
"""

import base64
import http.server
import os
import signal
import socket
import subprocess
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc=None, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class GitDaemon:
    def __init__(self, base):
        self.base = base
        self.port = None
        self.proc = None

    def start(self):
        for _ in range(20):  # a port taken between choosing it and binding it: choose again
            port = self.port or free_port()
            proc = subprocess.Popen(
                ["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={self.base}",
                 "--listen=127.0.0.1", f"--port={port}", self.base],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            if wait_listening(port, proc):
                self.port, self.proc = port, proc
                return
            self.kill(proc)
            if self.port:
                time.sleep(0.2)
        raise RuntimeError("git daemon did not start")

    @staticmethod
    def kill(proc):
        # `git daemon` runs git-daemon as a child, which forks per connection:
        # the whole process group goes.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()

    def stop(self):
        if self.proc:
            self.kill(self.proc)
            self.proc = None

    def url(self, repo):
        return f"git://127.0.0.1:{self.port}/{repo}"


class HttpGit:
    def __init__(self, base, user, password, stall_file):
        self.base, self.user, self.password, self.stall_file = base, user, password, stall_file
        self.port = None
        self.server = None
        self.stalled = 0  # requests that found the stall file
        self.requests = 0

    def start(self):
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.cgi()

            def do_POST(self):
                self.cgi()

            def body(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    data = b""
                    while True:
                        size = int(self.rfile.readline().strip().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            return data
                        data += self.rfile.read(size)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def cgi(self):
                owner.requests += 1
                path, _, query = self.path.partition("?")
                if path.startswith("/private/"):
                    want = "Basic " + base64.b64encode(f"{owner.user}:{owner.password}".encode()).decode()
                    if self.headers.get("Authorization") != want:
                        self.send_response(401)
                        self.send_header("WWW-Authenticate", 'Basic realm="sets"')
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    path = path[len("/private"):]
                if os.path.exists(owner.stall_file):
                    owner.stalled += 1
                    while os.path.exists(owner.stall_file):
                        time.sleep(0.05)
                body = self.body()
                env = {
                    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                    "GIT_PROJECT_ROOT": owner.base, "GIT_HTTP_EXPORT_ALL": "1",
                    "PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": self.command,
                    "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                    "CONTENT_LENGTH": str(len(body)), "REMOTE_ADDR": "127.0.0.1",
                    "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
                }
                if self.headers.get("Content-Encoding"):
                    env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
                if self.headers.get("Git-Protocol"):
                    env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
                out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
                head, _, payload = out.partition(b"\r\n\r\n")
                if not _:
                    head, _, payload = out.partition(b"\n\n")
                status, headers = 200, []
                for line in head.decode("latin-1").splitlines():
                    k, _, v = line.partition(":")
                    if k.lower() == "status":
                        status = int(v.strip().split()[0])
                    elif k:
                        headers.append((k, v.strip()))
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        class Server(http.server.ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client that hung up (a killed fetch) is expected here

        for _ in range(50):
            try:
                self.server = Server(("127.0.0.1", self.port or 0), Handler)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("http server did not start")
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def url(self, repo, private=False):
        return f"http://127.0.0.1:{self.port}/{'private/' if private else ''}{repo}"
