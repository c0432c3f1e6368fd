# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pyxs's ``Router``, ``Client`` and ``Monitor``, with extensions (see docs/xenstore.md).

Paths, values, tokens and permissions are bytes as in pyxs; ``str`` is accepted
too, and names that come back (children, walked paths, events) then are ``str``.
"""

from __future__ import annotations

import collections
import copy
import errno
import os
import posixpath
import threading
import time

from . import _internal
from ._internal import NUL, Event, Op, OP_NAMES, PAYLOAD_MAX, Packet
from .connection import XENBUS_PATH, UnixSocketConnection, XenBusConnection, default_socket_path
from .exceptions import ConnectionError, InvalidPayload, PyXSError, UnexpectedPacket  # pylint: disable=redefined-builtin
from .helpers import check_perms, check_watch_path, encoded_path, error
from .wire import HEADER, Perm, join, take_packets

__all__ = ["Router", "Client", "Monitor"]

# Requests kept in flight by the bulk operations (bounded so neither side's buffers fill up).
WINDOW = 128
_RAISE = object()
_IDS = _internal._rq_ids  # shared with next_rq_id(): ids of pyxs-style packets never collide with ours
_MASK = 0xFFFFFFFF
_pack = HEADER.pack
_unpack_from = HEADER.unpack_from
_WATCH_EVENT, _ERROR = Op.WATCH_EVENT, Op.ERROR

#: A node as :meth:`Client.walk` yields it: a ``(path, value, children)`` tuple.
Node = collections.namedtuple("Node", "path value children")


def _path_bytes(path):
    return path.encode("utf-8", "surrogateescape") if path.__class__ is str else path


def _value_bytes(value):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value


def _names(payload, like):
    """NUL-separated names, ``str`` when ``like`` (the path asked about) is."""
    names = payload.split(NUL) if payload else []
    return [n.decode("utf-8", "surrogateescape") for n in names] if like.__class__ is str else names


def _reply_error(reply, op, path):
    """The exception for a reply ``(op, tx_id, payload)`` that is not the expected one."""
    reply_op, reply_tx, payload = reply
    if reply_op == _ERROR:
        return _with_context(error(payload[:-1]), op, path)
    return UnexpectedPacket(Packet(reply_op, payload, 0, reply_tx))


def _with_context(exc, op, path):
    exc.op, exc.path = OP_NAMES.get(op, op), path
    return exc


class RVar:
    """A reply to wait for: :meth:`get` returns the reply :class:`Packet`."""

    __slots__ = ["condition", "target", "_fetch"]

    def __init__(self):
        self.condition = threading.Condition()
        self.target = None
        self._fetch = None

    def __repr__(self):
        return "RVar({0})".format(self.target)

    def get(self):
        """The value, waiting for it (reading the connection if nobody else does)."""
        if self.target is None and self._fetch is not None:
            self.set(self._fetch())
        with self.condition:
            while self.target is None:
                self.condition.wait()
        return self.target

    def set(self, target):
        with self.condition:
            self.target = target
            self.condition.notify_all()


class Router:
    """One connection shared by clients and monitors: replies matched by request id, events by token.

    There is no background thread: whoever waits for a reply or an event reads
    the connection and files what it gets.  A request made while nothing else
    is in flight takes a direct send-then-receive path.  ``timeout`` (seconds,
    None: forever) bounds each wait for the daemon.  Thread-safe.
    """

    def __init__(self, connection):
        self.connection = connection
        self.timeout = None
        self._lock = threading.Lock()
        self._state = threading.Condition(self._lock)
        self._send_lock = threading.Lock()
        self._buffer = bytearray()
        self._reading = False
        self._replies = {}
        self._subscribers = collections.defaultdict(list)
        self._broken = ConnectionError("not connected")

    def __repr__(self):
        return "Router({0})".format(self.connection)

    @property
    def is_connected(self):
        """True while the connection is open."""
        return self.connection.is_connected

    def start(self):
        """Open the connection (nothing to do if it is open); raises :exc:`ConnectionError`."""
        self.connection.timeout = self.timeout
        self.connection.connect()
        with self._state:
            self._broken = None
            self._buffer.clear()
            self._replies.clear()

    def terminate(self):
        """Close the connection; requests fail with :exc:`ConnectionError` afterwards."""
        self._break(ConnectionError("not connected"))
        self.connection.close()

    def __call__(self):
        """Read and dispatch watch events until the router is terminated."""
        try:
            self._pump(lambda: None, None)
        except PyXSError:
            pass

    def subscribe(self, token, monitor):
        """Deliver the events carrying ``token`` to ``monitor``."""
        with self._state:
            self._subscribers[_path_bytes(token)].append(monitor)

    def unsubscribe(self, token, monitor):
        """Stop delivering the events carrying ``token`` to ``monitor``."""
        with self._state:
            self._subscribers[_path_bytes(token)].remove(monitor)

    def send(self, packet):
        """Send a :class:`Packet`; returns an :class:`RVar` for its reply."""
        rq_id = self.submit(packet.op, packet.payload, packet.tx_id, packet.rq_id)
        rvar = RVar()
        rvar._fetch = lambda: Packet(*self._reply_packet(rq_id))
        return rvar

    def _reply_packet(self, rq_id):
        op, tx_id, payload = self.reply(rq_id)
        return op, payload, rq_id, tx_id

    # -- the request paths ------------------------------------------------

    def _raise_broken(self):
        broken = self._broken
        exc = broken.__class__(*broken.args)
        exc.op, exc.path, exc.detail = broken.op, broken.path, broken.detail
        raise exc

    def call(self, op, payload, tx_id, path=None):
        """Send one request and return its reply's payload; raise the error it carries (``path`` for context)."""
        lock, reply = self._lock, None
        if (self._broken is None and not self._replies and not self._reading and len(payload) <= PAYLOAD_MAX
                and lock.acquire(False)):
            try:
                if not self._replies and not self._reading:
                    # Nothing else in flight: send, then read until the reply, holding the lock.
                    rq_id = next(_IDS) & _MASK
                    connection = self.connection
                    connection.send_bytes(_pack(op, rq_id, tx_id, len(payload)) + payload)
                    data = connection.recv_blocking()
                    if len(data) >= 16 and not self._buffer:
                        reply_op, reply_id, reply_tx, size = _unpack_from(data)
                        if reply_id == rq_id and reply_op != _WATCH_EVENT:
                            while len(data) < 16 + size:  # xenstored writes the header and the body separately
                                more = connection.recv_blocking()
                                if not more:
                                    raise OSError(errno.ECONNRESET, "closed by the daemon")
                                data += more
                            if len(data) == 16 + size:
                                if reply_op == op and reply_tx == tx_id:
                                    return data[16:]
                                raise _reply_error((reply_op, reply_tx, data[16:]), op, path)
                    reply = self._direct_rest(rq_id, data)
            except BlockingIOError:
                raise _with_context(error(errno.ETIMEDOUT), op, path) from None
            except OSError as exc:
                self._broken = ConnectionError("connection to xenstored lost: %s" % (exc,))
                self._state.notify_all()
                self._raise_broken()
            finally:
                lock.release()
        if reply is None:
            if self._broken is not None:
                self._raise_broken()
            reply = self.reply(self.submit(op, payload, tx_id))
        if reply[0] == op and reply[1] == tx_id:
            return reply[2]
        raise _reply_error(reply, op, path)

    def _direct_rest(self, rq_id, data):
        """The direct path once ``data`` is not just the reply: file everything until the reply comes."""
        self._replies[rq_id] = None
        try:
            while True:
                if not data:
                    raise OSError(errno.ECONNRESET, "closed by the daemon")
                self._file(data)
                reply = self._replies[rq_id]
                if reply is not None:
                    return reply
                data = self.connection.recv_blocking()
        finally:
            self._replies.pop(rq_id, None)

    def submit(self, op, payload, tx_id=0, rq_id=None):
        """Send one request without waiting; returns its request id (collect the reply with :meth:`reply`).

        On a connection that takes one request at a time, first wait until
        every earlier request has its reply.
        """
        if len(payload) > PAYLOAD_MAX:
            raise InvalidPayload(payload)
        with self._send_lock:
            if self.connection.one_request_at_a_time and self._pump(self._all_answered, self.timeout) is None:
                raise _with_context(error(errno.ETIMEDOUT), op, None)
            with self._state:
                if self._broken is not None:
                    self._raise_broken()
                if rq_id is None:
                    rq_id = next(_IDS) & _MASK
                self._replies[rq_id] = None
            try:
                self.connection.send_bytes(_pack(op, rq_id, tx_id, len(payload)) + payload)
            except OSError as exc:
                self._break(ConnectionError("connection to xenstored lost: %s" % (exc,)))
                self._raise_broken()
        return rq_id

    def _all_answered(self):
        return True if None not in self._replies.values() else None

    def reply(self, rq_id):
        """Wait for the reply to request ``rq_id``: ``(op, tx_id, payload)``."""
        try:
            packet = self._pump(lambda: self._replies.get(rq_id), self.timeout)
        finally:
            if self._replies.get(rq_id) is None:
                self._replies.pop(rq_id, None)
        if packet is None:
            raise error(errno.ETIMEDOUT)
        del self._replies[rq_id]
        return packet

    def next_event(self, monitor, timeout):
        """The next event delivered to ``monitor``, or None after ``timeout`` seconds."""
        events = monitor.events
        return self._pump(lambda: events.popleft() if events else None, timeout)

    def _break(self, exc):
        with self._state:
            if self._broken is None:
                self._broken = exc
            self._state.notify_all()

    def _pump(self, ready, timeout):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._state:
            while True:
                found = ready()
                if found is not None:
                    return found
                if self._broken is not None:
                    self._raise_broken()
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                if self._reading:
                    self._state.wait(remaining)
                    continue
                self._reading = True
                self._state.release()
                try:
                    data = self.connection.recv_bytes(remaining)
                except (OSError, PyXSError) as exc:
                    data = exc
                finally:
                    self._state.acquire()
                    self._reading = False
                    self._state.notify_all()
                if isinstance(data, Exception) or data == b"":
                    self._broken = ConnectionError("connection to xenstored lost: %s" % (data or "closed by the daemon"))
                elif data:
                    self._file(data)

    def _file(self, data):
        """File the packets in ``data`` (and what was buffered): replies by id, events to monitors (lock held)."""
        self._buffer += data
        events = False
        for op, rq_id, tx_id, payload in take_packets(self._buffer):
            if op == _WATCH_EVENT:
                parts = payload.split(NUL)
                if len(parts) >= 2:
                    event = Event(parts[0], parts[1])
                    for monitor in self._subscribers.get(event.token, ()):
                        monitor._deliver(event)
                    events = True
            elif rq_id in self._replies:
                self._replies[rq_id] = (op, tx_id, payload)
        if events:
            self._state.notify_all()


