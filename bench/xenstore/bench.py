# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""XenStore benchmark: our client against pyxs (Debian's, under /usr/bin/python3), same daemon, same run.

Then one xenstore_key task setting 1,000 keys against single-key tasks (a loop; extrapolated to 1,000).
Needs the lab's xenstored (tests/lab/lab up xenstored). Prints ops/s, the ratios and the task times.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Client
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore.wire import HEADER

from workload import measure

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PEER_PYTHON = "/usr/bin/python3"


class OurOps:
    """Our client: bulk reads and writes pipelined on one connection, a Monitor on the same connection."""

    def __init__(self):
        self.client = Client()
        self.client.connect()

    def write_all(self, paths):
        self.client.write_many((p, b"v%d" % i) for i, p in enumerate(paths))

    def read_all(self, paths):
        return self.client.read_many(paths)

    def transaction(self, path, i):
        with self.client.begin() as tx:
            tx.write(path, b"%d" % i)

    def watch_roundtrips(self, path, count):
        latencies = []
        with self.client.monitor() as m:
            m.watch(path, "bench")
            m.next_event(10)  # the initial event
            for i in range(count):
                t = time.perf_counter()
                self.client.write("%s/%d" % (path, i % 20), b"x")
                if m.next_event(10) is None:
                    raise RuntimeError("watch event lost")
                latencies.append(time.perf_counter() - t)
        return latencies

    def cleanup(self, prefix):
        self.client.rm(prefix)
        self.client.close()


def raw_create_ceiling(count):
    """New keys/s with no client at all: every WRITE framed up front and sent at once on a raw socket."""
    header = HEADER
    payloads = [b"/bench-xs/raw/%d/%d\0v" % (i % 100, i) for i in range(count)]
    data = b"".join(header.pack(11, i + 1, 0, len(p)) + p for i, p in enumerate(payloads))
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(os.environ["XENSTORED_PATH"])
        t = time.perf_counter()
        sock.sendall(data)
        buf, replies = b"", 0
        while replies < count:
            buf += sock.recv(65536)
            while len(buf) >= header.size and len(buf) >= header.size + header.unpack_from(buf)[3]:
                buf = buf[header.size + header.unpack_from(buf)[3]:]
                replies += 1
        elapsed = time.perf_counter() - t
    with Client() as c:
        c.delete(b"/bench-xs/raw")
    return count / elapsed


