# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""rawx chunk protocol: PUT with chunked bodies and trailers, GET ranges, HEAD, DELETE, COPY."""

import hashlib
import json
import os
import secrets
import socket
from urllib.parse import urlsplit

import pytest
from oiolab import cid_of, fullpath
from urllib3.exceptions import ProtocolError

EC_METHOD = "ec/algo=liberasurecode_rs_vand,k=6,m=3"


@pytest.fixture
def rawx(lab):
    services = lab.px("GET", "conscience/list", {"type": "rawx"}).json()
    return "http://" + services[0]["addr"]


def new_url(rawx):
    return f"{rawx}/{secrets.token_hex(32).upper()}"


def meta(names, pos="0", policy="SINGLE", method="plain/nb_copy=1", name="obj/1 é", version=1234,
         content="0123456789ABCDEF0123456789ABCDEF"):
    return {"policy": policy, "chunk_method": method, "pos": pos,
            "fullpath": fullpath(*names, name, version, content)}


def test_put_get_head_delete(lab, rawx, names):
    url = new_url(rawx)
    data = os.urandom(300000)
    put = lab.put_chunk(url, data, meta(names))
    assert put.status == 201
    assert put.headers["x-oio-chunk-meta-chunk-hash"] == hashlib.md5(data).hexdigest().upper()
    assert put.headers["x-oio-chunk-meta-chunk-size"] == str(len(data))
    assert put.headers["x-oio-chunk-meta-oio-version"] == "4.2"
    get = lab.request("GET", url)
    assert get.status == 200 and get.data == data
    h = get.headers
    assert h["x-oio-chunk-meta-container-id"] == cid_of(*names)
    assert h["x-oio-chunk-meta-content-path"] == "obj%2F1%20%C3%A9"
    assert (h["x-oio-chunk-meta-content-version"], h["x-oio-chunk-meta-content-id"]) == (
        "1234", "0123456789ABCDEF0123456789ABCDEF")
    assert h["x-oio-chunk-meta-chunk-id"] == url.rsplit("/", 1)[1]
    assert h["x-oio-chunk-meta-chunk-pos"] == "0" and h["x-oio-chunk-meta-content-storage-policy"] == "SINGLE"
    assert h["x-oio-chunk-meta-full-path"] == meta(names)["fullpath"]
    assert "Last-Modified" in h and h["Content-Length"] == str(len(data))
    head = lab.request("HEAD", url)
    assert head.status == 200 and head.headers["Content-Length"] == str(len(data))
    assert head.headers["Accept-Ranges"] == "bytes"
    assert lab.request("HEAD", url, headers={"x-oio-check-hash": "true"}).status == 200
    assert lab.request("HEAD", url, headers={"x-oio-check-hash": "true",
                                             "x-oio-chunk-meta-chunk-hash": "0" * 32}).status == 412
    assert lab.request("HEAD", url, headers={"x-oio-check-hash": "true",
                                             "x-oio-chunk-meta-chunk-hash": "nothex"}).status == 412
    again = lab.put_chunk(url, b"other", meta(names))
    assert again.status == 409
    assert lab.request("DELETE", url).status == 204
    assert lab.request("DELETE", url).status == 404
    assert lab.request("GET", url).status == 404
    assert lab.request("HEAD", url).status == 404


def test_content_length_put_and_lowercase_ids(lab, rawx, names):
    chunk_id = secrets.token_hex(12)  # 24 hex chars, lowercase
    put = lab.put_chunk(f"{rawx}/{chunk_id}", b"abc", meta(names), chunked=False)
    assert put.status == 201
    assert lab.request("GET", f"{rawx}/{chunk_id.upper()}").data == b"abc"
    assert lab.request("GET", f"{rawx}//{chunk_id}").status == 200


