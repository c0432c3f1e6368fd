# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""XenStore wire format: the header, NUL-joined arguments, permissions as named tuples."""

from __future__ import annotations

import collections
import struct

from .exceptions import InvalidPermission

HEADER = struct.Struct("=IIII")  # type, req_id, tx_id, len (native endian)


def take_packets(buffer):
    """Remove the complete packets at the start of ``buffer`` (a bytearray): ``[(op, rq_id, tx_id, payload)]``."""
    packets, start = [], 0
    while len(buffer) - start >= HEADER.size:
        op, rq_id, tx_id, size = HEADER.unpack_from(buffer, start)
        end = start + HEADER.size + size
        if len(buffer) < end:
            break
        packets.append((op, rq_id, tx_id, bytes(buffer[start + HEADER.size:end])))
        start = end
    del buffer[:start]
    return packets


def join(*parts):
    """NUL-terminate each part (str or bytes) and concatenate them."""
    return b"".join((p.encode() if isinstance(p, str) else p) + b"\0" for p in parts)


ACCESS = {"n": "none", "r": "read", "w": "write", "b": "both"}
LETTER = {v: k for k, v in ACCESS.items()}


class Perm(collections.namedtuple("Perm", "domid access")):
    """One permission entry; in a list, the first names the owner and everyone else's access."""

    __slots__ = ()

    @classmethod
    def parse(cls, text):
        """``'r5'`` -> ``Perm(5, 'read')``; accepts Perm, str or bytes."""
        if isinstance(text, cls):
            return text
        if isinstance(text, bytes):
            text = text.decode("ascii", "replace")
        if not isinstance(text, str) or len(text) < 2 or text[0] not in ACCESS or not text[1:].isdigit():
            exc = InvalidPermission(text)
            exc.detail = "expected n|r|w|b followed by a domain id"
            raise exc
        return cls(int(text[1:]), ACCESS[text[0]])

    def __str__(self):
        return "%s%d" % (LETTER[self.access], self.domid)
