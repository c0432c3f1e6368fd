# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""RADOS object I/O through our rados binding and Debian's python3-rados, in one process.

4 MiB objects: Ioctx.write_full, Ioctx.read, or Ioctx.aio_write with DEPTH requests in flight. Runs under
/usr/bin/python3 (python3-rados is built for it) with our binding imported from the collection and cffi from
the venv. The two bindings alternate every slice (64 MiB) and each writes or reads its own set of objects
(which set alternates between rounds with --swap). Prints {"ours": seconds, "upstream": seconds, "bytes": total}.
"""

import argparse
import json
import os
import sys
import time
from collections import deque

MiB = 1 << 20


def load_bindings(repo, venv_site):
    import rados as up_rados

    sys.path.insert(0, venv_site)
    sys.path.insert(0, os.path.join(repo, ".lab", "collections"))
    from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados

    return {"upstream": up_rados, "ours": rados}


def run_slice(ioctx, op, depth, data, names):
    if op == "read":
        for name in names:
            if len(ioctx.read(name, len(data))) != len(data):
                raise SystemExit("short read of %s" % name)
    elif depth == 1:
        for name in names:
            ioctx.write_full(name, data)
    else:
        pending = deque()
        for name in names:
            if len(pending) == depth:
                pending.popleft().wait_for_complete()
            pending.append(ioctx.aio_write(name, data, 0))
        while pending:
            completion = pending.popleft()
            completion.wait_for_complete()
            if completion.get_return_value() < 0:
                raise SystemExit("aio_write failed: %d" % completion.get_return_value())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--op", choices=["write", "read"], required=True)
    parser.add_argument("--depth", type=int, default=1, help="aio_write requests in flight (1: write_full)")
    parser.add_argument("--total", type=int, default=1024 * MiB)
    parser.add_argument("--size", type=int, default=4 * MiB)
    parser.add_argument("--slice", type=int, default=64 * MiB)
    parser.add_argument("--prefix", required=True, help="object names: <prefix>-a-<n> and <prefix>-b-<n>")
    parser.add_argument("--swap", action="store_true", help="ours takes set b, the peer set a")
    parser.add_argument("--repo", required=True)
    parser.add_argument("--venv-site", required=True)
    parser.add_argument("--connect-first", choices=["ours", "upstream"], default="upstream")
    args = parser.parse_args()
    bindings = load_bindings(args.repo, args.venv_site)
    conf = {"keyring": os.environ["CEPH_KEYRING_ADMIN"]}
    handles, ioctxs = [], {}
    for impl in sorted(bindings, key=lambda name: name != args.connect_first):
        cluster = bindings[impl].Rados(conffile=os.environ["CEPH_CONF"], conf=conf)
        cluster.connect()
        ioctxs[impl] = cluster.open_ioctx(os.environ["CEPH_RADOS_POOL"])
        handles.append(cluster)
    data = os.urandom(args.size)
    per_slice = args.slice // args.size
    count = args.total // args.size
    sets = {"ours": "b" if args.swap else "a", "upstream": "a" if args.swap else "b"}
    seconds = {"ours": 0.0, "upstream": 0.0}
    for index, start in enumerate(range(0, count, per_slice)):
        for impl in ("ours", "upstream") if index % 2 == 0 else ("upstream", "ours"):
            names = ["%s-%s-%d" % (args.prefix, sets[impl], n) for n in range(start, min(start + per_slice, count))]
            began = time.perf_counter()
            run_slice(ioctxs[impl], args.op, args.depth, data, names)
            seconds[impl] += time.perf_counter() - began
    for ioctx in ioctxs.values():
        ioctx.close()
    for cluster in handles:
        cluster.shutdown()
    print(json.dumps(dict(seconds, bytes=args.total)))


if __name__ == "__main__":
    main()
