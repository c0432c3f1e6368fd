# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ceph's ``rados`` Python module (python3-rados 16.2) over librados in cffi's ABI mode.

Every public name of the Cython module is here with the same signature, defaults, return values and
exceptions; a script written for it runs after changing its import. Differences, all on the safe side:
a call on a closed I/O context, a shut down cluster handle or a released operation raises
(:class:`IoctxStateError`, :class:`RadosStateError`, :class:`LogicError`) where the Cython module would
touch freed memory, and buffers that librados fills stay alive until their request completes.
Every C call releases the GIL (cffi does), so blocking calls honour the cluster's timeouts
(``rados_osd_op_timeout``, ``rados_mon_op_timeout``, ``client_mount_timeout``) without stalling other threads.
"""

from __future__ import annotations

import atexit
import ctypes
import operator
import sys
import threading
import time
import weakref
from datetime import datetime, timedelta
# partial, wraps and the typing names are unused: Ceph's module has them, so ours does.
from functools import partial, wraps  # noqa: F401 pylint: disable=unused-import
from itertools import chain
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union  # noqa: F401 pylint: disable=unused-import

from . import _ffi
# librados.h's constants, from the header itself (generated).
from ._constants import (  # noqa: F401 pylint: disable=unused-import
    LIBRADOS_ALL_NSPACES, LIBRADOS_CMPXATTR_OP_EQ, LIBRADOS_CMPXATTR_OP_GT, LIBRADOS_CMPXATTR_OP_GTE,
    LIBRADOS_CMPXATTR_OP_LT, LIBRADOS_CMPXATTR_OP_LTE, LIBRADOS_CMPXATTR_OP_NE, LIBRADOS_CREATE_EXCLUSIVE,
    LIBRADOS_CREATE_IDEMPOTENT, LIBRADOS_OPERATION_BALANCE_READS, LIBRADOS_OPERATION_IGNORE_CACHE,
    LIBRADOS_OPERATION_IGNORE_OVERLAY, LIBRADOS_OPERATION_LOCALIZE_READS, LIBRADOS_OPERATION_NOFLAG,
    LIBRADOS_OPERATION_ORDER_READS_WRITES, LIBRADOS_OPERATION_SKIPRWLOCKS, LIBRADOS_OP_FLAG_EXCL,
    LIBRADOS_OP_FLAG_FADVISE_DONTNEED, LIBRADOS_OP_FLAG_FADVISE_NOCACHE, LIBRADOS_OP_FLAG_FADVISE_RANDOM,
    LIBRADOS_OP_FLAG_FADVISE_SEQUENTIAL, LIBRADOS_OP_FLAG_FADVISE_WILLNEED, LIBRADOS_OP_FLAG_FAILOK,
    LIBRADOS_SNAP_HEAD,
)
# The exception classes, from python3-rados itself (generated); ExtendMismatch is below.
from ._rados_exceptions import (  # noqa: F401 pylint: disable=unused-import,redefined-builtin
    Error, InvalidArgumentError, OSError, InterruptedOrTimeoutError, PermissionError, PermissionDeniedError,
    ObjectNotFound, NoData, ObjectExists, ObjectBusy, IOError, NoSpace, NotConnected, RadosStateError,
    IoctxStateError, ObjectStateError, LogicError, TimedOut, InProgress, IsConnected, ConnectionShutdown,
)

unicode = str  # as in Ceph's module

MAX_ERRNO = 4095

ANONYMOUS_AUID = 0xffffffffffffffff
ADMIN_AUID = 0

MONITOR_LEVELS = ["debug", "info", "warn", "warning", "err", "error", "sec"]

_ENOENT, _ERANGE, _ENAMETOOLONG = 2, 34, 36


class ExtendMismatch(Error):
    """A compared extent differs from the object's data; ``offset`` is where."""

    def __init__(self, message, errno, offset):
        super().__init__("object content does not match (%s)" % message, errno)
        self.offset = offset


_ERRNO_TO_EXCEPTION = {
    1: PermissionError, 2: ObjectNotFound, 5: IOError, 28: NoSpace, 17: ObjectExists, 16: ObjectBusy,
    61: NoData, 4: InterruptedOrTimeoutError, 110: TimedOut, 13: PermissionDeniedError, 115: InProgress,
    106: IsConnected, 22: InvalidArgumentError, 107: NotConnected, 108: ConnectionShutdown,
}


def _make_ex(ret, msg):
    """The exception for librados' return code ``ret``."""
    ret = abs(ret)
    if ret in _ERRNO_TO_EXCEPTION:
        return _ERRNO_TO_EXCEPTION[ret](msg, errno=ret)
    if ret > MAX_ERRNO:
        return ExtendMismatch(msg, ret, ret - MAX_ERRNO)
    return OSError(msg, errno=ret)


def cstr(val, name, encoding="utf-8", opt=False):
    """``val`` (str or bytes) as bytes; None only when ``opt``. TypeError otherwise."""
    return _ffi.cstr(val, name, encoding, opt, TypeError)


def cstr_list(list_str, name, encoding="utf-8"):  # noqa: ARG001 - Ceph's ignores ``encoding`` too
    return [cstr(s, name) for s in list_str]


def decode_cstr(val, encoding="utf-8"):
    """``val`` decoded, or None."""
    if val is None:
        return None
    return val.decode(encoding)


def flatten_dict(d, name):
    """``{"a": "b"}`` as ``b"a\\0b\\0"``, the form of librados' service metadata."""
    return cstr("".join(item + "\0" for item in chain.from_iterable(d.items())), name)


def _text(val, name):
    """A ``str`` argument (Cython's typed ``unicode``: bytes and other types are refused) as bytes."""
    if isinstance(val, str):
        return val.encode("utf-8")
    if val is None:
        raise TypeError("%s must be a string" % name)
    raise TypeError("Argument '%s' has incorrect type (expected str, got %s)" % (name, type(val).__name__))


def _data(val, name):
    """A ``bytes`` argument (Cython's typed ``bytes``)."""
    if isinstance(val, bytes):
        return val
    if val is None:
        raise TypeError("expected bytes, NoneType found")
    raise TypeError("Argument '%s' has incorrect type (expected bytes, got %s)" % (name, type(val).__name__))


def _typed(val, cls, name):
    """A Cython typed argument of extension type ``cls`` (None passes, as in Cython)."""
    if val is not None and not isinstance(val, cls):
        raise TypeError("Argument '%s' has incorrect type (expected %s, got %s)"
                        % (name, cls.__name__, type(val).__name__))
    return val


def _cint(value):
    """``value`` as Cython converts it to a C integer: an int, or what its ``__int__`` gives (a float is
    truncated); TypeError for None and other types. The C type's range is checked where it is used."""
    if isinstance(value, int):
        return value
    if value is None or not hasattr(type(value), "__int__"):
        raise TypeError("an integer is required")
    return int(value)


def _omap_max(max_return):
    """``max_return`` as Ceph's module hands it to librados: a C int, cast to uint64_t (-1: no limit)."""
    return _new("int", max_return)[0] % (1 << 64)


def _new(ctype, value):
    """A C ``ctype`` holding ``value``: the range and type checks of a Cython conversion."""
    return _ffi.ffi().new(ctype + " *", _cint(value))


# An uninitialised bytes object that librados fills in place, as the Cython module does:
# bytes(n) would first zero n bytes.
_NEW_BYTES = ctypes.pythonapi.PyBytes_FromStringAndSize
_NEW_BYTES.restype = ctypes.py_object
_NEW_BYTES.argtypes = (ctypes.c_char_p, ctypes.c_ssize_t)


def _fresh_bytes(length):
    """A new, unshared ``bytes`` of ``length`` (a size_t: OverflowError/TypeError as Cython raises)."""
    length = _ffi.ffi().new("size_t *", operator.index(length))[0]  # a Py_ssize_t for Cython: no float
    if length > sys.maxsize:
        raise OverflowError("Python int too large to convert to C ssize_t")
    return _NEW_BYTES(None, length) if length else b""


def _out(ffi, buf):
    """Where librados may write ``buf``: NULL for an empty one (b"" is a shared object of the interpreter)."""
    return ffi.from_buffer(buf) if buf else ffi.NULL


def _shrink(buf, ret):
    return buf if ret == len(buf) else buf[:ret]


def _take_buffer(ffi, lib, ptr, length):
    """The ``length`` bytes librados allocated at ``*ptr``, freed."""
    if not length:
        return b""
    data = ffi.buffer(ptr[0], length)[:]
    lib.rados_buffer_free(ptr[0])
    return data


class Version(object):
    """ Version information """

    def __init__(self, major, minor, extra):
        self.major = major
        self.minor = minor
        self.extra = extra

    def __str__(self):
        return "%d.%d.%d" % (self.major, self.minor, self.extra)


# One C callback of each kind for the whole process; ``arg`` is a cffi handle of the Python object.
_CALLBACKS = {}


def _callback(kind):
    if kind not in _CALLBACKS:
        ffi = _ffi.ffi()
        if kind == "complete":
            def func(_comp, arg):
                ffi.from_handle(arg)._complete()
            ctype = "rados_callback_t"
        elif kind == "watch":
            def func(arg, notify_id, cookie, notifier_id, data, data_len):
                payload = ffi.buffer(data, data_len)[:] if data != ffi.NULL else None
                ffi.from_handle(arg)._callback(notify_id, notifier_id, cookie, payload)
            ctype = "rados_watchcb2_t"
        elif kind == "watch_error":
            def func(arg, cookie, err):
                ffi.from_handle(arg)._error_callback(cookie, err)
            ctype = "rados_watcherrcb_t"
        elif kind == "log":
            def func(arg, *fields):
                callback, cb_arg = ffi.from_handle(arg)
                callback(cb_arg, *(ffi.string(f) if isinstance(f, ffi.CData) else f for f in fields))
            ctype = "rados_log_callback_t"
        else:  # log2: Ceph's module hands over name before who
            def func(arg, line, channel, who, name, *rest):
                callback, cb_arg = ffi.from_handle(arg)
                strings = [ffi.string(f) for f in (line, channel, name, who)]
                callback(cb_arg, *strings, rest[0], rest[1], rest[2], ffi.string(rest[3]), ffi.string(rest[4]))
            ctype = "rados_log_callback2_t"
        _CALLBACKS[kind] = ffi.callback(ctype, func)  # an exception is printed by cffi and dropped, as Cython does
    return _CALLBACKS[kind]


# Cluster handles still connected when the interpreter exits: shut down first, or librados' threads outlive
# its static objects and the process aborts ("terminate called without an active exception").
_HANDLES = weakref.WeakSet()


@atexit.register
def _shutdown_handles():
    for handle in list(_HANDLES):
        handle.shutdown()


