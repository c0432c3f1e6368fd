# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One connection, many requests in flight: replies matched by ``req_id``, watch events by token."""

from __future__ import annotations

import collections
import itertools
import threading
import time

from .errors import XenStoreError
from .wire import HEADER, Op, PacketReader, check_payload, split

WatchEvent = collections.namedtuple("WatchEvent", "path token")


class Router:
    """Sends requests and demultiplexes what comes back; thread-safe.

    There is no background thread: whichever caller is waiting reads from the
    connection and files every packet it gets (replies by ``req_id``, events
    in the queue of the monitor whose token prefix they carry), then wakes the
    others.  Events may arrive before the reply of the request that caused them.
    """

    def __init__(self, connection):
        self.connection = connection
        self._state = threading.Condition()
        self._send_lock = threading.Lock()
        self._reader = PacketReader()
        self._reading = False
        self._replies = {}
        self._queues = {}
        self._ids = itertools.count(1)
        self._monitor_ids = itertools.count(1)
        self._broken = None

    def send(self, op, payload, tx_id=0, path=None, timeout=None):
        """Send one request and return its ``req_id`` (collect it with :meth:`reply`).

        On a connection that takes one request at a time, first wait (up to
        ``timeout`` seconds) until every earlier request has its reply.
        """
        check_payload(op, payload, path)
        with self._send_lock:
            if getattr(self.connection, "one_request_at_a_time", False) and self._pump(self._all_answered, timeout) is None:
                raise XenStoreError("ETIMEDOUT", Op(op).name, path, "earlier requests still unanswered after %s s" % timeout)
            with self._state:
                self._check()
                req_id = next(self._ids) & 0xFFFFFFFF or next(self._ids)
                self._replies[req_id] = None
            data = HEADER.pack(op, req_id, tx_id, len(payload)) + payload
            try:
                self.connection.send(data)
            except OSError as exc:
                self._break(XenStoreError("EIO", Op(op).name, path, "connection lost: %s" % exc))
                raise self._broken from None
        return req_id

    def _all_answered(self):
        return True if None not in self._replies.values() else None

    def reply(self, req_id, timeout, op=None, path=None):
        """Wait for the reply to ``req_id``; raise ETIMEDOUT after ``timeout`` seconds."""
        try:
            packet = self._pump(lambda: self._replies.get(req_id), timeout)
        except XenStoreError:
            self._replies.pop(req_id, None)
            raise
        if packet is None:
            self._replies.pop(req_id, None)
            raise XenStoreError("ETIMEDOUT", op, path, "no reply within %s s" % timeout)
        del self._replies[req_id]
        return packet

    def add_queue(self):
        """A new event queue; its id prefixes the tokens of the watches it receives."""
        with self._state:
            queue_id = "%d:" % next(self._monitor_ids)
            self._queues[queue_id] = collections.deque()
        return queue_id

    def drop_queue(self, queue_id):
        with self._state:
            self._queues.pop(queue_id, None)

    def event(self, queue_id, timeout):
        """The next event of a queue, or None after ``timeout`` seconds."""
        queue = self._queues[queue_id]
        return self._pump(lambda: queue.popleft() if queue else None, timeout)

    def _check(self):
        if self._broken is not None:
            raise self._broken

    def _break(self, error):
        with self._state:
            if self._broken is None:
                self._broken = error
            self._state.notify_all()

    def _pump(self, ready, timeout):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._state:
            while True:
                found = ready()
                if found is not None:
                    return found
                self._check()
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                if self._reading:
                    self._state.wait(remaining)
                    continue
                self._reading = True
                self._state.release()
                try:
                    data = self.connection.recv(remaining)
                except (OSError, XenStoreError) as exc:
                    data = exc
                finally:
                    self._state.acquire()
                    self._reading = False
                    self._state.notify_all()
                if isinstance(data, Exception) or data == b"":
                    self._broken = XenStoreError("EIO", detail="connection to xenstored lost: %s" % (data or "closed by the daemon"))
                elif data:
                    self._file(self._reader.feed(data))

    def _file(self, packets):
        for packet in packets:
            if packet.op == Op.WATCH_EVENT:
                words = split(packet.payload)
                if len(words) < 2:
                    continue
                queue_id, separator, token = words[1].partition(":")
                queue = self._queues.get(queue_id + separator)
                if queue is not None:
                    queue.append(WatchEvent(words[0], token))
            elif packet.req_id in self._replies:
                self._replies[packet.req_id] = packet

    def close(self):
        self._break(XenStoreError("EBADF", detail="the client is closed"))
        self.connection.close()
