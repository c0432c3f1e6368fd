# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""1 GiB of 4 MiB requests through our binding and through Debian's python3-rbd, in one process (see pair.py).

Writes go to a fresh image per binding; reads switch between two images, so that both bindings read both.
"""

import os
from collections import deque

import pair


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
    args = pair.parser(__doc__, "images <prefix>-a and <prefix>-b must exist").parse_args()
    bindings = pair.load_bindings(args, ("rados", "rbd"))
    ioctxs = []

    def open_images(modules, cluster):
        ioctxs.append(cluster.open_ioctx(os.environ["CEPH_POOL"]))
        return [modules[1].Image(ioctxs[-1], "%s-%s" % (args.prefix, name)) for name in "ab"]

    images, handles = pair.connect(args, bindings, open_images, name=os.environ["CEPH_CLIENT_NAME"],
                                   conf={"keyring": os.environ["CEPH_KEYRING_ANSIBLE"]})
    data = os.urandom(args.size)

    def run(impl, index, start):
        end = min(start + args.slice, args.total)
        # Where an image's data lies on the OSD changes its speed: each binding writes its own image (two
        # writers of one image would pass its exclusive lock back and forth), but reads switch images every
        # two slices, so that both bindings read both.
        ours_takes_b = args.swap != (args.op == "read" and index // 2 % 2 == 1)
        image = images[impl][(impl == "ours") == ours_takes_b]
        if args.depth == 1:
            sync_slice(image, args.op, data, start, end)
        else:
            aio_slice(image, args.op, data, start, end, args.depth)
        if args.op == "write" and end == args.total:
            image.flush()

    seconds = pair.alternate(range(0, args.total, args.slice), run)
    for pair_of_images in images.values():
        for image in pair_of_images:
            image.close()
    for ioctx in ioctxs:
        ioctx.close()
    pair.report(seconds, args.total, handles)


if __name__ == "__main__":
    main()
