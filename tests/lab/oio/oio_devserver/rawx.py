# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""rawx: chunk storage on a volume directory, one service per port (docs/oio-devserver.md, "rawx").

Layout as the reference rawx: <volume>/<first 3 chars of CHUNKID>/<CHUNKID>, metadata in extended
attributes user.grid.* and user.oio.content.fullpath:<CHUNKID>.
"""

import hashlib
import os
import posixpath
import queue
import re
import threading
import time
import uuid
from collections import Counter, deque
from urllib.parse import quote, unquote, urlsplit

from .httpbase import Handler, Server

CHUNK_ID = re.compile(r"^[0-9A-Fa-f]{24,64}$")
HEX = re.compile(r"^[0-9A-Fa-f]*$")
HEX64 = re.compile(r"^[0-9A-Fa-f]{0,64}$")
INT64 = re.compile(r"^[+-]?\d{1,19}$")
RANGE = re.compile(r"^bytes=(\d+)-(\d+)")  # the first range only; what follows is not looked at
REQID_MAX = 63
# The counters /stat lists, in its order: microseconds spent and hits per kind of request, replies per class,
# bytes read and written.
KINDS = ("put", "copy", "get", "head", "del", "stat", "info", "raw", "other")
STAT_COUNTERS = (["req.time"] + [f"req.time.{k}" for k in KINDS] + ["req.hits"] + [f"req.hits.{k}" for k in KINDS]
                 + ["rep.hits.2xx", "rep.hits.4xx", "rep.hits.5xx", "rep.hits.other", "rep.hits.403",
                    "rep.hits.404", "rep.bread", "rep.bwritten"])
OIO_VERSION = "4.2"
META = "x-oio-chunk-meta-"
FULLPATH_ATTR = "user.oio.content.fullpath:"
ATTRS = {  # header suffix -> xattr name
    "chunk-hash": "user.grid.chunk.hash",
    "chunk-size": "user.grid.chunk.size",
    "chunk-pos": "user.grid.chunk.position",
    "content-chunk-method": "user.grid.content.chunk_method",
    "content-storage-policy": "user.grid.content.storage_policy",
    "metachunk-hash": "user.grid.metachunk.hash",
    "metachunk-size": "user.grid.metachunk.size",
    "oio-version": "user.grid.oio.version",
}
IO_BLOCK = 1 << 20


def container_id(account, container):
    return hashlib.sha256(account.encode() + b"\0" + container.encode()).hexdigest().upper()


def quote_part(text):
    return quote(text, safe="")


class ChunkError(Exception):
    """An error reply: a status and no body, as the Go rawx answers; message is for the log."""

    def __init__(self, http, message=""):
        super().__init__(message)
        self.http = http
        self.message = message


def check_meta_value(suffix, value):
    """A hash (hex, at most 64 digits: upper-cased) or size (integer) header or trailer; "" when absent."""
    if not value:
        return ""
    if suffix.endswith("hash"):
        if not HEX64.match(value):
            raise ChunkError(400, f"invalid {META}{suffix}")
        return value.upper()
    if not INT64.match(value):
        raise ChunkError(400, f"invalid {META}{suffix}")
    return value


def parse_fullpath(fullpath):
    """Split and check a fullpath: (account, container, path, version, content_id), all unquoted."""
    parts = fullpath.split("/")
    if len(parts) != 5:
        raise ChunkError(400, "invalid fullpath")
    account, container, path, version, content = (unquote(p) for p in parts)
    try:
        int(version)
    except ValueError:
        raise ChunkError(400, "invalid version in fullpath") from None
    if not content or len(content) > 64 or not HEX.match(content):
        raise ChunkError(400, "invalid content id in fullpath")
    if not account or not container or not path:
        raise ChunkError(400, "invalid fullpath")
    return account, container, path, version, content


class Rawx:
    """One rawx service: a volume directory served on one port."""

    def __init__(self, index, host, port, volume, ns, verbose=False):
        self.index = index
        self.host, self.port = host, port
        self.volume = volume
        self.ns = ns
        self.verbose = verbose
        self.server = None
        self.stats = Counter()
        self.stats_lock = threading.Lock()
        self.lifecycle = threading.Lock()
        self.ranges = deque(maxlen=1000)  # (chunk id, Range header) of the last GETs, for the tests
        self.stall_until = 0.0  # PUTs wait until then (or the end of the stall) before reading their body
        self.stall_ended = threading.Event()
        os.makedirs(volume, exist_ok=True)

    @property
    def addr(self):
        return f"{self.host}:{self.port}"

    @property
    def running(self):
        return self.server is not None

    def start(self):
        with self.lifecycle:
            if self.server is None:
                self.server = Server((self.host, self.port), RawxHandler, verbose=self.verbose, rawx=self).start()
                self.port = self.server.server_address[1]

    def stop(self):
        with self.lifecycle:
            if self.server is not None:
                self.server.stop()
                self.server = None

    def account(self, kind, status, spent_us, bytes_in=0, bytes_out=0):
        """Count one request in the /stat counters."""
        with self.stats_lock:
            for key in ("req.time", f"req.time.{kind}"):
                self.stats[key] += spent_us
            for key in ("req.hits", f"req.hits.{kind}"):
                self.stats[key] += 1
            family = {2: "2xx", 4: "4xx", 5: "5xx"}.get(status // 100, "other")
            self.stats[f"rep.hits.{family}"] += 1
            if status in (403, 404):
                self.stats[f"rep.hits.{status}"] += 1
            self.stats["rep.bread"] += bytes_out
            self.stats["rep.bwritten"] += bytes_in

    def path(self, chunk_id):
        chunk_id = chunk_id.upper()
        return os.path.join(self.volume, chunk_id[:3], chunk_id)

    def remove(self, chunk_id):
        """Remove one chunk link (and its fullpath attribute); False if absent."""
        path = self.path(chunk_id)
        try:
            if os.stat(path).st_nlink > 1:
                try:
                    os.removexattr(path, FULLPATH_ATTR + chunk_id.upper())
                except OSError:
                    pass
            os.unlink(path)
            return True
        except FileNotFoundError:
            return False

    def read_attrs(self, chunk_id):
        path = self.path(chunk_id)
        attrs = {}
        for name in os.listxattr(path):
            if name.startswith("user."):
                attrs[name] = os.getxattr(path, name).decode()
        return attrs


def stream_to_file(read, out, depth=8):
    """Copy a body to a file, hashing it: socket reads here, MD5 and writes in a helper thread.

    Both hashlib and file writes release the GIL, so reading, hashing and writing overlap; the
    bounded queue keeps at most `depth` blocks in memory. Returns (uppercase MD5 hex, size).
    """
    blocks = queue.Queue(maxsize=depth)
    md5 = hashlib.md5()
    failure = []

    def consume():
        while True:
            data = blocks.get()
            if data is None:
                return
            if not failure:
                try:
                    md5.update(data)
                    out.write(data)
                except OSError as exc:
                    failure.append(exc)

    worker = threading.Thread(target=consume, daemon=True)
    worker.start()
    size = 0
    try:
        while not failure:
            data = read(IO_BLOCK)
            if not data:
                break
            size += len(data)
            blocks.put(data)
    finally:
        blocks.put(None)
        worker.join()
    if failure:
        raise failure[0]
    return md5.hexdigest().upper(), size


def _chunk_headers(chunk_id, attrs):
    """Response headers describing a chunk (fullpath-derived fields included)."""
    headers = {}
    for suffix, attr in ATTRS.items():
        if attr in attrs:
            headers[META + suffix] = attrs[attr]
    fullpath = attrs.get(FULLPATH_ATTR + chunk_id)
    if fullpath:
        headers[META + "full-path"] = fullpath
        try:
            account, container, path, version, content = parse_fullpath(fullpath)
            headers[META + "container-id"] = container_id(account, container)
            headers[META + "content-path"] = quote(path, safe="$&+=:@")  # as Go's url.PathEscape
            headers[META + "content-version"] = version
            headers[META + "content-id"] = content
        except ChunkError:
            pass
    headers[META + "chunk-id"] = chunk_id
    return headers


class RawxHandler(Handler):
    """HTTP personality of one rawx service, in the Go rawx's order of checks (docs/oio-devserver.md, "rawx")."""

    CHUNK_ROUTES = {"PUT": ("put", "put"), "COPY": ("copy", "copy"), "HEAD": ("head", "head"),
                    "GET": ("get", "get"), "DELETE": ("del", "delete")}

    @property
    def rawx(self):
        return self.server.rawx

    def send_response(self, code, message=None):
        self.status = code
        super().send_response(code, message)

    def end_headers(self):
        if self.reqid:
            self.send_header("x-oio-req-id", self.reqid)
        super().end_headers()

    def route(self):
        started = time.monotonic()
        self.status, self.bytes_in, self.bytes_out = 0, 0, 0
        self.reqid = (self.headers.get("x-oio-req-id") or self.headers.get("x-trans-id") or "")[:REQID_MAX]
        host = self.headers.get("Host")
        if host and host != self.rawx.addr:
            return self.send_text(418)  # a request meant for another service
        kind = None
        try:
            kind = self._route()
        except ChunkError as exc:
            self.send_text(exc.http)
        if kind is not None:
            self.rawx.account(kind, self.status, int((time.monotonic() - started) * 1e6),
                              self.bytes_in, self.bytes_out)

    def _route(self):
        """Serve the request; the kind of request it counts as in /stat (None: not counted)."""
        path, method = self.url_path, self.command
        if path in ("/info", "/stat"):
            self.body.drain()
            if method not in ("GET", "HEAD"):
                self.send_text(405)
                return "other"
            self.send_text(200, self._stat() if path == "/stat" else
                           f"namespace {self.rawx.ns}\npath {self.rawx.volume}\n")
            return path[1:]
        chunk_id = path[1:]
        if not CHUNK_ID.match(chunk_id):
            raise ChunkError(400, "invalid chunk id")
        kind, action = self.CHUNK_ROUTES.get(method, ("other", None))
        if method != "PUT":
            self.body.drain()
        try:
            if action is None:
                raise ChunkError(405, "method not allowed")
            getattr(self, action)(chunk_id.upper())
        except ChunkError as exc:
            self.send_text(exc.http)
        return kind

    def _stat(self):
        with self.rawx.stats_lock:
            lines = [f"counter {key} {self.rawx.stats[key]}" for key in STAT_COUNTERS]
        return "\n".join(lines + [f"config volume {self.rawx.volume}"]) + "\n"

    def header(self, suffix):
        return self.headers.get(META + suffix)

    # PUT -----------------------------------------------------------------------------------
    def put(self, chunk_id):
        stall = self.rawx.stall_until - time.monotonic()
        if stall > 0:
            self.rawx.stall_ended.wait(stall)
        try:
            meta = self._put_headers(chunk_id)
            final = self.rawx.path(chunk_id)
            if os.path.exists(final):
                raise ChunkError(409, "chunk already exists")
        except ChunkError:
            self.body.drain()
            raise
        os.makedirs(os.path.dirname(final), exist_ok=True)
        tmp = f"{final}.pending.{uuid.uuid4().hex}"
        try:
            with open(tmp, "wb", buffering=0) as out:
                md5, size = stream_to_file(self.body.read, out)
            self.bytes_in = size
            self._commit(chunk_id, tmp, final, meta, md5, size)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self.send_text(201, headers={META + "chunk-hash": meta["chunk-hash"], META + "chunk-size": str(size),
                                     META + "oio-version": OIO_VERSION})

    def _put_headers(self, chunk_id):
        """The chunk's description from the request headers, checked in the Go rawx's order."""
        meta = {}
        for suffix in ("content-storage-policy", "content-chunk-method", "chunk-id", "chunk-pos"):
            value = self.header(suffix)
            if suffix == "chunk-id":
                if value and value.upper() != chunk_id:
                    raise ChunkError(400, "chunk id differs from the URL's")
                continue
            if not value:
                raise ChunkError(400, f"missing header {META}{suffix}")
            meta[suffix] = value
        for suffix in ("metachunk-hash", "metachunk-size", "chunk-hash", "chunk-size"):
            meta[suffix] = check_meta_value(suffix, self.header(suffix) or "")
        meta["full-path"] = self.fullpath_header()
        return meta

    def fullpath_header(self):
        """The x-oio-chunk-meta-full-path header, checked against the identity headers that come with it; the
        value to store (content id upper-cased)."""
        fullpath = self.header("full-path")
        if not fullpath:
            raise ChunkError(400, f"missing header {META}full-path")
        account, container, path, version, content = parse_fullpath(fullpath)
        identity = ("container-id", "content-path", "content-version", "content-id")
        given = {suffix: self.header(suffix) for suffix in identity}
        if given["container-id"] and given["container-id"].upper() != container_id(account, container):
            raise ChunkError(400, "container id differs from the full path's")
        if given["content-path"] and unquote(given["content-path"]) != path:
            raise ChunkError(400, "content path differs from the full path's")
        if given["content-version"] and given["content-version"] != version:
            raise ChunkError(400, "content version differs from the full path's")
        if given["content-id"] and given["content-id"].upper() != content.upper():
            raise ChunkError(400, "content id differs from the full path's")
        return fullpath[:fullpath.rindex("/") + 1] + content.upper()

    def _commit(self, chunk_id, tmp, final, meta, md5, size):
        """Check the trailers against what was received, then store the attributes and link the chunk in."""
        for suffix in ("metachunk-hash", "metachunk-size"):
            trailer = self.body.trailers.get(META + suffix)
            if trailer:
                meta[suffix] = check_meta_value(suffix, trailer.strip())
        if meta["content-chunk-method"].startswith("ec/") and not (meta["metachunk-hash"] and meta["metachunk-size"]):
            raise ChunkError(400, "metachunk size and hash are mandatory for EC chunks")
        given_hash = (self.body.trailers.get(META + "chunk-hash") or "").strip().upper() or meta["chunk-hash"]
        if given_hash and given_hash != md5:
            raise ChunkError(400, "chunk hash mismatch")
        given_size = (self.body.trailers.get(META + "chunk-size") or "").strip() or meta["chunk-size"]
        if given_size and (not INT64.match(given_size) or int(given_size) != size):
            raise ChunkError(400, "chunk size mismatch")
        attrs = {
            "user.grid.chunk.id": chunk_id,
            "user.grid.chunk.hash": md5,
            "user.grid.chunk.size": str(size),
            "user.grid.chunk.position": meta["chunk-pos"],
            "user.grid.content.chunk_method": meta["content-chunk-method"],
            "user.grid.content.storage_policy": meta["content-storage-policy"],
            "user.grid.oio.version": OIO_VERSION,
            FULLPATH_ATTR + chunk_id: meta["full-path"],
            "user.grid.metachunk.hash": meta["metachunk-hash"],
            "user.grid.metachunk.size": meta["metachunk-size"],
        }
        for name, value in attrs.items():
            if value:
                os.setxattr(tmp, name, value.encode())
        meta["chunk-hash"] = md5
        try:
            os.link(tmp, final)
        except FileExistsError:
            raise ChunkError(409, "chunk already exists") from None

    # GET / HEAD ----------------------------------------------------------------------------
    def _open(self, chunk_id):
        """(attributes, size recorded in them or 0, stat) of a chunk; 404 when absent."""
        try:
            attrs = self.rawx.read_attrs(chunk_id)
            st = os.stat(self.rawx.path(chunk_id))
        except FileNotFoundError:
            raise ChunkError(404, "chunk not found") from None
        recorded = attrs.get("user.grid.chunk.size", "")
        return attrs, int(recorded) if recorded.isdigit() else 0, st

    def _meta_headers(self, chunk_id, attrs, st):
        headers = _chunk_headers(chunk_id, attrs)
        headers["Last-Modified"] = time.strftime("%a, %d %b %Y %H:%M:%S UTC", time.gmtime(st.st_mtime))
        return headers

    def get(self, chunk_id):
        """The chunk's bytes as its attributes size them (a shorter file ends the connection early)."""
        attrs, size, st = self._open(chunk_id)
        headers = self._meta_headers(chunk_id, attrs, st)
        start, length, code = 0, size, 200
        self.rawx.ranges.append((chunk_id, self.headers.get("Range")))
        match = RANGE.match(self.headers.get("Range", ""))
        if match and size > 0:
            first, last = int(match.group(1)), int(match.group(2))
            if first <= last:
                if first >= size:
                    raise ChunkError(416, "range not satisfiable")
                last = min(last, size - 1)
                start, length, code = first, last - first + 1, 206
                headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        try:
            f = open(self.rawx.path(chunk_id), "rb")
        except FileNotFoundError:
            raise ChunkError(404, "chunk not found") from None
        with f:
            self.send_response(code)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(length))
            self.end_headers()
            available = max(0, min(length, st.st_size - start))
            if available:
                self.wfile.flush()
                self.bytes_out = self.connection.sendfile(f, start, available)
            if self.bytes_out != length:
                self.close_connection = True

    def head(self, chunk_id):
        attrs, size, st = self._open(chunk_id)
        if not attrs.get("user.grid.chunk.hash"):
            raise ChunkError(500, "chunk has no hash attribute")
        if (self.headers.get("x-oio-check-hash") or "").lower() in ("true", "1", "yes", "on"):
            expected = (self.header("chunk-hash") or attrs["user.grid.chunk.hash"]).upper()
            md5 = hashlib.md5()
            with open(self.rawx.path(chunk_id), "rb") as f:
                for block in iter(lambda: f.read(IO_BLOCK), b""):
                    md5.update(block)
            if md5.hexdigest().upper() != expected:
                raise ChunkError(412, "chunk hash mismatch")
        headers = self._meta_headers(chunk_id, attrs, st)
        self.send_response(200)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(size))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()

    # DELETE / COPY -------------------------------------------------------------------------
    def delete(self, chunk_id):
        if not self.rawx.remove(chunk_id):
            raise ChunkError(404, "chunk not found")
        self.send_text(204)

    def copy(self, chunk_id):
        """A hard link under another chunk id of this rawx, with its own full path."""
        destination = self.headers.get("Destination")
        if not destination:
            raise ChunkError(400, "missing Destination")
        host, path = destination_target(destination)
        if host not in ("", self.rawx.addr):  # "": a path alone names this rawx
            raise ChunkError(403, "destination on another service")
        new_id = posixpath.basename(posixpath.normpath(path or "."))
        if not CHUNK_ID.match(new_id):
            raise ChunkError(400, "invalid destination chunk id")
        new_id = new_id.upper()
        if new_id == chunk_id:
            raise ChunkError(403, "destination is the source")
        fullpath = self.fullpath_header()
        src, dst = self.rawx.path(chunk_id), self.rawx.path(new_id)
        if not os.path.exists(src):
            raise ChunkError(404, "chunk not found")
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        try:
            os.link(src, dst)
        except FileExistsError:
            raise ChunkError(409, "destination chunk exists") from None
        os.setxattr(dst, FULLPATH_ATTR + new_id, fullpath.encode())
        self.send_text(201)


def destination_target(destination):
    """(host, path) of a COPY Destination read as a request URI: a path, or scheme://host/path; 400 otherwise."""
    if destination.startswith("/"):
        return "", destination.split("?", 1)[0]
    match = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:(.*)$", destination)
    if not match:
        raise ChunkError(400, "invalid Destination")
    rest = match.group(1)
    if not rest.startswith("//"):
        return "", ""  # an opaque URI names no chunk
    parts = urlsplit(destination)
    return parts.netloc, parts.path
