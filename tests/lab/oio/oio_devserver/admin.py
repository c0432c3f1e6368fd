# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Lab-only fault controls: stop/start a rawx (or start them all), corrupt or remove a chunk file.

Served on its own port (OIO_ADMIN_URL); `python -m oio_devserver admin ...` is the CLI.
"""

import json
import os
import time
import urllib.request
from urllib.parse import urlencode, urlsplit

from .httpbase import Handler


class AdminError(Exception):
    def __init__(self, http, message):
        super().__init__(message)
        self.http = http


class AdminHandler(Handler):
    def route(self):
        namespace = self.server.namespace
        try:
            action = (self.command, self.url_path)
            if action == ("GET", "/status"):
                return self.send_json(200, namespace.describe())
            if action in (("GET", "/rawx/ranges"), ("POST", "/rawx/ranges")):
                return self.send_json(200, [{"rawx": r.addr, "chunk": chunk, "range": value}
                                            for r in namespace.rawx for chunk, value in list(r.ranges)])
            handler = {
                ("POST", "/rawx/stop"): self.rawx_stop,
                ("POST", "/rawx/start"): self.rawx_start,
                ("POST", "/rawx/start-all"): self.rawx_start_all,
                ("POST", "/rawx/stall"): self.rawx_stall,
                ("POST", "/chunk/corrupt"): self.chunk_corrupt,
                ("POST", "/chunk/remove"): self.chunk_remove,
            }.get(action)
            if handler is None:
                raise AdminError(404, "no such admin route")
            handler(namespace)
        except AdminError as exc:
            self.send_json(exc.http, {"status": exc.http, "message": str(exc)})

    def _rawx(self, namespace):
        service = self.query.get("service", "")
        rawx = namespace.find_rawx(service)
        if rawx is None:
            raise AdminError(404, f"no rawx {service!r} (give its address or index)")
        return rawx

    def rawx_stop(self, namespace):
        rawx = self._rawx(namespace)
        rawx.stop()
        self.send_json(200, {"addr": rawx.addr, "running": False})

    def rawx_start(self, namespace):
        rawx = self._rawx(namespace)
        rawx.start()
        self.send_json(200, {"addr": rawx.addr, "running": True})

    def rawx_start_all(self, namespace):
        for rawx in namespace.rawx:
            rawx.start()
        self.send_json(200, {"started": [rawx.addr for rawx in namespace.rawx]})

    def rawx_stall(self, namespace):
        """Every rawx waits ``seconds`` (from now) before reading the body of a PUT; 0 ends it."""
        seconds = float(self.query.get("seconds", "0"))
        for rawx in namespace.rawx:
            rawx.stall_until = time.monotonic() + seconds
            (rawx.stall_ended.clear if seconds > 0 else rawx.stall_ended.set)()
        self.send_json(200, {"stalled": [rawx.addr for rawx in namespace.rawx]})

    def _chunk_file(self, namespace):
        url = self.query.get("url", "")
        parts = urlsplit(url)
        rawx = namespace.find_rawx(parts.netloc)
        if rawx is None:
            raise AdminError(404, f"no rawx for {url!r}")
        path = rawx.path(parts.path.strip("/"))
        if not os.path.exists(path):
            raise AdminError(404, f"no chunk file for {url!r}")
        return path

    def chunk_corrupt(self, namespace):
        """Flip bits of some bytes in place: same size, different content."""
        path = self._chunk_file(namespace)
        size = os.path.getsize(path)
        offset = int(self.query.get("offset", size // 2))
        if size == 0:
            raise AdminError(409, "empty chunk: nothing to corrupt")
        offset = min(max(offset, 0), size - 1)
        with open(path, "r+b") as f:
            f.seek(offset)
            data = f.read(16)
            f.seek(offset)
            f.write(bytes(b ^ 0xFF for b in data))
        self.send_json(200, {"path": path, "offset": offset, "bytes": len(data)})

    def chunk_remove(self, namespace):
        path = self._chunk_file(namespace)
        os.unlink(path)
        self.send_json(200, {"path": path})


def call(admin_url, action, **params):
    """Client side of the admin routes (used by the CLI and the tests)."""
    method = "GET" if action == "status" else "POST"
    url = f"{admin_url.rstrip('/')}/{action}"
    if params:
        url += "?" + urlencode(params)
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"admin: {exc.code} {exc.read().decode(errors='replace')}") from None