class Rados(object):
    """This class wraps librados functions"""

    NO_CONF_FILE = -1
    DEFAULT_CONF_FILES = -2

    def __init__(self, rados_id=None, name=None, clustername=None, conf_defaults=None, conffile=NO_CONF_FILE,
                 conf=None, flags=0, context=None):
        self._ffi = _ffi.ffi()
        self._lib = _ffi.librados()
        self.state = "uninitialized"
        self.monitor_callback = None
        self.monitor_callback2 = None
        self._monitor_handle = None
        self.parsed_args = []
        self.conf_defaults = conf_defaults
        self.conffile = conffile
        self.rados_id = rados_id
        if rados_id and name:
            raise Error("Rados(): can't supply both rados_id and name")
        if rados_id:
            name = "client." + rados_id
        elif name is None:
            name = "client.admin"
        if clustername is None:
            clustername = ""
        name_raw = cstr(name, "name")
        clustername_raw = cstr(clustername, "clustername")
        handle = self._ffi.new("rados_t *")
        if context:
            pointer = ctypes.pythonapi.PyCapsule_GetPointer
            pointer.restype, pointer.argtypes = ctypes.c_void_p, (ctypes.py_object, ctypes.c_char_p)
            ret = self._lib.rados_create_with_context(handle, self._ffi.cast("void *", pointer(context, None)))
        else:
            ret = self._lib.rados_create2(handle, clustername_raw, name_raw, _new("long", flags)[0] % (1 << 64))
        if ret != 0:
            raise Error("rados_initialize failed with error code: %d" % ret)
        self.cluster = handle[0]
        self.state = "configuring"
        _HANDLES.add(self)
        if conf_defaults:
            for key, value in conf_defaults.items():
                self.conf_set(key, value)
        if conffile in (self.NO_CONF_FILE, None):
            pass
        elif conffile in (self.DEFAULT_CONF_FILES, ""):
            self.conf_read_file(None)
        else:
            self.conf_read_file(conffile)
        if conf:
            for key, value in conf.items():
                self.conf_set(key, value)

    def __del__(self):
        if getattr(self, "state", "shutdown") not in ("shutdown", "uninitialized"):
            self.shutdown()

    def get_addrs(self):
        """The client addresses of this session."""
        self.require_state("configuring", "connected")
        out = self._ffi.new("char **")
        ret = self._lib.rados_getaddrs(self.cluster, out)
        if ret:
            raise _make_ex(ret, "error calling getaddrs")
        try:
            return decode_cstr(self._ffi.string(out[0]))
        finally:
            self._lib.free(out[0])

    def require_state(self, *args):
        """RadosStateError unless the handle is in one of the states ``args``."""
        if self.state in args:
            return
        raise RadosStateError("You cannot perform that operation on a Rados object in state %s." % self.state)

    def shutdown(self):
        """Disconnect from the cluster and release the handle."""
        if self.state != "shutdown":
            self._lib.rados_shutdown(self.cluster)
            self.state = "shutdown"

    def __enter__(self):
        self.connect()
        return self

    def __exit__(self, type_, value, traceback):
        self.shutdown()
        return False

    def version(self):
        """The librados version, a :class:`Version`."""
        out = self._ffi.new("int[3]")
        self._lib.rados_version(out, out + 1, out + 2)
        return Version(out[0], out[1], out[2])

    def conf_read_file(self, path=None):
        """Read a configuration file (None: the default search path)."""
        self.require_state("configuring", "connected")
        path_raw = cstr(path, "path", opt=True)
        ret = self._lib.rados_conf_read_file(self.cluster, path_raw or self._ffi.NULL)
        if ret != 0:
            raise _make_ex(ret, "error calling conf_read_file")

    def conf_parse_argv(self, args):
        """Apply the Ceph options in ``args``; return the other arguments."""
        self.require_state("configuring", "connected")
        if not args:
            return None
        cargs = [self._ffi.new("char[]", arg) for arg in cstr_list(args, "args")]
        argv = self._ffi.new("const char *[]", cargs)
        remargv = self._ffi.new("const char *[]", len(cargs))
        ret = self._lib.rados_conf_parse_argv_remainder(self.cluster, len(cargs), argv, remargv)
        if ret:
            raise _make_ex(ret, "error calling conf_parse_argv_remainder")
        self.parsed_args = args
        return [decode_cstr(self._ffi.string(arg)) for arg in remargv if arg != self._ffi.NULL]

    def conf_parse_env(self, var="CEPH_ARGS"):
        """Apply the Ceph options in environment variable ``var``."""
        self.require_state("configuring", "connected")
        if not var:
            return
        ret = self._lib.rados_conf_parse_env(self.cluster, cstr(var, "var"))
        if ret != 0:
            raise _make_ex(ret, "error calling conf_parse_env")

    def conf_get(self, option):
        """The value of ``option``, or None if there is no such option."""
        self.require_state("configuring", "connected")
        option_raw = _text(option, "option")
        length = 20
        while True:
            buf = self._ffi.new("char[]", length)
            ret = self._lib.rados_conf_get(self.cluster, option_raw, buf, length)
            if ret == 0:
                return decode_cstr(self._ffi.string(buf))
            if ret == -_ENAMETOOLONG:
                length *= 2
            elif ret == -_ENOENT:
                return None
            else:
                raise _make_ex(ret, "error calling conf_get")

    def conf_set(self, option, val):
        """Set ``option`` to ``val``."""
        self.require_state("configuring", "connected")
        ret = self._lib.rados_conf_set(self.cluster, _text(option, "option"), _text(val, "val"))
        if ret != 0:
            raise _make_ex(ret, "error calling conf_set")

    def ping_monitor(self, mon_id):
        """The reply of monitor ``mon.<mon_id>`` to a ping (a JSON string)."""
        self.require_state("configuring", "connected")
        out, outlen = self._ffi.new("char **"), self._ffi.new("size_t *")
        ret = self._lib.rados_ping_monitor(self.cluster, _text(mon_id, "mon_id"), out, outlen)
        if ret != 0:
            raise _make_ex(ret, "error calling ping_monitor")
        if outlen[0]:
            return decode_cstr(_take_buffer(self._ffi, self._lib, out, outlen[0]))
        return None

    def connect(self, timeout=0):
        """Connect to the cluster. ``timeout`` is ignored, as in Ceph's module: set
        ``client_mount_timeout`` to bound the handshake."""
        self.require_state("configuring")
        ret = self._lib.rados_connect(self.cluster)
        if ret != 0:
            raise _make_ex(ret, "error connecting to the cluster")
        self.state = "connected"

    def get_instance_id(self):
        self.require_state("connected")
        return self._lib.rados_get_instance_id(self.cluster)

    def get_cluster_stats(self):
        """Cluster usage: ``kb``, ``kb_used``, ``kb_avail``, ``num_objects``."""
        self.require_state("connected")
        stats = self._ffi.new("struct rados_cluster_stat_t *")
        ret = self._lib.rados_cluster_stat(self.cluster, stats)
        if ret < 0:
            raise _make_ex(ret, "Rados.get_cluster_stats(%s): get_stats failed" % self.rados_id)
        return {"kb": stats.kb, "kb_used": stats.kb_used, "kb_avail": stats.kb_avail,
                "num_objects": stats.num_objects}

    def _lookup(self, pool_name):
        self.require_state("connected")
        ret = self._lib.rados_pool_lookup(self.cluster, _text(pool_name, "pool_name"))
        if ret < 0 and ret != -_ENOENT:
            raise _make_ex(ret, "error looking up pool '%s'" % pool_name)
        return ret

    def pool_exists(self, pool_name):
        return self._lookup(pool_name) >= 0

    def pool_lookup(self, pool_name):
        """The id of pool ``pool_name``, or None."""
        ret = self._lookup(pool_name)
        return int(ret) if ret >= 0 else None

    def pool_reverse_lookup(self, pool_id):
        """The name of pool ``pool_id``, or None."""
        self.require_state("connected")
        pool = _new("int64_t", pool_id)[0]
        size = 512
        while True:
            buf = self._ffi.new("char[]", size)
            ret = self._lib.rados_pool_reverse_lookup(self.cluster, pool, buf, size)
            if ret >= 0:
                return decode_cstr(self._ffi.string(buf))
            if ret == -_ENOENT:
                return None
            if ret != -_ERANGE:
                raise _make_ex(ret, "error reverse looking up pool '%s'" % pool_id)
            size *= 2

    def create_pool(self, pool_name, crush_rule=None, auid=None):
        """Create a pool, with CRUSH rule ``crush_rule`` and owner ``auid`` if given."""
        self.require_state("connected")
        name = _text(pool_name, "pool_name")
        if crush_rule is None and auid is None:
            ret = self._lib.rados_pool_create(self.cluster, name)
        elif auid is None:
            ret = self._lib.rados_pool_create_with_crush_rule(self.cluster, name, _new("uint8_t", crush_rule)[0])
        elif crush_rule is None:
            ret = self._lib.rados_pool_create_with_auid(self.cluster, name, _new("uint64_t", auid)[0])
        else:
            ret = self._lib.rados_pool_create_with_all(self.cluster, name, _new("uint64_t", auid)[0],
                                                       _new("uint8_t", crush_rule)[0])
        if ret < 0:
            raise _make_ex(ret, "error creating pool '%s'" % pool_name)

    def get_pool_base_tier(self, pool_id):
        """The base pool of ``pool_id`` (itself without tiering)."""
        self.require_state("connected")
        out = self._ffi.new("int64_t *")
        ret = self._lib.rados_pool_get_base_tier(self.cluster, _new("int64_t", pool_id)[0], out)
        if ret < 0:
            raise _make_ex(ret, "get_pool_base_tier(%d)" % pool_id)
        return int(out[0])

    def delete_pool(self, pool_name):
        """Delete a pool and its data (the monitors must allow it)."""
        self.require_state("connected")
        ret = self._lib.rados_pool_delete(self.cluster, _text(pool_name, "pool_name"))
        if ret < 0:
            raise _make_ex(ret, "error deleting pool '%s'" % pool_name)

    def _name_list(self, call, message):
        size = 512
        while True:
            buf = self._ffi.new("char[]", size)
            ret = call(buf, size)
            if ret < 0:
                raise _make_ex(ret, message)
            if ret <= size:
                return [name for name in decode_cstr(self._ffi.buffer(buf, ret)[:]).split("\0") if name]
            size *= 2

    def get_inconsistent_pgs(self, pool_id):
        """The inconsistent placement groups of pool ``pool_id``."""
        self.require_state("connected")
        pool = _new("int64_t", pool_id)[0]
        return self._name_list(lambda buf, size: self._lib.rados_inconsistent_pg_list(self.cluster, pool, buf, size),
                               "error calling inconsistent_pg_list")

    def list_pools(self):
        """The names of all pools."""
        self.require_state("connected")
        return self._name_list(lambda buf, size: self._lib.rados_pool_list(self.cluster, buf, size),
                               "error listing pools")

    def get_fsid(self):
        """The cluster fsid."""
        self.require_state("connected")
        size = 64
        while True:
            buf = self._ffi.new("char[]", size)
            ret = self._lib.rados_cluster_fsid(self.cluster, buf, size)
            if ret >= 0:
                return decode_cstr(self._ffi.string(buf))
            if ret != -_ERANGE:
                raise _make_ex(ret, "error getting cluster fsid")
            size *= 2

    def _ioctx(self, create, pool, name, msg):
        """The :class:`Ioctx` ``name`` that ``create(cluster, pool, &handle)`` opens (``msg`` if it fails)."""
        handle = self._ffi.new("rados_ioctx_t *")
        ret = create(self.cluster, pool, handle)
        if ret < 0:
            raise _make_ex(ret, msg)
        io = Ioctx(self, name)
        io.io = handle[0]
        return io

    def open_ioctx(self, ioctx_name):
        """An :class:`Ioctx` on pool ``ioctx_name``."""
        self.require_state("connected")
        return self._ioctx(self._lib.rados_ioctx_create, _text(ioctx_name, "ioctx_name"), ioctx_name,
                           "error opening pool '%s'" % ioctx_name)

    def open_ioctx2(self, pool_id):
        """An :class:`Ioctx` on the pool with id ``pool_id`` (its ``name`` is the id, as upstream)."""
        self.require_state("connected")
        return self._ioctx(self._lib.rados_ioctx_create2, _new("int64_t", pool_id)[0], str(pool_id),
                           "error opening pool id '%s'" % pool_id)

    def _command(self, call, cmd, inbuf, *args):
        """Run ``call(*args, cmds, 1, inbuf, len, &outbuf, &outbuflen, &outs, &outslen)``."""
        self.require_state("connected")
        cmd_raw = self._ffi.new("char[]", _text(cmd, "cmd"))
        inbuf = _data(inbuf, "inbuf")
        ffi = self._ffi
        cmds = ffi.new("const char *[1]", [cmd_raw])
        outbuf, outbuflen, outs, outslen = ffi.new("char **"), ffi.new("size_t *"), ffi.new("char **"), \
            ffi.new("size_t *")
        ret = call(*(args + (cmds, 1, inbuf, len(inbuf), outbuf, outbuflen, outs, outslen)))
        my_outs = decode_cstr(_take_buffer(ffi, self._lib, outs, outslen[0]))
        my_outbuf = _take_buffer(ffi, self._lib, outbuf, outbuflen[0])
        return (ret, my_outbuf, my_outs)

    def mon_command(self, cmd, inbuf, timeout=0, target=None):
        """Send a JSON command to the monitors (or monitor ``target``, a name or rank).

        Returns ``(ret, outbuf bytes, outs str)``; ``timeout`` is ignored (``rados_mon_op_timeout`` applies)."""
        if isinstance(target, int):
            target = str(target)
        target_raw = cstr(target, "target", opt=True)
        if target_raw:
            return self._command(self._lib.rados_mon_command_target, cmd, inbuf, self.cluster,
                                 target_raw)
        return self._command(self._lib.rados_mon_command, cmd, inbuf, self.cluster)

    def osd_command(self, osdid, cmd, inbuf, timeout=0):
        """Send a JSON command to OSD ``osdid``: ``(ret, outbuf bytes, outs str)``."""
        return self._command(self._lib.rados_osd_command, cmd, inbuf, self.cluster,
                             _new("int", osdid)[0])

    def mgr_command(self, cmd, inbuf, timeout=0, target=None):
        """Send a JSON command to the active manager (or daemon ``target``): ``(ret, outbuf bytes, outs str)``."""
        target_raw = cstr(target, "target", opt=True)
        if target_raw is not None:
            return self._command(self._lib.rados_mgr_command_target, cmd, inbuf, self.cluster,
                                 target_raw)
        return self._command(self._lib.rados_mgr_command, cmd, inbuf, self.cluster)

    def pg_command(self, pgid, cmd, inbuf, timeout=0):
        """Send a JSON command to placement group ``pgid``: ``(ret, outbuf bytes, outs str)``."""
        pgid_raw = _text(pgid, "pgid")
        return self._command(self._lib.rados_pg_command, cmd, inbuf, self.cluster, pgid_raw)

    def wait_for_latest_osdmap(self):
        """Wait until this client has the latest OSD map; librados' return code."""
        self.require_state("connected")
        return self._lib.rados_wait_for_latest_osdmap(self.cluster)

    def blocklist_add(self, client_address, expire_seconds=0):
        """Block client ``client_address`` from the OSDs for ``expire_seconds`` (0: the default)."""
        self.require_state("connected")
        address = self._ffi.new("char[]", _text(client_address, "client_address"))
        ret = self._lib.rados_blocklist_add(self.cluster, address, _new("uint32_t", expire_seconds)[0])
        if ret < 0:
            raise _make_ex(ret, "error blocklisting client '%s'" % client_address)

    def _monitor(self, func, kind, level, callback, arg):
        self.require_state("configuring", "connected")
        if level not in MONITOR_LEVELS:
            raise LogicError("invalid monitor level " + level)
        if callback is not None and not callable(callback):
            raise LogicError("callback must be a callable function or None")
        level_raw = _text(level, "level")
        if callback is None:
            func(self.cluster, level_raw, self._ffi.NULL, self._ffi.NULL)
            self.monitor_callback = self.monitor_callback2 = self._monitor_handle = None
            return None
        cb = (callback, arg)
        handle = self._ffi.new_handle(cb)
        ret = func(self.cluster, level_raw, _callback(kind), handle)
        if ret:
            raise _make_ex(ret, "error calling rados_monitor_log")
        self._monitor_handle = handle
        return cb

    def monitor_log(self, level, callback=None, arg=None):
        """Call ``callback(arg, line, who, sec, nsec, seq, level, msg)`` for each cluster log entry."""
        cb = self._monitor(self._lib.rados_monitor_log, "log", level, callback, arg)
        if cb is not None:
            self.monitor_callback, self.monitor_callback2 = cb, None

    def monitor_log2(self, level, callback=None, arg=None):
        """Call ``callback(arg, line, channel, name, who, sec, nsec, seq, level, msg)`` for each log entry."""
        cb = self._monitor(self._lib.rados_monitor_log2, "log2", level, callback, arg)
        if cb is not None:
            self.monitor_callback, self.monitor_callback2 = None, cb

    def service_daemon_register(self, service, daemon, metadata):
        """Register this client as daemon ``daemon`` of service ``service``."""
        self.require_state("configuring", "connected")
        service_raw, daemon_raw = _text(service, "service"), _text(daemon, "daemon")
        ret = self._lib.rados_service_register(self.cluster, service_raw, daemon_raw, flatten_dict(metadata, "metadata"))
        if ret != 0:
            raise _make_ex(ret, "error calling service_register()")

    def service_daemon_update(self, status):
        """Update the status of the registered daemon."""
        self.require_state("configuring", "connected")
        ret = self._lib.rados_service_update_status(self.cluster, flatten_dict(status, "status"))
        if ret != 0:
            raise _make_ex(ret, "error calling service_daemon_update()")


