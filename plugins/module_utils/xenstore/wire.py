# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""XenStore wire format: message types, packet framing, paths and permissions."""

from __future__ import annotations

import collections
import enum
import re
import struct

from .errors import XenStoreError

HEADER = struct.Struct("=IIII")  # type, req_id, tx_id, len (native endian)
PAYLOAD_MAX = 4096
# The C xenstored 4.17 refuses absolute paths longer than 2048 characters
# (the documented 3072 is not reached in practice); relative ones likewise.
PATH_MAX = 2048


class Op(enum.IntEnum):
    CONTROL = 0
    DIRECTORY = 1
    READ = 2
    GET_PERMS = 3
    WATCH = 4
    UNWATCH = 5
    TRANSACTION_START = 6
    TRANSACTION_END = 7
    INTRODUCE = 8
    RELEASE = 9
    GET_DOMAIN_PATH = 10
    WRITE = 11
    MKDIR = 12
    RM = 13
    SET_PERMS = 14
    WATCH_EVENT = 15
    ERROR = 16
    IS_DOMAIN_INTRODUCED = 17
    RESUME = 18
    SET_TARGET = 19
    RESET_WATCHES = 21
    DIRECTORY_PART = 22


Packet = collections.namedtuple("Packet", "op req_id tx_id payload")


def check_payload(op, payload, path=None):
    """Refuse payloads over 4096 bytes before sending (the C daemon would drop the connection)."""
    if len(payload) > PAYLOAD_MAX:
        raise XenStoreError("E2BIG", Op(op).name, path,
                            "payload of %d bytes exceeds the %d-byte limit" % (len(payload), PAYLOAD_MAX))


class PacketReader:
    """Incremental decoder: ``feed(bytes)`` returns the complete packets so far."""

    def __init__(self):
        self._buffer = bytearray()

    def feed(self, data):
        buf = self._buffer
        buf += data
        packets = []
        start = 0
        while len(buf) - start >= HEADER.size:
            op, req_id, tx_id, length = HEADER.unpack_from(buf, start)
            end = start + HEADER.size + length
            if len(buf) < end:
                break
            packets.append(Packet(op, req_id, tx_id, bytes(buf[start + HEADER.size:end])))
            start = end
        del buf[:start]
        return packets


def join(*parts):
    """NUL-terminate each part (str or bytes) and concatenate them."""
    return b"".join((p.encode() if isinstance(p, str) else p) + b"\0" for p in parts)


def split(payload):
    """The NUL-separated strings of a payload, without the trailing terminator."""
    if payload.endswith(b"\0"):
        payload = payload[:-1]
    return [s.decode() for s in payload.split(b"\0")] if payload else []


_SEGMENT = re.compile(r"[A-Za-z0-9_@-]+\Z")
_BAD_CHAR = re.compile(r"[^A-Za-z0-9_@/-]")


def check_path(path, watch=False):
    """Return ``path`` as bytes, or raise EINVAL saying what is wrong with it.

    Node paths are ``/`` or segments of letters, digits and ``-_@`` joined by
    single slashes, absolute or relative to the domain's home; ``watch=True``
    also accepts the special ``@name`` paths.
    """
    if isinstance(path, bytes):
        try:
            path = path.decode("ascii")
        except UnicodeDecodeError:
            raise XenStoreError("EINVAL", path=path, detail="path is not ASCII") from None
    if not isinstance(path, str):
        raise XenStoreError("EINVAL", path=path, detail="path must be a string")
    why = None
    if not path:
        why = "path is empty"
    elif len(path) > PATH_MAX:
        why = "path is longer than %d characters" % PATH_MAX
    elif _BAD_CHAR.search(path):
        why = "character %r is not allowed (only letters, digits, '-', '_', '@' and '/')" % _BAD_CHAR.search(path).group()
    elif path.startswith("@"):
        if not (watch and _SEGMENT.match(path[1:])):
            why = "special '@' paths are only valid for watches"
    elif path != "/":
        body = path[1:] if path.startswith("/") else path
        if not all(_SEGMENT.match(seg) for seg in body.split("/")):
            why = "empty path segment (double or trailing '/')"
    if why:
        raise XenStoreError("EINVAL", path=path, detail=why)
    return path.encode("ascii")


def child_path(parent, name):
    """Join a node path and a child name."""
    return parent.rstrip("/") + "/" + name if parent != "/" else "/" + name


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
            raise XenStoreError("EINVAL", detail="bad permission %r (expected n|r|w|b followed by a domain id)" % (text,))
        return cls(int(text[1:]), ACCESS[text[0]])

    def __str__(self):
        return "%s%d" % (LETTER[self.access], self.domid)
