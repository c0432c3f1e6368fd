# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Throughput of the dev namespace's rawx on loopback against a plain socket peer (same bytes, same run).

PUT: a chunked upload (1 MiB HTTP chunks) of SIZE bytes to one rawx vs the same bytes written to a
socket sink that only counts them. GET: a full chunk download vs the same bytes read from a socket
source. Both peers run in their own processes; each figure is the best of --rounds runs.
"""

import argparse
import hashlib
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BLOCK = 1 << 20

PEER = r"""
import socket, sys
mode, size, block = sys.argv[1], int(sys.argv[2]), 1 << 20
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
print(srv.getsockname()[1], flush=True)
while True:
    conn, _ = srv.accept()
    if mode == "sink":
        while conn.recv_into(bytearray(block)):
            pass
        conn.sendall(b"ok")
    else:
        buf = bytes(block)
        left = size
        while left:
            left -= conn.send(memoryview(buf)[:min(block, left)])
    conn.close()
"""


def start_peer(mode, size):
    proc = subprocess.Popen([sys.executable, "-c", PEER, mode, str(size)], stdout=subprocess.PIPE, text=True)
    return proc, int(proc.stdout.readline())


def send_chunked(send, size, payload):
    """Send size bytes of payload with HTTP chunked framing (1 MiB chunks)."""
    left = size
    while left:
        piece = payload[:min(BLOCK, left)]
        send(b"%x\r\n" % len(piece))
        send(piece)
        send(b"\r\n")
        left -= len(piece)


def socket_put(port, size, payload):
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        send_chunked(sock.sendall, size, payload)
        sock.shutdown(socket.SHUT_WR)
        sock.recv(2)
    return time.perf_counter() - start


def socket_get(port, size):
    start = time.perf_counter()
    buf = bytearray(BLOCK)
    got = 0
    with socket.create_connection(("127.0.0.1", port)) as sock:
        while True:
            n = sock.recv_into(buf)
            if not n:
                break
            got += n
    assert got == size, (got, size)
    return time.perf_counter() - start


def rawx_put(addr, size, payload):
    chunk_id = secrets.token_hex(32).upper()
    host, port = addr.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=300)
    start = time.perf_counter()
    conn.putrequest("PUT", f"/{chunk_id}")
    for key, value in {
        "x-oio-chunk-meta-content-storage-policy": "SINGLE",
        "x-oio-chunk-meta-content-chunk-method": "plain/nb_copy=1",
        "x-oio-chunk-meta-chunk-pos": "0",
        "x-oio-chunk-meta-full-path": f"bench/bench/obj/1/{'0' * 32}",
        "Transfer-Encoding": "chunked",
    }.items():
        conn.putheader(key, value)
    conn.endheaders()
    send_chunked(conn.send, size, payload)
    conn.send(b"0\r\n\r\n")
    resp = conn.getresponse()
    resp.read()
    elapsed = time.perf_counter() - start
    conn.close()
    assert resp.status == 201, resp.status
    return elapsed, chunk_id


def rawx_get(addr, chunk_id, size):
    host, port = addr.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=300)
    start = time.perf_counter()
    conn.request("GET", f"/{chunk_id}")
    resp = conn.getresponse()
    buf = bytearray(BLOCK)
    got = 0
    while True:
        n = resp.readinto(buf)
        if not n:
            break
        got += n
    elapsed = time.perf_counter() - start
    conn.close()
    assert resp.status == 200 and got == size, (resp.status, got)
    return elapsed


def md5_time(size, payload):
    start = time.perf_counter()
    md5 = hashlib.md5()
    for _block in range(size // BLOCK):
        md5.update(payload)
    return time.perf_counter() - start


def start_namespace(state):
    env = dict(os.environ, PYTHONPATH=str(REPO / "tests" / "lab" / "oio"))
    proc = subprocess.Popen([sys.executable, "-m", "oio_devserver", "serve", "--state", state, "--rawx", "1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    proc.stdout.readline()
    endpoints = dict(line.strip().split("=", 1) for line in open(os.path.join(state, "endpoints.env")))
    with open(os.path.join(state, "ports.json")) as f:
        rawx_port = json.load(f)["rawx"][0]
    return proc, f"127.0.0.1:{rawx_port}", endpoints


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    size = args.size_mib * BLOCK
    payload = memoryview(os.urandom(BLOCK))
    mib = size / BLOCK
    with tempfile.TemporaryDirectory(prefix="oio-bench-") as state:
        ns, addr, _endpoints = start_namespace(state)
        sink, sink_port = start_peer("sink", size)
        source, source_port = start_peer("source", size)
        try:
            put_rawx, put_sock, get_rawx, get_sock = [], [], [], []
            for _round in range(args.rounds):
                elapsed, chunk_id = rawx_put(addr, size, payload)
                put_rawx.append(elapsed)
                put_sock.append(socket_put(sink_port, size, payload))
                get_rawx.append(rawx_get(addr, chunk_id, size))
                get_sock.append(socket_get(source_port, size))
                os.unlink(os.path.join(state, "rawx-0", chunk_id[:3], chunk_id))
        finally:
            for proc in (ns, sink, source):
                proc.terminate()
                proc.wait()
    md5_rate = mib / min(md5_time(size, payload) for _round in range(args.rounds))
    print(f"oio_devserver rawx, {args.size_mib} MiB chunk, best of {args.rounds} (loopback)")
    print(f"{'':12}{'rawx MiB/s':>12}{'socket MiB/s':>14}{'ratio':>8}")
    for label, ours, peer in (("PUT", put_rawx, put_sock), ("GET", get_rawx, get_sock)):
        a, b = mib / min(ours), mib / min(peer)
        print(f"{label:12}{a:12.0f}{b:14.0f}{a / b:8.2f}")
    print(f"(a rawx PUT must MD5 every byte: hashlib MD5 alone runs at {md5_rate:.0f} MiB/s here, "
          f"PUT/MD5 = {mib / min(put_rawx) / md5_rate:.2f})")


if __name__ == "__main__":
    main()