class BareSocket:
    """The reference for one-at-a-time calls: a blocking socket, each request framed, sent, its reply read whole."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(os.environ["XENSTORED_PATH"])
        self.req_id = 0

    def request(self, op, payload):
        self.req_id += 1
        self.sock.sendall(HEADER.pack(op, self.req_id, 0, len(payload)) + payload)
        reply = self.sock.recv(65536)
        while len(reply) < 16 or len(reply) < 16 + HEADER.unpack_from(reply)[3]:
            reply += self.sock.recv(65536)
        return reply[16:]

    def write_all(self, paths, value):
        for p in paths:
            self.request(11, p + b"\0" + value)

    def read_all(self, paths):
        for p in paths:
            self.request(2, p + b"\0")


def one_at_a_time(count, rounds=100):
    """Plain ``c.write(p, v)`` and ``c.read(p)`` loops against the bare socket, in ``rounds`` interleaved slices.

    Each slice runs ours and the bare socket back to back (in alternating order) on the same paths; the ratio
    is the median of the slices' ratios, so a burst of load from elsewhere on the machine does not decide it.
    Returns ``{"writes": (ours/s, bare/s, ratio), "reads": (...)}``.
    """
    paths = [b"/bench-xs/single/%d/%d" % (i % 100, i) for i in range(count)]
    slices = [paths[i::rounds] for i in range(rounds)]
    bare = BareSocket()
    figures = {}
    with Client() as c:
        def our_writes(part):
            for p in part:
                c.write(p, b"value")

        def our_reads(part):
            for p in part:
                c.read(p)

        loops = {"writes": (our_writes, lambda part: bare.write_all(part, b"value")), "reads": (our_reads, bare.read_all)}
        bare.write_all(paths, b"value")  # both measure rewrites of existing keys
        for name, (ours, theirs) in loops.items():
            totals, ratios = [0.0, 0.0], []
            for index, part in enumerate(slices):
                times = [0.0, 0.0]
                for side in (0, 1) if index % 2 else (1, 0):
                    t = time.perf_counter()
                    (ours, theirs)[side](part)
                    times[side] = time.perf_counter() - t
                totals = [total + t for total, t in zip(totals, times)]
                ratios.append(times[1] / times[0])
            figures[name] = (count / totals[0], count / totals[1], statistics.median(ratios))
        c.delete(b"/bench-xs/single")
    bare.sock.close()
    return figures


def _playbook(tasks):
    play = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
             "module_defaults": {"group/datacenter.storage.xenstore": {"socket_path": os.environ["XENSTORED_PATH"]}},
             "tasks": tasks}]
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        json.dump(play, f)
    return f.name


def _run_playbook(tasks):
    path = _playbook(tasks)
    env = dict(os.environ, ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_COLLECTIONS_PATH=str(REPO / ".lab" / "collections"))
    t = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", path],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t
    os.unlink(path)
    return elapsed


def module_figures(n_keys, n_single):
    root = "/bench-xs/module"
    cleanup = {"datacenter.storage.xenstore_key": {"path": "/bench-xs/module", "state": "absent"}}
    baseline = _run_playbook([cleanup])
    bulk = _run_playbook([cleanup, {"datacenter.storage.xenstore_key": {"keys": {"%s/bulk/%d" % (root, i): str(i) for i in range(n_keys)}}}])
    single = _run_playbook([cleanup, {"datacenter.storage.xenstore_key": {"path": "%s/single/{{ item }}" % root, "value": "{{ item }}"},
                                      "loop": list(range(n_single))}])
    _run_playbook([cleanup])
    bulk_task = bulk - baseline
    single_task = (single - baseline) / n_single
    return {"bulk_task_s": bulk_task, "single_task_s": single_task, "single_extrapolated_s": single_task * n_keys}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=10000, help="writes and reads (default 10000)")
    parser.add_argument("--transactions", type=int, default=1000)
    parser.add_argument("--watches", type=int, default=1000)
    parser.add_argument("--keys", type=int, default=1000, help="keys in the one xenstore_key task")
    parser.add_argument("--single", type=int, default=50, help="single-key tasks run (then extrapolated to --keys)")
    args = parser.parse_args()
    if not os.environ.get("XENSTORED_PATH"):
        sys.exit("XENSTORED_PATH is not set: start the lab (tests/lab/lab up xenstored)")
    counts = (args.ops, args.transactions, args.watches)

    ours = measure(OurOps(), counts, "ours")
    peer = subprocess.run([PEER_PYTHON, str(HERE / "workload.py"), "pyxs", json.dumps(counts)],
                          capture_output=True, text=True, check=True)
    theirs = json.loads(peer.stdout)

    print("XenStore client vs pyxs, real C xenstored %s, %d writes/reads, %d transactions, %d watch events"
          % (os.environ["XENSTORED_PATH"], *counts))
    print("%-26s %14s %14s %8s" % ("measure", "ours", "pyxs", "ratio"))
    for key, label, higher_better in (("creates_per_s", "writes, new keys/s", True),
                                      ("writes_per_s", "writes, existing keys/s", True), ("reads_per_s", "reads/s", True),
                                      ("transactions_per_s", "transactions/s", True),
                                      ("watch_events_per_s", "watch events/s", True),
                                      ("watch_latency_median_us", "watch latency median us", False)):
        ratio = ours[key] / theirs[key] if higher_better else theirs[key] / ours[key]
        print("%-26s %14.1f %14.1f %7.2fx" % (label, ours[key], theirs[key], ratio))
    print("(ratio > 1: ours better; latency ratio = pyxs / ours)")
    print("daemon ceiling for new keys (raw socket, all %d WRITEs sent at once): %.1f/s" % (args.ops, raw_create_ceiling(args.ops)))
    single = one_at_a_time(args.ops)
    print("%-26s %14s %14s %8s" % ("one at a time", "ours", "bare socket", "ratio"))
    for name, label in (("writes", "c.write(p, v) loop/s"), ("reads", "c.read(p) loop/s")):
        print("%-26s %14.1f %14.1f %7.2fx" % ((label,) + single[name]))
    print("(the same requests one at a time, no pipelining, in 100 interleaved slices; ratio = median of the slices'")
    print(" ours/bare speed ratios)")

    mod = module_figures(args.keys, args.single)
    print("xenstore_key, one task with %d keys:        %6.2f s" % (args.keys, mod["bulk_task_s"]))
    print("xenstore_key, one single-key task:          %6.2f s (mean of a %d-item loop)" % (mod["single_task_s"], args.single))
    print("xenstore_key, %d single-key tasks:        %6.1f s (extrapolated from %d)  -> %.0fx slower"
          % (args.keys, mod["single_extrapolated_s"], args.single, mod["single_extrapolated_s"] / mod["bulk_task_s"]))
    print("(task times = playbook wall time minus a one-task playbook's)")


if __name__ == "__main__":
    main()