class Batch:
    """Changes queued with write/mkdir/delete/set_perms, sent pipelined by :meth:`run`."""

    def __init__(self, operations):
        self._operations = operations
        self._requests = []

    def write(self, path, value):
        self._requests.append(_request(Op.WRITE, path, _value_bytes(value)))

    def mkdir(self, path):
        self._requests.append(_request(Op.MKDIR, path))

    def delete(self, path):
        self._requests.append(_request(Op.RM, path))

    rm = delete

    def set_perms(self, path, perms):
        self._requests.append(_set_perms_request(path, perms))

    def __len__(self):
        return len(self._requests)

    def run(self):
        """Send everything queued, in order; raise the first error after all replies are in."""
        requests, self._requests = self._requests, []
        _raise_first(self._operations._pipeline(requests))


def _request(op, path, extra=b""):
    """``(op, payload, path)`` for a request about one node; the path is validated."""
    return op, encoded_path(path) + NUL + extra, path


def _set_perms_request(path, perms):
    perms = [Perm.parse(p) if isinstance(p, tuple) else p for p in perms]
    check_perms(perms)
    return _request(Op.SET_PERMS, path, b"".join(_path_bytes(str(p) if isinstance(p, Perm) else p) + NUL for p in perms))


def _succeeds(code, call, *args):
    """Whether ``call(*args)`` succeeds: False if it fails with errno ``code``, any other error raised."""
    try:
        call(*args)
    except PyXSError as exc:
        if exc.args[0] == code:
            return False
        raise
    return True


