# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Chunk bodies are streamed (never held whole in memory) and uploads proceed in parallel."""

import os
import secrets
import socket
from pathlib import Path
from urllib.parse import urlsplit

from oiolab import fullpath

REPO = Path(__file__).resolve().parents[3]
LAB_DIR = Path(os.environ.get("LAB_DIR", REPO / ".lab"))
MIB = 1 << 20


def server_pid():
    return int((LAB_DIR / "oio" / "oio.pid").read_text())


def peak_rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def headers(names):
    return {"x-oio-chunk-meta-content-storage-policy": "SINGLE", "x-oio-chunk-meta-chunk-pos": "0",
            "x-oio-chunk-meta-content-chunk-method": "plain/nb_copy=1",
            "x-oio-chunk-meta-full-path": fullpath(*names, "big", 1, "AB" * 16)}


def test_large_chunk_is_streamed(lab, names):
    rawx = lab.px("GET", "conscience/list", {"type": "rawx"}).json()[0]["addr"]
    url = f"http://{rawx}/{secrets.token_hex(32).upper()}"
    block = os.urandom(MIB)
    size_mib = 192
    put = lab.put_chunk(url, None, {"policy": "SINGLE", "chunk_method": "plain/nb_copy=1", "pos": "0",
                                    "fullpath": headers(names)["x-oio-chunk-meta-full-path"]},
                        pieces=(block for _round in range(size_mib)))
    assert put.status == 201 and put.headers["x-oio-chunk-meta-chunk-size"] == str(size_mib * MIB)
    got = lab.http.request("GET", url, preload_content=False)
    total = sum(len(piece) for piece in got.stream(MIB))
    got.release_conn()
    assert total == size_mib * MIB
    assert lab.request("DELETE", url).status == 204
    assert peak_rss_mib(server_pid()) < size_mib / 2, "the server held the chunk in memory"


def test_uploads_run_in_parallel(lab, names):
    """A PUT left half-sent does not block another PUT (nor a GET) on the same rawx."""
    rawx = lab.px("GET", "conscience/list", {"type": "rawx"}).json()[0]["addr"]
    slow_id = secrets.token_hex(32).upper()
    host, port = urlsplit(f"http://{rawx}").hostname, urlsplit(f"http://{rawx}").port
    head = f"PUT /{slow_id} HTTP/1.1\r\nHost: {rawx}\r\nTransfer-Encoding: chunked\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers(names).items()) + "\r\n"
    with socket.create_connection((host, port), timeout=10) as slow:
        slow.sendall(head.encode() + b"5\r\nhello\r\n")
        fast = f"http://{rawx}/{secrets.token_hex(32).upper()}"
        assert lab.request("PUT", fast, body=b"quick", headers=headers(names)).status == 201
        assert lab.request("GET", fast).data == b"quick"
        assert lab.request("HEAD", f"http://{rawx}/{slow_id}").status == 404, "not committed before the end"
        slow.sendall(b"6\r\n world\r\n0\r\n\r\n")
        assert slow.recv(4096).startswith(b"HTTP/1.1 201")
    assert lab.request("GET", f"http://{rawx}/{slow_id}").data == b"hello world"
