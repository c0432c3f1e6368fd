# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A cluster handle (``Rados``) and pool I/O contexts (``Ioctx``), as in Ceph's ``rados`` module."""

from __future__ import annotations

from . import _ffi
# Re-exported under the names of Ceph's modules.
from .errors import (  # noqa: F401 pylint: disable=unused-import
    RADOS_ERRORS, ConnectionShutdown, Error, InProgress, InterruptedOrTimeoutError, InvalidArgumentError,
    IoctxStateError, IOError, IsConnected, LibraryMissing, LogicError, NoData, NoSpace, NotConnected, ObjectBusy,
    ObjectExists, ObjectNotFound, OSError, PermissionDeniedError, PermissionError, RadosStateError, TimedOut,
    make_error,
)

NO_CONF_FILE = -1
DEFAULT_CONF_FILES = -2


def cstr(value, name, encoding="utf-8", allow_none=False):
    """``value`` as bytes for a C string; ``None`` only when ``allow_none``."""
    if value is None:
        if allow_none:
            return None
        raise InvalidArgumentError("%s must be a string" % name)
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode(encoding)
    raise InvalidArgumentError("%s must be a string, not %s" % (name, type(value).__name__))


def _check(ret, message):
    if ret < 0:
        raise make_error(ret, message, RADOS_ERRORS)
    return ret


def _grow(call, initial=512):
    """Call ``call(buf, size)`` with a growing buffer until it fits; return the buffer and the result."""
    ffi = _ffi.ffi()
    size = initial
    while True:
        buf = ffi.new("char[]", size)
        ret = call(buf, size)
        if ret != -34:  # ERANGE
            return buf, ret
        size *= 4


def _split_nul(data):
    """Decode a ``"a\\0b\\0\\0"`` list of C strings."""
    return [item.decode("utf-8") for item in data.split(b"\0") if item]


def version():
    ffi = _ffi.ffi()
    out = ffi.new("int[3]")
    _ffi.librados().rados_version(out, out + 1, out + 2)
    return tuple(out)


