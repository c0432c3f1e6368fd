# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""The benchmark workload, one function per measure, for our client and for pyxs.

Run as a script under Debian's python (``/usr/bin/python3 workload.py pyxs N``) it measures pyxs and prints
JSON; bench.py imports it to measure our client with the same counts and paths.
"""

import json
import statistics
import sys
import time

ROOT = "/bench-xs"


def _rate(count, seconds):
    return count / seconds if seconds else float("inf")


def measure(ops, counts, name):
    """``ops`` provides write_all/read_all/transaction/watch_roundtrip; returns the figures as a dict."""
    n_rw, n_tx, n_watch = counts
    prefix = "%s/%s" % (ROOT, name)
    # Spread over 100 directories: a C xenstored node rewrites its whole child list when a child is added,
    # so 10,000 children in one directory would measure the daemon rather than the client.
    paths = ["%s/k/%d/%d" % (prefix, i % 100, i) for i in range(n_rw)]
    out = {}
    t = time.perf_counter()
    ops.write_all(paths)
    out["creates_per_s"] = _rate(n_rw, time.perf_counter() - t)
    t = time.perf_counter()
    ops.write_all(paths)
    out["writes_per_s"] = _rate(n_rw, time.perf_counter() - t)
    t = time.perf_counter()
    values = ops.read_all(paths)
    out["reads_per_s"] = _rate(n_rw, time.perf_counter() - t)
    assert values[7] == b"v7", values[7]
    t = time.perf_counter()
    for i in range(n_tx):
        ops.transaction("%s/tx/%d" % (prefix, i % 50), i)
    out["transactions_per_s"] = _rate(n_tx, time.perf_counter() - t)
    latencies = ops.watch_roundtrips(prefix + "/w", n_watch)
    out["watch_events_per_s"] = _rate(n_watch, sum(latencies))
    out["watch_latency_median_us"] = statistics.median(latencies) * 1e6
    ops.cleanup(prefix)
    return out


class PyxsOps:
    """pyxs 0.4: one request at a time, watches through its Monitor (its own connection)."""

    def __init__(self):
        import pyxs
        self.pyxs = pyxs
        self.client = pyxs.Client()
        self.client.connect()

    def write_all(self, paths):
        for i, p in enumerate(paths):
            self.client.write(p.encode(), b"v%d" % i)

    def read_all(self, paths):
        return [self.client.read(p.encode()) for p in paths]

    def transaction(self, path, i):
        self.client.transaction()
        self.client.write(path.encode(), b"%d" % i)
        self.client.commit()

    def watch_roundtrips(self, path, count):
        latencies = []
        with self.client.monitor() as m:
            m.watch(path.encode(), b"bench")
            events = m.wait()
            next(events)  # the initial event
            for i in range(count):
                t = time.perf_counter()
                self.client.write(("%s/%d" % (path, i % 20)).encode(), b"x")
                next(events)
                latencies.append(time.perf_counter() - t)
        return latencies

    def cleanup(self, prefix):
        self.client.delete(prefix.encode())
        self.client.close()


if __name__ == "__main__":
    print(json.dumps(measure(PyxsOps(), tuple(json.loads(sys.argv[2])), sys.argv[1])))
