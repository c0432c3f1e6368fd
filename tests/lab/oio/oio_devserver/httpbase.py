# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""HTTP/1.1 plumbing shared by every personality: keep-alive, request bodies, JSON replies."""

import json
import socket
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_LINE = 65536


class BadRequest(Exception):
    """The request itself is malformed (answered with 400)."""


class Body:
    """A request body read incrementally: Content-Length bounded or chunked (with trailers)."""

    def __init__(self, rfile, headers):
        self.rfile = rfile
        self.trailers = {}
        te = (headers.get("Transfer-Encoding") or "").lower()
        self.chunked = "chunked" in te
        self.length = None
        self.remaining = 0
        self.done = False
        if not self.chunked:
            raw = headers.get("Content-Length")
            try:
                self.length = int(raw) if raw else 0
            except ValueError as exc:
                raise BadRequest("invalid Content-Length") from exc
            if self.length < 0:
                raise BadRequest("invalid Content-Length")
            self.remaining = self.length
            self.done = self.remaining == 0

    def _next_chunk(self):
        line = self.rfile.readline(MAX_LINE)
        if not line.endswith(b"\n"):
            raise BadRequest("truncated chunked body")
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as exc:
            raise BadRequest("invalid chunk size line") from exc
        if size == 0:
            self._read_trailers()
            self.done = True
        self.remaining = size

    def _read_trailers(self):
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line.endswith(b"\n"):
                raise BadRequest("truncated trailers")
            line = line.strip()
            if not line:
                return
            name, sep, value = line.decode("latin-1").partition(":")
            if not sep:
                raise BadRequest("invalid trailer line")
            self.trailers[name.strip().lower()] = value.strip()

    def read(self, size=1 << 20):
        """Return up to size bytes; b"" at the end of the body."""
        while not self.done and self.remaining == 0:
            self._next_chunk()
        if self.done and self.remaining == 0:
            return b""
        data = self.rfile.read(min(size, self.remaining))
        if not data:
            raise BadRequest("body ended early")
        self.remaining -= len(data)
        if self.remaining == 0:
            if self.chunked:
                if self.rfile.read(2) != b"\r\n":
                    raise BadRequest("missing CRLF after chunk data")
            else:
                self.done = True
        return data

    def read_all(self, limit=64 << 20):
        parts, total = [], 0
        while True:
            data = self.read()
            if not data:
                return b"".join(parts)
            total += len(data)
            if total > limit:
                raise BadRequest("body too large")
            parts.append(data)

    def drain(self):
        while self.read():
            pass


class Handler(BaseHTTPRequestHandler):
    """Base handler: HTTP/1.1 keep-alive, parsed URL and query, reply helpers."""

    protocol_version = "HTTP/1.1"
    server_version = "oio-devserver"
    timeout = 300  # idle keep-alive connections are closed after this many seconds
    # Headers and body leave in separate sends: with Nagle on, the body waits for the client's delayed ACK.
    disable_nagle_algorithm = True
    # How undecodable bytes of the query string are decoded: "surrogateescape" lets a subclass tell them apart.
    query_errors = "replace"

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        if self.server.verbose:
            super().log_message(format, *args)

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (ConnectionError, socket.timeout):
            self.close_connection = True

    def parse_target(self):
        parts = urlsplit(self.path)
        path = parts.path
        while path.startswith("//"):
            path = path[1:]
        self.url_path = path
        query = parse_qs(parts.query, keep_blank_values=True, errors=self.query_errors)
        self.query = {k: v[-1] for k, v in query.items()}
        self.body = Body(self.rfile, self.headers)

    def dispatch(self):
        """Called for every method; subclasses implement route()."""
        try:
            self.parse_target()
        except BadRequest as exc:
            self.close_connection = True
            self.send_text(400, str(exc))
            return
        self.replied = False
        try:
            self.route()
        except BadRequest as exc:
            self.close_connection = True
            if not self.replied:
                self.send_error_reply(400, str(exc))
        except (ConnectionError, socket.timeout):
            raise
        except Exception as exc:  # a bug: answer 500 rather than drop the connection, and log it
            traceback.print_exc()
            self.close_connection = True
            if not self.replied:
                self.send_error_reply(500, f"internal error: {exc!r}")
        finally:
            if not self.close_connection:
                try:
                    self.body.drain()
                except (BadRequest, OSError):
                    self.close_connection = True

    def send_response(self, code, message=None):
        self.replied = True
        super().send_response(code, message)

    def send_error_reply(self, code, message):
        self.send_text(code, message)

    def send_text(self, code, text="", headers=None, content_type="text/plain"):
        data = text.encode() if isinstance(text, str) else text
        self.send_response(code)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if code not in (204, 304) and not (100 <= code < 200):
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
        else:
            data = b""
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, code, obj, headers=None, content_type="application/json"):
        self.send_text(code, json.dumps(obj), headers, content_type)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_COPY = dispatch

    def __getattr__(self, name):
        # Any other method name reaches route(), which answers 405 where it must.
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)


class Server(ThreadingHTTPServer):
    """One listening port, served by its own thread; connections get their own threads."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, handler, verbose=False, **attrs):
        self.verbose = verbose
        for key, value in attrs.items():
            setattr(self, key, value)
        self.active = set()
        self.active_lock = threading.Lock()
        super().__init__(addr, handler)
        self.thread = None

    def get_request(self):
        sock, addr = super().get_request()
        with self.active_lock:
            self.active.add(sock)
        return sock, addr

    def shutdown_request(self, request):
        with self.active_lock:
            self.active.discard(request)
        super().shutdown_request(request)

    @property
    def addr(self):
        host, port = self.server_address[:2]
        return f"{host}:{port}"

    def start(self):
        self.thread = threading.Thread(target=self.serve_forever, name=f"serve-{self.addr}", daemon=True)
        self.thread.start()
        return self

    def stop(self):
        """Stop listening and cut the open connections, like a killed service."""
        self.shutdown()
        self.server_close()
        with self.active_lock:
            for sock in list(self.active):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
