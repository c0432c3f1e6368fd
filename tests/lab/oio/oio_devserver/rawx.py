"""rawx: chunk storage on a volume directory, one service per port (docs/oio-devserver.md, "rawx").

Layout as the reference rawx: <volume>/<first 3 chars of CHUNKID>/<CHUNKID>, metadata in extended
attributes user.grid.* and user.oio.content.fullpath:<CHUNKID>.
"""

import email.utils
import hashlib
import os
import queue
import re
import threading
import uuid
from collections import Counter
from urllib.parse import quote, unquote, urlsplit

from .httpbase import Handler, Server

CHUNK_ID = re.compile(r"^[0-9A-Fa-f]{24,64}$")
HEX = re.compile(r"^[0-9A-Fa-f]*$")
RANGE = re.compile(r"^bytes=(\d+)-(\d+)$")
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
    def __init__(self, http, message):
        super().__init__(message)
        self.http = http
        self.message = message


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
    if not account or not container:
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

    def count(self, key):
        with self.stats_lock:
            self.stats[key] += 1

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
            headers[META + "content-path"] = quote(path, safe="")
            headers[META + "content-version"] = version
            headers[META + "content-id"] = content
        except ChunkError:
            pass
    headers[META + "chunk-id"] = chunk_id
    return headers