class _IoctxIterator(object):
    """Base of the iterators over an I/O context's items; each is its own iterator."""

    def __init__(self, ioctx):
        self.ioctx = _typed(ioctx, Ioctx, "ioctx")  # a Cython typed argument: None passes, another type does not
        self._lib = _ffi.librados()

    def __iter__(self):
        return self


class OmapIterator(_IoctxIterator):
    """Omap iterator"""

    def __init__(self, ioctx):
        super().__init__(ioctx)
        self.ctx = _ffi.ffi().NULL

    def __next__(self):
        """The next ``(key, value)``."""
        if self.ctx == _ffi.ffi().NULL:
            raise StopIteration()
        ffi = _ffi.ffi()
        key, val, length = ffi.new("char **"), ffi.new("char **"), ffi.new("size_t *")
        ret = self._lib.rados_omap_get_next(self.ctx, key, val, length)
        if ret != 0:
            raise _make_ex(ret, "error iterating over the omap")
        if key[0] == ffi.NULL:
            raise StopIteration()
        value = ffi.buffer(val[0], length[0])[:] if val[0] != ffi.NULL else None
        return (decode_cstr(ffi.string(key[0])), value)

    def __del__(self):
        ctx, self.ctx = getattr(self, "ctx", None), None
        if ctx is not None and ctx != _ffi.ffi().NULL:
            self._lib.rados_omap_get_end(ctx)


class ObjectIterator(_IoctxIterator):
    """rados.Ioctx Object iterator"""

    def __init__(self, ioctx):
        super().__init__(ioctx)
        self.ctx = None
        handle = ioctx._ffi.new("rados_list_ctx_t *")
        ret = self._lib.rados_nobjects_list_open(ioctx._handle(), handle)
        if ret < 0:
            raise _make_ex(ret, "error iterating over the objects in ioctx '%s'" % ioctx.name)
        self.ctx = handle[0]

    def __next__(self):
        """The next :class:`Object` of the pool (in the I/O context's namespace)."""
        ffi = self.ioctx._ffi
        if self.ctx is None:
            raise StopIteration()
        ptrs, sizes = ffi.new("const char *[3]"), ffi.new("size_t[3]")
        ret = self._lib.rados_nobjects_list_next2(self.ctx, ptrs, ptrs + 1, ptrs + 2, sizes, sizes + 1, sizes + 2)
        if ret < 0:
            raise StopIteration()
        key, locator, nspace = (decode_cstr(ffi.buffer(ptrs[i], sizes[i])[:]) if ptrs[i] != ffi.NULL else None
                                for i in range(3))
        return Object(self.ioctx, key, locator, nspace)

    def __del__(self):
        ctx, self.ctx = getattr(self, "ctx", None), None
        if ctx is not None and self.ioctx.rados.state != "shutdown":
            self._lib.rados_nobjects_list_close(ctx)


