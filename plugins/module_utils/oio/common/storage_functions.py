# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Object ranges to metachunk ranges (``oio.common.storage_functions``).

Ranges are inclusive ``(start, end)`` pairs; ``(None, n)`` means the last n
bytes and ``(n, None)`` everything from n.
"""

from __future__ import annotations

import random
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from .exceptions import UnsatisfiableRange
from ..api._chunkio import READ_BUFFER_SIZE, read_in_parallel
from ..api.ec import ECChunkDownloadHandler
from ..api.io import ChunkReader, read_or_explain


def normalize_range(start, end, total):
    """Turn a possibly open range into an inclusive ``(start, end)`` inside ``[0, total)``."""
    if start is None and end is None:
        raise UnsatisfiableRange(416, None, "invalid range (None, None)")
    if start is None:
        start, end = max(total - end, 0), total - 1
    elif end is None or end >= total:
        end = total - 1
    if start < 0 or start > end:
        raise UnsatisfiableRange(416, None, "range (%s, %s) is outside the %d bytes of the object" % (start, end, total))
    return start, end


def obj_range_to_meta_chunk_range(start, end, meta_sizes):
    """Map an object range to ``{metachunk position: (start, end)}`` given the metachunk sizes."""
    start, end = normalize_range(start, end, sum(meta_sizes))
    result = {}
    offset = 0
    for pos, size in enumerate(meta_sizes):
        last = offset + size - 1
        if size and start <= last and end >= offset:
            result[pos] = (max(start, offset) - offset, min(end, last) - offset)
        offset += size
    return result


def get_meta_ranges(ranges, chunks):
    """Object ranges to ``[{metachunk position: (start, end)}]``; ``chunks`` maps positions to their chunks.

    ``(None, None)`` is the whole object.
    """
    sizes = [int(chunks[pos][0]["size"]) for pos in sorted(chunks)]
    result = []
    for start, end in ranges:
        if start is None and end is None:
            result.append({pos: (0, size - 1) for pos, size in enumerate(sizes)})
        else:
            result.append(obj_range_to_meta_chunk_range(start, end, sizes))
    return result


def wrand_choice_index(scores):
    """The index of an element of ``scores`` drawn with a probability proportional to its score."""
    scores = list(scores)
    target = random.uniform(0, sum(scores))
    upto = 0
    for index, score in enumerate(scores):
        if upto + score >= target:
            return index
        upto += score
    return len(scores) - 1


def _what(kwargs, pos):
    return "%s metachunk %d" % (kwargs.get("what") or "object", pos)


def fetch_stream(chunks, ranges, storage_method, headers=None, **kwargs):
    """The bytes of ``ranges`` (default: all) of a replicated object, read by a ``ChunkReader`` per metachunk.

    ``chunks`` maps metachunk positions to their copies, best first. The ranges are checked at once
    (``UnsatisfiableRange``); two metachunks are read at a time, ahead of the consumer.
    """
    readers = []
    for meta_ranges in get_meta_ranges(ranges or [(None, None)], chunks):
        for pos in sorted(meta_ranges):
            start, end = meta_ranges[pos]
            part_headers = dict(headers or {}, Range="bytes=%d-%d" % (start, end))
            readers.append(read_or_explain(ChunkReader(iter(chunks[pos]), READ_BUFFER_SIZE, part_headers,
                                                       **dict(kwargs, what=_what(kwargs, pos)))))
    return read_in_parallel(readers)


def fetch_stream_ec(chunks, ranges, storage_method, **kwargs):
    """The bytes of ``ranges`` (default: all) of an EC object, decoded by an ``ECChunkDownloadHandler`` per metachunk."""
    plans = get_meta_ranges(ranges or [(None, None)], chunks)
    kwargs.setdefault("headers", {})
    return _ec_stream(chunks, plans, storage_method, kwargs)


def _ec_stream(chunks, plans, storage_method, kwargs, ahead=2):
    """The decoded bytes of each metachunk range in turn, the fragments of the ``ahead`` next ones asked for while
    this one is read."""
    parts = [(pos, meta_ranges[pos]) for meta_ranges in plans for pos in sorted(meta_ranges)]
    executor = ThreadPoolExecutor(1)
    upcoming = deque()

    def open_part(pos, start, end):
        handler = ECChunkDownloadHandler(storage_method, chunks[pos], start, end, **dict(kwargs, what=_what(kwargs, pos)))
        upcoming.append(executor.submit(handler.get_stream))

    try:
        for index in range(len(parts)):
            for later in parts[index + len(upcoming):index + ahead + 1]:
                open_part(later[0], *later[1])
            stream = upcoming.popleft().result()
            try:
                for part in stream:
                    yield from part["iter"]
            finally:
                stream.close()
    finally:
        for future in upcoming:
            if not future.cancel() and future.exception() is None:
                future.result().close()
        executor.shutdown(wait=False)
