# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP Range helpers of ``oio.common.http`` (7.x)."""

from __future__ import annotations


def _check_range(start, end, text):
    if end is not None and end < 0 or (start is not None and end is not None and end < start) or (start is None and end is None):
        raise ValueError("Invalid range %s" % text)


def ranges_from_http_header(val):
    """``bytes=A-B,C-,-D`` as ``[(A, B), (C, None), (None, D)]``; ValueError for anything else."""
    if not val.startswith("bytes="):
        raise ValueError("Invalid Range value: %s" % val)
    ranges = []
    for spec in val[6:].split(","):
        first, dummy, last = spec.partition("-")
        if not dummy:
            raise ValueError("Invalid byterange value: %s" % val)
        start = int(first) if first else None
        end = int(last) if last else None
        _check_range(start, end, val)
        ranges.append((start, end))
    return ranges


def http_header_from_ranges(ranges):
    """The ``Range`` header value of ``[(start, end), ...]`` (None for an open side); ValueError if invalid."""
    specs = []
    for start, end in ranges:
        _check_range(start, end, "(%s, %s)" % (start, end))
        specs.append("%s-%s" % ("" if start is None else start, "" if end is None else end))
    return "bytes=" + ",".join(specs)
