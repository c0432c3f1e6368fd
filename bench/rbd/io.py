"""One I/O measurement, written against the API of Ceph's Python modules.

Runs unchanged on our binding (``--impl ours``, the venv's Python) and on Debian's python3-rbd
(``--impl upstream``, /usr/bin/python3): the same code measures both.
Prints one JSON line: {"seconds": ..., "bytes": ...}.
"""

import argparse
import json
import os
import sys
import time
from collections import deque

MiB = 1 << 20


def load(impl, repo):
    if impl == "upstream":
        import rados
        import rbd
    else:
        sys.path.insert(0, os.path.join(repo, ".lab", "collections"))
        from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados, rbd
    return rados, rbd


def write_sync(image, data, total):
    for offset in range(0, total, len(data)):
        image.write(data, offset)
    image.flush()


def read_sync(image, size, total):
    for offset in range(0, total, size):
        if len(image.read(offset, size)) != size:
            raise SystemExit("short read")


def _window(submit, count, depth):
    pending = deque()
    for index in range(count):
        if len(pending) == depth:
            pending.popleft().wait_for_complete_and_cb()
        pending.append(submit(index))
    while pending:
        pending.popleft().wait_for_complete_and_cb()


def write_aio(image, data, total, depth):
    size = len(data)
    _window(lambda i: image.aio_write(data, i * size, lambda comp: None), total // size, depth)
    image.flush()


def read_aio(image, size, total, depth):
    def done(comp, buf):
        if buf is None or len(buf) != size:
            raise SystemExit("short aio read")

    _window(lambda i: image.aio_read(i * size, size, done), total // size, depth)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--impl", choices=["ours", "upstream"], required=True)
    parser.add_argument("--op", choices=["write", "read"], required=True)
    parser.add_argument("--depth", type=int, default=1, help="requests in flight (1: synchronous calls)")
    parser.add_argument("--total", type=int, default=1024 * MiB)
    parser.add_argument("--size", type=int, default=4 * MiB)
    parser.add_argument("--image", required=True)
    parser.add_argument("--repo", required=True)
    args = parser.parse_args()
    rados, rbd = load(args.impl, args.repo)
    conf = {"keyring": os.environ["CEPH_KEYRING_ANSIBLE"]}
    with rados.Rados(conffile=os.environ["CEPH_CONF"], name=os.environ["CEPH_CLIENT_NAME"], conf=conf) as cluster:
        with cluster.open_ioctx(os.environ["CEPH_POOL"]) as ioctx:
            with rbd.Image(ioctx, args.image) as image:
                data = os.urandom(args.size)
                start = time.perf_counter()
                if args.op == "write" and args.depth == 1:
                    write_sync(image, data, args.total)
                elif args.op == "write":
                    write_aio(image, data, args.total, args.depth)
                elif args.depth == 1:
                    read_sync(image, args.size, args.total)
                else:
                    read_aio(image, args.size, args.total, args.depth)
                seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "bytes": args.total}))


if __name__ == "__main__":
    main()
