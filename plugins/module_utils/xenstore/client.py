# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The XenStore client: node operations, transactions and watch monitors."""

from __future__ import annotations

import collections
import os

from .connection import UnixSocketConnection, XenBusConnection, XENBUS_PATH, default_socket_path
from .errors import XenStoreError
from .router import Router
from .wire import Op, Perm, check_path, child_path, join, split

# Requests kept in flight by the bulk operations (bounded so neither side's buffers fill up).
WINDOW = 128
_RAISE = object()

Node = collections.namedtuple("Node", "path value children")


def _value(value):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise XenStoreError("EINVAL", detail="value must be str or bytes, not %s" % type(value).__name__)


def _request(op, path, extra=b""):
    """``(op, payload, path)`` for a request about one node; the path is validated."""
    try:
        return op, check_path(path) + b"\0" + extra, path
    except XenStoreError as exc:
        exc.op = op.name
        raise


def _set_perms_request(path, perms):
    entries = [str(Perm.parse(p)) for p in perms]
    if not entries:
        raise XenStoreError("EINVAL", "SET_PERMS", path, "at least the owner entry is needed")
    return _request(Op.SET_PERMS, path, join(*entries))


def _raise_first(results):
    for result in results:
        if isinstance(result, XenStoreError):
            raise result


class Batch:
    """Changes queued with write/mkdir/rm/set_perms, sent pipelined by :meth:`run`."""

    def __init__(self, operations):
        self._operations = operations
        self._requests = []

    def write(self, path, value):
        self._requests.append(_request(Op.WRITE, path, _value(value)))

    def mkdir(self, path):
        self._requests.append(_request(Op.MKDIR, path))

    def rm(self, path):
        self._requests.append(_request(Op.RM, path))

    def set_perms(self, path, perms):
        self._requests.append(_set_perms_request(path, perms))

    def __len__(self):
        return len(self._requests)

    def run(self):
        """Send everything queued, in order; raise the first error after all replies are in."""
        requests, self._requests = self._requests, []
        _raise_first(self._operations._pipeline(requests))