def _raise_first(results):
    for result in results:
        if isinstance(result, Exception):
            raise result


class _Operations:
    """Node operations, shared by :class:`Client` and :class:`Transaction`."""

    router = None
    tx_id = 0

    def _call_raw(self, op, payload, path=None):
        """Send one request; its reply payload (raising its error)."""
        return self.router.call(op, payload, self.tx_id, path)

    def _call(self, op, payload, path=None):
        """:meth:`_call_raw` without the trailing NULs."""
        return self._call_raw(op, payload, path).rstrip(NUL)

    def _ack(self, op, payload, path=None):
        result = self._call(op, payload, path)
        if result != b"OK":
            raise PyXSError(result)

    def _pipeline(self, requests):
        """Send ``(op, payload, path)`` requests, up to WINDOW in flight.

        Returns one result per request, in order: the reply payload (as sent by
        the daemon) or the exception.  Requests are validated before anything is sent.
        """
        requests = list(requests)
        router, tx_id = self.router, self.tx_id
        pending = collections.deque()
        results = []

        def collect():
            rq_id, op, path = pending.popleft()
            reply = router.reply(rq_id)
            results.append(reply[2] if reply[0] == op else _reply_error(reply, op, path))

        try:
            for op, payload, path in requests:
                if len(pending) >= WINDOW:
                    collect()
                pending.append((router.submit(op, payload, tx_id), op, path))
        finally:
            while pending:
                collect()
        return results

    # -- pyxs's operations -------------------------------------------------

    def read(self, path, default=None):
        """The value of ``path`` (bytes); ``default`` (if not None) when it does not exist."""
        try:
            return self.router.call(2, encoded_path(path) + NUL, self.tx_id, path).rstrip(NUL)
        except PyXSError as exc:
            if default is not None and exc.args[0] == errno.ENOENT:
                return default
            raise

    __getitem__ = read

    def write(self, path, value):
        """Set ``path`` to ``value``, creating missing parents."""
        if value.__class__ is not bytes:
            value = _value_bytes(value)
        reply = self.router.call(11, encoded_path(path) + NUL + value, self.tx_id, path)
        if reply != b"OK\0":
            raise PyXSError(reply.rstrip(NUL))

    __setitem__ = write

    def mkdir(self, path):
        """Create ``path`` (and missing parents) with empty values; existing values are kept."""
        self._ack(*_request(Op.MKDIR, path))

    def delete(self, path):
        """Remove ``path`` and its subtree (not an error if it is missing but its parent exists)."""
        self._ack(*_request(Op.RM, path))

    __delitem__ = delete

    def list(self, path):
        """The names of the children of ``path`` (also over 4096 bytes, with DIRECTORY_PART)."""
        try:
            return _names(self._call(*_request(Op.DIRECTORY, path)), path)
        except PyXSError as exc:
            if exc.args[0] != errno.E2BIG:
                raise
        return self._list_parts(path)

    def exists(self, path):
        """Whether ``path`` exists."""
        return _succeeds(errno.ENOENT, self.list, path)

    def get_perms(self, path):
        """The permissions of ``path``: ``[b'n0', b'r5']`` (owner first)."""
        return _names(self._call(*_request(Op.GET_PERMS, path)), path)

    def set_perms(self, path, perms):
        """Set the permissions of ``path``: ``[b'n0', b'r5']`` (str and :class:`Perm` accepted too)."""
        self._ack(*_set_perms_request(path, perms))

    def walk(self, top, topdown=True, depth=None):
        """Yield ``(path, value, children)`` for ``top`` and every node below, depth first as pyxs.

        The tree is fetched level by level, each level in one pipelined
        exchange; ``depth`` (an extension) limits how many levels below ``top``
        are visited.  A value that cannot be read is ``b''``.
        """
        tree = self._fetch_tree(top, depth)
        if topdown:
            yield from _preorder(tree, top)
            return
        for child in tree[top][1]:
            yield from _preorder(tree, posixpath.join(top, child))
        yield Node(top, *tree[top])

    # -- extensions ----------------------------------------------------------

    ls = list
    rm = delete

    def _list_parts(self, path):
        encoded = encoded_path(path)
        while True:
            generation, names, offset = None, bytearray(), 0
            while True:
                reply = self._call_raw(Op.DIRECTORY_PART, join(encoded, str(offset)), path)
                gen, chunk = reply.split(NUL, 1)
                if generation is None:
                    generation = gen
                elif gen != generation:
                    break  # the directory changed meanwhile: start again
                if chunk.endswith(b"\0\0") or chunk in (b"", b"\0"):
                    names += chunk[:-1]
                    return _names(bytes(names).rstrip(NUL), path)
                names += chunk
                offset += len(chunk)

    def _fetch_tree(self, top, depth):
        """``{path: (value, children)}`` for ``top`` and the levels below it."""
        tree, level, below = {}, [top], 0
        while level:
            results = self._pipeline([r for p in level for r in (_request(Op.READ, p), _request(Op.DIRECTORY, p))])
            following = []
            for index, node in enumerate(level):
                value, children = results[2 * index], results[2 * index + 1]
                if isinstance(children, PyXSError):
                    if children.args[0] == errno.E2BIG:
                        children = self._list_parts(node)
                    elif node is not top and children.args[0] == errno.ENOENT:
                        continue  # removed meanwhile
                    else:
                        raise children
                else:
                    children = _names(children.rstrip(NUL), node)
                tree[node] = (b"" if isinstance(value, Exception) else value.rstrip(NUL), children)
                if depth is None or below < depth:
                    following.extend(posixpath.join(node, c) for c in children)
            below += 1
            level = following
        return tree

    def read_many(self, paths, default=_RAISE):
        """The values of many paths in one pipelined exchange; ``default`` for missing nodes."""
        values = []
        for result in self._pipeline([_request(Op.READ, p) for p in paths]):
            if isinstance(result, Exception):
                if result.args[0] != errno.ENOENT or default is _RAISE:
                    raise result
                result = default
            values.append(result)
        return values

    def write_many(self, items):
        """Write many ``path: value`` pairs (dict or pairs) in one pipelined exchange."""
        items = items.items() if isinstance(items, dict) else items
        _raise_first(self._pipeline([_request(Op.WRITE, p, _value_bytes(v)) for p, v in items]))

    def stat_many(self, paths):
        """For each path, ``(value, [Perm])`` or None if it does not exist; one pipelined exchange."""
        results = self._pipeline([r for p in paths for r in (_request(Op.READ, p), _request(Op.GET_PERMS, p))])
        states = []
        for value, perms in zip(results[::2], results[1::2]):
            for result in (value, perms):
                if isinstance(result, Exception) and result.args[0] != errno.ENOENT:
                    raise result
            missing = isinstance(value, Exception) or isinstance(perms, Exception)
            states.append(None if missing else (value, [Perm.parse(p) for p in perms.rstrip(NUL).split(NUL)]))
        return states

    def batch(self):
        """A :class:`Batch` of changes to send pipelined in one exchange."""
        return Batch(self)


