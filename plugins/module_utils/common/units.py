# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sizes with binary units, as users write them in playbooks (``10G``, ``512M``)."""

from __future__ import annotations

import re

_UNITS = {"": 0, "K": 10, "M": 20, "G": 30, "T": 40, "P": 50, "E": 60}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTPE]?)(?:i?B)?\s*$", re.IGNORECASE)


def parse_size(value):
    """Return ``value`` in bytes; accepts ints and strings such as ``10G``, ``1.5GiB``, ``4096``.

    Raises ValueError with the offending value when it cannot be read.
    """
    if isinstance(value, bool):
        raise ValueError("invalid size %r" % (value,))
    if isinstance(value, int):
        if value < 0:
            raise ValueError("invalid size %r: negative" % (value,))
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise ValueError("invalid size %r: expected a number with an optional unit K, M, G, T, P or E" % (value,))
    number, unit = match.groups()
    size = float(number) * (1 << _UNITS[unit.upper()])
    if size != int(size):
        raise ValueError("invalid size %r: not a whole number of bytes" % (value,))
    return int(size)


def format_size(size):
    """Return ``size`` bytes in the largest binary unit that divides it exactly."""
    for unit in ("E", "P", "T", "G", "M", "K"):
        shift = _UNITS[unit]
        if size and size % (1 << shift) == 0:
            return "%d%s" % (size >> shift, unit)
    return str(size)