def test_ranges(lab, rawx, names):
    url = new_url(rawx)
    data = bytes(range(256)) * 40
    assert lab.put_chunk(url, data, meta(names)).status == 201
    part = lab.request("GET", url, headers={"Range": "bytes=10-19"})
    assert part.status == 206 and part.data == data[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    clamped = lab.request("GET", url, headers={"Range": "bytes=10000-99999"})
    assert clamped.status == 206 and clamped.data == data[10000:]
    for ignored in ("bytes=10-", "bytes=-10", "bytes=20-10"):
        full = lab.request("GET", url, headers={"Range": ignored})
        assert full.status == 200 and full.data == data, ignored
    first_only = lab.request("GET", url, headers={"Range": "bytes=1-2,5-6"})  # what follows is not read
    assert first_only.status == 206 and first_only.data == data[1:3]
    assert lab.request("GET", url, headers={"Range": f"bytes={len(data)}-{len(data) + 5}"}).status == 416
    empty = new_url(rawx)
    assert lab.put_chunk(empty, b"", meta(names)).status == 201
    resp = lab.request("GET", empty, headers={"Range": "bytes=0-10"})
    assert resp.status == 200 and resp.data == b""


def test_trailers_ec(lab, rawx, names):
    url = new_url(rawx)
    data = os.urandom(174844)
    m = meta(names, pos="0.3", policy="EC", method=EC_METHOD)
    trailers = {"x-oio-chunk-meta-metachunk-size": "1048576", "x-oio-chunk-meta-metachunk-hash": "ab" * 16,
                "x-oio-chunk-meta-chunk-hash": hashlib.md5(data).hexdigest()}
    assert lab.put_chunk(url, data, m, trailers=trailers).status == 201
    head = lab.request("HEAD", url)
    assert head.headers["x-oio-chunk-meta-metachunk-size"] == "1048576"
    assert head.headers["x-oio-chunk-meta-metachunk-hash"] == "AB" * 16
    assert head.headers["x-oio-chunk-meta-chunk-pos"] == "0.3"
    # EC without metachunk size/hash: 400, nothing kept
    bad = new_url(rawx)
    assert lab.put_chunk(bad, data, m).status == 400
    assert lab.request("HEAD", bad).status == 404


def test_put_validation(lab, rawx, names):
    data = b"hello"
    good = meta(names)
    for missing in ("x-oio-chunk-meta-content-storage-policy", "x-oio-chunk-meta-content-chunk-method",
                    "x-oio-chunk-meta-chunk-pos", "x-oio-chunk-meta-full-path"):
        url = new_url(rawx)
        headers = {"x-oio-chunk-meta-content-storage-policy": "SINGLE", "x-oio-chunk-meta-chunk-pos": "0",
                   "x-oio-chunk-meta-content-chunk-method": "plain/nb_copy=1",
                   "x-oio-chunk-meta-full-path": good["fullpath"]}
        del headers[missing]
        assert lab.request("PUT", url, body=data, headers=headers).status == 400, missing
    cases = [
        ({}, {"x-oio-chunk-meta-chunk-hash": "0" * 32}),
        ({}, {"x-oio-chunk-meta-chunk-size": "4"}),
        ({"x-oio-chunk-meta-chunk-id": "A" * 64}, {}),
        ({"x-oio-chunk-meta-container-id": "B" * 64}, {}),
        ({"x-oio-chunk-meta-content-version": "99"}, {}),
        ({"x-oio-chunk-meta-content-id": "C" * 32}, {}),
        ({"x-oio-chunk-meta-content-path": "other"}, {}),
    ]
    for extra, trailers in cases:
        url = new_url(rawx)
        assert lab.put_chunk(url, data, good, trailers=trailers, extra=extra).status == 400, (extra, trailers)
        assert lab.request("HEAD", url).status == 404
    for bad_path in ("a/b/c", "a/b/c/notint/ABCD", "a/b/c/1/XYZ"):
        resp = lab.put_chunk(new_url(rawx), data, dict(good, fullpath=bad_path))
        assert resp.status == 400, bad_path
    ok = new_url(rawx)
    extra = {"x-oio-chunk-meta-chunk-id": ok.rsplit("/", 1)[1].lower(),
             "x-oio-chunk-meta-container-id": cid_of(*names).lower(),
             "x-oio-chunk-meta-content-path": "obj%2F1%20%C3%A9", "x-oio-chunk-meta-content-version": "1234"}
    assert lab.put_chunk(ok, data, good, extra=extra,
                         trailers={"x-oio-chunk-meta-chunk-hash": hashlib.md5(data).hexdigest().upper(),
                                   "x-oio-chunk-meta-chunk-size": "5"}).status == 201
    assert lab.request("GET", f"{rawx}/XYZ").status == 400
    assert lab.request("GET", f"{rawx}/{'A' * 23}").status == 400
    assert lab.request("POST", ok).status == 405


def test_copy(lab, rawx, names):
    src = new_url(rawx)
    assert lab.put_chunk(src, b"shared data", meta(names)).status == 201
    dst = new_url(rawx)
    new_fp = fullpath(*names, "link", 99, "FEDCBA9876543210FEDCBA9876543210")
    assert lab.request("COPY", src, headers={"Destination": dst}).status == 400
    assert lab.request("COPY", src, headers={"Destination": dst, "x-oio-chunk-meta-full-path": new_fp}).status == 201
    got = lab.request("GET", dst)
    assert got.data == b"shared data"
    assert got.headers["x-oio-chunk-meta-full-path"] == new_fp
    assert got.headers["x-oio-chunk-meta-content-path"] == "link"
    assert lab.request("GET", src).headers["x-oio-chunk-meta-full-path"] == meta(names)["fullpath"]
    assert lab.request("COPY", src, headers={"Destination": dst, "x-oio-chunk-meta-full-path": new_fp}).status == 409
    assert lab.request("COPY", src, headers={"Destination": src, "x-oio-chunk-meta-full-path": new_fp}).status == 403
    others = lab.px("GET", "conscience/list", {"type": "rawx"}).json()
    elsewhere = f"http://{others[1]['addr']}/{secrets.token_hex(32)}"
    assert lab.request("COPY", src, headers={"Destination": elsewhere,
                                             "x-oio-chunk-meta-full-path": new_fp}).status == 403
    assert lab.request("COPY", new_url(rawx), headers={"Destination": new_url(rawx),
                                                       "x-oio-chunk-meta-full-path": new_fp}).status == 404
    assert lab.request("DELETE", src).status == 204
    assert lab.request("GET", dst).data == b"shared data", "other hard links survive"


def test_layout_and_xattrs(lab, rawx, names):
    status = lab.admin("status")
    volume = next(r["volume"] for r in status["rawx"] if "http://" + r["addr"] == rawx)
    url = new_url(rawx)
    data = b"on disk"
    assert lab.put_chunk(url, data, meta(names), trailers={"x-oio-chunk-meta-metachunk-hash": "cd" * 16,
                                                           "x-oio-chunk-meta-metachunk-size": "7"}).status == 201
    chunk_id = url.rsplit("/", 1)[1]
    path = os.path.join(volume, chunk_id[:3], chunk_id)
    with open(path, "rb") as f:
        assert f.read() == data
    attrs = {name: os.getxattr(path, name).decode() for name in os.listxattr(path)}
    assert attrs["user.grid.chunk.id"] == chunk_id
    assert attrs["user.grid.chunk.hash"] == hashlib.md5(data).hexdigest().upper()
    assert attrs["user.grid.chunk.size"] == "7" and attrs["user.grid.chunk.position"] == "0"
    assert attrs["user.grid.content.chunk_method"] == "plain/nb_copy=1"
    assert attrs["user.grid.content.storage_policy"] == "SINGLE"
    assert attrs["user.grid.metachunk.hash"] == "CD" * 16 and attrs["user.grid.metachunk.size"] == "7"
    assert attrs["user.grid.oio.version"] == "4.2"
    assert attrs[f"user.oio.content.fullpath:{chunk_id}"] == meta(names)["fullpath"]
    assert not [n for n in os.listdir(os.path.dirname(path)) if ".pending" in n]


def test_info_and_stat(lab, rawx):
    info = lab.request("GET", f"{rawx}/info")
    assert info.status == 200
    lines = dict(line.split(" ", 1) for line in info.data.decode().splitlines())
    assert lines["namespace"] == lab.ns and os.path.isdir(lines["path"])
    stat = lab.request("GET", f"{rawx}/stat")
    assert stat.status == 200 and b"counter req.hits" in stat.data


def test_malformed_chunked_body(lab, rawx, names):
    url = new_url(rawx)
    parts = urlsplit(url)
    m = meta(names)
    head = (f"PUT {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nTransfer-Encoding: chunked\r\n"
            f"x-oio-chunk-meta-content-storage-policy: SINGLE\r\n"
            f"x-oio-chunk-meta-content-chunk-method: plain/nb_copy=1\r\n"
            f"x-oio-chunk-meta-chunk-pos: 0\r\nx-oio-chunk-meta-full-path: {m['fullpath']}\r\n\r\n")
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head.encode() + b"zz\r\nhello\r\n0\r\n\r\n")
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 400")
    assert lab.request("HEAD", url).status == 404