def _preorder(tree, top):
    stack = [top]
    while stack:
        path = stack.pop()
        entry = tree.get(path)
        if entry is None:
            continue
        yield Node(path, *entry)
        stack.extend(posixpath.join(path, c) for c in reversed(entry[1]))


class Transaction(_Operations):
    """A transaction as an object (an extension): its operations take effect at :meth:`commit`.

    As a context manager it commits on success (raising EAGAIN on a conflict)
    and rolls back on an exception.
    """

    def __init__(self, client):
        self.router = client.router
        self.tx_id = int(client._call(Op.TRANSACTION_START, NUL))
        self.open = True

    def _end(self, commit):
        self.open = False
        self._ack(Op.TRANSACTION_END, b"T\0" if commit else b"F\0")

    def commit(self):
        """Apply the transaction; False if it conflicted with another change (EAGAIN)."""
        return _succeeds(errno.EAGAIN, self._end, True)

    def rollback(self):
        self._end(False)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self.open:
            return
        if exc_type is not None:
            self.rollback()
        elif not self.commit():
            raise _with_context(error(errno.EAGAIN), Op.TRANSACTION_END, None)


def _capabilities():
    try:
        with open("/proc/xen/capabilities", "rb") as caps:
            return caps.read() == b"control_d\n"
    except OSError:
        return False


