# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pyxs's internal names (``NUL``, ``Op``, ``Event``, ``Packet``, ``next_rq_id``), for code that uses them."""

from __future__ import annotations

import collections
import itertools
import struct

from .exceptions import InvalidOperation, InvalidPayload

__all__ = ["NUL", "Event", "Op", "Packet", "next_rq_id"]

NUL = b"\x00"

#: XenStore's message types by name; pyxs's, then RESET_WATCHES and DIRECTORY_PART.
Operations = Op = collections.namedtuple("Operations", [
    "DEBUG", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH", "TRANSACTION_START", "TRANSACTION_END",
    "INTRODUCE", "RELEASE", "GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM", "SET_PERMS", "WATCH_EVENT", "ERROR",
    "IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "RESTRICT", "RESET_WATCHES", "DIRECTORY_PART",
])(*(list(range(20)) + [128, 21, 22]))

#: An operation's name, for messages.
OP_NAMES = {code: name for name, code in zip(Op._fields, Op)}

#: A watch event: the path that changed and the watch's token.
Event = collections.namedtuple("Event", "path token")

PAYLOAD_MAX = 4096


class Packet(collections.namedtuple("_Packet", "op rq_id tx_id size payload")):
    """A XenStore message; refuses unknown operations and payloads over 4096 bytes."""

    __slots__ = ()
    _struct = struct.Struct("=IIII")

    def __new__(cls, op, payload, rq_id, tx_id=None):
        if len(payload) > PAYLOAD_MAX:
            raise InvalidPayload(payload)
        if op not in Op:
            raise InvalidOperation(op)
        return super().__new__(cls, op, rq_id, tx_id or 0, len(payload), payload)


_rq_ids = itertools.count()


def next_rq_id():
    """A new request id."""
    return next(_rq_ids) & 0xFFFFFFFF