class RawxHandler(Handler):
    """HTTP personality of one rawx service."""

    @property
    def rawx(self):
        return self.server.rawx

    def route(self):
        path = self.url_path
        method = self.command
        self.rawx.count("req.hits")
        self.rawx.count(f"req.hits.{method.lower()}")
        try:
            if path == "/info":
                if method not in ("GET", "HEAD"):
                    raise ChunkError(405, "method not allowed")
                return self.send_text(200, f"namespace {self.rawx.ns}\npath {self.rawx.volume}\n")
            if path == "/stat":
                if method not in ("GET", "HEAD"):
                    raise ChunkError(405, "method not allowed")
                return self.send_text(200, self._stat())
            chunk_id = path.lstrip("/")
            handler = {"PUT": self.put, "GET": self.get, "HEAD": self.head, "DELETE": self.delete,
                       "COPY": self.copy}.get(method)
            if handler is None:
                raise ChunkError(405, "method not allowed")
            if not CHUNK_ID.match(chunk_id):
                raise ChunkError(400, "invalid chunk id")
            handler(chunk_id.upper())
        except ChunkError as exc:
            self.rawx.count(f"rep.{exc.http}")
            self.send_text(exc.http, exc.message)

    def _stat(self):
        with self.rawx.stats_lock:
            counters = dict(self.rawx.stats)
        lines = [f"counter {k} {v}" for k, v in sorted(counters.items())]
        lines += [f"config ns {self.rawx.ns}", f"config volume {self.rawx.volume}", f"config addr {self.rawx.addr}"]
        return "\n".join(lines) + "\n"

    def header(self, suffix):
        return self.headers.get(META + suffix)

    # PUT -----------------------------------------------------------------------------------
    def put(self, chunk_id):
        meta = {}
        for suffix in ("content-storage-policy", "content-chunk-method", "chunk-pos", "full-path"):
            value = self.header(suffix)
            if not value:
                self.body.drain()
                raise ChunkError(400, f"missing header {META}{suffix}")
            meta[suffix] = value
        try:
            self._check_identity(chunk_id, meta["full-path"])
        except ChunkError:
            self.body.drain()
            raise
        final = self.rawx.path(chunk_id)
        if os.path.exists(final):
            self.body.drain()
            raise ChunkError(409, "chunk already exists")
        os.makedirs(os.path.dirname(final), exist_ok=True)
        tmp = f"{final}.pending.{uuid.uuid4().hex}"
        try:
            with open(tmp, "wb", buffering=0) as out:
                md5, size = stream_to_file(self.body.read, out)
            self._commit(chunk_id, tmp, final, meta, md5, size)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self.rawx.count("rep.201")
        self.send_text(201, headers={META + "chunk-hash": meta["chunk-hash"], META + "chunk-size": str(size),
                                     META + "oio-version": OIO_VERSION})

    def _check_identity(self, chunk_id, fullpath):
        account, container, path, version, content = parse_fullpath(fullpath)
        checks = {
            "chunk-id": (chunk_id, str.upper),
            "container-id": (container_id(account, container), str.upper),
            "content-path": (path, unquote),
            "content-version": (version, str),
            "content-id": (content.upper(), str.upper),
        }
        for suffix, (expected, normalise) in checks.items():
            given = self.header(suffix)
            if given is not None and normalise(given) != expected:
                raise ChunkError(400, f"{META}{suffix} does not match")

    def _commit(self, chunk_id, tmp, final, meta, md5, size):
        values = {}
        for suffix in ("chunk-hash", "chunk-size", "metachunk-hash", "metachunk-size"):
            value = self.body.trailers.get(META + suffix) or self.header(suffix)
            if value:
                values[suffix] = value.strip()
        given_hash = values.get("chunk-hash")
        if given_hash is not None and given_hash.upper() != md5:
            raise ChunkError(400, "chunk hash mismatch")
        if "chunk-size" in values and values["chunk-size"] != str(size):
            raise ChunkError(400, "chunk size mismatch")
        if "metachunk-size" in values and not values["metachunk-size"].isdigit():
            raise ChunkError(400, "invalid metachunk size")
        if "metachunk-hash" in values and not HEX.match(values["metachunk-hash"]):
            raise ChunkError(400, "invalid metachunk hash")
        if meta["content-chunk-method"].startswith("ec/") and not (
                "metachunk-size" in values and "metachunk-hash" in values):
            raise ChunkError(400, "metachunk size and hash are mandatory for EC chunks")
        attrs = {
            "user.grid.chunk.id": chunk_id,
            "user.grid.chunk.hash": md5,
            "user.grid.chunk.size": str(size),
            "user.grid.chunk.position": meta["chunk-pos"],
            "user.grid.content.chunk_method": meta["content-chunk-method"],
            "user.grid.content.storage_policy": meta["content-storage-policy"],
            "user.grid.oio.version": OIO_VERSION,
            FULLPATH_ATTR + chunk_id: meta["full-path"],
        }
        if "metachunk-hash" in values:
            attrs["user.grid.metachunk.hash"] = values["metachunk-hash"].upper()
        if "metachunk-size" in values:
            attrs["user.grid.metachunk.size"] = values["metachunk-size"]
        for name, value in attrs.items():
            os.setxattr(tmp, name, value.encode())
        meta["chunk-hash"] = md5
        try:
            os.link(tmp, final)
        except FileExistsError:
            raise ChunkError(409, "chunk already exists") from None

    # GET / HEAD ----------------------------------------------------------------------------
    def _open(self, chunk_id):
        try:
            attrs = self.rawx.read_attrs(chunk_id)
            st = os.stat(self.rawx.path(chunk_id))
        except FileNotFoundError:
            raise ChunkError(404, "chunk not found") from None
        return attrs, st

    def _meta_headers(self, chunk_id, attrs, st):
        headers = _chunk_headers(chunk_id, attrs)
        headers["Last-Modified"] = email.utils.formatdate(st.st_mtime, usegmt=True)
        return headers

    def get(self, chunk_id):
        attrs, st = self._open(chunk_id)
        recorded = attrs.get("user.grid.chunk.size")
        if recorded is not None and recorded != str(st.st_size):
            raise ChunkError(412, "chunk size differs from its recorded size")
        size = st.st_size
        headers = self._meta_headers(chunk_id, attrs, st)
        start, length, code = 0, size, 200
        match = RANGE.match(self.headers.get("Range", "").strip())
        if match and size > 0:
            first, last = int(match.group(1)), int(match.group(2))
            if first >= size:
                raise ChunkError(416, "range not satisfiable")
            if last >= first:
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
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.rawx.count(f"rep.{code}")
            if length:
                self.wfile.flush()
                sent = self.connection.sendfile(f, start, length)
                if sent != length:
                    self.close_connection = True

    def head(self, chunk_id):
        attrs, st = self._open(chunk_id)
        if "user.grid.chunk.size" not in attrs:
            raise ChunkError(500, "chunk has no size attribute")
        if (self.headers.get("x-oio-check-hash") or "").lower() in ("true", "1", "yes", "on"):
            expected = (self.header("chunk-hash") or attrs.get("user.grid.chunk.hash") or "").upper()
            md5 = hashlib.md5()
            with open(self.rawx.path(chunk_id), "rb") as f:
                for block in iter(lambda: f.read(IO_BLOCK), b""):
                    md5.update(block)
            if not HEX.match(expected) or md5.hexdigest().upper() != expected:
                raise ChunkError(412, "chunk hash mismatch")
        headers = self._meta_headers(chunk_id, attrs, st)
        self.send_response(200)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", attrs["user.grid.chunk.size"])
        self.end_headers()
        self.rawx.count("rep.200")

    # DELETE / COPY -------------------------------------------------------------------------
    def delete(self, chunk_id):
        if not self.rawx.remove(chunk_id):
            raise ChunkError(404, "chunk not found")
        self.rawx.count("rep.204")
        self.send_text(204)

    def copy(self, chunk_id):
        destination = self.headers.get("Destination")
        fullpath = self.header("full-path")
        if not destination or not fullpath:
            raise ChunkError(400, "missing Destination or fullpath")
        dest = urlsplit(destination if "//" in destination else "http://" + destination)
        new_id = dest.path.lstrip("/")
        if not CHUNK_ID.match(new_id):
            raise ChunkError(400, "invalid destination chunk id")
        new_id = new_id.upper()
        self._check_identity(new_id, fullpath)
        if dest.netloc not in (self.rawx.addr, f"localhost:{self.rawx.port}") or new_id == chunk_id:
            raise ChunkError(403, "destination must be another chunk on the same rawx")
        src, dst = self.rawx.path(chunk_id), self.rawx.path(new_id)
        if not os.path.exists(src):
            raise ChunkError(404, "chunk not found")
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        try:
            os.link(src, dst)
        except FileExistsError:
            raise ChunkError(409, "destination chunk exists") from None
        os.setxattr(dst, FULLPATH_ATTR + new_id, fullpath.encode())
        self.rawx.count("rep.201")
        self.send_text(201)