class Client(_Operations):
    """A XenStore client, connected by :meth:`connect` or ``with``.

    ``unix_socket_path`` (default ``$XENSTORED_PATH`` or the usual socket) or
    ``xen_bus_path`` chooses the connection; ``router`` shares another
    client's.  Extensions: with neither path, a domain without a socket but
    with ``/dev/xen/xenbus`` uses XenBus; ``connection`` takes any connection
    object; ``timeout`` (seconds) bounds each wait for the daemon.
    Several threads may share one client (outside a transaction).
    """

    #: True in a control domain: release_domain, resume_domain and set_target refuse (EPERM) otherwise.
    SU = _capabilities()

    def __init__(self, unix_socket_path=None, xen_bus_path=None, router=None, timeout=30.0, connection=None):
        if router is None:
            if connection is None:
                if xen_bus_path or (unix_socket_path is None and not os.environ.get("XENSTORED_PATH")
                                    and not os.path.exists(default_socket_path()) and os.path.exists(XENBUS_PATH)):
                    connection = XenBusConnection(xen_bus_path)
                else:
                    connection = UnixSocketConnection(unix_socket_path)
            router = Router(connection)
            router.timeout = timeout
        self.router = router
        self.tx_id = 0

    @property
    def connection(self):
        return self.router.connection

    @property
    def timeout(self):
        return self.router.timeout

    def __repr__(self):
        return "Client({0})".format(self.router.connection)

    def __copy__(self):
        return self.__class__(router=self.router)

    def __enter__(self):
        self.connect()
        return self

    def __exit__(self, *exc_info):
        self.close()
        if self.tx_id and not any(exc_info):
            raise PyXSError("uncommitted transaction")

    def execute_command(self, op, *args, **kwargs):
        """Send ``op`` with ``args`` (bytes) joined as its payload; the reply payload without trailing NULs."""
        kwargs.update(tx_id=self.tx_id, rq_id=next(_IDS) & _MASK)
        packet = self.router.send(Packet(op, b"".join(args), **kwargs)).get()
        if packet.op == _ERROR:
            raise error(packet.payload[:-1])
        if packet.op != op or packet.tx_id != self.tx_id:
            raise UnexpectedPacket(packet)
        return packet.payload.rstrip(NUL)

    def ack(self, *args):
        """:meth:`execute_command`, expecting ``OK``."""
        payload = self.execute_command(*args)
        if payload != b"OK":
            raise PyXSError(payload)

    def connect(self):
        """Connect to xenstored (nothing to do if connected); raises :exc:`ConnectionError`."""
        self.router.start()

    def close(self):
        """Close the connection."""
        self.router.terminate()

    # -- domains -------------------------------------------------------------

    def get_domain_path(self, domid):
        """The home path of domain ``domid``, e.g. ``b'/local/domain/5'``."""
        return self._call(Op.GET_DOMAIN_PATH, str(domid).encode() + NUL)

    def is_domain_introduced(self, domid):
        """Whether xenstored is in communication with domain ``domid``."""
        return {b"T": True, b"F": False}[self._call(Op.IS_DOMAIN_INTRODUCED, str(domid).encode() + NUL)]

    def introduce_domain(self, domid, mfn, eventchn):
        """Tell xenstored about domain ``domid``: its ring page ``mfn`` and event channel ``eventchn``."""
        if not domid:
            raise ValueError("domain 0 cannot be introduced.")
        self._ack(Op.INTRODUCE, join(str(domid), str(mfn), str(eventchn)))

    def _privileged(self, op, *args):
        if not self.SU:
            raise error(errno.EPERM)
        self._ack(op, join(*(str(a) for a in args)))

    def release_domain(self, domid):
        """Make xenstored stop communicating with domain ``domid``."""
        self._privileged(Op.RELEASE, domid)

    def resume_domain(self, domid):
        """Clear the shutdown flag of domain ``domid``."""
        self._privileged(Op.RESUME, domid)

    def set_target(self, domid, target):
        """Let domain ``domid`` act with the privileges of ``target``."""
        self._privileged(Op.SET_TARGET, domid, target)

    # -- transactions and watches ----------------------------------------------

    def transaction(self):
        """Start a transaction on this client; returns its id.  EALREADY if one is running."""
        if self.tx_id:
            raise error(errno.EALREADY)
        self.tx_id = int(self._call(Op.TRANSACTION_START, NUL))
        return self.tx_id

    def rollback(self):
        """Abort the running transaction."""
        self._ack(Op.TRANSACTION_END, b"F\0")
        self.tx_id = 0

    def commit(self):
        """Commit the running transaction; False if it conflicted with another change (EAGAIN)."""
        try:
            self._ack(Op.TRANSACTION_END, b"T\0")
        except PyXSError as exc:
            if exc.args[0] == errno.EAGAIN:
                return False
            raise
        finally:
            self.tx_id = 0
        return True

    def monitor(self):
        """A :class:`Monitor` sharing this client's connection (over XenBus too, an extension)."""
        return Monitor(copy.copy(self))

    def begin(self):
        """A :class:`Transaction` object (an extension: any number at once on one client)."""
        return Transaction(self)

    def run_transaction(self, function, attempts=10):
        """Call ``function(tx)`` with a :class:`Transaction` and commit it, re-running it on EAGAIN.

        Returns what ``function`` returned; raises EAGAIN after ``attempts`` conflicts.
        """
        for _attempt in range(attempts):
            tx = self.begin()
            try:
                result = function(tx)
            except BaseException:
                if tx.open:
                    tx.rollback()
                raise
            if tx.commit():
                return result
        exc = _with_context(error(errno.EAGAIN), Op.TRANSACTION_END, None)
        exc.detail = "still conflicting after %d attempts" % attempts
        raise exc

    def reset_watches(self):
        """Remove every watch of this connection (C xenstored only)."""
        self._ack(Op.RESET_WATCHES, b"")

    def control(self, *args):
        """Send a CONTROL (DEBUG) command, e.g. ``control('print', 'hello')``."""
        return self._call(Op.DEBUG, join(*args))


