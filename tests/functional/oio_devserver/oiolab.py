# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Raw-HTTP helpers for the conformance tests of the OpenIO dev namespace (tests/lab/oio).

Written from the protocol notes of docs/oio-devserver.md; settings come from the lab
(`tests/lab/lab up oio`): OIO_NS, OIO_PROXY_URL, OIO_ACCOUNT_URL, OIO_ADMIN_URL.
"""

import hashlib
import json
import os
from urllib.parse import quote, urlsplit

import urllib3
from labenv import missing


def _need(key, env):
    value = env.get(key)
    if not value:
        missing(f"{key} not set: start the lab with 'tests/lab/lab up oio'")
    return value


def cid_of(account, container):
    return hashlib.sha256(account.encode() + b"\0" + container.encode()).hexdigest().upper()


def fullpath(account, container, name, version, content_id):
    return "/".join(quote(str(p), safe="") for p in (account, container, name, version, content_id))


def settings(lab_dir, name):
    """The KEY=VALUE settings a lab service wrote to lab_dir/env/<name>.env."""
    lines = (lab_dir / "env" / f"{name}.env").read_text().splitlines()
    return dict(line.removeprefix("export ").split("=", 1) for line in lines if "=" in line)


class Response:
    """What a test looks at: status, headers (case-insensitive), raw body and JSON."""

    def __init__(self, resp):
        self.status = resp.status
        self.headers = resp.headers
        self.data = resp.data

    def json(self):
        return json.loads(self.data)

    def __repr__(self):
        return f"<{self.status} {self.data[:200]!r}>"


class Lab:
    """Raw HTTP access to the three personalities plus the admin port."""

    def __init__(self, env=None):
        """env: the lab's settings (default: the environment)."""
        env = os.environ if env is None else env
        self.ns = _need("OIO_NS", env)
        self.proxy = _need("OIO_PROXY_URL", env).rstrip("/")
        self.account_url = _need("OIO_ACCOUNT_URL", env).rstrip("/")
        self.admin_url = _need("OIO_ADMIN_URL", env).rstrip("/")
        self.http = urllib3.PoolManager(maxsize=16, retries=False, timeout=urllib3.Timeout(connect=5, read=60))

    def request(self, method, url, fields=None, body=None, headers=None, **kwargs):
        if fields:
            url += ("&" if "?" in url else "?") + "&".join(
                f"{quote(str(k), safe='')}={quote(str(v), safe='')}" for k, v in fields.items() if v is not None)
        if body is not None and not isinstance(body, (bytes, str)) and not hasattr(body, "__iter__"):
            body = json.dumps(body)
        elif isinstance(body, (dict, list)):
            body = json.dumps(body)
        return Response(self.http.request(method, url, body=body, headers=headers or {}, **kwargs))

    def px(self, method, route, fields=None, body=None, headers=None):
        """A proxy call: route is e.g. 'container/create'."""
        base = f"{self.proxy}/v3.0/config" if route == "config" else f"{self.proxy}/v3.0/{self.ns}/{route}"
        return self.request(method, base, fields, body, headers)

    def acct(self, method, route, fields=None, body=None):
        return self.request(method, f"{self.account_url}{route}", fields, body)

    def admin(self, action, **params):
        resp = self.request("GET" if action == "status" else "POST", f"{self.admin_url}/{action}", params)
        assert resp.status == 200, resp
        return resp.json()

    # composite helpers ------------------------------------------------------------------------
    def create_container(self, account, container, body=None):
        resp = self.px("POST", "container/create", {"acct": account, "ref": container}, body)
        assert resp.status in (201, 204), resp
        return resp

    def put_chunk(self, url, data, meta, trailers=None, chunked=True, extra=None, pieces=None):
        """PUT one chunk (data, or an iterator of pieces); meta: dict with policy, chunk_method, pos, fullpath."""
        headers = {
            "x-oio-chunk-meta-content-storage-policy": meta["policy"],
            "x-oio-chunk-meta-content-chunk-method": meta["chunk_method"],
            "x-oio-chunk-meta-chunk-pos": meta["pos"],
            "x-oio-chunk-meta-full-path": meta["fullpath"],
        }
        headers.update(extra or {})
        if not chunked:
            return self.request("PUT", url, body=data, headers=headers)
        return Response(raw_chunked_put(url, headers, pieces if pieces is not None else _pieces(data), trailers or {}))

    def upload(self, account, container, name, data, policy=None, version=None, properties=None,
               fields=None, mime_type=None, prepare_size=None, headers=None):
        """prepare2 + rawx PUTs + content/create for one object (plain or EC-like chunks)."""
        prep = self.px("POST", "content/prepare2",
                       {"acct": account, "ref": container, "path": name, "version": version},
                       {"size": len(data) if prepare_size is None else prepare_size, "policy": policy})
        assert prep.status == 200, prep
        meta = {k[len("x-oio-content-meta-"):]: v for k, v in prep.headers.items()
                if k.lower().startswith("x-oio-content-meta-")}
        chunk_size = int(prep.headers["x-oio-ns-chunk-size"])
        chunks = prep.json()["chunks"]
        method = meta["chunk-method"]
        fp = fullpath(account, container, name, meta["version"], meta["id"])
        ec = method.startswith("ec/")
        k = int(dict(p.split("=") for p in method.split("/", 1)[1].split(","))["k"]) if ec else 1
        metachunk = chunk_size * k if ec else chunk_size
        uploaded = []
        metapos = 0
        offset = 0
        while True:
            piece = data[offset:offset + metachunk]
            group = [c for c in chunks if c["pos"].split(".")[0] == str(metapos)]
            if not group:
                more = self.px("POST", "content/prepare2",
                               {"acct": account, "ref": container, "path": name, "version": meta["version"]},
                               {"size": 1, "policy": meta["policy"], "position": metapos})
                assert more.status == 200, more
                group = more.json()["chunks"]
            mhash = hashlib.md5(piece).hexdigest()
            for chunk in group:
                body = piece
                if ec:
                    # The server never decodes fragments: any bytes stand for fragment i.
                    idx = int(chunk["pos"].split(".")[1])
                    body = bytes([idx]) * (len(piece) // k + 1) if piece else b""
                resp = self.put_chunk(chunk["url"], body, {
                    "policy": meta["policy"], "chunk_method": method, "pos": chunk["pos"], "fullpath": fp},
                    trailers={"x-oio-chunk-meta-metachunk-size": str(len(piece)),
                              "x-oio-chunk-meta-metachunk-hash": mhash,
                              "x-oio-chunk-meta-chunk-hash": hashlib.md5(body).hexdigest()})
                assert resp.status == 201, resp
                uploaded.append({"url": chunk["url"], "pos": chunk["pos"], "size": len(piece), "hash": mhash})
            offset += len(piece)
            metapos += 1
            if len(piece) < metachunk or offset >= len(data):
                break
        create_headers = {
            "x-oio-content-meta-length": str(len(data)),
            "x-oio-content-meta-hash": hashlib.md5(data).hexdigest(),
            "x-oio-content-meta-id": meta["id"],
            "x-oio-content-meta-policy": meta["policy"],
            "x-oio-content-meta-version": meta["version"],
            "x-oio-content-meta-chunk-method": method,
            "x-oio-action-mode": "autocreate",
        }
        if mime_type:
            create_headers["x-oio-content-meta-mime-type"] = mime_type
        create_headers.update(headers or {})
        resp = self.px("POST", "content/create", {"acct": account, "ref": container, "path": name, **(fields or {})},
                       {"chunks": uploaded, "properties": properties or {}, "container_properties": None},
                       create_headers)
        return resp, meta, uploaded

    def put_object(self, account, container, name, data=b"", **kwargs):
        resp, meta, chunks = self.upload(account, container, name, data, **kwargs)
        assert resp.status == 204, resp
        return meta, chunks

    def fetch(self, account, container, name, version=None):
        """Read a plain object back through locate + rawx GETs."""
        loc = self.px("GET", "content/locate", {"acct": account, "ref": container, "path": name, "version": version})
        assert loc.status == 200, loc
        parts = {}
        for chunk in loc.json():
            parts.setdefault(int(chunk["pos"].split(".")[0]), chunk)
        out = b""
        for pos in sorted(parts):
            resp = self.request("GET", parts[pos]["url"])
            assert resp.status == 200, resp
            out += resp.data
        return out

    def list(self, account, container, **fields):
        resp = self.px("GET", "container/list", {"acct": account, "ref": container, **fields})
        assert resp.status == 200, resp
        return resp


def _pieces(data, size=65536):
    for i in range(0, len(data), size):
        yield data[i:i + size]


def raw_chunked_put(url, headers, pieces, trailers):
    """A chunked PUT with trailers, written by hand (urllib3 does not send trailers)."""
    import http.client

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.putrequest("PUT", parts.path)
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.putheader("Transfer-Encoding", "chunked")
        if trailers:
            conn.putheader("Trailer", ", ".join(trailers))
        conn.endheaders()
        for piece in pieces:
            if piece:
                conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        conn.send(b"0\r\n" + b"".join(f"{k}: {v}\r\n".encode() for k, v in trailers.items()) + b"\r\n")
        resp = conn.getresponse()
        return _Raw(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


class _Raw:
    def __init__(self, status, headers, data):
        self.status, self.headers, self.data = status, headers, data