class _Operations:
    """Node operations, shared by :class:`Client` and :class:`Transaction`."""

    _tx_id = 0
    _router = None
    timeout = None

    def _send(self, op, payload, path=None):
        return self._router.send(op, payload, self._tx_id, path, self.timeout)

    def _result(self, req_id, op, path):
        """The reply's payload, or the XenStoreError it carries (returned, not raised)."""
        packet = self._router.reply(req_id, self.timeout, op.name, path)
        if packet.op == Op.ERROR:
            return XenStoreError((split(packet.payload) or ["EIO"])[0], op.name, path)
        return packet.payload

    def _call(self, op, payload, path=None):
        """Send one request and return its reply payload (raising its error)."""
        result = self._result(self._send(op, payload, path), op, path)
        if isinstance(result, XenStoreError):
            raise result
        return result

    def _pipeline(self, requests):
        """Send ``(op, payload, path)`` requests, up to WINDOW in flight.

        Returns one result per request, in order: the reply payload or a
        XenStoreError.  Requests are validated before anything is sent.
        """
        requests = list(requests)
        pending = collections.deque()
        results = []
        try:
            for op, payload, path in requests:
                if len(pending) >= WINDOW:
                    results.append(self._result(*pending.popleft()))
                pending.append((self._send(op, payload, path), op, path))
        finally:
            while pending:
                results.append(self._result(*pending.popleft()))
        return results

    # -- reading ----------------------------------------------------------

    def read(self, path):
        """The value of ``path`` (bytes)."""
        return self._call(*_request(Op.READ, path))

    def read_many(self, paths, default=_RAISE):
        """The values of many paths in one pipelined exchange; ``default`` for missing nodes."""
        results = self._pipeline([_request(Op.READ, p) for p in paths])
        values = []
        for result in results:
            if isinstance(result, XenStoreError):
                if result.name != "ENOENT" or default is _RAISE:
                    raise result
                result = default
            values.append(result)
        return values

    def exists(self, path):
        try:
            self.read(path)
        except XenStoreError as exc:
            if exc.name == "ENOENT":
                return False
            raise
        return True

    def ls(self, path):
        """The names of the children of ``path`` (DIRECTORY_PART when over 4096 bytes)."""
        try:
            return split(self._call(*_request(Op.DIRECTORY, path)))
        except XenStoreError as exc:
            if exc.name != "E2BIG":
                raise
        return self._ls_parts(path)

    def _ls_parts(self, path):
        encoded = check_path(path)
        while True:
            generation, names, offset = None, bytearray(), 0
            while True:
                reply = self._call(Op.DIRECTORY_PART, join(encoded, str(offset)), path)
                gen, chunk = reply.split(b"\0", 1)
                if generation is None:
                    generation = gen
                elif gen != generation:
                    break  # the directory changed meanwhile: start again
                if chunk.endswith(b"\0\0") or chunk in (b"", b"\0"):
                    names += chunk[:-1]
                    return split(bytes(names))
                names += chunk
                offset += len(chunk)

    def get_perms(self, path):
        """The permissions of ``path`` as a list of :class:`Perm` (owner first)."""
        return [Perm.parse(p) for p in split(self._call(*_request(Op.GET_PERMS, path)))]

    def stat_many(self, paths):
        """For each path, ``(value, perms)`` or None if it does not exist; one pipelined exchange."""
        results = self._pipeline([r for p in paths for r in (_request(Op.READ, p), _request(Op.GET_PERMS, p))])
        states = []
        for value, perms in zip(results[::2], results[1::2]):
            for result in (value, perms):
                if isinstance(result, XenStoreError) and result.name != "ENOENT":
                    raise result
            missing = isinstance(value, XenStoreError) or isinstance(perms, XenStoreError)
            states.append(None if missing else (value, [Perm.parse(p) for p in split(perms)]))
        return states

    def walk(self, path="/", depth=None):
        """Yield a :class:`Node` (path, value, children) for ``path`` and its subtree.

        Breadth first, each level fetched in one pipelined exchange; ``depth``
        limits how many levels below ``path`` are visited (None: all).
        """
        level, below = [path], 0
        while level:
            results = self._pipeline([r for p in level for r in (_request(Op.READ, p), _request(Op.DIRECTORY, p))])
            following = []
            for index, node in enumerate(level):
                value, children = results[2 * index], results[2 * index + 1]
                if isinstance(value, XenStoreError) and value.name == "ENOENT":
                    continue  # removed meanwhile
                if isinstance(value, XenStoreError):
                    raise value
                if isinstance(children, XenStoreError):
                    if children.name != "E2BIG":
                        raise children
                    children = self._ls_parts(node)
                else:
                    children = split(children)
                yield Node(node, value, children)
                following.extend(child_path(node, c) for c in children)
            below += 1
            level = following if depth is None or below <= depth else []

    # -- writing ----------------------------------------------------------

    def write(self, path, value):
        """Set ``path`` to ``value`` (str or bytes), creating missing parents."""
        self._call(*_request(Op.WRITE, path, _value(value)))

    def write_many(self, items):
        """Write many ``path: value`` pairs (dict or pairs) in one pipelined exchange."""
        items = items.items() if isinstance(items, dict) else items
        _raise_first(self._pipeline([_request(Op.WRITE, p, _value(v)) for p, v in items]))

    def mkdir(self, path):
        self._call(*_request(Op.MKDIR, path))

    def rm(self, path):
        """Remove ``path`` and its subtree (OK if it is missing but its parent exists)."""
        self._call(*_request(Op.RM, path))

    def set_perms(self, path, perms):
        """Set the permissions of ``path``: Perm objects or strings such as ``'n0'``, ``'r5'``."""
        self._call(*_set_perms_request(path, perms))

    def batch(self):
        """A :class:`Batch` of changes to send pipelined in one exchange."""
        return Batch(self)


class Transaction(_Operations):
    """A XenStore transaction: node operations that take effect at :meth:`commit`.

    As a context manager it commits on success (raising EAGAIN on a conflict)
    and rolls back on an exception.
    """

    def __init__(self, client):
        self._router = client._router
        self.timeout = client.timeout
        self._tx_id = int(split(client._call(Op.TRANSACTION_START, b"\0"))[0])
        self.open = True

    @property
    def tx_id(self):
        return self._tx_id

    def _end(self, commit):
        self.open = False
        self._call(Op.TRANSACTION_END, b"T\0" if commit else b"F\0")

    def commit(self):
        """Apply the transaction; False if it conflicted with another change (EAGAIN)."""
        try:
            self._end(True)
        except XenStoreError as exc:
            if exc.name == "EAGAIN":
                return False
            raise
        return True

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
            raise XenStoreError("EAGAIN", "TRANSACTION_END", detail="the transaction conflicted with another change")