class Monitor:
    """Watches on a client's connection; :meth:`wait` yields their events.

    XenStore fires one event right after each WATCH (for the watched path
    itself), then one per change of the path or any node below it.
    """

    def __init__(self, client):
        self.client = client
        self.events = collections.deque()
        self.unwatch_queue = set()
        self._text_tokens = set()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def watched(self):
        """The paths this monitor watches."""
        return {wpath for wpath, _token in self.unwatch_queue}

    def close(self):
        """Remove every watch of this monitor."""
        for wpath, token in list(self.unwatch_queue):
            self.unwatch(wpath, token)

    def watch(self, wpath, token=None):
        """Watch ``wpath`` (a path, ``@introduceDomain`` or ``@releaseDomain``); ``token`` comes back in events.

        ``token`` defaults to the path (an extension).
        """
        token = wpath if token is None else token
        check_watch_path(wpath)
        encoded = _path_bytes(token)
        if token.__class__ is str:
            self._text_tokens.add(encoded)
        self.client.router.subscribe(encoded, self)
        try:
            self.client._ack(Op.WATCH, _path_bytes(wpath) + NUL + encoded + NUL, wpath)
        except BaseException:
            self.client.router.unsubscribe(encoded, self)
            raise
        self.unwatch_queue.add((wpath, token))

    def unwatch(self, wpath, token=None):
        """Remove the watch on ``wpath`` with ``token`` (default: the path)."""
        token = wpath if token is None else token
        check_watch_path(wpath)
        encoded = _path_bytes(token)
        self.client._ack(Op.UNWATCH, _path_bytes(wpath) + NUL + encoded + NUL, wpath)
        self.client.router.unsubscribe(encoded, self)
        self.unwatch_queue.discard((wpath, token))

    def _deliver(self, event):
        if event.token in self._text_tokens:
            event = Event(event.path.decode("utf-8", "surrogateescape"), event.token.decode("utf-8", "surrogateescape"))
        self.events.append(event)

    def _watched(self, event):
        wpath, token = event
        while (wpath, token) not in self.unwatch_queue:
            parent = posixpath.dirname(wpath)
            if parent == wpath or not parent:
                return False
            wpath = parent
        return True

    def next_event(self, timeout=None):
        """The next event of a watched path, or None after ``timeout`` seconds (an extension)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(deadline - time.monotonic(), 0)
            event = self.client.router.next_event(self, remaining)
            if event is None or self._watched(event):
                return event

    def wait(self, unwatched=False, timeout=None):
        """Yield the events of the watched paths as :class:`Event` ``(path, token)``.

        With ``unwatched``, also the events of paths no longer watched.  With
        ``timeout`` (an extension), stop after that many seconds without one.
        """
        router = self.client.router
        while True:
            event = router.next_event(self, timeout)
            if event is None:
                return
            if unwatched or self._watched(event):
                yield event
