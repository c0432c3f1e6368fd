# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Byte transports to xenstored: a Unix socket, the xenbus device, a shared ring page.

Each offers ``connect()``, ``send(data)``, ``recv(timeout)`` (bytes; ``None``
on timeout; ``b''`` once the daemon has gone) and ``close()``.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import threading
import time

from .errors import XenStoreError

SOCKET_PATHS = ("/run/xenstored/socket", "/var/run/xenstored/socket")
XENBUS_PATH = "/dev/xen/xenbus"


def default_socket_path():
    """``$XENSTORED_PATH``, else the first of the usual socket paths that exists."""
    env = os.environ.get("XENSTORED_PATH")
    if env:
        return env
    for path in SOCKET_PATHS:
        if os.path.exists(path):
            return path
    return SOCKET_PATHS[0]


def _wait_readable(fd, timeout):
    return bool(select.select([fd], [], [], None if timeout is None else max(timeout, 0))[0])


class UnixSocketConnection:
    """xenstored's Unix socket (dom0, privileged)."""

    def __init__(self, path=None):
        self.path = path or default_socket_path()
        self._sock = None

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(self.path)
        except OSError as exc:
            sock.close()
            raise XenStoreError(_errno_name(exc), "connect", self.path,
                                "cannot connect to xenstored: %s" % (exc.strerror or exc)) from None
        self._sock = sock

    def send(self, data):
        self._sock.sendall(data)

    def recv(self, timeout=None):
        if not _wait_readable(self._sock, timeout):
            return None
        return self._sock.recv(65536)

    def close(self):
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class XenBusConnection:
    """The ``/dev/xen/xenbus`` character device of a Xen guest (or dom0)."""

    # Linux's xenbus driver queues a request with a pointer to its body in the file's single
    # message buffer and returns from write() before the body is copied to the ring, so the
    # next write() overwrites it: the router sends the next request only after the reply.
    one_request_at_a_time = True

    def __init__(self, path=None):
        self.path = path or XENBUS_PATH
        self._fd = None

    def connect(self):
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
        except OSError as exc:
            raise XenStoreError(_errno_name(exc), "connect", self.path,
                                "cannot open the xenbus device: %s" % exc.strerror) from None

    def send(self, data):
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]

    def recv(self, timeout=None):
        if not _wait_readable(self._fd, timeout):
            return None
        return os.read(self._fd, 65536)

    def close(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


RING_SIZE = 1024
_REQ, _RSP = 0, 1024
# Indices of the uint32 words after the two rings (byte offsets 2048, 2052, 2056, 2060, 2072).
_REQ_CONS, _REQ_PROD, _RSP_CONS, _RSP_PROD = 512, 513, 514, 515
_ERROR = 518


class RingConnection:
    """The xenstore ring protocol over a shared 4 KiB page (``xs_wire.h``).

    ``page`` is a writable buffer (an ``mmap`` of the page); ``notify()`` kicks
    the daemon's event channel.  Without an incoming event channel the reply
    side is polled, backing off up to ``poll_max`` seconds.  While a send waits
    for room, replies are drained into a buffer so the daemon never stalls.
    Indices are read and written as whole native words (the daemon reads them
    concurrently: a byte-by-byte update could show it a torn index).
    """

    def __init__(self, page, notify, poll_max=0.002):
        self._page = page
        self._words = memoryview(page).cast("I")
        self._notify = notify
        self._poll_max = poll_max
        self._received = bytearray()
        self._lock = threading.Lock()

    def connect(self):
        """The page is already shared; nothing to do."""

    def _index(self, word):
        return self._words[word]

    def _drain(self):
        """Move whatever the daemon has replied into our buffer; True if there was any."""
        if self._index(_ERROR):
            raise XenStoreError("EIO", "ring", detail="the daemon flagged the ring as broken (error=%d)" % self._index(_ERROR))
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

    def send(self, data):
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

    def recv(self, timeout=None):
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

    def close(self):
        """Let go of the page (it belongs to whoever mapped it)."""
        self._words.release()


def _errno_name(exc):
    return errno.errorcode.get(exc.errno, "EIO")
