# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""What io.py and objects.py share: their arguments, both bindings in one process, timing them alternately.

The benches run under /usr/bin/python3 (Debian's python3-rados and python3-rbd are built for it) with our
binding imported from the collection and cffi from the venv. Both bindings run the same code on their own
data and alternate every slice (64 MiB), so a busy machine slows both alike. The result is one JSON line:
{"ours": seconds, "upstream": seconds, "bytes": total}.
"""

import argparse
import json
import os
import sys
import time

MiB = 1 << 20
IMPLS = ("ours", "upstream")


def parser(description, prefix_help):
    """The arguments of both benches."""
    args = argparse.ArgumentParser(description=description)
    args.add_argument("--op", choices=["write", "read"], required=True)
    args.add_argument("--depth", type=int, default=1, help="requests in flight (1: synchronous calls)")
    args.add_argument("--total", type=int, default=1024 * MiB)
    args.add_argument("--size", type=int, default=4 * MiB)
    args.add_argument("--slice", type=int, default=64 * MiB)
    args.add_argument("--prefix", required=True, help=prefix_help)
    args.add_argument("--swap", action="store_true", help="ours takes the b set, the peer the a set")
    args.add_argument("--repo", required=True)
    args.add_argument("--venv-site", required=True)
    args.add_argument("--connect-first", choices=IMPLS, default="upstream",
                      help="which binding connects first (the order may decide which OSD messenger thread serves"
                           " each connection: the bench alternates it between rounds)")
    return args


def load_bindings(args, names):
    """{"upstream": (Ceph's modules...), "ours": (ours...)} for the module names (``rados``, ``rbd``)."""
    upstream = tuple(__import__(name) for name in names)
    sys.path.insert(0, args.venv_site)
    sys.path.insert(0, os.path.join(args.repo, ".lab", "collections"))
    package = "ansible_collections.datacenter.storage.plugins.module_utils.rbd"
    ours = tuple(getattr(__import__(package, fromlist=list(names)), name) for name in names)
    return {"upstream": upstream, "ours": ours}


def connect(args, bindings, open_target, **conf):
    """One cluster handle per binding, connected in the order --connect-first says; {impl: open_target(modules,
    cluster)} and the handles (to shut down)."""
    targets, handles = {}, []
    for impl in sorted(bindings, key=lambda name: name != args.connect_first):
        rados = bindings[impl][0]
        cluster = rados.Rados(conffile=os.environ["CEPH_CONF"], **conf)
        cluster.connect()
        handles.append(cluster)
        targets[impl] = open_target(bindings[impl], cluster)
    return targets, handles


def alternate(slices, run):
    """Time ``run(impl, index, slice)`` for each slice and both bindings, which one first alternating; seconds."""
    seconds = dict.fromkeys(IMPLS, 0.0)
    for index, piece in enumerate(slices):
        for impl in IMPLS if index % 2 == 0 else IMPLS[::-1]:
            began = time.perf_counter()
            run(impl, index, piece)
            seconds[impl] += time.perf_counter() - began
    return seconds


def report(seconds, total, handles):
    for cluster in handles:
        cluster.shutdown()
    print(json.dumps(dict(seconds, bytes=total)))