class XattrIterator(_IoctxIterator):
    """Extended attribute iterator"""

    def __init__(self, ioctx, oid):
        super().__init__(ioctx)
        self.it = None
        self.oid = cstr(oid, "oid")
        handle = ioctx._ffi.new("rados_xattrs_iter_t *")
        ret = self._lib.rados_getxattrs(ioctx._handle(), self.oid, handle)
        if ret != 0:
            raise _make_ex(ret, "Failed to get rados xattrs for object %r" % oid)
        self.it = handle[0]

    def __next__(self):
        """The next ``(name, value)``."""
        ffi = self.ioctx._ffi
        if self.it is None:
            raise StopIteration()
        name, val, length = ffi.new("const char **"), ffi.new("const char **"), ffi.new("size_t *")
        ret = self._lib.rados_getxattrs_next(self.it, name, val, length)
        if ret != 0:
            raise _make_ex(ret, "error iterating over the extended attributes in '%s'" % self.oid)
        if name[0] == ffi.NULL:
            raise StopIteration()
        return (decode_cstr(ffi.string(name[0])), ffi.buffer(val[0], length[0])[:])

    def __del__(self):
        it, self.it = getattr(self, "it", None), None
        if it is not None:
            self._lib.rados_getxattrs_end(it)


class SnapIterator(_IoctxIterator):
    """Snapshot iterator"""

    def __init__(self, ioctx):
        super().__init__(ioctx)
        ffi, lib = ioctx._ffi, ioctx._lib
        num = 10
        while True:
            snaps = ffi.new("rados_snap_t[]", num)
            ret = lib.rados_ioctx_snap_list(ioctx._handle(), snaps, num)
            if ret >= 0:
                self._snaps = list(snaps[0:ret])
                break
            if ret != -_ERANGE:
                raise _make_ex(ret, "error calling rados_snap_list for ioctx '%s'" % ioctx.name)
            num *= 2
        self._cur = 0

    def __next__(self):
        """The next :class:`Snap`."""
        if self._cur >= len(self._snaps):
            raise StopIteration
        ffi, lib = self.ioctx._ffi, self.ioctx._lib
        snap_id = self._snaps[self._cur]
        size = 10
        while True:
            name = ffi.new("char[]", size)
            ret = lib.rados_ioctx_snap_get_name(self.ioctx._handle(), snap_id, name, size)
            if ret == 0:
                break
            if ret != -_ERANGE:
                raise _make_ex(ret, "rados_snap_get_name error")
            size *= 2
        self._cur += 1
        return Snap(self.ioctx, decode_cstr(ffi.string(name)), snap_id)


class Snap(object):
    """Snapshot object"""

    def __init__(self, ioctx, name, snap_id):
        self.ioctx = _typed(ioctx, Ioctx, "ioctx")
        self.name = name
        self.snap_id = _new("rados_snap_t", snap_id)[0]

    def __str__(self):
        return "rados.Snap(ioctx=%s,name=%s,snap_id=%d)" % (str(self.ioctx), self.name, self.snap_id)

    def get_timestamp(self):
        """When the snapshot was taken (a local naive datetime)."""
        stamp = self.ioctx._ffi.new("time_t *")
        ret = self.ioctx._lib.rados_ioctx_snap_get_stamp(self.ioctx._handle(), self.snap_id, stamp)
        if ret != 0:
            raise _make_ex(ret, "rados_ioctx_snap_get_stamp error")
        return datetime.fromtimestamp(stamp[0])


_IN_FLIGHT = set()  # completions whose C callback is still to come: their handle must stay valid


class Completion(object):
    """completion object"""

    def __init__(self, ioctx, oncomplete, onsafe):
        self.ioctx = _typed(ioctx, Ioctx, "ioctx")
        self.oncomplete = oncomplete
        self.onsafe = onsafe
        self.rados_comp = None
        self._keep = None  # buffers librados writes into, alive until the request is done
        self._handle = None
        self._finish = None
        self._result = None  # maps librados' return value when the request is not the call it stands for

    def _create(self, finish=None):
        """Create the C completion; ``finish(self)`` replaces the plain call of oncomplete."""
        ffi, lib = self.ioctx._ffi, self.ioctx._lib
        comp = ffi.new("rados_completion_t *")
        if self.oncomplete or self._keep is not None:
            self._finish = finish
            self._handle = ffi.new_handle(self)
            _IN_FLIGHT.add(self)
            ret = lib.rados_aio_create_completion2(self._handle, _callback("complete"), comp)
        else:
            ret = lib.rados_aio_create_completion2(ffi.NULL, ffi.NULL, comp)
        if ret < 0:
            _IN_FLIGHT.discard(self)
            raise _make_ex(ret, "error getting a completion")
        self.rados_comp = comp[0]
        with self.ioctx.lock:
            if self.oncomplete:
                self.ioctx.complete_completions.append(self)
            if self.onsafe:
                self.ioctx.safe_completions.append(self)

    def is_safe(self):
        return self.is_complete()

    def is_complete(self):
        return self.ioctx._lib.rados_aio_is_complete(self.rados_comp) == 1

    def wait_for_safe(self):
        self.wait_for_complete()

    def wait_for_complete(self):
        """Wait for the request (not for its callback)."""
        self.ioctx._lib.rados_aio_wait_for_complete(self.rados_comp)

    def wait_for_safe_and_cb(self):
        return self.wait_for_complete_and_cb()

    def wait_for_complete_and_cb(self):
        """Wait for the request and for its callback to return."""
        return self.ioctx._lib.rados_aio_wait_for_complete_and_cb(self.rados_comp)

    def get_return_value(self):
        """The request's return value (bytes or 0, or a negative errno)."""
        ret = self.ioctx._lib.rados_aio_get_return_value(self.rados_comp)
        return ret if self._result is None or not self.is_complete() else self._result(ret)

    def __del__(self):
        comp, self.rados_comp = getattr(self, "rados_comp", None), None
        if comp is not None:
            self.ioctx._lib.rados_aio_release(comp)

    def _complete(self):
        try:
            if self._finish is not None:
                self._finish(self)
            elif self.oncomplete:
                self.oncomplete(self)
                if self.onsafe:
                    self.onsafe(self)
            self._cleanup()
        finally:
            self._keep = None
            _IN_FLIGHT.discard(self)

    def _cleanup(self):
        with self.ioctx.lock:
            if self.oncomplete and self in self.ioctx.complete_completions:
                self.ioctx.complete_completions.remove(self)
            if self.onsafe and self in self.ioctx.safe_completions:
                self.ioctx.safe_completions.remove(self)

    def _abandon(self):
        """Undo after librados refused the request."""
        self._cleanup()
        self._keep = None
        _IN_FLIGHT.discard(self)


class OpCtx(object):
    def __enter__(self):
        return self.create()

    def __exit__(self, type, msg, traceback):  # noqa: A002 - named as upstream
        self.release()


class _Op(object):
    """What WriteOp and ReadOp share: the C handle, created by create() and freed by release()."""

    _kind = None

    def __init__(self):
        self._lib = _ffi.librados()
        self._ffi = _ffi.ffi()
        self._op = None
        self._outputs = []  # the omap iterators this op fills: freed only after the op
        self._steps = 0  # steps added since the op last ran (librados moves them out when it runs)

    def create(self):
        if self._op is None:
            self._op = getattr(self._lib, "rados_create_%s_op" % self._kind)()
        return self

    def release(self):
        op, self._op = self._op, None
        if op is not None:
            getattr(self._lib, "rados_release_%s_op" % self._kind)(op)
        self._outputs = []
        self._steps = 0

    def _handle(self):
        if self._op is None:
            raise LogicError("the %s operation is not created (create()) or already released" % self._kind)
        return self._op

    def _add(self):
        """The C handle, to add a step to."""
        op = self._handle()
        self._steps += 1
        return op

    def _run(self, aio=False):
        """The C handle, to run. librados runs an empty op as a no-op, but sends it when asynchronous, and with
        some flags that aborts a 16.2 OSD: refused (a run op is empty again: librados moves its steps out)."""
        op = self._handle()
        if aio and not self._steps:
            raise InvalidArgumentError("the %s operation has nothing to do" % self._kind, errno=22)
        self._steps = 0
        return op

    def __del__(self):
        if getattr(self, "_op", None) is not None:
            self.release()

    def set_flags(self, flags=LIBRADOS_OPERATION_NOFLAG):
        """Flags for the last operation added (LogicError if there is none: librados would abort)."""
        flags = _new("int", flags)[0]
        if not self._steps:
            raise LogicError("set_flags() applies to the last step of the operation, and it has none")
        getattr(self._lib, "rados_%s_op_set_flags" % self._kind)(self._handle(), flags)

    def cmpext(self, cmp_buf, offset=0):
        """Require the object's data at ``offset`` to equal ``cmp_buf``."""
        cmp_buf = _data(cmp_buf, "cmp_buf")
        func = getattr(self._lib, "rados_%s_op_cmpext" % self._kind)
        func(self._add(), cmp_buf, len(cmp_buf), _new("uint64_t", offset)[0], self._ffi.NULL)


class WriteOp(_Op):
    _kind = "write"

    def new(self, exclusive=None):
        """Create the object (LIBRADOS_CREATE_EXCLUSIVE: fail if it exists)."""
        self._lib.rados_write_op_create(self._add(), _new("int", exclusive)[0], self._ffi.NULL)

    def remove(self):
        self._lib.rados_write_op_remove(self._add())

    def set_xattr(self, xattr_name, xattr_value):
        name, value = _text(xattr_name, "xattr_name"), _data(xattr_value, "xattr_value")
        self._lib.rados_write_op_setxattr(self._add(), name, value, len(value))

    def rm_xattr(self, xattr_name):
        self._lib.rados_write_op_rmxattr(self._add(), _text(xattr_name, "xattr_name"))

    def append(self, to_write):
        to_write = _data(to_write, "to_write")
        self._lib.rados_write_op_append(self._add(), to_write, len(to_write))

    def write_full(self, to_write):
        to_write = _data(to_write, "to_write")
        self._lib.rados_write_op_write_full(self._add(), to_write, len(to_write))

    def write(self, to_write, offset=0):
        to_write = _data(to_write, "to_write")
        self._lib.rados_write_op_write(self._add(), to_write, len(to_write), _new("uint64_t", offset)[0])

    def assert_version(self, version):
        self._lib.rados_write_op_assert_version(self._add(), _new("uint64_t", version)[0])

    def zero(self, offset, length):
        """Zero ``length`` bytes at ``offset``.

        Ceph's module hands the two to librados swapped, and a zero-length extent aborts a 16.2 OSD: ours
        passes them in order, and adds nothing for ``length`` 0."""
        offset, length = _new("uint64_t", offset)[0], _new("uint64_t", length)[0]
        if length:
            self._lib.rados_write_op_zero(self._add(), offset, length)

    def truncate(self, offset):
        self._lib.rados_write_op_truncate(self._add(), _new("uint64_t", offset)[0])

    def execute(self, cls, method, data):
        """Run OSD class method ``cls.method`` with input ``data``."""
        cls_raw, method_raw, data = _text(cls, "cls"), _text(method, "method"), _data(data, "data")
        self._lib.rados_write_op_exec(self._add(), cls_raw, method_raw, data, len(data), self._ffi.NULL)

    def writesame(self, to_write, write_len, offset=0):
        to_write = _data(to_write, "to_write")
        self._lib.rados_write_op_writesame(self._add(), to_write, len(to_write), _new("size_t", write_len)[0],
                                           _new("uint64_t", offset)[0])

    def omap_cmp(self, key, val, cmp_op=LIBRADOS_CMPXATTR_OP_EQ):
        """Require omap ``key``'s value to compare to ``val`` by ``cmp_op``."""
        key_raw, val_raw = _text(key, "key"), _text(val, "val")
        self._lib.rados_write_op_omap_cmp(self._add(), key_raw, _new("uint8_t", cmp_op)[0], val_raw, len(val),
                                          self._ffi.NULL)


