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

from .exceptions import UnsatisfiableRange


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