def test_keep_alive_many_requests(lab, rawx, names):
    """Several requests on one connection (HTTP/1.1 keep-alive) with chunked bodies in between."""
    import http.client

    parts = urlsplit(rawx)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    m = meta(names)
    for _round in range(5):
        chunk_id = secrets.token_hex(32).upper()
        conn.request("PUT", f"/{chunk_id}", body=iter([b"abc", b"def"]), encode_chunked=True, headers={
            "x-oio-chunk-meta-content-storage-policy": "SINGLE", "x-oio-chunk-meta-chunk-pos": "0",
            "x-oio-chunk-meta-content-chunk-method": "plain/nb_copy=1", "x-oio-chunk-meta-full-path": m["fullpath"]})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 201
        conn.request("GET", f"/{chunk_id}")
        resp = conn.getresponse()
        assert resp.read() == b"abcdef"
    sock = conn.sock
    assert sock is not None, "the connection stayed open"
    conn.close()
    assert json.loads(lab.request("GET", lab.admin_url + "/status").data)["rawx"]


def test_truncated_chunk_and_missing_attributes(lab, rawx, names):
    """The recorded size is what GET announces (a truncated file ends the transfer early); HEAD needs the hash
    attribute, not the size one (then 0)."""
    status = lab.admin("status")
    volume = next(r["volume"] for r in status["rawx"] if "http://" + r["addr"] == rawx)
    url = new_url(rawx)
    assert lab.put_chunk(url, b"0123456789", meta(names)).status == 201
    chunk_id = url.rsplit("/", 1)[1]
    path = os.path.join(volume, chunk_id[:3], chunk_id)
    os.truncate(path, 4)
    get = lab.http.request("GET", url, preload_content=False, retries=False)
    assert get.status == 200 and get.headers["Content-Length"] == "10"
    with pytest.raises(ProtocolError):
        get.read()
    get.release_conn()
    os.removexattr(path, "user.grid.chunk.size")
    head = lab.request("HEAD", url)
    assert head.status == 200 and head.headers["Content-Length"] == "0"
    os.removexattr(path, "user.grid.chunk.hash")
    assert lab.request("HEAD", url).status == 500