class WriteOpCtx(WriteOp, OpCtx):
    """write operation context manager"""


class ReadOp(_Op):
    _kind = "read"


class ReadOpCtx(ReadOp, OpCtx):
    """read operation context manager"""


class Watch(_ffi.ClosesOnExit):
    """watch object"""

    def __init__(self, ioctx, oid, callback, error_callback, timeout):
        self.id = 0
        self.ioctx = _typed(ioctx, Ioctx, "ioctx").dup()
        self.oid = cstr(oid, "oid")
        self.callback = callback
        self.error_callback = error_callback
        ffi = self.ioctx._ffi
        cookie = ffi.new("uint64_t *")
        self._handle = ffi.new_handle(self)
        timeout = _new("uint32_t", 0 if timeout is None else timeout)[0]
        ret = self.ioctx._lib.rados_watch3(self.ioctx._handle(), self.oid, cookie, _callback("watch"),
                                           _callback("watch_error"), timeout, self._handle)
        if ret < 0:
            self.ioctx.close()
            raise _make_ex(ret, "watch error")
        self.id = int(cookie[0])

    def __del__(self):
        if getattr(self, "id", 0) and self.ioctx.rados.state == "connected":
            self.close()

    def _callback(self, notify_id, notifier_id, watch_id, data):
        reply = self.callback(notify_id, notifier_id, watch_id, data)
        reply = cstr(reply, "replay") if reply is not None else None
        self.ioctx._lib.rados_notify_ack(self.ioctx._handle(), self.oid, notify_id, watch_id,
                                         reply or self.ioctx._ffi.NULL, len(reply or b""))

    def _error_callback(self, watch_id, error):
        if self.error_callback is not None:
            self.error_callback(watch_id, error)

    def get_id(self):
        return self.id

    def check(self):
        """Time since the watch was last confirmed valid (a timedelta)."""
        self.ioctx.require_ioctx_open()
        ret = self.ioctx._lib.rados_watch_check(self.ioctx._handle(), self.id)
        if ret < 0:
            raise _make_ex(ret, "check error")
        return timedelta(milliseconds=ret)

    def close(self):
        """Unregister the watch; wait for callbacks in progress."""
        if self.id == 0:
            return
        self.ioctx.require_ioctx_open()
        lib = self.ioctx._lib
        ret = lib.rados_unwatch2(self.ioctx._handle(), self.id)
        if ret < 0 and ret != -_ENOENT:
            raise _make_ex(ret, "unwatch error")
        self.id = 0
        ret = lib.rados_watch_flush(self.ioctx.rados.cluster)
        if ret < 0:
            raise _make_ex(ret, "watch_flush error")
        self.ioctx.close()


