# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connections to xenstored: pyxs's Unix socket and XenBus device, and a shared ring page.

Each has pyxs's interface (``connect()``, ``close()``, ``send(packet)``,
``recv()`` of whole packets, ``is_connected``, ``fileno()``) and the byte
interface the client's router uses: ``send_bytes(data)``, ``recv_bytes(timeout)``
(``None`` on timeout, ``b''`` once the daemon has gone) and ``recv_blocking()``
(waits at most ``timeout`` seconds, the attribute).
"""

from __future__ import annotations

import errno
import functools
import os
import platform
import select
import socket
import struct
import threading
import time

from ._internal import Packet
from .exceptions import ConnectionError  # pylint: disable=redefined-builtin
from .helpers import error

__all__ = ["UnixSocketConnection", "XenBusConnection"]

SOCKET_PATHS = ("/run/xenstored/socket", "/var/run/xenstored/socket")
XENBUS_PATH = "/dev/xen/xenbus"
_LOST = (errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE)


def default_socket_path():
    """``$XENSTORED_PATH``, else ``$XENSTORED_RUNDIR/socket``, else the first usual socket path that exists."""
    if os.environ.get("XENSTORED_PATH"):
        return os.environ["XENSTORED_PATH"]
    if os.environ.get("XENSTORED_RUNDIR"):
        return os.path.join(os.environ["XENSTORED_RUNDIR"], "socket")
    for path in SOCKET_PATHS:
        if os.path.exists(path):
            return path
    return SOCKET_PATHS[1]


def default_xenbus_path():
    """``/dev/xen/xenbus``; ``/proc/xen/xenbus`` on a Linux without a readable device; NetBSD's."""
    system = platform.system()
    if system == "Linux" and not os.access(XENBUS_PATH, os.R_OK):
        return "/proc/xen/xenbus"
    return "/kern/xen/xenbus" if system == "NetBSD" else XENBUS_PATH


def _connection_error(action, path, exc):
    error_ = ConnectionError("{0} {1!r}: {2}".format(action, path, exc.args))
    error_.op, error_.path, error_.detail = "connect", path, exc.strerror or str(exc)
    return error_


def _timed_out():
    exc = error(errno.ETIMEDOUT)
    exc.detail = "no reply from xenstored in time"
    return exc


class PacketConnection:
    """A connection carrying XenStore packets; subclasses define :meth:`create_transport` and ``path``."""

    path = transport = None
    timeout = None
    # Linux's xenbus driver copies a request's body to the ring only after write() returns, from the
    # file's single buffer that the next write() overwrites: one request at a time there.
    one_request_at_a_time = False

    def __repr__(self):
        return "{0}({1!r})".format(self.__class__.__name__, self.path)

    @property
    def is_connected(self):
        return self.transport is not None

    def fileno(self):
        return self.transport.fileno()

    def connect(self):
        """Open the connection (nothing to do if it is open)."""
        if not self.is_connected:
            self.transport = self.create_transport()

    def close(self, silent=True):
        """Close the connection; errors are raised as :exc:`ConnectionError` unless ``silent``."""
        if not self.is_connected:
            return
        try:
            self.transport.close()
        except OSError as exc:
            if not silent:
                raise ConnectionError(exc.args) from None
        finally:
            self.transport = None

    def _failed(self, exc, action):
        if exc.args and exc.args[0] in _LOST:
            self.close()
        return ConnectionError("error while {0} {1!r}: {2}".format(action, self.path, exc.args))

    def send(self, packet):
        """Send a (validated) :class:`Packet`."""
        if not self.is_connected:
            raise ConnectionError("not connected")
        try:
            self.send_bytes(Packet._struct.pack(packet.op, packet.rq_id, packet.tx_id, packet.size) + packet.payload)
        except OSError as exc:
            raise self._failed(exc, "writing to") from None

    def recv(self):
        """Read one whole :class:`Packet`."""
        if not self.is_connected:
            raise ConnectionError("not connected")
        try:
            op, rq_id, tx_id, size = Packet._struct.unpack(self._read_exact(Packet._struct.size))
            return Packet(op, self._read_exact(size) if size else b"", rq_id, tx_id)
        except OSError as exc:
            raise self._failed(exc, "reading from") from None

    def _read_exact(self, size):
        chunks = []
        while size:
            chunk = self.transport.read(size)
            if not chunk:
                raise OSError(errno.ECONNRESET, os.strerror(errno.ECONNRESET))
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def send_bytes(self, data):
        self.transport.write(data)

    def recv_bytes(self, timeout=None):
        if not select.select([self.transport], [], [], None if timeout is None else max(timeout, 0))[0]:
            return None
        return self.transport.read(65536)

    def recv_blocking(self):
        data = self.recv_bytes(self.timeout)
        if data is None:
            raise _timed_out()
        return data


