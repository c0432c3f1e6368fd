# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Erasure coding: segment and fragment ranges (``oio.api.ec``)."""

from __future__ import annotations

import math


def meta_chunk_range_to_segment_range(meta_start, meta_end, segment_size):
    """Widen a metachunk range to whole segments.

    >>> meta_chunk_range_to_segment_range(100, 600, 256)
    (0, 767)
    >>> meta_chunk_range_to_segment_range(300, None, 256)
    (256, None)
    """
    if meta_start is None:
        return None, int(math.ceil(meta_end / segment_size + 1)) * segment_size
    segment_start = (meta_start // segment_size) * segment_size
    if meta_end is None:
        return segment_start, None
    return segment_start, (meta_end // segment_size + 1) * segment_size - 1


def segment_range_to_fragment_range(segment_start, segment_end, segment_size, fragment_size):
    """The byte range of every fragment-chunk that holds a segment range."""
    fragment_start = None if segment_start is None else (segment_start // segment_size) * fragment_size
    if segment_end is None:
        fragment_end = None
    elif segment_start is None:
        fragment_end = ((segment_end + 1) // segment_size) * fragment_size
    else:
        fragment_end = ((segment_end + 1) // segment_size) * fragment_size - 1
    return fragment_start, fragment_end


def ec_encode(storage_method, n):
    """A coroutine encoding the data sent to it into fragments for ``n`` chunks.

    Prime it with ``next()``; each ``send(data)`` returns one list of fragment bytes per chunk for the whole
    segments received so far; ``send(b"")`` flushes the last, shorter, segment.
    """
    segment_size = storage_method.ec_segment_size
    buf = bytearray()
    result = None
    while True:
        data = yield result
        result = [b""] * n
        flush = not data
        buf.extend(data or b"")
        while len(buf) >= segment_size or (flush and buf):
            segment, buf = bytes(buf[:segment_size]), buf[segment_size:]
            fragments = storage_method.driver.encode(segment)
            result = [result[i] + fragments[i] for i in range(n)]