class Rados:
    """A connection to a cluster; a context manager that connects and shuts down.

    ``name`` is the full cephx entity (``client.ansible``); ``rados_id`` is its
    id alone (``ansible``). ``conffile=None`` reads no file, ``''`` the default
    search path ($CEPH_CONF, /etc/ceph/ceph.conf). ``conf`` sets options after
    the file (``{"keyring": "/path"}``).
    """

    NO_CONF_FILE = NO_CONF_FILE
    DEFAULT_CONF_FILES = DEFAULT_CONF_FILES

    def __init__(self, rados_id=None, name=None, clustername=None, conf_defaults=None, conffile=NO_CONF_FILE,
                 conf=None, flags=0):
        if rados_id is not None and name is not None:
            raise InvalidArgumentError("pass either rados_id or name, not both")
        if rados_id is not None:
            name = "client." + rados_id
        self.rados_id = rados_id
        self.name = name or "client.admin"
        self.clustername = clustername or "ceph"
        self.conffile = conffile
        self.state = "configuring"
        self._ffi = _ffi.ffi()
        self._lib = _ffi.librados()
        handle = self._ffi.new("rados_t *")
        _check(self._lib.rados_create2(handle, cstr(self.clustername, "clustername"), cstr(self.name, "name"), flags),
               "create cluster handle for %s" % self.name)
        self.cluster = handle[0]
        try:
            for key, value in (conf_defaults or {}).items():
                self.conf_set(key, value)
            if conffile in (DEFAULT_CONF_FILES, ""):
                self.conf_read_file(None)
            elif conffile not in (NO_CONF_FILE, None):
                self.conf_read_file(conffile)
            for key, value in (conf or {}).items():
                self.conf_set(key, value)
        except Error:
            self.shutdown()
            raise

    def require_state(self, *states):
        if self.state not in states:
            raise RadosStateError("cluster handle is %s, not %s" % (self.state, " or ".join(states)))

    def version(self):
        return version()

    def conf_read_file(self, path=None):
        self.require_state("configuring", "connected")
        _check(self._lib.rados_conf_read_file(self.cluster, cstr(path, "path", allow_none=True)),
               "read configuration %s" % (path or "(default search path)"))

    def conf_parse_env(self, var="CEPH_ARGS"):
        self.require_state("configuring", "connected")
        _check(self._lib.rados_conf_parse_env(self.cluster, cstr(var, "var")), "parse $%s" % var)

    def conf_get(self, option):
        self.require_state("configuring", "connected")
        buf, ret = _grow(lambda b, n: self._lib.rados_conf_get(self.cluster, cstr(option, "option"), b, n),
                         4096)
        if ret == -2:
            return None
        _check(ret, "get option %s" % option)
        return self._ffi.string(buf).decode("utf-8")

    def conf_set(self, option, value):
        self.require_state("configuring", "connected")
        _check(self._lib.rados_conf_set(self.cluster, cstr(option, "option"), cstr(str(value), "value")),
               "set option %s" % option)

    def connect(self, timeout=0):
        """Connect; ``timeout`` (seconds, 0 = library default) bounds the monitor handshake."""
        self.require_state("configuring")
        if timeout:
            self.conf_set("client_mount_timeout", str(timeout))
        _check(self._lib.rados_connect(self.cluster), "connect to cluster %s as %s" % (self.clustername, self.name))
        self.state = "connected"

    def shutdown(self):
        if self.state != "shutdown":
            self._lib.rados_shutdown(self.cluster)
            self.state = "shutdown"

    def __enter__(self):
        if self.state == "configuring":
            self.connect()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        return False

    def __del__(self):
        if getattr(self, "state", "shutdown") != "shutdown" and getattr(self, "_lib", None) is not None:
            self.shutdown()

    def get_fsid(self):
        self.require_state("connected")
        buf = self._ffi.new("char[]", 37)
        _check(self._lib.rados_cluster_fsid(self.cluster, buf, 37), "get cluster fsid")
        return self._ffi.string(buf).decode("ascii")

    def get_instance_id(self):
        self.require_state("connected")
        return self._lib.rados_get_instance_id(self.cluster)

    def wait_for_latest_osdmap(self):
        self.require_state("connected")
        _check(self._lib.rados_wait_for_latest_osdmap(self.cluster), "wait for the latest OSD map")

    def list_pools(self):
        self.require_state("connected")
        size = 4096
        while True:
            buf = self._ffi.new("char[]", size)
            ret = _check(self._lib.rados_pool_list(self.cluster, buf, size), "list pools")
            if ret <= size:
                return _split_nul(self._ffi.buffer(buf, ret)[:])
            size = ret

    def pool_lookup(self, pool_name):
        """The id of ``pool_name``, or None if it does not exist."""
        self.require_state("connected")
        ret = self._lib.rados_pool_lookup(self.cluster, cstr(pool_name, "pool_name"))
        if ret == -2:
            return None
        return _check(ret, "look up pool %s" % pool_name)

    def pool_exists(self, pool_name):
        return self.pool_lookup(pool_name) is not None

    def pool_reverse_lookup(self, pool_id):
        """The name of pool ``pool_id``, or None if it does not exist."""
        self.require_state("connected")
        buf, ret = _grow(lambda b, n: self._lib.rados_pool_reverse_lookup(self.cluster, pool_id, b, n))
        if ret == -2:
            return None
        _check(ret, "look up pool id %d" % pool_id)
        return self._ffi.string(buf).decode("utf-8")

    def open_ioctx(self, ioctx_name):
        """An :class:`Ioctx` on the pool named ``ioctx_name``."""
        self.require_state("connected")
        handle = self._ffi.new("rados_ioctx_t *")
        _check(self._lib.rados_ioctx_create(self.cluster, cstr(ioctx_name, "ioctx_name"), handle),
               "open pool %s" % ioctx_name)
        return Ioctx(self, ioctx_name, handle[0])

    def open_ioctx2(self, pool_id):
        """An :class:`Ioctx` on the pool with id ``pool_id``."""
        self.require_state("connected")
        handle = self._ffi.new("rados_ioctx_t *")
        _check(self._lib.rados_ioctx_create2(self.cluster, pool_id, handle), "open pool id %d" % pool_id)
        return Ioctx(self, self.pool_reverse_lookup(pool_id), handle[0])


class Ioctx:
    """An I/O context on one pool (and, after :meth:`set_namespace`, one namespace)."""

    def __init__(self, rados, name, io):
        self.rados = rados
        self.name = name
        self.io = io
        self.state = "open"
        self.nspace = ""
        self._lib = rados._lib
        self._ffi = rados._ffi

    def require_ioctx_open(self):
        if self.state != "open":
            raise IoctxStateError("I/O context on pool %s is closed" % self.name)

    def set_namespace(self, nspace):
        """Select the namespace (``""`` or None: the default one)."""
        self.require_ioctx_open()
        nspace = nspace or ""
        self._lib.rados_ioctx_set_namespace(self.io, cstr(nspace, "nspace"))
        self.nspace = nspace

    def get_namespace(self):
        self.require_ioctx_open()
        return self.nspace

    def get_pool_id(self):
        self.require_ioctx_open()
        return self._lib.rados_ioctx_get_id(self.io)

    def get_pool_name(self):
        self.require_ioctx_open()
        return self.name

    def close(self):
        if self.state == "open":
            self._lib.rados_ioctx_destroy(self.io)
            self.state = "closed"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        if getattr(self, "state", "closed") == "open" and self.rados.state == "connected":
            self.close()