class _SocketTransport:
    """A connected Unix stream socket; reads wait at most ``timeout`` (SO_RCVTIMEO: no extra poll per read)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.sock.connect(path)
        except OSError:
            self.sock.close()
            raise
        self.fileno = self.sock.fileno
        self.read = self.sock.recv
        self.write = self.sock.sendall

    def set_timeout(self, timeout):
        seconds = 0 if timeout is None else max(timeout, 1e-6)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO,
                             struct.pack("ll", int(seconds), int(seconds % 1 * 1e6)))

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class UnixSocketConnection(PacketConnection):
    """xenstored's Unix socket (dom0); ``path`` defaults to ``$XENSTORED_PATH`` or the usual socket."""

    def __init__(self, path=None):
        self.path = path or default_socket_path()

    def create_transport(self):
        try:
            transport = _SocketTransport(self.path)
        except OSError as exc:
            raise _connection_error("error connecting to", self.path, exc) from None
        transport.set_timeout(self.timeout)
        # The router's direct path calls these once per request: the socket's own methods, no wrapper.
        self.send_bytes = transport.sock.sendall
        self.recv_blocking = functools.partial(transport.sock.recv, 65536)
        return transport


class _XenBusTransport:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)

    def fileno(self):
        return self.fd

    def read(self, size):
        return os.read(self.fd, size)

    def write(self, data):
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]

    def close(self):
        os.close(self.fd)


class XenBusConnection(PacketConnection):
    """The XenBus device of a Xen domain (``/dev/xen/xenbus`` on Linux)."""

    one_request_at_a_time = True

    def __init__(self, path=None):
        self.path = path or default_xenbus_path()

    def create_transport(self):
        try:
            return _XenBusTransport(self.path)
        except OSError as exc:
            raise _connection_error("error while opening", self.path, exc) from None


RING_SIZE = 1024
_REQ, _RSP = 0, 1024
# Indices of the uint32 words after the two rings (byte offsets 2048, 2052, 2056, 2060, 2072).
_REQ_CONS, _REQ_PROD, _RSP_CONS, _RSP_PROD = 512, 513, 514, 515
_ERROR = 518


class RingConnection(PacketConnection):
    """The xenstore ring protocol over a shared 4 KiB page (``xs_wire.h``).

    ``page`` is a writable buffer (an ``mmap`` of the page); ``notify()`` kicks
    the daemon's event channel.  Without an incoming event channel the reply
    side is polled, backing off up to ``poll_max`` seconds.  While a send waits
    for room, replies are drained into a buffer so the daemon never stalls.
    Indices are read and written as whole native words (the daemon reads them
    concurrently: a byte-by-byte update could show it a torn index).
    """

    path = "ring"

    def __init__(self, page, notify, poll_max=0.002):
        self._page = page
        self._words = memoryview(page).cast("I")
        self._notify = notify
        self._poll_max = poll_max
        self._received = bytearray()
        self._lock = threading.Lock()

    def create_transport(self):
        """The page is already shared: the connection is its own transport."""
        return self

    def _index(self, word):
        return self._words[word]

    def _drain(self):
        """Move whatever the daemon has replied into our buffer; True if there was any."""
        if self._index(_ERROR):
            raise ConnectionError("the daemon flagged the ring as broken (error=%d)" % self._index(_ERROR))
        with self._lock:
            cons, prod = self._index(_RSP_CONS), self._index(_RSP_PROD)
            if cons == prod:
                return False
            while cons != prod:
                start = cons % RING_SIZE
                chunk = min((prod - cons) & 0xFFFFFFFF, RING_SIZE - start)
                self._received += self._page[_RSP + start:_RSP + start + chunk]
                cons = (cons + chunk) & 0xFFFFFFFF
            self._words[_RSP_CONS] = cons
        self._notify()
        return True

    def send_bytes(self, data):
        view = memoryview(data)
        delay = 0.0
        while view:
            cons, prod = self._index(_REQ_CONS), self._index(_REQ_PROD)
            start = prod % RING_SIZE
            chunk = min(RING_SIZE - ((prod - cons) & 0xFFFFFFFF), RING_SIZE - start, len(view))
            if not chunk:
                if not self._drain():
                    time.sleep(delay)
                    delay = min(delay * 2 or 0.0001, self._poll_max)
                continue
            self._page[_REQ + start:_REQ + start + chunk] = view[:chunk]
            self._words[_REQ_PROD] = (prod + chunk) & 0xFFFFFFFF
            self._notify()
            view = view[chunk:]
            delay = 0.0

    write = send_bytes

    def read(self, size):
        data = self.recv_bytes()
        if len(data) > size:
            with self._lock:
                self._received[:0] = data[size:]
            data = data[:size]
        return data

    def recv_bytes(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.0
        while True:
            self._drain()
            with self._lock:
                if self._received:
                    data = bytes(self._received)
                    self._received.clear()
                    return data
            if deadline is not None and time.monotonic() >= deadline:
                return None
            time.sleep(delay)
            delay = min(delay * 2 or 0.0001, self._poll_max)

    def close(self, silent=True):
        """Let go of the page (it belongs to whoever mapped it)."""
        if self.transport is not None:
            self.transport = None
            self._words.release()