class Ioctx(_ffi.ClosesOnExit):
    """rados.Ioctx object"""

    def __init__(self, rados, name):
        self.rados = rados
        self.name = name
        self.state = "open"
        self.io = _ffi.ffi().NULL
        self.locator_key = ""
        self.nspace = ""
        self.lock = threading.Lock()
        self.safe_completions = []
        self.complete_completions = []
        self._ffi = _ffi.ffi()
        self._lib = _ffi.librados()

    def __del__(self):
        if getattr(self, "state", "closed") == "open":
            self.close()

    def _handle(self):
        """The C handle, or IoctxStateError when closed (or its cluster handle is shut down)."""
        if self.state != "open":
            raise IoctxStateError("The pool is %s" % self.state)
        if self.io == self._ffi.NULL or getattr(self.rados, "state", None) == "shutdown":
            raise IoctxStateError("The pool is not usable: its cluster handle is %s"
                                  % getattr(self.rados, "state", "missing"))
        return self.io

    def _completion(self, oncomplete, onsafe, keep=None, finish=None):
        comp = Completion(self, oncomplete, onsafe)
        comp._keep = keep
        comp._create(finish)
        return comp

    def _submit(self, comp, message, func, *args):
        """Start a request on ``comp``; undo and raise if librados refuses it (or an argument is wrong)."""
        try:
            ret = func(*args)
        except BaseException:
            comp._abandon()
            raise
        if ret < 0:
            comp._abandon()
            raise _make_ex(ret, message)
        return comp

    def dup(self):
        """A new I/O context on the same pool and namespace."""
        ioctx = self.rados.open_ioctx2(self.get_pool_id())
        ioctx.set_namespace(self.get_namespace())
        return ioctx

    # -- asynchronous I/O
    def aio_stat(self, object_name, oncomplete):
        """Start a stat; ``oncomplete(completion, size, mtime)`` (None, None on error)."""
        name = _text(object_name, "object_name")
        io = self._handle()
        size, mtime = self._ffi.new("uint64_t *"), self._ffi.new("time_t *")

        def finish(comp):
            if comp.get_return_value() >= 0:
                return oncomplete(comp, size[0], time.localtime(mtime[0]))
            return oncomplete(comp, None, None)

        comp = self._completion(oncomplete, None, (size, mtime), finish)
        return self._submit(comp, "error stating %s" % object_name, self._lib.rados_aio_stat, io, name,
                            comp.rados_comp, size, mtime)

    def _aio_send(self, func, msg, object_name, data, data_name, oncomplete, onsafe, *ints):
        """Start ``func(io, object, completion, data, len(data), *ints)``, the requests that send ``data``;
        ``msg % object_name`` if librados refuses it."""
        name, data = _text(object_name, "object_name"), _data(data, data_name)
        io = self._handle()
        comp = self._completion(oncomplete, onsafe)
        return self._submit(comp, msg % (object_name,), func, io, name, comp.rados_comp, data, len(data),
                            *map(_cint, ints))

    def aio_write(self, object_name, to_write, offset=0, oncomplete=None, onsafe=None):
        """Start writing ``to_write`` at ``offset``."""
        return self._aio_send(self._lib.rados_aio_write, "error writing object %s", object_name, to_write, "to_write",
                              oncomplete, onsafe, offset)

    def aio_write_full(self, object_name, to_write, oncomplete=None, onsafe=None):
        """Start replacing the object's data by ``to_write``."""
        return self._aio_send(self._lib.rados_aio_write_full, "error writing object %s", object_name, to_write,
                              "to_write", oncomplete, onsafe)

    def aio_writesame(self, object_name, to_write, write_len, offset=0, oncomplete=None):
        """Start writing ``to_write`` repeated over ``write_len`` bytes at ``offset``."""
        return self._aio_send(self._lib.rados_aio_writesame, "error writing object %s", object_name, to_write,
                              "to_write", oncomplete, None, write_len, offset)

    def aio_append(self, object_name, to_append, oncomplete=None, onsafe=None):
        """Start appending ``to_append``."""
        return self._aio_send(self._lib.rados_aio_append, "error appending object %s", object_name, to_append,
                              "to_append", oncomplete, onsafe)

    def aio_flush(self):
        """Wait until all pending writes of this context are safe."""
        ret = self._lib.rados_aio_flush(self._handle())
        if ret < 0:
            raise _make_ex(ret, "error flushing")

    def aio_cmpext(self, object_name, cmp_buf, offset=0, oncomplete=None):
        """Start comparing the object's data at ``offset`` with ``cmp_buf`` (return value: 0, or
        ``-MAX_ERRNO - offset of the first difference``)."""
        return self._aio_send(self._lib.rados_aio_cmpext, "failed to compare %s", object_name, cmp_buf, "cmp_buf",
                              oncomplete, None, offset)

    def aio_rmxattr(self, object_name, xattr_name, oncomplete=None):
        name, xattr = _text(object_name, "object_name"), _text(xattr_name, "xattr_name")
        io = self._handle()
        comp = self._completion(oncomplete, None)
        return self._submit(comp, "Failed to remove xattr %r" % xattr_name, self._lib.rados_aio_rmxattr, io, name,
                            comp.rados_comp, xattr)

    def aio_setxattr(self, object_name, xattr_name, xattr_value, oncomplete=None):
        name, xattr = _text(object_name, "object_name"), _text(xattr_name, "xattr_name")
        value = _data(xattr_value, "xattr_value")
        io = self._handle()
        comp = self._completion(oncomplete, None)
        return self._submit(comp, "Failed to set xattr %r" % xattr_name, self._lib.rados_aio_setxattr, io, name,
                            comp.rados_comp, xattr, value, len(value))

    def aio_read(self, object_name, length, offset, oncomplete=None):
        """Start reading; ``oncomplete(completion, data)`` (data None on error).

        librados copies the whole reply into the buffer without checking its length, and reads the whole
        object for ``length`` 0: Ceph's module then writes past its buffer. Ours gives librados no buffer for
        ``length`` 0 (the data is b"", the return value the object's size)."""
        name = _text(object_name, "object_name")
        io = self._handle()
        buf = _fresh_bytes(length)

        def finish(comp):
            ret = comp.get_return_value()
            return oncomplete(comp, _shrink(buf, ret) if ret >= 0 else None)

        comp = self._completion(oncomplete, None, buf, finish)
        return self._submit(comp, "error reading %s" % object_name, self._lib.rados_aio_read, io, name,
                            comp.rados_comp, _out(self._ffi, buf), len(buf), _cint(offset))

    def aio_execute(self, object_name, cls, method, data, length=8192, oncomplete=None, onsafe=None):
        """Start OSD class method ``cls.method``; the callbacks get ``(completion, output)``.

        rados_aio_exec() copies an output longer than ``length`` past the buffer (Ceph's module corrupts its
        heap then): ours runs the call as a read operation, whose output librados checks, and the completion's
        return value is the output's length or -ERANGE, as rados_exec() gives."""
        name, cls_raw, method_raw = _text(object_name, "object_name"), _text(cls, "cls"), _text(method, "method")
        data = _data(data, "data")
        io = self._handle()
        buf = _fresh_bytes(length)
        used, prval = self._ffi.new("size_t *"), self._ffi.new("int *")
        op = ReadOp().create()
        self._lib.rados_read_op_exec_user_buf(op._handle(), cls_raw, method_raw, data, len(data), _out(self._ffi, buf),
                                              len(buf), used, prval)

        def finish(comp):
            ret = comp.get_return_value()
            out = _shrink(buf, ret) if ret >= 0 else None
            if oncomplete:
                oncomplete(comp, out)
            if onsafe:
                onsafe(comp, out)

        comp = self._completion(oncomplete, onsafe, (buf, op), finish)
        comp._result = lambda ret: ret if ret < 0 else prval[0] if prval[0] < 0 else used[0]
        return self._submit(comp, "error executing %s::%s on %s" % (cls, method, object_name),
                            self._lib.rados_aio_read_op_operate, op._handle(), io, comp.rados_comp, name, 0)

    def aio_remove(self, object_name, oncomplete=None, onsafe=None):
        name = _text(object_name, "object_name")
        io = self._handle()
        comp = self._completion(oncomplete, onsafe)
        return self._submit(comp, "error removing %s" % object_name, self._lib.rados_aio_remove, io, name,
                            comp.rados_comp)

    def aio_notify(self, obj, oncomplete, msg="", timeout_ms=5000):
        """Start a notify; ``oncomplete(completion, 0, acks, timeouts)`` or ``(completion, ret, None, None)``."""
        self.require_ioctx_open()
        msglen = len(msg)
        obj_raw, msg_raw = _text(obj, "obj"), _text(msg, "msg")
        io = self._handle()
        ffi, lib = self._ffi, self._lib
        reply, replylen = ffi.new("char **"), ffi.new("size_t *")

        def finish(comp):
            ret = comp.get_return_value()
            if ret == 0:
                acks, nr_acks = ffi.new("struct notify_ack_t **"), ffi.new("size_t *")
                timeouts, nr_timeouts = ffi.new("struct notify_timeout_t **"), ffi.new("size_t *")
                ret = lib.rados_decode_notify_response(reply[0], replylen[0], acks, nr_acks, timeouts, nr_timeouts)
                lib.rados_buffer_free(reply[0])
                if ret == 0:
                    ack_list = [(ack.notifier_id, ack.cookie, ffi.buffer(ack.payload, ack.payload_len)[:]
                                 if ack.payload_len else "") for ack in acks[0][0:nr_acks[0]]]
                    timeout_list = [(t.notifier_id, t.cookie) for t in timeouts[0][0:nr_timeouts[0]]]
                    lib.rados_free_notify_response(acks[0], nr_acks[0], timeouts[0])
                    return oncomplete(comp, 0, ack_list, timeout_list)
            return oncomplete(comp, ret, None, None)

        comp = self._completion(oncomplete, None, (reply, replylen), finish)
        return self._submit(comp, "aio_notify error: %s" % obj, lib.rados_aio_notify, io, obj_raw, comp.rados_comp,
                            msg_raw, _new("int", msglen)[0], _cint(timeout_ms), reply, replylen)

    # -- context settings
    def require_ioctx_open(self):
        """IoctxStateError unless the context is open."""
        if self.state != "open":
            raise IoctxStateError("The pool is %s" % self.state)

    def set_locator_key(self, loc_key):
        """Place the following objects by ``loc_key`` instead of their names."""
        self.require_ioctx_open()
        self._lib.rados_ioctx_locator_set_key(self._handle(), _text(loc_key, "loc_key"))
        self.locator_key = loc_key

    def get_locator_key(self):
        return self.locator_key

    def set_read(self, snap_id):
        """Read from pool snapshot ``snap_id`` (LIBRADOS_SNAP_HEAD: the live objects)."""
        self.require_ioctx_open()
        self._lib.rados_ioctx_snap_set_read(self._handle(), _new("rados_snap_t", snap_id)[0])

    def set_namespace(self, nspace):
        """Work in namespace ``nspace`` (None or "": the default one)."""
        self.require_ioctx_open()
        if nspace is None:
            nspace = ""
        self._lib.rados_ioctx_set_namespace(self._handle(), _text(nspace, "nspace"))
        self.nspace = nspace

    def get_namespace(self):
        return self.nspace

    def close(self):
        """Release the context (pending asynchronous requests still complete)."""
        if self.state == "open":
            if self.io != self._ffi.NULL and getattr(self.rados, "state", None) != "shutdown":
                self._lib.rados_ioctx_destroy(self.io)
            self.state = "closed"

    # -- synchronous object I/O
    def _zero_or_raise(self, ret, method, verb, key):
        """0 when ``rados_<method>`` returned 0; else the error upstream's ``Ioctx.<method>`` raises."""
        if ret == 0:
            return ret
        if ret < 0:
            raise _make_ex(ret, "Ioctx.%s(%s): failed to %s %s" % (method, self.name, verb, key))
        raise LogicError("Ioctx.%s(%s): rados_%s returned %d, but should return zero on success."
                         % (method, self.name, method, ret))

    def write(self, key, data, offset=0):
        """Write ``data`` at ``offset``; 0."""
        self.require_ioctx_open()
        key_raw, data = _text(key, "key"), _data(data, "data")
        ret = self._lib.rados_write(self._handle(), key_raw, data, len(data), _cint(offset))
        return self._zero_or_raise(ret, "write", "write", key)

    def write_full(self, key, data):
        """Replace the object's data by ``data``; 0."""
        self.require_ioctx_open()
        key_raw, data = _text(key, "key"), _data(data, "data")
        ret = self._lib.rados_write_full(self._handle(), key_raw, data, len(data))
        return self._zero_or_raise(ret, "write_full", "write", key)

    def writesame(self, key, data, write_len, offset=0):
        """Write ``data`` repeated over ``write_len`` bytes at ``offset``."""
        self.require_ioctx_open()
        key_raw, data = _text(key, "key"), _data(data, "data")
        ret = self._lib.rados_writesame(self._handle(), key_raw, data, len(data), _cint(write_len),
                                        _cint(offset))
        if ret < 0:
            raise _make_ex(ret, "Ioctx.writesame(%s): failed to write %s" % (self.name, key))

    def append(self, key, data):
        """Append ``data``; 0."""
        self.require_ioctx_open()
        key_raw, data = _text(key, "key"), _data(data, "data")
        ret = self._lib.rados_append(self._handle(), key_raw, data, len(data))
        return self._zero_or_raise(ret, "append", "append", key)

    def read(self, key, length=8192, offset=0):
        """Up to ``length`` bytes at ``offset`` (bytes)."""
        self.require_ioctx_open()
        key_raw = _text(key, "key")
        buf = _fresh_bytes(length)
        ret = self._lib.rados_read(self._handle(), key_raw, _out(self._ffi, buf), len(buf), _cint(offset))
        if ret < 0:
            raise _make_ex(ret, "Ioctx.read(%s): failed to read %s" % (self.name, key))
        return _shrink(buf, ret)

    def execute(self, key, cls, method, data, length=8192):
        """Run OSD class method ``cls.method`` on the object: ``(ret, output bytes)``."""
        self.require_ioctx_open()
        key_raw, cls_raw, method_raw = _text(key, "key"), _text(cls, "cls"), _text(method, "method")
        data = _data(data, "data")
        buf = _fresh_bytes(length)
        ret = self._lib.rados_exec(self._handle(), key_raw, cls_raw, method_raw, data, len(data),
                                   _out(self._ffi, buf), len(buf))
        if ret < 0:
            raise _make_ex(ret, "Ioctx.read(%s): failed to read %s" % (self.name, key))
        return ret, _shrink(buf, ret)

    def get_stats(self):
        """Pool usage: ``num_bytes``, ``num_kb``, ``num_objects``, ... as in Ceph's module."""
        self.require_ioctx_open()
        stats = self._ffi.new("struct rados_pool_stat_t *")
        ret = self._lib.rados_ioctx_pool_stat(self._handle(), stats)
        if ret < 0:
            raise _make_ex(ret, "Ioctx.get_stats(%s): get_stats failed" % self.name)
        return {key: getattr(stats, key) for key in (
            "num_bytes", "num_kb", "num_objects", "num_object_clones", "num_object_copies",
            "num_objects_missing_on_primary", "num_objects_unfound", "num_objects_degraded", "num_rd", "num_rd_kb",
            "num_wr", "num_wr_kb")}

    def remove_object(self, key):
        """Delete the object; True."""
        self.require_ioctx_open()
        ret = self._lib.rados_remove(self._handle(), _text(key, "key"))
        if ret < 0:
            raise _make_ex(ret, "Failed to remove '%s'" % key)
        return True

    def trunc(self, key, size):
        """Resize the object to ``size``; 0."""
        self.require_ioctx_open()
        ret = self._lib.rados_trunc(self._handle(), _text(key, "key"), _cint(size))
        if ret < 0:
            raise _make_ex(ret, "Ioctx.trunc(%s): failed to truncate %s" % (self.name, key))
        return ret

    def cmpext(self, key, cmp_buf, offset=0):
        """0 if the data at ``offset`` equals ``cmp_buf``, else ``-MAX_ERRNO - offset of the first difference``."""
        self.require_ioctx_open()
        key_raw, data = _text(key, "key"), _data(cmp_buf, "cmp_buf")
        ret = self._lib.rados_cmpext(self._handle(), key_raw, data, len(data), _cint(offset))
        if not (ret < -MAX_ERRNO or ret == 0):
            raise AssertionError("Ioctx.cmpext(%s): failed to compare %s" % (self.name, key))
        return ret

    def stat(self, key):
        """``(size, mtime as time.struct_time)``."""
        self.require_ioctx_open()
        key_raw = _text(key, "key")
        size, mtime = self._ffi.new("uint64_t *"), self._ffi.new("time_t *")
        ret = self._lib.rados_stat(self._handle(), key_raw, size, mtime)
        if ret < 0:
            raise _make_ex(ret, "Failed to stat %r" % key)
        return size[0], time.localtime(mtime[0])

    # -- extended attributes
    def get_xattr(self, key, xattr_name):
        """The value of extended attribute ``xattr_name`` (bytes)."""
        self.require_ioctx_open()
        key_raw, name_raw = _text(key, "key"), _text(xattr_name, "xattr_name")
        size = 4096
        while True:
            buf = self._ffi.new("char[]", size)
            ret = self._lib.rados_getxattr(self._handle(), key_raw, name_raw, buf, size)
            if ret != -_ERANGE:
                break
            size *= 2
        if ret < 0:
            raise _make_ex(ret, "Failed to get xattr %r" % xattr_name)
        return self._ffi.buffer(buf, ret)[:]

    def get_xattrs(self, oid):
        """An iterator of ``(name, value)``."""
        self.require_ioctx_open()
        _text(oid, "oid")
        return XattrIterator(self, oid)

    def set_xattr(self, key, xattr_name, xattr_value):
        """Set extended attribute ``xattr_name``; True."""
        self.require_ioctx_open()
        key_raw, name_raw = _text(key, "key"), _text(xattr_name, "xattr_name")
        value = _data(xattr_value, "xattr_value")
        ret = self._lib.rados_setxattr(self._handle(), key_raw, name_raw, value, len(value))
        if ret < 0:
            raise _make_ex(ret, "Failed to set xattr %r" % xattr_name)
        return True

    def rm_xattr(self, key, xattr_name):
        """Remove extended attribute ``xattr_name``; True."""
        self.require_ioctx_open()
        ret = self._lib.rados_rmxattr(self._handle(), _text(key, "key"), _text(xattr_name, "xattr_name"))
        if ret < 0:
            raise _make_ex(ret, "Failed to delete key %r xattr %r" % (key, xattr_name))
        return True

    # -- watch and notify
    def notify(self, obj, msg="", timeout_ms=5000):
        """Notify the watchers of ``obj`` and wait for them (or ``timeout_ms``); True."""
        self.require_ioctx_open()
        msglen = len(msg)
        obj_raw, msg_raw = _text(obj, "obj"), _text(msg, "msg")
        ret = self._lib.rados_notify2(self._handle(), obj_raw, msg_raw, _new("int", msglen)[0], _cint(timeout_ms),
                                      self._ffi.NULL, self._ffi.NULL)
        if ret < 0:
            raise _make_ex(ret, "Failed to notify %r" % (obj))
        return True

    def watch(self, obj, callback, error_callback=None, timeout=None):
        """A :class:`Watch` calling ``callback(notify_id, notifier_id, watch_id, data)`` on each notify."""
        self.require_ioctx_open()
        _text(obj, "obj")  # Ceph's watch() takes a str only, its Watch also bytes
        return Watch(self, obj, callback, error_callback, timeout)

    # -- listing, pool information
    def list_objects(self):
        """An iterator of :class:`Object` (the context's namespace, or all with LIBRADOS_ALL_NSPACES)."""
        self.require_ioctx_open()
        return ObjectIterator(self)

    def list_snaps(self):
        """An iterator of the pool's :class:`Snap`."""
        self.require_ioctx_open()
        return SnapIterator(self)

    def get_pool_id(self):
        return self._lib.rados_ioctx_get_id(self._handle())

    def get_pool_name(self):
        """The pool's name (asked from librados)."""
        size = 10
        while True:
            buf = self._ffi.new("char[]", size)
            ret = self._lib.rados_ioctx_get_pool_name(self._handle(), buf, size)
            if ret > 0:
                return decode_cstr(self._ffi.string(buf))
            if ret != -_ERANGE:
                raise _make_ex(ret, "get pool name error")
            size *= 2

    # -- pool snapshots
    def _snap_call(self, func, message, *args):
        self.require_ioctx_open()
        ret = func(self._handle(), *args)
        if ret != 0:
            raise _make_ex(ret, message)

    def create_snap(self, snap_name):
        """Take pool snapshot ``snap_name``."""
        self._snap_call(self._lib.rados_ioctx_snap_create, "Failed to create snap %s" % snap_name,
                        _text(snap_name, "snap_name"))

    def remove_snap(self, snap_name):
        self._snap_call(self._lib.rados_ioctx_snap_remove, "Failed to remove snap %s" % snap_name,
                        _text(snap_name, "snap_name"))

    def lookup_snap(self, snap_name):
        """The :class:`Snap` named ``snap_name``."""
        out = self._ffi.new("rados_snap_t *")
        self._snap_call(self._lib.rados_ioctx_snap_lookup, "Failed to lookup snap %s" % snap_name,
                        _text(snap_name, "snap_name"), out)
        return Snap(self, snap_name, int(out[0]))

    def snap_rollback(self, oid, snap_name):
        """Roll object ``oid`` back to pool snapshot ``snap_name``."""
        oid_raw = _text(oid, "oid")
        self._snap_call(self._lib.rados_ioctx_snap_rollback, "Failed to rollback %s" % oid, oid_raw,
                        _text(snap_name, "snap_name"))

    def create_self_managed_snap(self):
        """A new self-managed snapshot id."""
        out = self._ffi.new("rados_snap_t *")
        self._snap_call(self._lib.rados_ioctx_selfmanaged_snap_create, "Failed to create self-managed snapshot", out)
        return int(out[0])

    def remove_self_managed_snap(self, snap_id):
        self._snap_call(self._lib.rados_ioctx_selfmanaged_snap_remove, "Failed to remove self-managed snapshot",
                        _new("rados_snap_t", snap_id)[0])

    def set_self_managed_snap_write(self, snaps):
        """Write with the snapshot context of self-managed snapshots ``snaps``."""
        self.require_ioctx_open()
        ordered = sorted((int(x) for x in snaps), reverse=True) if snaps else []
        seq = ordered[0] if ordered else 0
        array = self._ffi.new("rados_snap_t[]", ordered)
        self._snap_call(self._lib.rados_ioctx_selfmanaged_snap_set_write_ctx, "Failed to update snapshot write context",
                        _new("rados_snap_t", seq)[0], array, len(ordered))

    def rollback_self_managed_snap(self, oid, snap_id):
        oid_raw = _text(oid, "oid")
        self._snap_call(self._lib.rados_ioctx_selfmanaged_snap_rollback, "Failed to rollback %s" % oid, oid_raw,
                        _new("rados_snap_t", snap_id)[0])

    def get_last_version(self):
        """The version of the last object read or written through this context."""
        self.require_ioctx_open()
        return int(self._lib.rados_get_last_version(self._handle()))

    # -- compound operations
    def create_write_op(self):
        """A :class:`WriteOp`; release it with release_write_op()."""
        return WriteOp().create()

    def create_read_op(self):
        """A :class:`ReadOp`; release it with release_read_op()."""
        return ReadOp().create()

    def release_write_op(self, write_op):
        write_op.release()

    def release_read_op(self, read_op):
        _typed(read_op, ReadOp, "read_op").release()

    def set_omap(self, write_op, keys, values):
        """Add setting omap ``keys`` to ``values`` to ``write_op``."""
        _typed(write_op, WriteOp, "write_op")
        if len(keys) != len(values):
            raise Error("Rados(): keys and values must have the same number of items")
        ckeys, key_array = self._strings(keys, "keys")
        cvals = [self._ffi.from_buffer(v) for v in cstr_list(values, "values")]
        self._lib.rados_write_op_omap_set(write_op._add(), key_array, self._ffi.new("char *[]", cvals),
                                          self._ffi.new("size_t[]", [len(v) for v in cvals]), len(ckeys))

    def _strings(self, values, name):
        """C strings of ``values`` and a ``char *[]`` of them (keep both alive for the call)."""
        strings = [self._ffi.new("char[]", v) for v in cstr_list(values, name)]
        return strings, self._ffi.new("char *[]", strings)

    def _operate(self, op, oid, message, func, *args):
        ret = func(op, self._handle(), _text(oid, "oid"), *args)
        if ret != 0:
            raise _make_ex(ret, message % oid)

    def operate_write_op(self, write_op, oid, mtime=0, flags=LIBRADOS_OPERATION_NOFLAG):
        """Run ``write_op`` on object ``oid`` (``mtime`` 0: now)."""
        op = _typed(write_op, WriteOp, "write_op")
        _text(oid, "oid")
        self._operate(op._run(), oid, "Failed to operate write op for oid %s", self._lib.rados_write_op_operate,
                      _new("time_t", mtime), _cint(flags))

    def operate_aio_write_op(self, write_op, oid, oncomplete=None, onsafe=None, mtime=0,
                             flags=LIBRADOS_OPERATION_NOFLAG):
        """Start ``write_op`` on object ``oid``; a :class:`Completion`."""
        op = _typed(write_op, WriteOp, "write_op")
        oid_raw, io = _text(oid, "oid"), self._handle()
        stamp = _new("time_t", mtime)
        op = op._run(aio=True)
        comp = self._completion(oncomplete, onsafe)
        return self._submit(comp, "Failed to operate aio write op for oid %s" % oid,
                            self._lib.rados_aio_write_op_operate, op, io, comp.rados_comp, oid_raw, stamp, _cint(flags))

    def operate_read_op(self, read_op, oid, flag=LIBRADOS_OPERATION_NOFLAG):
        """Run ``read_op`` on object ``oid``."""
        op = _typed(read_op, ReadOp, "read_op")
        _text(oid, "oid")
        self._operate(op._run(), oid, "Failed to operate read op for oid %s", self._lib.rados_read_op_operate,
                      _cint(flag))

    def operate_aio_read_op(self, read_op, oid, oncomplete=None, onsafe=None, flag=LIBRADOS_OPERATION_NOFLAG):
        """Start ``read_op`` on object ``oid``; a :class:`Completion`."""
        op = _typed(read_op, ReadOp, "read_op")
        oid_raw, io = _text(oid, "oid"), self._handle()
        op = op._run(aio=True)
        comp = self._completion(oncomplete, onsafe, read_op)
        return self._submit(comp, "Failed to operate aio read op for oid %s" % oid,
                            self._lib.rados_aio_read_op_operate, op, io, comp.rados_comp, oid_raw, _cint(flag))

    def _omap_iterator(self, func, read_op, *args):
        op = _typed(read_op, ReadOp, "read_op")._add()
        out = self._ffi.new("rados_omap_iter_t *")
        func(op, *(args + (out,)))
        it = OmapIterator(self)
        it.ctx = out[0]
        read_op._outputs.append(it)
        return it, 0

    def _optional_text(self, value, name):
        if value is not None and not isinstance(value, str):
            _text(value, name)
        return value.encode("utf-8") if value else self._ffi.NULL

    def get_omap_vals(self, read_op, start_after, filter_prefix, max_return):
        """Add reading omap values to ``read_op``: ``(OmapIterator, 0)``, filled when the op runs."""
        start = self._optional_text(start_after, "start_after")
        prefix = self._optional_text(filter_prefix, "filter_prefix")
        null = self._ffi.NULL
        return self._omap_iterator(lambda op, *a: self._lib.rados_read_op_omap_get_vals2(op, *a, null, null),
                                   read_op, start, prefix, _omap_max(max_return))

    def get_omap_keys(self, read_op, start_after, max_return):
        """Add reading omap keys to ``read_op``: ``(OmapIterator, 0)`` (values are None)."""
        start = self._optional_text(start_after, "start_after")
        null = self._ffi.NULL
        return self._omap_iterator(lambda op, *a: self._lib.rados_read_op_omap_get_keys2(op, *a, null, null),
                                   read_op, start, _omap_max(max_return))

    def get_omap_vals_by_keys(self, read_op, keys):
        """Add reading the values of omap ``keys`` to ``read_op``: ``(OmapIterator, 0)``."""
        ckeys, array = self._strings(keys, "keys")
        null = self._ffi.NULL
        return self._omap_iterator(lambda op, *a: self._lib.rados_read_op_omap_get_vals_by_keys(op, *a, null),
                                   read_op, array, len(ckeys))

    def remove_omap_keys(self, write_op, keys):
        """Add removing omap ``keys`` to ``write_op``."""
        _typed(write_op, WriteOp, "write_op")
        ckeys, array = self._strings(keys, "keys")
        self._lib.rados_write_op_omap_rm_keys(write_op._add(), array, len(ckeys))

    def clear_omap(self, write_op):
        """Add removing every omap key to ``write_op``."""
        self._lib.rados_write_op_omap_clear(_typed(write_op, WriteOp, "write_op")._add())

    def remove_omap_range2(self, write_op, key_begin, key_end):
        """Add removing the omap keys in [key_begin, key_end) to ``write_op``."""
        _typed(write_op, WriteOp, "write_op")
        begin, end = _text(key_begin, "key_begin"), _text(key_end, "key_end")
        self._lib.rados_write_op_omap_rm_range2(write_op._add(), begin, len(key_begin), end, len(key_end))

    # -- advisory locks
    def _lock(self, func, key, name, cookie, args, desc, duration, flags):
        self.require_ioctx_open()
        raw = [_text(key, "key"), _text(name, "name"), _text(cookie, "cookie")] + args + [_text(desc, "desc")]
        timeval = self._ffi.NULL
        if duration is not None:
            timeval = self._ffi.new("struct timeval *", {"tv_sec": _cint(duration)})
        ret = func(self._handle(), *raw, timeval, _new("uint8_t", flags)[0])
        if ret < 0:
            raise _make_ex(ret, "Ioctx.rados_lock_exclusive(%s): failed to set lock %s on %s" % (self.name, name, key))

    def lock_exclusive(self, key, name, cookie, desc="", duration=None, flags=0):
        """Take exclusive lock ``name`` on object ``key`` (``duration`` seconds, None: until unlocked)."""
        self._lock(self._lib.rados_lock_exclusive, key, name, cookie, [], desc, duration, flags)

    def lock_shared(self, key, name, cookie, tag, desc="", duration=None, flags=0):
        """Take shared lock ``name`` (with ``tag``) on object ``key``."""
        self._lock(self._lib.rados_lock_shared, key, name, cookie, [_text(tag, "tag")], desc, duration, flags)

    def unlock(self, key, name, cookie):
        """Release lock ``name`` held with ``cookie`` on object ``key``."""
        self.require_ioctx_open()
        ret = self._lib.rados_unlock(self._handle(), _text(key, "key"), _text(name, "name"), _text(cookie, "cookie"))
        if ret < 0:
            raise _make_ex(ret, "Ioctx.rados_lock_exclusive(%s): failed to set lock %s on %s" % (self.name, name, key))

    def set_osdmap_full_try(self):
        """Let writes proceed on a full pool."""
        self._lib.rados_set_pool_full_try(self._handle())

    def unset_osdmap_full_try(self):
        self._lib.rados_unset_pool_full_try(self._handle())

    # -- pool applications
    def application_enable(self, app_name, force=False):
        """Enable application ``app_name`` on the pool (``force``: beside another one)."""
        ret = self._lib.rados_application_enable(self._handle(), _text(app_name, "app_name"), 1 if force else 0)
        if ret < 0:
            raise _make_ex(ret, "error enabling application")

    def application_list(self):
        """The applications enabled on the pool."""
        io = self._handle()
        length = self._ffi.new("size_t *", 128)
        while True:
            buf = self._ffi.new("char[]", length[0])
            ret = self._lib.rados_application_list(io, buf, length)
            if ret == 0:
                return [decode_cstr(app) for app in self._ffi.buffer(buf, length[0])[:].split(b"\0") if app]
            if ret == -_ENOENT:
                return None
            if ret != -_ERANGE:
                raise _make_ex(ret, "error listing applications")

    def application_metadata_get(self, app_name, key):
        """The value of ``key`` in application ``app_name``'s metadata; KeyError if unset."""
        app_raw, key_raw = _text(app_name, "app_name"), _text(key, "key")
        io = self._handle()
        size = self._ffi.new("size_t *", 129)
        while True:
            buf = self._ffi.new("char[]", size[0])
            ret = self._lib.rados_application_metadata_get(io, app_raw, key_raw, buf, size)
            if ret != -_ERANGE:
                break
        if ret == -_ENOENT:
            raise KeyError("no metadata %s for application %s" % (key, app_raw))
        if ret != 0:
            raise _make_ex(ret, "error getting metadata %s for application %s" % (key, app_raw))
        return decode_cstr(self._ffi.string(buf))

    def application_metadata_set(self, app_name, key, value):
        ret = self._lib.rados_application_metadata_set(self._handle(), _text(app_name, "app_name"), _text(key, "key"),
                                                       _text(value, "value"))
        if ret < 0:
            raise _make_ex(ret, "error setting application metadata")

    def application_metadata_remove(self, app_name, key):
        ret = self._lib.rados_application_metadata_remove(self._handle(), _text(app_name, "app_name"),
                                                          _text(key, "key"))
        if ret < 0:
            raise _make_ex(ret, "error removing application metadata")

    def application_metadata_list(self, app_name):
        """Application ``app_name``'s metadata as a list of ``(key, value)``."""
        app_raw = _text(app_name, "app_name")
        io = self._handle()
        key_len, val_len = self._ffi.new("size_t *", 128), self._ffi.new("size_t *", 128)
        while True:
            keys, vals = self._ffi.new("char[]", key_len[0]), self._ffi.new("char[]", val_len[0])
            ret = self._lib.rados_application_metadata_list(io, app_raw, keys, key_len, vals, val_len)
            if ret == 0:
                names = [decode_cstr(k) for k in self._ffi.buffer(keys, key_len[0])[:].split(b"\0")]
                values = [decode_cstr(v) for v in self._ffi.buffer(vals, val_len[0])[:].split(b"\0")]
                return list(zip(names, values))[:-1]
            if ret != -_ERANGE:
                raise _make_ex(ret, "error listing application metadata")

    def alignment(self):
        """The pool's required write alignment in bytes, or None."""
        io = self._handle()
        requires = self._ffi.new("int *")
        ret = self._lib.rados_ioctx_pool_requires_alignment2(io, requires)
        if ret != 0:
            raise _make_ex(ret, "error checking alignment")
        if not requires[0]:
            return None
        out = self._ffi.new("uint64_t *")
        ret = self._lib.rados_ioctx_pool_required_alignment2(io, out)
        if ret != 0:
            raise _make_ex(ret, "error querying alignment")
        return out[0]