class Monitor:
    """Watches on a client's connection; events are read with :meth:`wait`.

    XenStore fires one event right after each WATCH (for the watched path
    itself), then one per change of the path or any node below it.
    """

    def __init__(self, client):
        self._client = client
        self._queue = client._router.add_queue()
        self._watches = set()

    def watch(self, path, token=None):
        """Watch ``path`` (absolute, relative or ``@special``); ``token`` defaults to the path."""
        token = path if token is None else token
        self._client._call(Op.WATCH, join(check_path(path, watch=True), self._queue + token), path)
        self._watches.add((path, token))
        return token

    def unwatch(self, path, token=None):
        token = path if token is None else token
        self._client._call(Op.UNWATCH, join(check_path(path, watch=True), self._queue + token), path)
        self._watches.discard((path, token))

    def wait(self, timeout=None):
        """The next :class:`WatchEvent` (path, token), or None after ``timeout`` seconds."""
        return self._client._router.event(self._queue, timeout)

    def __iter__(self):
        while True:
            yield self.wait()

    def close(self):
        """Remove this monitor's watches (best effort) and stop receiving events."""
        for path, token in list(self._watches):
            try:
                self.unwatch(path, token)
            except XenStoreError:
                pass
        self._client._router.drop_queue(self._queue)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Client(_Operations):
    """A connection to xenstored.

    ``unix_socket_path`` (default ``$XENSTORED_PATH``, ``/run/xenstored/socket``,
    ``/var/run/xenstored/socket``) or ``xen_bus_path`` (``/dev/xen/xenbus``)
    chooses the transport; ``connection`` may be any object with the same
    methods (see :mod:`.connection`).  ``timeout`` bounds each reply wait.
    Several threads may share one client.
    """

    def __init__(self, unix_socket_path=None, xen_bus_path=None, timeout=30.0, connection=None):
        if connection is None:
            if xen_bus_path or (unix_socket_path is None and not os.environ.get("XENSTORED_PATH")
                                and not os.path.exists(default_socket_path()) and os.path.exists(XENBUS_PATH)):
                connection = XenBusConnection(xen_bus_path)
            else:
                connection = UnixSocketConnection(unix_socket_path)
        connection.connect()
        self.connection = connection
        self.timeout = timeout
        self._router = Router(connection)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._router.close()

    # -- transactions and watches ----------------------------------------

    def transaction(self):
        """Start a :class:`Transaction`."""
        return Transaction(self)

    def run_transaction(self, function, attempts=10):
        """Call ``function(tx)`` in a transaction and commit, re-running it on EAGAIN.

        Returns what ``function`` returned; raises EAGAIN after ``attempts`` conflicts.
        """
        for _attempt in range(attempts):
            tx = self.transaction()
            try:
                result = function(tx)
            except BaseException:
                if tx.open:
                    tx.rollback()
                raise
            if tx.commit():
                return result
        raise XenStoreError("EAGAIN", "TRANSACTION_END", detail="still conflicting after %d attempts" % attempts)

    def monitor(self):
        """A :class:`Monitor` for watches on this connection."""
        return Monitor(self)

    def reset_watches(self):
        """Remove every watch of this connection (C xenstored only)."""
        self._call(Op.RESET_WATCHES, b"")

    # -- domains and the daemon ------------------------------------------

    def get_domain_path(self, domid):
        return split(self._call(Op.GET_DOMAIN_PATH, join(str(int(domid)))))[0]

    def is_domain_introduced(self, domid):
        return self._call(Op.IS_DOMAIN_INTRODUCED, join(str(int(domid)))).startswith(b"T")

    def introduce_domain(self, domid, mfn, port):
        """Tell xenstored about domain ``domid``, its ring page ``mfn`` and event channel ``port``."""
        self._call(Op.INTRODUCE, join(str(int(domid)), str(int(mfn)), str(int(port))))

    def release_domain(self, domid):
        self._call(Op.RELEASE, join(str(int(domid))))

    def resume_domain(self, domid):
        self._call(Op.RESUME, join(str(int(domid))))

    def set_target(self, domid, target):
        """Let ``domid`` act with the privileges of (stubdom for) ``target``."""
        self._call(Op.SET_TARGET, join(str(int(domid)), str(int(target))))

    def control(self, *args):
        """Send a CONTROL (DEBUG) command, e.g. ``control('print', 'hello')``."""
        return self._call(Op.CONTROL, join(*args))

    debug = control
