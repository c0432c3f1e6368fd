# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Byte-range arithmetic: object ranges to metachunk, segment and fragment ranges.

Ranges are inclusive ``(start, end)`` pairs; ``(None, n)`` means the last n
bytes and ``(n, None)`` everything from n.
"""

from __future__ import annotations

import math

from .exceptions import UnsatisfiableRange


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