def _call_with(obj, setting, value, func, args, kwargs):
    """``func(obj, ...)`` with the I/O context's ``setting`` (``locator_key``, ``namespace``) set to ``value``."""
    previous = getattr(obj.ioctx, "get_" + setting)()
    getattr(obj.ioctx, "set_" + setting)(value)
    result = func(obj, *args, **kwargs)
    getattr(obj.ioctx, "set_" + setting)(previous)
    return result


def set_object_locator(func):
    """Decorate an :class:`Object` method to run with the object's locator key set on its I/O context."""
    def retfunc(self, *args, **kwargs):
        if self.locator_key is None:
            return func(self, *args, **kwargs)
        return _call_with(self, "locator_key", self.locator_key, func, args, kwargs)
    return retfunc


def set_object_namespace(func):
    """Decorate an :class:`Object` method to run in the object's namespace."""
    def retfunc(self, *args, **kwargs):
        if self.nspace is None:
            raise LogicError("Namespace not set properly in context")
        return _call_with(self, "namespace", self.nspace, func, args, kwargs)
    return retfunc


class Object(object):
    """Rados object wrapper, makes the object look like a file"""

    def __init__(self, ioctx, key, locator_key=None, nspace=None):
        self.key = key
        self.ioctx = ioctx
        self.offset = 0
        self.state = "exists"
        self.locator_key = locator_key
        self.nspace = "" if nspace is None else nspace

    def __str__(self):
        return "rados.Object(ioctx=%s,key=%s,nspace=%s,locator=%s)" % (
            str(self.ioctx), self.key, "--default--" if self.nspace == "" else self.nspace, self.locator_key)

    def require_object_exists(self):
        if self.state != "exists":
            raise ObjectStateError("The object is %s" % self.state)

    @set_object_locator
    @set_object_namespace
    def read(self, length=1024 * 1024):
        self.require_object_exists()
        data = self.ioctx.read(self.key, length, self.offset)
        self.offset += len(data)
        return data

    @set_object_locator
    @set_object_namespace
    def write(self, string_to_write):
        self.require_object_exists()
        ret = self.ioctx.write(self.key, string_to_write, self.offset)
        if ret == 0:
            self.offset += len(string_to_write)
        return ret

    @set_object_locator
    @set_object_namespace
    def remove(self):
        self.require_object_exists()
        self.ioctx.remove_object(self.key)
        self.state = "removed"

    @set_object_locator
    @set_object_namespace
    def stat(self):
        self.require_object_exists()
        return self.ioctx.stat(self.key)

    def seek(self, position):
        self.require_object_exists()
        self.offset = position

    @set_object_locator
    @set_object_namespace
    def get_xattr(self, xattr_name):
        self.require_object_exists()
        return self.ioctx.get_xattr(self.key, xattr_name)

    @set_object_locator
    @set_object_namespace
    def get_xattrs(self):
        self.require_object_exists()
        return self.ioctx.get_xattrs(self.key)

    @set_object_locator
    @set_object_namespace
    def set_xattr(self, xattr_name, xattr_value):
        self.require_object_exists()
        return self.ioctx.set_xattr(self.key, xattr_name, xattr_value)

    @set_object_locator
    @set_object_namespace
    def rm_xattr(self, xattr_name):
        self.require_object_exists()
        return self.ioctx.rm_xattr(self.key, xattr_name)


class MonitorLog(object):
    """Watch cluster log messages of ``level`` (one of MONITOR_LEVELS): ``callback(arg, line, who, sec, nsec,
    seq, level, msg)`` is called for each while this object (and its cluster handle) lives."""

    def __init__(self, cluster, level, callback, arg):
        self.level = level
        self.callback = callback
        self.arg = arg
        self.cluster = cluster
        self.cluster.monitor_log(level, callback, arg)
