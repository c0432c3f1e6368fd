# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""1 GiB of 4 MiB requests through our binding and through Debian's python3-rbd, in one process.

Runs under /usr/bin/python3 (python3-rbd is built for it), with our binding imported from the
collection and cffi from the venv. Both bindings get the same code (the API is the same) and
alternate every slice (64 MiB), so a busy machine slows both alike. Writes go to a fresh image
per binding; reads switch between two images, so that both bindings read both.
Prints one JSON line: {"ours": seconds, "upstream": seconds, "bytes": total}.
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
    import rbd as up_rbd

    sys.path.insert(0, venv_site)
    sys.path.insert(0, os.path.join(repo, ".lab", "collections"))
    from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados, rbd

    return {"upstream": (up_rados, up_rbd), "ours": (rados, rbd)}


def sync_slice(image, op, data, start, end):
    size = len(data)
    for offset in range(start, end, size):
        if op == "write":
            image.write(data, offset)
        elif len(image.read(offset, size)) != size:
            raise SystemExit("short read")


def aio_slice(image, op, data, start, end, depth):
    size = len(data)

    def read_done(_comp, buf):
        if buf is None or len(buf) != size:
            raise SystemExit("short aio read")

    pending = deque()
    for offset in range(start, end, size):
        if len(pending) == depth:
            pending.popleft().wait_for_complete_and_cb()
        if op == "write":
            pending.append(image.aio_write(data, offset, lambda _comp: None))
        else:
            pending.append(image.aio_read(offset, size, read_done))
    while pending:
        pending.popleft().wait_for_complete_and_cb()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--op", choices=["write", "read"], required=True)
    parser.add_argument("--depth", type=int, default=1, help="requests in flight (1: synchronous calls)")
    parser.add_argument("--total", type=int, default=1024 * MiB)
    parser.add_argument("--size", type=int, default=4 * MiB)
    parser.add_argument("--slice", type=int, default=64 * MiB)
    parser.add_argument("--prefix", required=True, help="images <prefix>-a and <prefix>-b must exist")
    parser.add_argument("--swap", action="store_true", help="ours takes image b, the peer a (the bench alternates)")
    parser.add_argument("--repo", required=True)
    parser.add_argument("--venv-site", required=True)
    parser.add_argument("--connect-first", choices=["ours", "upstream"], default="upstream",
                        help="which binding connects first (the order may decide which OSD messenger thread serves"
                             " each connection: the bench alternates it between rounds)")
    args = parser.parse_args()
    bindings = load_bindings(args.repo, args.venv_site)
    conf = {"keyring": os.environ["CEPH_KEYRING_ANSIBLE"]}
    handles, images = [], {}
    for impl in sorted(bindings, key=lambda name: name != args.connect_first):
        rados, rbd = bindings[impl]
        cluster = rados.Rados(conffile=os.environ["CEPH_CONF"], name=os.environ["CEPH_CLIENT_NAME"], conf=conf)
        cluster.connect()
        ioctx = cluster.open_ioctx(os.environ["CEPH_POOL"])
        images[impl] = [rbd.Image(ioctx, "%s-%s" % (args.prefix, name)) for name in "ab"]
        handles.append((cluster, ioctx))
    data = os.urandom(args.size)
    seconds = {"ours": 0.0, "upstream": 0.0}
    for index, start in enumerate(range(0, args.total, args.slice)):
        end = min(start + args.slice, args.total)
        # Where an image's data lies on the OSD changes its speed: each binding writes its own image (two
        # writers of one image would pass its exclusive lock back and forth), but reads switch images every
        # two slices, so that both bindings read both.
        ours_takes_b = args.swap != (args.op == "read" and index // 2 % 2 == 1)
        for impl in ("ours", "upstream") if index % 2 == 0 else ("upstream", "ours"):
            image = images[impl][(impl == "ours") == ours_takes_b]
            began = time.perf_counter()
            if args.depth == 1:
                sync_slice(image, args.op, data, start, end)
            else:
                aio_slice(image, args.op, data, start, end, args.depth)
            if args.op == "write" and end == args.total:
                image.flush()
            seconds[impl] += time.perf_counter() - began
    for pair in images.values():
        for image in pair:
            image.close()
    for cluster, ioctx in handles:
        ioctx.close()
        cluster.shutdown()
    print(json.dumps(dict(seconds, bytes=args.total)))


if __name__ == "__main__":
    main()
