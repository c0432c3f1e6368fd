# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Streaming a file into an image with several writes in flight."""

from __future__ import annotations

from .errors import make_error

CHUNK_SIZE = 4 << 20
IN_FLIGHT = 16


def _wait(slot):
    """Wait for the write from ``slot`` (``[buffer, completion, offset, length]``), if any; raise if it failed."""
    comp, offset, length = slot[1:]
    if comp is None:
        return
    slot[1] = None
    ret = comp.get_return_value()
    if ret < 0:
        raise make_error(ret, "write %d bytes at %d (image %s)" % (length, offset, comp.image.name))


def import_file(image, fileobj, chunk_size=CHUNK_SIZE, in_flight=IN_FLIGHT, skip_zeros=True):
    """Write ``fileobj`` (opened in binary mode) to ``image`` from offset 0; return the bytes read.

    Each of ``in_flight`` buffers is read into directly and handed to librbd without a copy;
    a buffer is reused once its write has finished.
    With ``skip_zeros`` (for a new image, which reads as zeros) chunks of zeros are not written.
    """
    slots = [[bytearray(chunk_size), None, 0, 0] for _index in range(in_flight)]
    zeros = bytes(chunk_size)
    offset = 0
    index = 0
    try:
        while True:
            slot = slots[index % in_flight]
            index += 1
            _wait(slot)
            view = memoryview(slot[0])
            count = fileobj.readinto(view)
            if not count:
                break
            if count < chunk_size:
                data, is_zero = view[:count], view[:count] == zeros[:count]
            else:  # bytearray == bytes is a memcmp; memoryview == bytes compares item by item
                data, is_zero = view, slot[0] == zeros
            if not (skip_zeros and is_zero):
                slot[1:] = [image.aio_write(data, offset, None), offset, count]
            offset += count
        for slot in slots:
            _wait(slot)
    finally:
        for slot in slots:  # after a failure: let librbd finish with our buffers before they go
            if slot[1] is not None:
                slot[1].wait_for_complete_and_cb()
    image.flush()
    return offset
