# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""RADOS object I/O through our rados binding and Debian's python3-rados, in one process (see pair.py).

4 MiB objects: Ioctx.write_full, Ioctx.read, or Ioctx.aio_write with DEPTH requests in flight. Each binding
writes or reads its own set of objects (which set alternates between rounds with --swap).
"""

import os
from collections import deque

import pair


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
    args = pair.parser(__doc__, "object names: <prefix>-a-<n> and <prefix>-b-<n>").parse_args()
    bindings = pair.load_bindings(args, ("rados",))
    ioctxs, handles = pair.connect(args, bindings, lambda modules, cluster: cluster.open_ioctx(
        os.environ["CEPH_RADOS_POOL"]), conf={"keyring": os.environ["CEPH_KEYRING_ADMIN"]})
    data = os.urandom(args.size)
    per_slice, count = args.slice // args.size, args.total // args.size
    sets = {"ours": "b" if args.swap else "a", "upstream": "a" if args.swap else "b"}

    def run(impl, _index, start):
        names = ["%s-%s-%d" % (args.prefix, sets[impl], n) for n in range(start, min(start + per_slice, count))]
        run_slice(ioctxs[impl], args.op, args.depth, data, names)

    seconds = pair.alternate(range(0, count, per_slice), run)
    for ioctx in ioctxs.values():
        ioctx.close()
    pair.report(seconds, args.total, handles)


if __name__ == "__main__":
    main()
