# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ceph's ``rbd`` Python module (python3-rbd 16.2) on cffi: ``RBD``, ``Image``, ``Group``, ``Completion``,
the iterators, the constants and the exceptions, with the same names, signatures, results and errors.

Every librbd call releases the GIL (cffi does so for each C call). The data path hands Python buffers
to librbd with ``ffi.from_buffer``: no copies. Extras over upstream: ``Image.readinto``, buffers other
than ``bytes`` for ``write``/``aio_write``, ``len()`` of ``SnapIterator``.
"""

from __future__ import annotations

import ctypes
import errno
import json
import sys  # noqa: F401 pylint: disable=unused-import
import threading
import time
from collections.abc import Iterable  # noqa: F401 pylint: disable=unused-import
from datetime import datetime, timezone
from itertools import chain  # noqa: F401 pylint: disable=unused-import

from . import _ffi
from .errors import reason

# ``sys``, ``Iterable``, ``chain``, ``json``, ``time``, ``errno`` and ``datetime`` are public names of Ceph's
# module too (its own imports): a script may use them through it.
from .features import (  # noqa: F401 pylint: disable=unused-import
    RBD_FEATURE_DATA_POOL, RBD_FEATURE_DEEP_FLATTEN, RBD_FEATURE_EXCLUSIVE_LOCK, RBD_FEATURE_FAST_DIFF,
    RBD_FEATURE_JOURNALING, RBD_FEATURE_LAYERING, RBD_FEATURE_MIGRATING, RBD_FEATURE_NON_PRIMARY,
    RBD_FEATURE_OBJECT_MAP, RBD_FEATURE_OPERATIONS, RBD_FEATURE_STRIPINGV2, RBD_FEATURES_ALL,
    RBD_FEATURES_INCOMPATIBLE, RBD_FEATURES_MUTABLE, RBD_FEATURES_RW_INCOMPATIBLE, RBD_FEATURES_SINGLE_CLIENT,
    features_from_names, features_to_names,
)

# librbd.h's constants, from the header itself (generated).
from ._constants import (  # noqa: F401 pylint: disable=unused-import
    MIRROR_IMAGE_STATUS_STATE_ERROR, MIRROR_IMAGE_STATUS_STATE_REPLAYING, MIRROR_IMAGE_STATUS_STATE_STARTING_REPLAY,
    MIRROR_IMAGE_STATUS_STATE_STOPPED, MIRROR_IMAGE_STATUS_STATE_STOPPING_REPLAY, MIRROR_IMAGE_STATUS_STATE_SYNCING,
    MIRROR_IMAGE_STATUS_STATE_UNKNOWN, RBD_CONFIG_SOURCE_CONFIG, RBD_CONFIG_SOURCE_IMAGE, RBD_CONFIG_SOURCE_POOL,
    RBD_ENCRYPTION_ALGORITHM_AES128, RBD_ENCRYPTION_ALGORITHM_AES256, RBD_ENCRYPTION_FORMAT_LUKS1,
    RBD_ENCRYPTION_FORMAT_LUKS2, RBD_FLAG_FAST_DIFF_INVALID, RBD_FLAG_OBJECT_MAP_INVALID,
    RBD_GROUP_IMAGE_STATE_ATTACHED, RBD_GROUP_IMAGE_STATE_INCOMPLETE, RBD_GROUP_SNAP_STATE_COMPLETE,
    RBD_GROUP_SNAP_STATE_INCOMPLETE, RBD_IMAGE_MIGRATION_STATE_ABORTING, RBD_IMAGE_MIGRATION_STATE_ERROR,
    RBD_IMAGE_MIGRATION_STATE_EXECUTED, RBD_IMAGE_MIGRATION_STATE_EXECUTING, RBD_IMAGE_MIGRATION_STATE_PREPARED,
    RBD_IMAGE_MIGRATION_STATE_PREPARING, RBD_IMAGE_MIGRATION_STATE_UNKNOWN, RBD_IMAGE_OPTION_DATA_POOL,
    RBD_IMAGE_OPTION_FEATURES, RBD_IMAGE_OPTION_FORMAT, RBD_IMAGE_OPTION_ORDER, RBD_IMAGE_OPTION_STRIPE_COUNT,
    RBD_IMAGE_OPTION_STRIPE_UNIT, RBD_LOCK_MODE_EXCLUSIVE, RBD_LOCK_MODE_SHARED, RBD_MIRROR_IMAGE_DISABLED,
    RBD_MIRROR_IMAGE_DISABLING, RBD_MIRROR_IMAGE_ENABLED, RBD_MIRROR_IMAGE_MODE_JOURNAL,
    RBD_MIRROR_IMAGE_MODE_SNAPSHOT, RBD_MIRROR_MODE_DISABLED, RBD_MIRROR_MODE_IMAGE, RBD_MIRROR_MODE_POOL,
    RBD_MIRROR_PEER_ATTRIBUTE_NAME_KEY, RBD_MIRROR_PEER_ATTRIBUTE_NAME_MON_HOST, RBD_MIRROR_PEER_DIRECTION_RX,
    RBD_MIRROR_PEER_DIRECTION_RX_TX, RBD_MIRROR_PEER_DIRECTION_TX, RBD_OPERATION_FEATURE_CLONE_CHILD,
    RBD_OPERATION_FEATURE_CLONE_PARENT, RBD_OPERATION_FEATURE_GROUP, RBD_OPERATION_FEATURE_SNAP_TRASH,
    RBD_POOL_STAT_OPTION_IMAGES, RBD_POOL_STAT_OPTION_IMAGE_MAX_PROVISIONED_BYTES,
    RBD_POOL_STAT_OPTION_IMAGE_PROVISIONED_BYTES, RBD_POOL_STAT_OPTION_IMAGE_SNAPSHOTS,
    RBD_POOL_STAT_OPTION_TRASH_IMAGES, RBD_POOL_STAT_OPTION_TRASH_MAX_PROVISIONED_BYTES,
    RBD_POOL_STAT_OPTION_TRASH_PROVISIONED_BYTES, RBD_POOL_STAT_OPTION_TRASH_SNAPSHOTS,
    RBD_SNAP_CREATE_IGNORE_QUIESCE_ERROR, RBD_SNAP_CREATE_SKIP_QUIESCE, RBD_SNAP_MIRROR_STATE_NON_PRIMARY,
    RBD_SNAP_MIRROR_STATE_NON_PRIMARY_DEMOTED, RBD_SNAP_MIRROR_STATE_PRIMARY, RBD_SNAP_MIRROR_STATE_PRIMARY_DEMOTED,
    RBD_SNAP_NAMESPACE_TYPE_GROUP, RBD_SNAP_NAMESPACE_TYPE_MIRROR, RBD_SNAP_NAMESPACE_TYPE_TRASH,
    RBD_SNAP_NAMESPACE_TYPE_USER, RBD_SNAP_REMOVE_FLATTEN, RBD_SNAP_REMOVE_FORCE, RBD_SNAP_REMOVE_UNPROTECT,
    RBD_WRITE_ZEROES_FLAG_THICK_PROVISION,
)
from ._constants import RBD_IMAGE_OPTION_CLONE_FORMAT as _RBD_IMAGE_OPTION_CLONE_FORMAT
from ._constants import RBD_IMAGE_OPTION_FLATTEN as _RBD_IMAGE_OPTION_FLATTEN
from ._constants import LIBRADOS_SNAP_HEAD as _SNAP_HEAD

# The exception classes, from python3-rbd itself (generated).
from ._rbd_exceptions import (  # noqa: F401 pylint: disable=unused-import,redefined-builtin
    Error, OSError, PermissionError, ImageNotFound, ObjectNotFound, ImageExists, ObjectExists, IOError, NoSpace,
    IncompleteWriteError, InvalidArgument, LogicError, ReadOnlyImage, ImageBusy, ImageHasSnapshots,
    FunctionNotSupported, ArgumentOutOfRange, ConnectionShutdown, Timeout, DiskQuotaExceeded, OperationNotSupported,
    OperationCanceled,
)

ECANCELED = errno.ECANCELED
_UINT64_MAX = (1 << 64) - 1
_TRASH_SOURCES = ["USER", "MIRRORING", "MIGRATION", "REMOVING", "USER_PARENT"]


_ERRNO_TO_EXCEPTION = {
    errno.EPERM: PermissionError,
    errno.ENOENT: ImageNotFound,
    errno.EIO: IOError,
    errno.ENOSPC: NoSpace,
    errno.EEXIST: ImageExists,
    errno.EINVAL: InvalidArgument,
    errno.EROFS: ReadOnlyImage,
    errno.EBUSY: ImageBusy,
    errno.ENOTEMPTY: ImageHasSnapshots,
    errno.ENOSYS: FunctionNotSupported,
    errno.EDOM: ArgumentOutOfRange,
    errno.ESHUTDOWN: ConnectionShutdown,
    errno.ETIMEDOUT: Timeout,
    errno.EDQUOT: DiskQuotaExceeded,
    errno.EOPNOTSUPP: OperationNotSupported,
    ECANCELED: OperationCanceled,
}
_GROUP_ERRNO_TO_EXCEPTION = dict(_ERRNO_TO_EXCEPTION)
_GROUP_ERRNO_TO_EXCEPTION.update({errno.ENOENT: ObjectNotFound, errno.EEXIST: ObjectExists})


def make_ex(ret, msg, exception_map=None):
    """The exception for librbd's return code ``ret`` (``OSError`` for an errno without its own class)."""
    ret = abs(ret)
    return (exception_map or _ERRNO_TO_EXCEPTION).get(ret, OSError)("%s: %s" % (msg, reason(ret)), errno=ret)


def _check(ret, msg, exception_map=None):
    if ret < 0:
        raise make_ex(ret, msg, exception_map)
    return ret


def _char_p(val, name):
    """``val`` for a ``char *`` that Ceph's module converts without :func:`cstr` (TypeError, not
    InvalidArgument, for anything but a string; ``str`` is an extra: Cython takes only bytes)."""
    if isinstance(val, bytes):
        return val
    try:
        return val.encode("utf-8")
    except (AttributeError, UnicodeEncodeError):
        raise TypeError("expected bytes, %s found" % type(val).__name__) from None


def cstr(val, name, encoding="utf-8", opt=False):
    """``val`` as bytes for a C string; None only when ``opt``; InvalidArgument for anything else."""
    return _ffi.cstr(val, name, encoding, opt, InvalidArgument)


def decode_cstr(val, encoding="utf-8"):
    """``val`` (bytes or None) as str or None."""
    if val is None:
        return None
    return val.decode(encoding)


def _c(ffi, ptr):
    """A C string (or NULL) as str (or None)."""
    return ffi.string(ptr).decode("utf-8") if ptr != ffi.NULL else None


def _utc(seconds):
    """``datetime.utcfromtimestamp(seconds)``, as upstream returns times (naive, UTC)."""
    return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)


def _handle(value, attr, name, expected):
    """``value.<attr>``, the C handle of argument ``name`` that Ceph's module types as ``expected`` (TypeError for
    anything else, as upstream)."""
    try:
        return getattr(value, attr)
    except AttributeError:
        raise TypeError("Argument '%s' has incorrect type (expected %s, got %s)"
                        % (name, expected, type(value).__name__)) from None


def _ioctx(ioctx):
    """The ``rados_ioctx_t`` of an :class:`Ioctx`."""
    return _handle(ioctx, "io", "ioctx", "rados.Ioctx")


def _rados(rados):
    """The ``rados_t`` of a :class:`Rados`."""
    return _handle(rados, "cluster", "rados", "rados.Rados")


def _typed(value, cls, name):
    """``value`` for an argument Ceph's module types as ``cls``: TypeError for another type (None passes, as in
    Cython, and then fails on first use)."""
    if value is not None and not isinstance(value, cls):
        raise TypeError("Argument '%s' has incorrect type (expected rbd.%s, got %s)"
                        % (name, cls.__name__, type(value).__name__))
    return value


def _cint(ctype, value):
    """``value`` as Cython converts it to the C integer ``ctype``: a float is truncated, another non-integer
    (None too) raises TypeError, a value out of range OverflowError."""
    if value is None:
        raise TypeError("an integer is required")
    if isinstance(value, float):
        value = int(value)
    return _ffi.ffi().new(ctype + " *", value)[0]


def _split(ffi, buf, size):
    return [item.decode("utf-8") for item in ffi.buffer(buf, size)[:].split(b"\0") if item]


def _grow(ctype, call, msg, initial=32, exception_map=None):
    """Call ``call(array, size_t *count)``, growing the array while librbd says ERANGE.

    Returns (array, count reported, return value); raises on any other error.
    """
    ffi = _ffi.ffi()
    count = ffi.new("size_t *", initial)
    while True:
        array = ffi.new(ctype, max(count[0], 1))
        ret = call(array, count)
        if ret != -errno.ERANGE:
            _check(ret, msg, exception_map)
            return array, count[0], ret
        count[0] = max(count[0], 2 * len(array))


def _string_out(call, msg, size=512):
    """Call ``call(buf, size_t *len)`` growing on ERANGE; the C string."""
    buf, _length, _ret = _grow("char[]", call, msg, size)
    return _ffi.ffi().string(buf).decode("utf-8")


def _fixed_string_out(call, msg, size=32):
    """Call ``call(buf, size)`` doubling ``size`` on ERANGE; the C string."""
    ffi = _ffi.ffi()
    while True:
        buf = ffi.new("char[]", size)
        ret = call(buf, size)
        if ret != -errno.ERANGE or size > 4096:
            _check(ret, msg)
            return ffi.string(buf).decode("utf-8")
        size *= 2


def _metadata_get(call, key, msg):
    """A metadata value (KeyError if the key is not set)."""
    try:
        return _string_out(lambda buf, size: call(cstr(key, "key"), buf, size), msg, 4096)
    except ImageNotFound:
        raise KeyError(msg.replace("error getting", "no")) from None


def _metadata_remove(call, key, msg):
    ret = call(cstr(key, "key"))
    if ret == -errno.ENOENT:
        raise KeyError(msg.replace("error removing", "no"))
    _check(ret, msg)


def _progress(on_progress):
    """(C callback, keep-alive) for an ``on_progress(offset, total)`` callable, or a no-op callback."""
    ffi = _ffi.ffi()
    if not on_progress:
        return _no_progress(), None

    def _call(offset, total, _arg):
        try:
            ret = on_progress(offset, total)
            return int(ret) if ret is not None else 0
        except Exception:  # noqa: BLE001 - librbd cannot take a Python exception; Ceph's binding ignores it too
            return 0

    callback = ffi.callback("int(uint64_t, uint64_t, void *)", _call)
    return callback, callback


_NO_PROGRESS = []


def _no_progress():
    """A progress callback that does nothing: librbd calls it unconditionally, so NULL would crash."""
    if not _NO_PROGRESS:
        _NO_PROGRESS.append(_ffi.ffi().callback("int(uint64_t, uint64_t, void *)", lambda _off, _total, _arg: 0))
    return _NO_PROGRESS[0]


class _ImageOptions:
    """``rbd_image_options_t`` built from keyword values, destroyed on exit."""

    def __init__(self, features=None, order=None, stripe_unit=None, stripe_count=None, data_pool=None,
                 clone_format=None, flatten=None, fmt=None):
        self._data_pool = data_pool
        self._values = [(option, value) for option, value in (
            (RBD_IMAGE_OPTION_FORMAT, fmt), (RBD_IMAGE_OPTION_FEATURES, features), (RBD_IMAGE_OPTION_ORDER, order),
            (RBD_IMAGE_OPTION_STRIPE_UNIT, stripe_unit), (RBD_IMAGE_OPTION_STRIPE_COUNT, stripe_count),
            (_RBD_IMAGE_OPTION_CLONE_FORMAT, clone_format), (_RBD_IMAGE_OPTION_FLATTEN, flatten),
        ) if value is not None]
        self._lib = _ffi.librbd()

    def __enter__(self):
        ffi = _ffi.ffi()
        handle = ffi.new("rbd_image_options_t *")
        self._lib.rbd_image_options_create(handle)
        self.opts = handle[0]
        try:
            for option, value in self._values:
                self._lib.rbd_image_options_set_uint64(self.opts, option, _cint("uint64_t", value))
            if self._data_pool is not None:
                self._lib.rbd_image_options_set_string(self.opts, RBD_IMAGE_OPTION_DATA_POOL,
                                                       _char_p(self._data_pool, "data_pool"))
        except BaseException:
            self._lib.rbd_image_options_destroy(self.opts)
            raise
        return self.opts

    def __exit__(self, *exc):
        self._lib.rbd_image_options_destroy(self.opts)
        return False


class RBD:
    """This class wraps librbd CRUD functions."""

    def __init__(self):
        self._ffi = _ffi.ffi()
        self._lib = _ffi.librbd()

    def version(self):
        """The librbd version as ``(major, minor, extra)``."""
        out = self._ffi.new("int[3]")
        self._lib.rbd_version(out, out + 1, out + 2)
        return (out[0], out[1], out[2])

    def create(self, ioctx, name, size, order=None, old_format=False, features=None, stripe_unit=None,
               stripe_count=None, data_pool=None):
        """Create image ``name`` of ``size`` bytes; ``order``: object size as a power of two."""
        # Converted and checked in the order of Ceph's module, so that bad input raises what it raises.
        name = cstr(name, "name")
        data_pool = cstr(data_pool, "data_pool", opt=True)
        io = _ioctx(ioctx)
        size = _cint("uint64_t", size)
        c_order = self._ffi.new("int *", 0 if order is None else _cint("int", order))
        if old_format:
            if features or stripe_unit not in (None, 0) or stripe_count not in (None, 0) or data_pool:
                raise InvalidArgument("format 1 images do not support feature masks, non-default striping, "
                                      "nor data pool")
            ret = self._lib.rbd_create(io, name, size, c_order)
        else:
            with _ImageOptions(features, order, stripe_unit, stripe_count, data_pool, fmt=2) as opts:
                ret = self._lib.rbd_create4(io, name, size, opts)
        _check(ret, "error creating image")

    def clone(self, p_ioctx, p_name, p_snapname, c_ioctx, c_name, features=None, order=None, stripe_unit=None,
              stripe_count=None, data_pool=None, clone_format=None):
        """Clone snapshot ``p_name@p_snapname`` to ``c_name`` (``clone_format``: an extra, 1 or 2)."""
        p_snapname, p_name, c_name = cstr(p_snapname, "p_snapname"), cstr(p_name, "p_name"), cstr(c_name, "c_name")
        data_pool = cstr(data_pool, "data_pool", opt=True)
        p_io, c_io = _ioctx(p_ioctx), _ioctx(c_ioctx)
        with _ImageOptions(features, order, stripe_unit, stripe_count, data_pool, clone_format) as opts:
            ret = self._lib.rbd_clone3(p_io, p_name, p_snapname, c_io, c_name, opts)
        _check(ret, "error creating clone")

    def list(self, ioctx):
        """Image names of the pool/namespace."""
        return [image["name"] for image in ImageIterator(ioctx)]

    def list2(self, ioctx):
        """:class:`ImageIterator` over the images of the pool/namespace."""
        return ImageIterator(ioctx)

    def remove(self, ioctx, name, on_progress=None):
        """Remove image ``name`` (ImageHasSnapshots if it has any, ImageBusy if watched or with children)."""
        name = cstr(name, "name")
        callback, _keep = _progress(on_progress)
        _check(self._lib.rbd_remove_with_progress(_ioctx(ioctx), name, callback, self._ffi.NULL),
               "error removing image")

    def rename(self, ioctx, src, dest):
        src, dest = cstr(src, "src"), cstr(dest, "dest")
        _check(self._lib.rbd_rename(_ioctx(ioctx), src, dest), "error renaming image")

    def trash_move(self, ioctx, name, delay=0):
        """Move image ``name`` to the trash; it may be removed after ``delay`` seconds."""
        name = cstr(name, "name")
        _check(self._lib.rbd_trash_move(_ioctx(ioctx), name, _cint("uint64_t", delay)), "error moving image to trash")

    def trash_purge(self, ioctx, expire_ts=None, threshold=-1):
        """Remove the trash entries expired at ``expire_ts`` (default now), or until ``threshold`` usage."""
        expire = time.mktime(expire_ts.timetuple()) if expire_ts else 0
        _check(self._lib.rbd_trash_purge(_ioctx(ioctx), int(expire), threshold), "error purging images from trash")

    def trash_remove(self, ioctx, image_id, force=False, on_progress=None):
        image_id = cstr(image_id, "image_id")
        callback, _keep = _progress(on_progress)
        io, force = _ioctx(ioctx), bool(_cint("int", force))
        ret = self._lib.rbd_trash_remove_with_progress(io, image_id, force, callback, self._ffi.NULL)
        _check(ret, "error deleting image from trash")

    def trash_get(self, ioctx, image_id):
        """The trash entry ``image_id``: ``{"id", "name", "source", "deletion_time", "deferment_end_time"}``."""
        image_id = cstr(image_id, "image_id")
        info = self._ffi.new("rbd_trash_image_info_t *")
        _check(self._lib.rbd_trash_get(_ioctx(ioctx), image_id, info), "error retrieving image from trash")
        try:
            return _trash_entry(self._ffi, info[0])
        finally:
            self._lib.rbd_trash_get_cleanup(info)

    def trash_list(self, ioctx):
        return TrashIterator(ioctx)

    def trash_restore(self, ioctx, image_id, name):
        image_id, name = cstr(image_id, "image_id"), cstr(name, "name")
        _check(self._lib.rbd_trash_restore(_ioctx(ioctx), image_id, name), "error restoring image from trash")

    def migration_prepare(self, ioctx, image_name, dest_ioctx, dest_image_name, features=None, order=None,
                          stripe_unit=None, stripe_count=None, data_pool=None):
        """Prepare the live migration of ``image_name`` to ``dest_image_name`` in ``dest_ioctx``."""
        image_name, dest_image_name = cstr(image_name, "image_name"), cstr(dest_image_name, "dest_image_name")
        io, dest_io = _ioctx(ioctx), _ioctx(dest_ioctx)
        with _ImageOptions(features, order, stripe_unit, stripe_count, data_pool) as opts:
            ret = self._lib.rbd_migration_prepare(io, image_name, dest_io, dest_image_name, opts)
        _check(ret, "error migrating image %s" % image_name)

    def migration_prepare_import(self, source_spec, dest_ioctx, dest_image_name, features=None, order=None,
                                 stripe_unit=None, stripe_count=None, data_pool=None):
        """Prepare importing the image described by ``source_spec`` (JSON) as ``dest_image_name``."""
        source_spec, dest_image_name = cstr(source_spec, "source_spec"), cstr(dest_image_name, "dest_image_name")
        dest_io = _ioctx(dest_ioctx)
        with _ImageOptions(features, order, stripe_unit, stripe_count, data_pool) as opts:
            ret = self._lib.rbd_migration_prepare_import(source_spec, dest_io, dest_image_name, opts)
        _check(ret, "error migrating image %s" % source_spec)

    def _migration_step(self, func, ioctx, image_name, on_progress, msg):
        image_name = cstr(image_name, "image_name")
        callback, _keep = _progress(on_progress)
        _check(func(_ioctx(ioctx), image_name, callback, self._ffi.NULL), msg)

    def migration_execute(self, ioctx, image_name, on_progress=None):
        self._migration_step(self._lib.rbd_migration_execute_with_progress, ioctx, image_name, on_progress,
                             "error executing migration")

    def migration_commit(self, ioctx, image_name, on_progress=None):
        self._migration_step(self._lib.rbd_migration_commit_with_progress, ioctx, image_name, on_progress,
                             "error committing migration")

    def migration_abort(self, ioctx, image_name, on_progress=None):
        self._migration_step(self._lib.rbd_migration_abort_with_progress, ioctx, image_name, on_progress,
                             "error aborting migration")

    def migration_status(self, ioctx, image_name):
        """The migration of ``image_name`` as a dict (ImageNotFound if it is not migrating)."""
        image_name = cstr(image_name, "image_name")
        status = self._ffi.new("rbd_image_migration_status_t *")
        _check(self._lib.rbd_migration_status(_ioctx(ioctx), image_name, status,
                                              self._ffi.sizeof("rbd_image_migration_status_t")),
               "error getting migration status")
        ffi = self._ffi
        try:
            return {
                "source_pool_id": status.source_pool_id,
                "source_pool_namespace": _c(ffi, status.source_pool_namespace),
                "source_image_name": _c(ffi, status.source_image_name),
                "source_image_id": _c(ffi, status.source_image_id),
                "dest_pool_id": status.dest_pool_id,
                "dest_pool_namespace": _c(ffi, status.dest_pool_namespace),
                "dest_image_name": _c(ffi, status.dest_image_name),
                "dest_image_id": _c(ffi, status.dest_image_id),
                "state": int(status.state),
                "state_description": _c(ffi, status.state_description),
            }
        finally:
            self._lib.rbd_migration_status_cleanup(status)

    def mirror_site_name_get(self, rados):
        cluster = _rados(rados)
        return _string_out(lambda buf, size: self._lib.rbd_mirror_site_name_get(cluster, buf, size),
                           "error getting site name")

    def mirror_site_name_set(self, rados, site_name):
        site_name = cstr(site_name, "site_name")
        _check(self._lib.rbd_mirror_site_name_set(_rados(rados), site_name), "error setting mirror site name")

    def mirror_mode_get(self, ioctx):
        mode = self._ffi.new("rbd_mirror_mode_t *")
        _check(self._lib.rbd_mirror_mode_get(_ioctx(ioctx), mode), "error getting mirror mode")
        return int(mode[0])

    def mirror_mode_set(self, ioctx, mirror_mode):
        _check(self._lib.rbd_mirror_mode_set(_ioctx(ioctx), _cint("int", mirror_mode)), "error setting mirror mode")

    def mirror_uuid_get(self, ioctx):
        io = _ioctx(ioctx)
        return _string_out(lambda buf, size: self._lib.rbd_mirror_uuid_get(io, buf, size),
                           "error retrieving mirror uuid")

    def mirror_peer_bootstrap_create(self, ioctx):
        io = _ioctx(ioctx)
        return _string_out(lambda buf, size: self._lib.rbd_mirror_peer_bootstrap_create(io, buf, size),
                           "error creating bootstrap token")

    def mirror_peer_bootstrap_import(self, ioctx, direction, token):
        token = cstr(token, "token")
        _check(self._lib.rbd_mirror_peer_bootstrap_import(_ioctx(ioctx), _cint("int", direction), token),
               "error importing bootstrap token")

    def mirror_peer_add(self, ioctx, site_name, client_name, direction=RBD_MIRROR_PEER_DIRECTION_RX_TX):
        """Add a mirror peer; its uuid."""
        site_name, client_name = cstr(site_name, "site_name"), cstr(client_name, "client_name")
        uuid = self._ffi.new("char[]", 512)
        io, direction = _ioctx(ioctx), _cint("int", direction)
        _check(self._lib.rbd_mirror_peer_site_add(io, uuid, 512, direction, site_name, client_name),
               "error adding mirror peer")
        return self._ffi.string(uuid).decode("utf-8")

    def mirror_peer_remove(self, ioctx, uuid):
        uuid = cstr(uuid, "uuid")
        _check(self._lib.rbd_mirror_peer_site_remove(_ioctx(ioctx), uuid), "error removing mirror peer")

    def mirror_peer_list(self, ioctx):
        return MirrorPeerIterator(ioctx)

    def mirror_peer_set_client(self, ioctx, uuid, client_name):
        uuid, client_name = cstr(uuid, "uuid"), cstr(client_name, "client_name")
        _check(self._lib.rbd_mirror_peer_site_set_client_name(_ioctx(ioctx), uuid, client_name),
               "error setting mirror peer client name")

    def mirror_peer_set_name(self, ioctx, uuid, site_name):
        uuid, site_name = cstr(uuid, "uuid"), cstr(site_name, "site_name")
        _check(self._lib.rbd_mirror_peer_site_set_name(_ioctx(ioctx), uuid, site_name),
               "error setting mirror peer site name")

    def mirror_peer_set_cluster(self, ioctx, uuid, cluster_name):
        self.mirror_peer_set_name(ioctx, uuid, cluster_name)

    def mirror_peer_get_attributes(self, ioctx, uuid):
        """The peer's optional attributes (``mon_host``, ``key``) as a dict."""
        uuid = cstr(uuid, "uuid")
        io = _ioctx(ioctx)
        ffi = self._ffi
        keys_len, vals_len, count = ffi.new("size_t *", 512), ffi.new("size_t *", 512), ffi.new("size_t *")
        while True:
            keys, vals = ffi.new("char[]", keys_len[0]), ffi.new("char[]", vals_len[0])
            ret = self._lib.rbd_mirror_peer_site_get_attributes(io, uuid, keys, keys_len, vals, vals_len, count)
            if ret != -errno.ERANGE:
                break
        _check(ret, "error getting mirror peer attributes")
        names = ffi.buffer(keys, keys_len[0])[:].split(b"\0")[:-1]
        values = ffi.buffer(vals, vals_len[0])[:].split(b"\0")[:-1]
        return {key.decode("utf-8"): value.decode("utf-8") for key, value in zip(names, values)}

    def mirror_peer_set_attributes(self, ioctx, uuid, attributes):
        uuid = cstr(uuid, "uuid")
        items = attributes.items()  # AttributeError for anything but a mapping, as upstream
        keys = b"\0".join(cstr(key, "key") for key, _value in items)
        vals = b"\0".join(cstr(value, "val") for _key, value in items)
        _check(self._lib.rbd_mirror_peer_site_set_attributes(_ioctx(ioctx), uuid, keys, vals, len(attributes)),
               "error setting mirror peer attributes")

    def mirror_image_status_list(self, ioctx):
        return MirrorImageStatusIterator(ioctx)

    def mirror_image_status_summary(self, ioctx):
        """``[(state, count)]`` of the pool's mirrored images."""
        states = self._ffi.new("rbd_mirror_image_status_state_t[]", 32)
        counts = self._ffi.new("int[]", 32)
        maxlen = self._ffi.new("size_t *", 32)
        _check(self._lib.rbd_mirror_image_status_summary(_ioctx(ioctx), states, counts, maxlen),
               "error getting mirror image status summary")
        return [(int(states[i]), counts[i]) for i in range(maxlen[0])]

    def mirror_image_instance_id_list(self, ioctx):
        return MirrorImageInstanceIdIterator(ioctx)

    def mirror_image_info_list(self, ioctx, mode_filter=None):
        return MirrorImageInfoIterator(ioctx, mode_filter)

    def pool_metadata_get(self, ioctx, key):
        io = _ioctx(ioctx)
        return _metadata_get(lambda k, buf, size: self._lib.rbd_pool_metadata_get(io, k, buf, size), key,
                             "error getting metadata %s" % key)

    def pool_metadata_set(self, ioctx, key, value):
        key, value = cstr(key, "key"), cstr(value, "value")
        _check(self._lib.rbd_pool_metadata_set(_ioctx(ioctx), key, value), "error setting metadata %s" % key)

    def pool_metadata_remove(self, ioctx, key):
        io = _ioctx(ioctx)
        _metadata_remove(lambda k: self._lib.rbd_pool_metadata_remove(io, k), key, "error removing metadata %s" % key)

    def pool_metadata_list(self, ioctx):
        return PoolMetadataIterator(ioctx)

    def config_list(self, ioctx):
        return ConfigPoolIterator(ioctx)

    def config_get(self, ioctx, key):
        """The pool-level override of option ``key`` (KeyError if none)."""
        conf_key = "conf_" + key
        io = _ioctx(ioctx)
        return _metadata_get(lambda k, buf, size: self._lib.rbd_pool_metadata_get(io, k, buf, size), conf_key,
                             "error getting config %s for pool %s" % (key, ioctx.get_pool_name()))

    def config_set(self, ioctx, key, value):
        conf_key = cstr("conf_" + key, "key")
        value = cstr(value, "value")
        _check(self._lib.rbd_pool_metadata_set(_ioctx(ioctx), conf_key, value),
               "error setting config %s for pool %s" % (key, ioctx.get_pool_name()))

    def config_remove(self, ioctx, key):
        conf_key = "conf_" + key
        io = _ioctx(ioctx)
        _metadata_remove(lambda k: self._lib.rbd_pool_metadata_remove(io, k), conf_key,
                         "error removing config %s for pool %s" % (key, ioctx.get_pool_name()))

    def group_create(self, ioctx, name):
        name = cstr(name, "name")
        _check(self._lib.rbd_group_create(_ioctx(ioctx), name), "error creating group %s" % name,
               _GROUP_ERRNO_TO_EXCEPTION)

    def group_remove(self, ioctx, name):
        name = cstr(name, "name")
        _check(self._lib.rbd_group_remove(_ioctx(ioctx), name), "error removing group", _GROUP_ERRNO_TO_EXCEPTION)

    def group_list(self, ioctx):
        io = _ioctx(ioctx)
        buf, _size, ret = _grow("char[]", lambda a, n: self._lib.rbd_group_list(io, a, n), "error listing groups",
                                512, _GROUP_ERRNO_TO_EXCEPTION)
        return _split(self._ffi, buf, ret)

    def group_rename(self, ioctx, src, dest):
        src, dest = cstr(src, "src"), cstr(dest, "dest")
        _check(self._lib.rbd_group_rename(_ioctx(ioctx), src, dest), "error renaming group")

    def namespace_create(self, ioctx, name):
        name = cstr(name, "name")
        _check(self._lib.rbd_namespace_create(_ioctx(ioctx), name), "error creating namespace")

    def namespace_remove(self, ioctx, name):
        name = cstr(name, "name")
        _check(self._lib.rbd_namespace_remove(_ioctx(ioctx), name), "error removing namespace")

    def namespace_exists(self, ioctx, name):
        name = cstr(name, "name")
        exists = self._ffi.new("bool *")
        _check(self._lib.rbd_namespace_exists(_ioctx(ioctx), name, exists), "error verifying namespace")
        return bool(exists[0])

    def namespace_list(self, ioctx):
        io = _ioctx(ioctx)
        buf, size, _ret = _grow("char[]", lambda a, n: self._lib.rbd_namespace_list(io, a, n),
                                "error listing namespaces", 512)
        return _split(self._ffi, buf, size)

    def pool_init(self, ioctx, force):
        """Initialize the pool for RBD (``rbd pool init``)."""
        _check(self._lib.rbd_pool_init(_ioctx(ioctx), bool(force)), "error initializing pool")

    def pool_stats_get(self, ioctx):
        """Image and trash counts and provisioned bytes of the pool/namespace."""
        names = ("image_count", "image_provisioned_bytes", "image_max_provisioned_bytes", "image_snap_count",
                 "trash_count", "trash_provisioned_bytes", "trash_max_provisioned_bytes", "trash_snap_count")
        io = _ioctx(ioctx)
        values = self._ffi.new("uint64_t[]", len(names))
        handle = self._ffi.new("rbd_pool_stats_t *")
        self._lib.rbd_pool_stats_create(handle)
        try:
            for option in range(len(names)):  # the RBD_POOL_STAT_OPTION_* values, in this order
                self._lib.rbd_pool_stats_option_add_uint64(handle[0], option, values + option)
            _check(self._lib.rbd_pool_stats_get(io, handle[0]), "error retrieving pool stats")
        finally:
            self._lib.rbd_pool_stats_destroy(handle[0])
        return dict(zip(names, values))

    def features_to_string(self, features):
        """``features`` as librbd names them (``"layering,exclusive-lock"``)."""
        features = _cint("uint64_t", features)
        return _string_out(lambda buf, size: self._lib.rbd_features_to_string(features, buf, size),
                           "error converting features bitmask to str", 1024)

    def features_from_string(self, str_features):
        """The bitmask for ``str_features`` (empty: librbd's default features)."""
        str_features = cstr(str_features, "str_features")
        out = self._ffi.new("uint64_t *")
        _check(self._lib.rbd_features_from_string(str_features, out), "error getting features bitmask from str")
        return out[0]

    def aio_open_image(self, oncomplete, ioctx, name=None, snapshot=None, read_only=False, image_id=None):
        """Open an image asynchronously; ``oncomplete(completion, image)`` runs when it is open."""
        image = Image(ioctx, name, snapshot, read_only, image_id, oncomplete)
        comp, image._open_completion = image._open_completion, None
        return comp


def _trash_entry(ffi, entry):
    return {
        "id": _c(ffi, entry.id),
        "name": _c(ffi, entry.name),
        "source": _TRASH_SOURCES[entry.source],
        "deletion_time": _utc(entry.deletion_time),
        "deferment_end_time": _utc(entry.deferment_end_time),
    }


class _Listed:
    """An iterator class whose constructor lists everything at once (as Ceph's do)."""

    _items = ()

    def __iter__(self):
        return iter(self._items)

    def _keep(self, entries, count, convert, cleanup):
        """Keep ``convert(entry)`` of the first ``count`` entries, then ``cleanup(entries, count)`` (always)."""
        try:
            self._items = [convert(entry) for entry in entries[0:count]]
        finally:
            cleanup(entries, count)


class ImageIterator(_Listed):
    """The images of a pool/namespace: dicts ``{"id", "name"}``."""

    def __init__(self, ioctx):
        lib, ffi, io = _ffi.librbd(), _ffi.ffi(), _ioctx(ioctx)
        specs, count, _ret = _grow("rbd_image_spec_t[]", lambda a, n: lib.rbd_list2(io, a, n),
                                   "error listing images.", 1024)
        self._keep(specs, count, lambda spec: {"id": _c(ffi, spec.id), "name": _c(ffi, spec.name)},
                   lib.rbd_image_spec_list_cleanup)


class TrashIterator(_Listed):
    """Trash entries: dicts ``{"id", "name", "source", "deletion_time", "deferment_end_time"}``."""

    def __init__(self, ioctx):
        lib, ffi, io = _ffi.librbd(), _ffi.ffi(), _ioctx(ioctx)
        entries, _count, ret = _grow("rbd_trash_image_info_t[]", lambda a, n: lib.rbd_trash_list(io, a, n),
                                     "error listing trash entries", 1024)
        self._keep(entries, ret, lambda entry: _trash_entry(ffi, entry), lib.rbd_trash_list_cleanup)


class MirrorPeerIterator(_Listed):
    """Mirror peers: dicts ``{"uuid", "direction", "site_name", "cluster_name", "mirror_uuid", "client_name"}``."""

    def __init__(self, ioctx):
        lib, ffi, io = _ffi.librbd(), _ffi.ffi(), _ioctx(ioctx)
        count = ffi.new("int *", 10)
        while True:
            peers = ffi.new("rbd_mirror_peer_site_t[]", count[0])
            ret = lib.rbd_mirror_peer_site_list(io, peers, count)
            if ret != -errno.ERANGE:
                break
        _check(ret, "error listing peers")
        self._keep(peers, count[0], lambda peer: {
            "uuid": _c(ffi, peer.uuid), "direction": int(peer.direction), "site_name": _c(ffi, peer.site_name),
            "cluster_name": _c(ffi, peer.site_name), "mirror_uuid": _c(ffi, peer.mirror_uuid),
            "client_name": _c(ffi, peer.client_name),
        }, lib.rbd_mirror_peer_site_list_cleanup)


class _ConfigIterator(_Listed):
    def _collect(self, call):
        ffi = _ffi.ffi()
        count = ffi.new("int *", 32)
        while True:
            options = ffi.new("rbd_config_option_t[]", count[0])
            ret = call(options, count)
            if ret != -errno.ERANGE:
                break
        _check(ret, "error listing config options")
        self._keep(options, count[0], lambda opt: {"name": _c(ffi, opt.name), "value": _c(ffi, opt.value),
                                                   "source": int(opt.source)}, self._cleanup)


class ConfigPoolIterator(_ConfigIterator):
    """Pool-level overrides: dicts ``{"name", "value", "source"}``."""

    def __init__(self, ioctx):
        lib, io = _ffi.librbd(), _ioctx(ioctx)
        self._cleanup = lib.rbd_config_pool_list_cleanup
        self._collect(lambda options, count: lib.rbd_config_pool_list(io, options, count))


class ConfigImageIterator(_ConfigIterator):
    """Image-level overrides (and the values in effect): dicts ``{"name", "value", "source"}``."""

    def __init__(self, image):
        _typed(image, Image, "image").require_not_closed()
        lib = _ffi.librbd()
        self._cleanup = lib.rbd_config_image_list_cleanup
        self._collect(lambda options, count: lib.rbd_config_image_list(image.image, options, count))


class _ChunkIterator:
    """Pages of a listing that librbd returns from ``last_read`` on, ``max_read`` at a time."""

    max_read = 1024

    def __init__(self):
        self.last_read = b""
        self.next_chunk = []
        self.get_next_chunk()

    def __iter__(self):
        while self.next_chunk:
            chunk = self.next_chunk
            yield from (self._item(entry) for entry in chunk)
            if len(chunk) < self.max_read:
                break
            self.get_next_chunk()

    def _item(self, entry):
        return entry

    def get_next_chunk(self):
        chunk = self._fetch()
        if chunk:
            self.last_read = self._last_key(chunk[-1]).encode("utf-8")
        else:
            self.last_read = b""
        self.next_chunk = chunk

    def _last_key(self, entry):
        return entry[0]


class _MetadataChunks(_ChunkIterator):
    max_read = 32

    def _fetch(self):
        ffi = _ffi.ffi()
        key_len, val_len = ffi.new("size_t *", 4096), ffi.new("size_t *", 4096)
        while True:
            keys, vals = ffi.new("char[]", key_len[0]), ffi.new("char[]", val_len[0])
            ret = self._list(self.last_read, self.max_read, keys, key_len, vals, val_len)
            if ret != -errno.ERANGE:
                break
        _check(ret, "error listing metadata")
        names = _split(ffi, keys, key_len[0])
        values = [v.decode("utf-8") for v in ffi.buffer(vals, val_len[0])[:].split(b"\0")[:len(names)]]
        return list(zip(names, values))


class MetadataIterator(_MetadataChunks):
    """An image's metadata: ``(key, value)`` tuples."""

    def __init__(self, image):
        _typed(image, Image, "image").require_not_closed()
        self._image = image
        lib = _ffi.librbd()
        self._list = lambda *args: lib.rbd_metadata_list(image.image, *args)
        super().__init__()

    def get_next_chunk(self):
        self._image.require_not_closed()
        super().get_next_chunk()


class PoolMetadataIterator(_MetadataChunks):
    """A pool's RBD metadata: ``(key, value)`` tuples."""

    def __init__(self, ioctx):
        lib, io = _ffi.librbd(), _ioctx(ioctx)
        self._list = lambda *args: lib.rbd_pool_metadata_list(io, *args)
        super().__init__()


def _site_statuses(ffi, count, statuses):
    """(local status dict or None, remote statuses) of a ``rbd_mirror_image_global_status_t``."""
    local, remote = None, []
    for i in range(count):
        site = statuses[i]
        status = {"state": int(site.state), "description": _c(ffi, site.description),
                  "last_update": _utc(site.last_update), "up": bool(site.up)}
        mirror_uuid = _c(ffi, site.mirror_uuid)
        if mirror_uuid == "":
            local = status
        else:
            status["mirror_uuid"] = mirror_uuid
            remote.append(status)
    return local, remote


class MirrorImageStatusIterator(_ChunkIterator):
    """Mirror status of the pool's images: dicts ``{"name", "id", "info", "state", ..., "remote_statuses"}``."""

    def __init__(self, ioctx):
        self._io = _ioctx(ioctx)
        super().__init__()

    def _fetch(self):
        ffi, lib = _ffi.ffi(), _ffi.librbd()
        ids = ffi.new("char *[]", self.max_read)
        images = ffi.new("rbd_mirror_image_global_status_t[]", self.max_read)
        size = ffi.new("size_t *")
        _check(lib.rbd_mirror_image_global_status_list(self._io, self.last_read, self.max_read, ids, images, size),
               "error listing mirror images status")
        try:
            chunk = []
            for i in range(size[0]):
                image = images[i]
                local, remote = _site_statuses(ffi, image.site_statuses_count, image.site_statuses)
                status = {"name": _c(ffi, image.name), "id": _c(ffi, ids[i]),
                          "info": {"global_id": _c(ffi, image.info.global_id), "state": int(image.info.state)},
                          "remote_statuses": remote}
                status.update(local or {})
                chunk.append(status)
            return chunk
        finally:
            lib.rbd_mirror_image_global_status_list_cleanup(ids, images, size[0])

    def _last_key(self, entry):
        return entry["id"]


class MirrorImageInstanceIdIterator(_ChunkIterator):
    """``(image_id, instance_id)`` of the pool's mirrored images."""

    def __init__(self, ioctx):
        self._io = _ioctx(ioctx)
        super().__init__()

    def _fetch(self):
        ffi, lib = _ffi.ffi(), _ffi.librbd()
        ids, instances = ffi.new("char *[]", self.max_read), ffi.new("char *[]", self.max_read)
        size = ffi.new("size_t *")
        _check(lib.rbd_mirror_image_instance_id_list(self._io, self.last_read, self.max_read, ids, instances, size),
               "error listing mirror images instance ids")
        try:
            return [(_c(ffi, ids[i]), _c(ffi, instances[i])) for i in range(size[0])]
        finally:
            lib.rbd_mirror_image_instance_id_list_cleanup(ids, instances, size[0])


class MirrorImageInfoIterator(_ChunkIterator):
    """``(image_id, {"mode", "global_id", "state", "primary"})`` of the pool's mirrored images."""

    def __init__(self, ioctx, mode_filter):
        self._io = _ioctx(ioctx)
        ffi = _ffi.ffi()
        self._filter = ffi.new("rbd_mirror_image_mode_t *", _cint("int", mode_filter)) \
            if mode_filter is not None else ffi.NULL
        super().__init__()

    def _fetch(self):
        ffi, lib = _ffi.ffi(), _ffi.librbd()
        ids = ffi.new("char *[]", self.max_read)
        modes = ffi.new("rbd_mirror_image_mode_t[]", self.max_read)
        infos = ffi.new("rbd_mirror_image_info_t[]", self.max_read)
        size = ffi.new("size_t *")
        _check(lib.rbd_mirror_image_info_list(self._io, self._filter, self.last_read, self.max_read, ids, modes,
                                              infos, size), "error listing mirror image info")
        try:
            return [(_c(ffi, ids[i]), {"mode": int(modes[i]), "global_id": _c(ffi, infos[i].global_id),
                                       "state": int(infos[i].state), "primary": bool(infos[i].primary)})
                    for i in range(size[0])]
        finally:
            lib.rbd_mirror_image_info_list_cleanup(ids, infos, size[0])


class Group:
    """An RBD group: its images and its snapshots."""

    def __init__(self, ioctx, name):
        self.name = cstr(name, "name")
        self._io = _ioctx(ioctx)
        self._lib = _ffi.librbd()

    def __enter__(self):
        return self

    def __exit__(self, type_, value, traceback):
        return False

    def add_image(self, image_ioctx, image_name):
        image_name = cstr(image_name, "image_name")
        _check(self._lib.rbd_group_image_add(self._io, self.name, _ioctx(image_ioctx), image_name),
               "error adding image to group", _GROUP_ERRNO_TO_EXCEPTION)

    def remove_image(self, image_ioctx, image_name):
        image_name = cstr(image_name, "image_name")
        _check(self._lib.rbd_group_image_remove(self._io, self.name, _ioctx(image_ioctx), image_name),
               "error removing image from group", _GROUP_ERRNO_TO_EXCEPTION)

    def list_images(self):
        return GroupImageIterator(self)

    def create_snap(self, snap_name, flags=0):
        snap_name = cstr(snap_name, "snap_name")
        _check(self._lib.rbd_group_snap_create2(self._io, self.name, snap_name, _cint("uint32_t", flags)),
               "error creating group snapshot", _GROUP_ERRNO_TO_EXCEPTION)

    def remove_snap(self, snap_name):
        snap_name = cstr(snap_name, "snap_name")
        _check(self._lib.rbd_group_snap_remove(self._io, self.name, snap_name), "error removing group snapshot",
               _GROUP_ERRNO_TO_EXCEPTION)

    def rename_snap(self, old_snap_name, new_snap_name):
        old_snap_name, new_snap_name = cstr(old_snap_name, "old_snap_name"), cstr(new_snap_name, "new_snap_name")
        _check(self._lib.rbd_group_snap_rename(self._io, self.name, old_snap_name, new_snap_name),
               "error renaming group snapshot", _GROUP_ERRNO_TO_EXCEPTION)

    def list_snaps(self):
        return GroupSnapIterator(self)

    def rollback_to_snap(self, name):
        name = cstr(name, "name")
        _check(self._lib.rbd_group_snap_rollback(self._io, self.name, name), "error rolling back group to snapshot",
               _GROUP_ERRNO_TO_EXCEPTION)


class _GroupListing(_Listed):
    def _collect(self, group, ctype, call, cleanup, convert, what):
        ffi = _ffi.ffi()
        size = ffi.sizeof(ctype)
        entries, count, _ret = _grow(ctype + "[]", lambda a, n: call(group._io, group.name, a, size, n),
                                     "error listing %s for group %s" % (what, group.name.decode("utf-8")), 10,
                                     _GROUP_ERRNO_TO_EXCEPTION)
        self._keep(entries, count, lambda entry: convert(ffi, entry), lambda array, n: cleanup(array, size, n))


class GroupImageIterator(_GroupListing):
    """A group's images: dicts ``{"name", "pool", "state"}``."""

    def __init__(self, group):
        _typed(group, Group, "group")
        lib = _ffi.librbd()
        self._collect(group, "rbd_group_image_info_t", lib.rbd_group_image_list, lib.rbd_group_image_list_cleanup,
                      lambda ffi, e: {"name": _c(ffi, e.name), "pool": e.pool, "state": int(e.state)}, "images")


class GroupSnapIterator(_GroupListing):
    """A group's snapshots: dicts ``{"name", "state"}``."""

    def __init__(self, group):
        _typed(group, Group, "group")
        lib = _ffi.librbd()
        self._collect(group, "rbd_group_snap_info_t", lib.rbd_group_snap_list, lib.rbd_group_snap_list_cleanup,
                      lambda ffi, e: {"name": _c(ffi, e.name), "state": int(e.state)}, "snapshots")


_PENDING = set()  # completions with a Python callback, alive until librbd calls it
_CALLBACK = []


def _complete_callback():
    """The one C callback for every completion (runs on a librbd thread)."""
    if not _CALLBACK:
        ffi = _ffi.ffi()

        @ffi.callback("void(rbd_completion_t, void *)")
        def _on_complete(_comp, arg):
            ffi.from_handle(arg)._finish()

        _CALLBACK.append(_on_complete)
    return _CALLBACK[0]


class Completion:
    """One asynchronous request. ``oncomplete`` (if any) runs on a librbd thread when it finishes.

    ``keep`` stays alive until then (the request's buffers); ``results(ret)`` gives the values passed to
    ``oncomplete`` after the completion itself (the data read, the image opened, ...).
    """

    exc_info = None  # what ``oncomplete`` raised, raised again by ``wait_for_complete_and_cb``
    _ret = None  # librbd's return value, once collected

    def __init__(self, image, oncomplete, keep=None, results=None):
        self.image = image
        self.oncomplete = oncomplete
        self._keep = keep
        self._results = results
        self._ffi = image._ffi
        self._lib = image._lib
        comp = self._ffi.new("rbd_completion_t *")
        if oncomplete is None and results is None:
            self._handle = None
            _check(self._lib.rbd_aio_create_completion(self._ffi.NULL, self._ffi.NULL, comp),
                   "error getting a completion")
        else:  # librbd calls back on its thread: waiters wait for ``_done``
            self._done = threading.Event()
            self._handle = self._ffi.new_handle(self)
            _check(self._lib.rbd_aio_create_completion(self._handle, _complete_callback(), comp),
                   "error getting a completion")
            _PENDING.add(self)
        self.rbd_comp = comp[0]

    def _submitted(self, ret, msg):
        """Check the submission's return code; release everything if it failed."""
        if ret < 0:
            _PENDING.discard(self)
            self._lib.rbd_aio_release(self.rbd_comp)
            self.rbd_comp = None
            raise make_ex(ret, msg)
        return self

    def _collect(self):
        self._ret = self._lib.rbd_aio_get_return_value(self.rbd_comp)
        self._lib.rbd_aio_release(self.rbd_comp)
        self.rbd_comp = None

    def _finish(self):
        self._collect()
        try:
            extra = self._results(self._ret) if self._results is not None else ()
            if self.oncomplete is not None:
                self.oncomplete(self, *extra)
        except Exception as exc:  # noqa: BLE001 - raised again in the waiting thread
            self.exc_info = exc
        finally:
            self._keep = None
            self._done.set()
            _PENDING.discard(self)

    def is_complete(self):
        """True once the request is done (the callback may still be running)."""
        if self.rbd_comp is None:
            return True
        if self._handle is not None:
            return self._done.is_set()
        return bool(self._lib.rbd_aio_is_complete(self.rbd_comp))

    def wait_for_complete_and_cb(self):
        """Wait for the request and its callback; re-raise an exception the callback raised."""
        if self._handle is None:
            if self.rbd_comp is not None:
                self._lib.rbd_aio_wait_for_complete(self.rbd_comp)
                self._collect()
                self._keep = None
        else:
            self._done.wait()
        if self.exc_info is not None:
            raise self.exc_info

    def get_return_value(self):
        """The request's return value (bytes transferred or 0, or a negative errno); waits for it."""
        if self._ret is None:
            self.wait_for_complete_and_cb()
        return self._ret


# An uninitialised bytes object, as upstream's Cython gets one: bytes(n) would zero n bytes first.
_NEW_BYTES = ctypes.pythonapi.PyBytes_FromStringAndSize
_NEW_BYTES.restype = ctypes.py_object
_NEW_BYTES.argtypes = (ctypes.c_char_p, ctypes.c_ssize_t)


def _fresh_buffer(length):
    """A new buffer of ``length`` bytes that librbd fills in place (a ``bytes`` from 2 bytes on).

    CPython shares the empty and one-byte ``bytes`` objects, so those lengths get a bytearray
    (``_as_bytes`` turns it into bytes afterwards).
    """
    if length < 0:
        raise OverflowError("can't convert negative int to unsigned")
    return _NEW_BYTES(None, length) if length > 1 else bytearray(length)


def _as_bytes(data, count):
    """The first ``count`` bytes of ``data`` (from :func:`_fresh_buffer`) as ``bytes``."""
    if isinstance(data, bytearray):
        return bytes(data[:count])
    return data if count == len(data) else data[:count]


def requires_not_closed(f):
    """Decorator: call ``self.require_not_closed()`` first."""
    def wrapper(self, *args, **kwargs):
        self.require_not_closed()
        return f(self, *args, **kwargs)

    wrapper.__name__ = f.__name__
    wrapper.__doc__ = f.__doc__
    return wrapper


class Image(_ffi.ClosesOnExit):
    """An open image; a context manager that closes it.

    ``snapshot``: open at that snapshot (read-only); ``read_only``: no writes;
    ``image_id``: open by id instead of ``name``.
    """

    def __init__(self, ioctx, name=None, snapshot=None, read_only=False, image_id=None, _oncomplete=None):
        self.closed = True
        self._ffi = _ffi.ffi()
        self._lib = _ffi.librbd()
        self._open_completion = None
        c_name = cstr(name, "name", opt=True)
        c_id = cstr(image_id, "image_id", opt=True)
        c_snap = cstr(snapshot, "snapshot", opt=True)
        if c_name is not None and c_id is not None:
            raise InvalidArgument("only need to specify image name or image id")
        if c_name is None and c_id is None:
            raise InvalidArgument("image name or image id was not specified")
        self.name = name if name is not None else image_id
        self.ioctx = ioctx
        io = _ioctx(ioctx)
        handle = self._ffi.new("rbd_image_t *")
        snap = c_snap if c_snap is not None else self._ffi.NULL
        suffix = ("_by_id" if c_name is None else "") + ("_read_only" if read_only else "")
        msg = "error opening image %s at snapshot %s" % (self.name, snapshot)
        if _oncomplete:
            opener = getattr(self._lib, "rbd_aio_open" + suffix)

            def opened(ret):
                if ret == 0:
                    self.image = handle[0]
                    self.closed = False
                    if name is None:
                        self.name = self.get_name()
                return (self,)

            comp = Completion(self, _oncomplete, handle, opened)
            self._open_completion = comp._submitted(opener(io, c_name if c_name is not None else c_id, handle, snap,
                                                           comp.rbd_comp), msg)
            return
        opener = getattr(self._lib, "rbd_open" + suffix)
        _check(opener(io, c_name if c_name is not None else c_id, handle, snap), msg)
        self.image = handle[0]
        self.closed = False
        if name is None:
            self.name = self.get_name()

    def __del__(self):
        # Not after the cluster's shutdown: rbd_close would wait forever. The garbage collector finalizes the
        # objects of a reference cycle in any order (a script's globals are one, through its functions).
        if not getattr(self, "closed", True) and getattr(self.ioctx, "rados", None) is not None \
                and self.ioctx.rados.state != "shutdown":
            self.close()

    def __repr__(self):
        return "rbd.Image(ioctx, %r)" % self.name

    def require_not_closed(self):
        """InvalidArgument if the image is closed."""
        if self.closed:
            raise InvalidArgument("image is closed")

    def _call(self, func, msg, *args):
        self.require_not_closed()
        return _check(func(self.image, *args), "%s %s" % (msg, self.name))

    def _out(self, func, msg, ctype="uint64_t *"):
        out = self._ffi.new(ctype)
        self._call(func, msg, out)
        return out[0]

    def _aio(self, func, msg, oncomplete, *args, keep=None, results=None):
        self.require_not_closed()
        comp = Completion(self, oncomplete, keep, results)
        return comp._submitted(func(self.image, *args, comp.rbd_comp), "%s %s" % (msg, self.name))

    def close(self):
        """Close the image (no-op if already closed)."""
        if not self.closed:
            self.closed = True
            _check(self._lib.rbd_close(self.image), "error while closing image %s" % self.name)

    @requires_not_closed
    def aio_close(self, oncomplete):
        """Close asynchronously; ``oncomplete(completion)`` runs when done."""
        comp = Completion(self, oncomplete)
        self.closed = True
        return comp._submitted(self._lib.rbd_aio_close(self.image, comp.rbd_comp),
                               "error while closing image %s" % self.name)

    # -- properties
    @requires_not_closed
    def resize(self, size, allow_shrink=True, on_progress=None):
        """Change the size of the image (InvalidArgument to shrink it unless ``allow_shrink``).

        ``on_progress(offset, total)`` (an extra) is called as librbd trims the objects of a shrink."""
        old_size = self.size()
        if old_size == size:
            return
        if not allow_shrink and old_size > size:
            raise InvalidArgument("error allow_shrink is False but old_size > new_size")
        callback, _keep = _progress(on_progress)
        self._call(self._lib.rbd_resize2, "error resizing image", size, bool(allow_shrink), callback, self._ffi.NULL)

    @requires_not_closed
    def stat(self):
        """``{"size", "obj_size", "num_objs", "order", "block_name_prefix", "parent_pool", "parent_name"}``."""
        info = self._ffi.new("rbd_image_info_t *")
        self._call(self._lib.rbd_stat, "error getting info for image", info, self._ffi.sizeof("rbd_image_info_t"))
        return {
            "size": info.size,
            "obj_size": info.obj_size,
            "num_objs": info.num_objs,
            "order": info.order,
            "block_name_prefix": self._ffi.string(info.block_name_prefix).decode("utf-8"),
            "parent_pool": info.parent_pool & _UINT64_MAX,
            "parent_name": self._ffi.string(info.parent_name),
        }

    @requires_not_closed
    def get_name(self):
        return _string_out(lambda buf, size: self._lib.rbd_get_name(self.image, buf, size),
                           "error getting name for image %s" % self.name, 64)

    @requires_not_closed
    def id(self):
        return _fixed_string_out(lambda buf, size: self._lib.rbd_get_id(self.image, buf, size),
                                 "error getting id for image %s" % self.name)

    @requires_not_closed
    def block_name_prefix(self):
        return _fixed_string_out(lambda buf, size: self._lib.rbd_get_block_name_prefix(self.image, buf, size),
                                 "error getting block name prefix for image %s" % self.name)

    @requires_not_closed
    def data_pool_id(self):
        return self._call(self._lib.rbd_get_data_pool_id, "error getting data pool id for image")

    @requires_not_closed
    def get_parent_image_spec(self):
        """The parent: ``{"pool_name", "pool_namespace", "image_name", "snap_name"}`` (ImageNotFound if none)."""
        return self._parent_spec()[0]

    def _parent_spec(self):
        image = self._ffi.new("rbd_linked_image_spec_t *")
        snap = self._ffi.new("rbd_snap_spec_t *")
        self._call(self._lib.rbd_get_parent, "error getting parent info for image", image, snap)
        try:
            return {"pool_name": _c(self._ffi, image.pool_name), "pool_namespace": _c(self._ffi, image.pool_namespace),
                    "image_name": _c(self._ffi, image.image_name), "snap_name": _c(self._ffi, snap.name)}, \
                _c(self._ffi, image.image_id)
        finally:
            self._lib.rbd_linked_image_spec_cleanup(image)
            self._lib.rbd_snap_spec_cleanup(snap)

    @requires_not_closed
    def parent_info(self):
        """(pool, image, snapshot) of the parent."""
        spec = self.get_parent_image_spec()
        return (spec["pool_name"], spec["image_name"], spec["snap_name"])

    @requires_not_closed
    def parent_id(self):
        return self._parent_spec()[1]

    @requires_not_closed
    def migration_source_spec(self):
        """The migration source spec (a dict) of a migration's destination image."""
        spec = _string_out(lambda buf, size: self._lib.rbd_get_migration_source_spec(self.image, buf, size),
                           "error retrieving migration source")
        return json.loads(spec)

    @requires_not_closed
    def old_format(self):
        return self._out(self._lib.rbd_get_old_format, "error getting old_format for image", "uint8_t *") != 0

    @requires_not_closed
    def size(self):
        return self._out(self._lib.rbd_get_size, "error getting size for image")

    @requires_not_closed
    def features(self):
        return self._out(self._lib.rbd_get_features, "error getting features for image")

    @requires_not_closed
    def update_features(self, features, enabled):
        self._call(self._lib.rbd_update_features, "error updating features for image", features, bool(enabled))

    @requires_not_closed
    def op_features(self):
        return self._out(self._lib.rbd_get_op_features, "error getting op features for image")

    @requires_not_closed
    def overlap(self):
        return self._out(self._lib.rbd_get_overlap, "error getting overlap for image")

    @requires_not_closed
    def flags(self):
        return self._out(self._lib.rbd_get_flags, "error getting flags for image")

    @requires_not_closed
    def group(self):
        """The image's group: ``{"pool": pool id, "name": group name}`` (pool -1 if none)."""
        info = self._ffi.new("rbd_group_info_t *")
        size = self._ffi.sizeof("rbd_group_info_t")
        self._call(self._lib.rbd_get_group, "error getting group for image", info, size)
        try:
            return {"pool": info.pool, "name": _c(self._ffi, info.name)}
        finally:
            self._lib.rbd_group_info_cleanup(info, size)

    @requires_not_closed
    def is_exclusive_lock_owner(self):
        return self._out(self._lib.rbd_is_exclusive_lock_owner, "error getting lock status for image", "int *") == 1

    def _copy(self, func, msg, dest_ioctx, dest_name, *options):
        """``func(image, dest, dest_name, image options)``: copy or deep-copy to ``dest_ioctx``/``dest_name``."""
        dest_name = cstr(dest_name, "dest_name")
        dest = _ioctx(dest_ioctx)
        with _ImageOptions(*options) as opts:
            self._call(func, msg, dest, dest_name, opts)

    @requires_not_closed
    def copy(self, dest_ioctx, dest_name, features=None, order=None, stripe_unit=None, stripe_count=None,
             data_pool=None):
        self._copy(self._lib.rbd_copy3, "error copying image", dest_ioctx, dest_name, features, order, stripe_unit,
                   stripe_count, data_pool)

    @requires_not_closed
    def deep_copy(self, dest_ioctx, dest_name, features=None, order=None, stripe_unit=None, stripe_count=None,
                  data_pool=None):
        """Copy with snapshots and parent link."""
        self._copy(self._lib.rbd_deep_copy, "error deep copying image", dest_ioctx, dest_name, features, order,
                   stripe_unit, stripe_count, data_pool)

    # -- snapshots
    @requires_not_closed
    def list_snaps(self):
        return SnapIterator(self)

    @requires_not_closed
    def create_snap(self, name, flags=0):
        name = cstr(name, "name")
        self._call(self._lib.rbd_snap_create2, "error creating snapshot of", name, flags, _no_progress(),
                   self._ffi.NULL)

    @requires_not_closed
    def rename_snap(self, srcname, dstname):
        srcname, dstname = cstr(srcname, "srcname"), cstr(dstname, "dstname")
        self._call(self._lib.rbd_snap_rename, "error renaming snapshot of", srcname, dstname)

    @requires_not_closed
    def remove_snap(self, name):
        name = cstr(name, "name")
        self._call(self._lib.rbd_snap_remove, "error removing snapshot from", name)

    @requires_not_closed
    def remove_snap2(self, name, flags):
        name = cstr(name, "name")
        self._call(self._lib.rbd_snap_remove2, "error removing snapshot from", name, flags, _no_progress(),
                   self._ffi.NULL)

    @requires_not_closed
    def remove_snap_by_id(self, snap_id):
        self._call(self._lib.rbd_snap_remove_by_id, "error removing snapshot from", snap_id)

    @requires_not_closed
    def rollback_to_snap(self, name):
        name = cstr(name, "name")
        self._call(self._lib.rbd_snap_rollback, "error rolling back image", name)

    @requires_not_closed
    def protect_snap(self, name):
        name = cstr(name, "name")
        self._call(self._lib.rbd_snap_protect, "error protecting snapshot of", name)

    @requires_not_closed
    def unprotect_snap(self, name):
        name = cstr(name, "name")
        self._call(self._lib.rbd_snap_unprotect, "error unprotecting snapshot of", name)

    @requires_not_closed
    def is_protected_snap(self, name):
        name = cstr(name, "name")
        out = self._ffi.new("int *")
        self._call(self._lib.rbd_snap_is_protected, "error checking if snapshot is protected of", name, out)
        return out[0] == 1

    @requires_not_closed
    def snap_exists(self, name):
        name = cstr(name, "name")
        out = self._ffi.new("bool *")
        self._call(self._lib.rbd_snap_exists, "error getting snapshot exists for", name, out)
        return bool(out[0])

    @requires_not_closed
    def get_snap_limit(self):
        return self._out(self._lib.rbd_snap_get_limit, "error getting snapshot limit for")

    @requires_not_closed
    def set_snap_limit(self, limit):
        return self._call(self._lib.rbd_snap_set_limit, "error setting snapshot limit for", limit)

    @requires_not_closed
    def remove_snap_limit(self):
        return self._call(self._lib.rbd_snap_set_limit, "error removing snapshot limit for", _UINT64_MAX)

    @requires_not_closed
    def get_snap_timestamp(self, snap_id):
        ts = self._ffi.new("struct timespec *")
        self._call(self._lib.rbd_snap_get_timestamp, "error getting snapshot timestamp for image", snap_id, ts)
        return _utc(ts.tv_sec)

    @requires_not_closed
    def set_snap(self, name):
        """Read from snapshot ``name`` from now on (None: the image head)."""
        name = cstr(name, "name", opt=True)
        self._call(self._lib.rbd_snap_set, "error setting snapshot of image",
                   name if name is not None else self._ffi.NULL)

    @requires_not_closed
    def set_snap_by_id(self, snap_id):
        """Read from snapshot ``snap_id`` from now on (None: the image head)."""
        if not snap_id:
            snap_id = _SNAP_HEAD
        self._call(self._lib.rbd_snap_set_by_id, "error setting snapshot of image", snap_id)

    @requires_not_closed
    def snap_get_name(self, snap_id):
        return _string_out(lambda buf, size: self._lib.rbd_snap_get_name(self.image, snap_id, buf, size),
                           "error snap_get_name.")

    @requires_not_closed
    def snap_get_id(self, snap_name):
        snap_name = cstr(snap_name, "snap_name")
        out = self._ffi.new("uint64_t *")
        _check(self._lib.rbd_snap_get_id(self.image, snap_name, out), "error snap_get_id.")
        return out[0]

    @requires_not_closed
    def snap_get_namespace_type(self, snap_id):
        out = self._ffi.new("rbd_snap_namespace_type_t *")
        self._call(self._lib.rbd_snap_get_namespace_type, "error getting snapshot namespace type for image",
                   snap_id, out)
        return int(out[0])

    def _snap_namespace(self, snap_id, kind, get, cleanup, convert):
        """``convert(ns)`` of the ``rbd_snap_<kind>_namespace_t`` that ``get`` fills for ``snap_id``; ``cleanup``
        frees it after."""
        ctype = "rbd_snap_%s_namespace_t" % kind
        ns = self._ffi.new(ctype + " *")
        size = self._ffi.sizeof(ctype)
        self._call(get, "error getting snapshot %s namespace for image" % kind, snap_id, ns, size)
        try:
            return convert(ns)
        finally:
            cleanup(ns, size)

    @requires_not_closed
    def snap_get_group_namespace(self, snap_id):
        """``{"pool", "name", "snap_name"}`` of a group snapshot."""
        return self._snap_namespace(
            snap_id, "group", self._lib.rbd_snap_get_group_namespace, self._lib.rbd_snap_group_namespace_cleanup,
            lambda ns: {"pool": ns.group_pool, "name": _c(self._ffi, ns.group_name),
                        "snap_name": _c(self._ffi, ns.group_snap_name)})

    @requires_not_closed
    def snap_get_trash_namespace(self, snap_id):
        """``{"original_name"}`` of a snapshot in the trash namespace."""
        def call(buf, size):
            return self._lib.rbd_snap_get_trash_namespace(self.image, snap_id, buf, size)

        name = _fixed_string_out(call, "error getting snapshot trash namespace image: %s" % self.name, 512)
        return {"original_name": name}

    @requires_not_closed
    def snap_get_mirror_namespace(self, snap_id):
        """``{"state", "mirror_peer_uuids", "complete", "primary_mirror_uuid", "primary_snap_id", ...}``."""
        def convert(ns):
            uuids, ptr = [], ns.mirror_peer_uuids
            for _index in range(ns.mirror_peer_uuids_count):
                uuid = self._ffi.string(ptr)
                uuids.append(uuid.decode("utf-8"))
                ptr += len(uuid) + 1
            return {"state": int(ns.state), "mirror_peer_uuids": uuids, "complete": bool(ns.complete),
                    "primary_mirror_uuid": _c(self._ffi, ns.primary_mirror_uuid),
                    "primary_snap_id": ns.primary_snap_id, "last_copied_object_number": ns.last_copied_object_number}

        return self._snap_namespace(snap_id, "mirror", self._lib.rbd_snap_get_mirror_namespace,
                                    self._lib.rbd_snap_mirror_namespace_cleanup, convert)

    # -- data
    @requires_not_closed
    def read(self, offset, length, fadvise_flags=0):
        """``length`` bytes from ``offset`` (fewer at the end of the image), always ``bytes``."""
        data = _fresh_buffer(length)
        ret = self._call(self._lib.rbd_read2, "error reading", offset, length, self._ffi.from_buffer("char[]", data),
                         fadvise_flags)
        return _as_bytes(data, ret)

    @requires_not_closed
    def readinto(self, buf, offset, fadvise_flags=0):
        """Extra: read ``len(buf)`` bytes at ``offset`` into the writable buffer ``buf``; the count."""
        cbuf = self._ffi.from_buffer("char[]", buf, require_writable=True)
        return self._call(self._lib.rbd_read2, "error reading", offset, len(cbuf), cbuf, fadvise_flags)

    @requires_not_closed
    def write(self, data, offset, fadvise_flags=0):
        """Write ``data`` (bytes, or any buffer: an extra) at ``offset``; the count."""
        cbuf = self._ffi.from_buffer("char[]", data)
        ret = self._call(self._lib.rbd_write2, "error writing to", offset, len(cbuf), cbuf, fadvise_flags)
        if ret < len(cbuf):
            raise IncompleteWriteError("Wrote only %ld out of %ld bytes" % (ret, len(cbuf)))
        return ret

    @requires_not_closed
    def discard(self, offset, length):
        self._call(self._lib.rbd_discard, "error discarding region of", offset, length)

    @requires_not_closed
    def write_zeroes(self, offset, length, zero_flags=0):
        """Zero the range (discarding what can be, unless ``RBD_WRITE_ZEROES_FLAG_THICK_PROVISION``)."""
        self._call(self._lib.rbd_write_zeroes, "error zeroing region of", offset, length, zero_flags, 0)

    @requires_not_closed
    def flush(self):
        self._call(self._lib.rbd_flush, "error flushing image")

    @requires_not_closed
    def invalidate_cache(self):
        self._call(self._lib.rbd_invalidate_cache, "error invalidating cache")

    @requires_not_closed
    def stripe_unit(self):
        return self._out(self._lib.rbd_get_stripe_unit, "error getting stripe unit for image")

    @requires_not_closed
    def stripe_count(self):
        return self._out(self._lib.rbd_get_stripe_count, "error getting stripe count for image")

    def _timestamp(self, func, msg):
        ts = self._ffi.new("struct timespec *")
        self._call(func, msg, ts)
        return ts.tv_sec

    @requires_not_closed
    def create_timestamp(self):
        """When the image was created (naive UTC datetime)."""
        return _utc(self._timestamp(self._lib.rbd_get_create_timestamp, "error getting create timestamp for image"))

    @requires_not_closed
    def access_timestamp(self):
        """When the image was last read (naive local datetime, as upstream)."""
        return datetime.fromtimestamp(self._timestamp(self._lib.rbd_get_access_timestamp,
                                                      "error getting access timestamp for image"))

    @requires_not_closed
    def modify_timestamp(self):
        """When the image was last written (naive local datetime, as upstream)."""
        return datetime.fromtimestamp(self._timestamp(self._lib.rbd_get_modify_timestamp,
                                                      "error getting modify timestamp for image"))

    @requires_not_closed
    def flatten(self, on_progress=None):
        callback, _keep = _progress(on_progress)
        self._call(self._lib.rbd_flatten_with_progress, "error flattening", callback, self._ffi.NULL)

    @requires_not_closed
    def sparsify(self, sparse_size):
        self._call(self._lib.rbd_sparsify, "error sparsifying", sparse_size)

    @requires_not_closed
    def rebuild_object_map(self):
        self._call(self._lib.rbd_rebuild_object_map, "error rebuilding object map", _no_progress(), self._ffi.NULL)

    @requires_not_closed
    def list_children(self):
        """(pool, image) of the children (of the snapshot set) that are not in the trash."""
        return [(child["pool"], child["image"]) for child in ChildIterator(self) if not child["trash"]]

    @requires_not_closed
    def list_children2(self):
        return ChildIterator(self)

    @requires_not_closed
    def list_descendants(self):
        return ChildIterator(self, True)

    # -- locks
    @requires_not_closed
    def list_lockers(self):
        """``[]`` if unlocked, else ``{"tag", "exclusive", "lockers": [(client, cookie, address)]}``."""
        ffi = self._ffi
        exclusive = ffi.new("int *")
        lens = [ffi.new("size_t *", 512) for _index in range(4)]
        while True:
            bufs = [ffi.new("char[]", n[0]) for n in lens]
            ret = self._lib.rbd_list_lockers(self.image, exclusive, bufs[0], lens[0], bufs[1], lens[1], bufs[2],
                                             lens[2], bufs[3], lens[3])
            if ret != -errno.ERANGE:
                break
        _check(ret, "error listing images")
        if ret == 0:
            return []
        clients, cookies, addrs = ([item.decode("utf-8") for item in ffi.buffer(bufs[i], lens[i][0] - 1)[:]
                                    .split(b"\0")] for i in (1, 2, 3))
        return {"tag": ffi.string(bufs[0]).decode("utf-8"), "exclusive": exclusive[0] == 1,
                "lockers": list(zip(clients, cookies, addrs))}

    @requires_not_closed
    def lock_acquire(self, lock_mode):
        """Acquire the managed lock (``RBD_LOCK_MODE_*``); ImageBusy if another client holds it."""
        self._call(self._lib.rbd_lock_acquire, "error acquiring lock on image", lock_mode)

    @requires_not_closed
    def lock_release(self):
        self._call(self._lib.rbd_lock_release, "error releasing lock on image")

    @requires_not_closed
    def lock_get_owners(self):
        return LockOwnerIterator(self)

    @requires_not_closed
    def lock_break(self, lock_mode, lock_owner):
        lock_owner = cstr(lock_owner, "lock_owner")
        self._call(self._lib.rbd_lock_break, "error breaking lock on image", lock_mode, lock_owner)

    @requires_not_closed
    def lock_exclusive(self, cookie):
        cookie = cstr(cookie, "cookie")
        self._call(self._lib.rbd_lock_exclusive, "error acquiring exclusive lock on image", cookie)

    @requires_not_closed
    def lock_shared(self, cookie, tag):
        cookie, tag = cstr(cookie, "cookie"), cstr(tag, "tag")
        self._call(self._lib.rbd_lock_shared, "error acquiring shared lock on image", cookie, tag)

    @requires_not_closed
    def unlock(self, cookie):
        cookie = cstr(cookie, "cookie")
        self._call(self._lib.rbd_unlock, "error unlocking image", cookie)

    @requires_not_closed
    def break_lock(self, client, cookie):
        client, cookie = cstr(client, "client"), cstr(cookie, "cookie")
        self._call(self._lib.rbd_break_lock, "error unlocking image", client, cookie)

    # -- mirroring
    @requires_not_closed
    def mirror_image_enable(self, mode=RBD_MIRROR_IMAGE_MODE_JOURNAL):
        self._call(self._lib.rbd_mirror_image_enable2, "error enabling mirroring for image", mode)

    @requires_not_closed
    def mirror_image_disable(self, force):
        self._call(self._lib.rbd_mirror_image_disable, "error disabling mirroring for image", bool(force))

    @requires_not_closed
    def mirror_image_promote(self, force):
        self._call(self._lib.rbd_mirror_image_promote, "error promoting image to primary", bool(force))

    @requires_not_closed
    def mirror_image_demote(self):
        self._call(self._lib.rbd_mirror_image_demote, "error demoting image to secondary")

    @requires_not_closed
    def mirror_image_resync(self):
        self._call(self._lib.rbd_mirror_image_resync, "error to resync image")

    @requires_not_closed
    def mirror_image_create_snapshot(self, flags=0):
        """Create a mirror snapshot; its id."""
        out = self._ffi.new("uint64_t *")
        self._call(self._lib.rbd_mirror_image_create_snapshot2, "error creating mirror snapshot for image", flags, out)
        return out[0]

    @requires_not_closed
    def aio_mirror_image_create_snapshot(self, flags, oncomplete):
        """Create a mirror snapshot asynchronously; ``oncomplete(completion, snap_id)``."""
        out = self._ffi.new("uint64_t *")
        return self._aio(self._lib.rbd_aio_mirror_image_create_snapshot, "error creating mirror snapshot for image",
                         oncomplete, flags, out, keep=out, results=lambda ret: (out[0] if ret >= 0 else None,))

    def _mirror_info(self, info):
        try:
            return {"global_id": _c(self._ffi, info.global_id), "state": int(info.state),
                    "primary": bool(info.primary)}
        finally:
            self._lib.rbd_mirror_image_get_info_cleanup(info)

    @requires_not_closed
    def mirror_image_get_info(self):
        """``{"global_id", "state", "primary"}``."""
        info = self._ffi.new("rbd_mirror_image_info_t *")
        self._call(self._lib.rbd_mirror_image_get_info, "error getting mirror info for image", info,
                   self._ffi.sizeof("rbd_mirror_image_info_t"))
        return self._mirror_info(info)

    @requires_not_closed
    def aio_mirror_image_get_info(self, oncomplete):
        """Get the mirror info asynchronously; ``oncomplete(completion, info)``."""
        info = self._ffi.new("rbd_mirror_image_info_t *")
        return self._aio(self._lib.rbd_aio_mirror_image_get_info, "error getting mirror info for image", oncomplete,
                         info, self._ffi.sizeof("rbd_mirror_image_info_t"), keep=info,
                         results=lambda ret: (self._mirror_info(info) if ret == 0 else None,))

    @requires_not_closed
    def mirror_image_get_mode(self):
        return int(self._out(self._lib.rbd_mirror_image_get_mode, "error getting mirror mode for image",
                             "rbd_mirror_image_mode_t *"))

    @requires_not_closed
    def aio_mirror_image_get_mode(self, oncomplete):
        """Get the mirror mode asynchronously; ``oncomplete(completion, mode)``."""
        mode = self._ffi.new("rbd_mirror_image_mode_t *")
        return self._aio(self._lib.rbd_aio_mirror_image_get_mode, "error getting mirror mode for image", oncomplete,
                         mode, keep=mode, results=lambda ret: (int(mode[0]) if ret >= 0 else None,))

    @requires_not_closed
    def mirror_image_get_status(self):
        """``{"name", "id", "info", "state", "description", "last_update", "up", "remote_statuses"}``."""
        status = self._ffi.new("rbd_mirror_image_global_status_t *")
        self._call(self._lib.rbd_mirror_image_get_global_status, "error getting mirror status for image", status,
                   self._ffi.sizeof("rbd_mirror_image_global_status_t"))
        try:
            local, remote = _site_statuses(self._ffi, status.site_statuses_count, status.site_statuses)
            result = {"name": _c(self._ffi, status.name), "id": self.id(),
                      "info": {"global_id": _c(self._ffi, status.info.global_id), "state": int(status.info.state),
                               "primary": bool(status.info.primary)},
                      "remote_statuses": remote}
            result.update(local or {})
            return result
        finally:
            self._lib.rbd_mirror_image_global_status_cleanup(status)

    @requires_not_closed
    def mirror_image_get_instance_id(self):
        return _string_out(lambda buf, size: self._lib.rbd_mirror_image_get_instance_id(self.image, buf, size),
                           "error getting mirror instance id for image %s" % self.name, 32)

    # -- asynchronous I/O
    @requires_not_closed
    def aio_read(self, offset, length, oncomplete, fadvise_flags=0):
        """Start reading; ``oncomplete(completion, data)`` runs when done (``data`` None on error)."""
        data = _fresh_buffer(length)
        comp = Completion(self, oncomplete, data, lambda ret: (_as_bytes(data, ret) if ret >= 0 else None,))
        return comp._submitted(self._lib.rbd_aio_read2(self.image, offset, length, self._ffi.from_buffer("char[]", data),
                                                       comp.rbd_comp, fadvise_flags), "error reading %s" % self.name)

    def aio_write(self, data, offset, oncomplete, fadvise_flags=0):
        """Start writing ``data`` (kept alive until done); ``oncomplete(completion)`` may be None."""
        self.require_not_closed()
        cbuf, offset = self._ffi.from_buffer("char[]", data), _cint("uint64_t", offset)
        fadvise_flags = _cint("int", fadvise_flags)
        comp = Completion(self, oncomplete, (data, cbuf))
        return comp._submitted(self._lib.rbd_aio_write2(self.image, offset, len(cbuf), cbuf, comp.rbd_comp,
                                                        fadvise_flags), "error writing %s" % self.name)

    @requires_not_closed
    def aio_discard(self, offset, length, oncomplete):
        return self._aio(self._lib.rbd_aio_discard, "error discarding", oncomplete, offset, length)

    @requires_not_closed
    def aio_write_zeroes(self, offset, length, oncomplete, zero_flags=0):
        comp = Completion(self, oncomplete)
        return comp._submitted(self._lib.rbd_aio_write_zeroes(self.image, offset, length, comp.rbd_comp, zero_flags,
                                                              0), "error zeroing %s" % self.name)

    @requires_not_closed
    def aio_flush(self, oncomplete):
        return self._aio(self._lib.rbd_aio_flush, "error flushing", oncomplete)

    @requires_not_closed
    def diff_iterate(self, offset, length, from_snapshot, iterate_cb, include_parent=True, whole_object=False):
        """Call ``iterate_cb(offset, length, exists)`` for each extent changed since ``from_snapshot``."""
        from_snapshot = cstr(from_snapshot, "from_snapshot", opt=True)
        failure = []

        def _cb(off, extent, exists, _arg):
            if failure:
                return -9000
            try:
                ret = iterate_cb(off, extent, bool(exists))
            except BaseException as exc:  # noqa: BLE001 - raised again below
                failure.append(exc)
                return -9000
            return 0 if ret is None else int(ret)

        callback = self._ffi.callback("int(uint64_t, size_t, int, void *)", _cb)
        ret = self._lib.rbd_diff_iterate2(self.image, from_snapshot if from_snapshot is not None else self._ffi.NULL,
                                          offset, length, bool(include_parent), bool(whole_object), callback,
                                          self._ffi.NULL)
        if failure:
            raise failure[0]
        _check(ret, "error generating diff from snapshot %s" % from_snapshot)

    # -- metadata and configuration
    @requires_not_closed
    def metadata_get(self, key):
        return _metadata_get(lambda k, buf, size: self._lib.rbd_metadata_get(self.image, k, buf, size), key,
                             "error getting metadata %s for image %s" % (key, self.name))

    @requires_not_closed
    def metadata_set(self, key, value):
        key, value = cstr(key, "key"), cstr(value, "value")
        self._call(self._lib.rbd_metadata_set, "error setting metadata for image", key, value)

    @requires_not_closed
    def metadata_remove(self, key):
        _metadata_remove(lambda k: self._lib.rbd_metadata_remove(self.image, k), key,
                         "error removing metadata %s for image %s" % (key, self.name))

    @requires_not_closed
    def metadata_list(self):
        return MetadataIterator(self)

    @requires_not_closed
    def watchers_list(self):
        return WatcherIterator(self)

    @requires_not_closed
    def config_list(self):
        return ConfigImageIterator(self)

    @requires_not_closed
    def config_set(self, key, value):
        conf_key = cstr("conf_" + key, "key")
        value = cstr(value, "value")
        self._call(self._lib.rbd_metadata_set, "error setting config %s for image" % key, conf_key, value)

    @requires_not_closed
    def config_get(self, key):
        conf_key = "conf_" + key
        return _metadata_get(lambda k, buf, size: self._lib.rbd_metadata_get(self.image, k, buf, size), conf_key,
                             "error getting config %s for image %s" % (key, self.name))

    @requires_not_closed
    def config_remove(self, key):
        conf_key = "conf_" + key
        _metadata_remove(lambda k: self._lib.rbd_metadata_remove(self.image, k), conf_key,
                         "error removing config %s for image %s" % (key, self.name))

    # -- encryption
    def _encryption(self, func, fmt, passphrase, cipher_alg, msg):
        passphrase = cstr(passphrase, "passphrase")
        if fmt not in (RBD_ENCRYPTION_FORMAT_LUKS1, RBD_ENCRYPTION_FORMAT_LUKS2):
            raise make_ex(-errno.ENOTSUP, "Unsupported encryption format")
        ctype = "rbd_encryption_luks%d_format_options_t" % (fmt + 1)
        keep = self._ffi.new("char[]", passphrase)
        opts = self._ffi.new(ctype + " *", {"passphrase": keep, "passphrase_size": len(passphrase)})
        if cipher_alg is not None:
            opts.alg = cipher_alg
        self._call(func, msg, fmt, opts, self._ffi.sizeof(ctype))

    @requires_not_closed
    def encryption_format(self, format, passphrase, cipher_alg=RBD_ENCRYPTION_ALGORITHM_AES256):  # noqa: A002
        """Format the image with LUKS1 or LUKS2 (``RBD_ENCRYPTION_FORMAT_*``)."""
        self._encryption(self._lib.rbd_encryption_format, format, passphrase, cipher_alg,
                         "error formatting image with encryption")

    @requires_not_closed
    def encryption_load(self, format, passphrase):  # noqa: A002
        """Load the image's LUKS1 or LUKS2 encryption: its data reads and writes decrypted from now on."""
        self._encryption(self._lib.rbd_encryption_load, format, passphrase, None,
                         "error loading encryption on image")


class SnapIterator:
    """An image's snapshots: dicts ``{"id", "size", "name", "namespace"}`` (and ``group``/``trash``/``mirror``)."""

    def __init__(self, image):
        _typed(image, Image, "image").require_not_closed()
        self.image = image
        ffi, lib = image._ffi, image._lib
        count = ffi.new("int *", 16)
        while True:
            snaps = ffi.new("rbd_snap_info_t[]", count[0] + 1)
            ret = lib.rbd_snap_list(image.image, snaps, count)
            if ret != -errno.ERANGE:
                break
        _check(ret, "error listing snapshots for image %s" % image.name)
        try:
            self.snaps = [{"id": snaps[i].id, "size": snaps[i].size, "name": _c(ffi, snaps[i].name)}
                          for i in range(ret)]
        finally:
            lib.rbd_snap_list_end(snaps)

    _DETAILS = {RBD_SNAP_NAMESPACE_TYPE_GROUP: ("group", "snap_get_group_namespace"),
                RBD_SNAP_NAMESPACE_TYPE_TRASH: ("trash", "snap_get_trash_namespace"),
                RBD_SNAP_NAMESPACE_TYPE_MIRROR: ("mirror", "snap_get_mirror_namespace")}

    def __iter__(self):
        for snap in self.snaps:
            snap = dict(snap, namespace=self.image.snap_get_namespace_type(snap["id"]))
            if snap["namespace"] in self._DETAILS:
                key, method = self._DETAILS[snap["namespace"]]
                try:
                    snap[key] = getattr(self.image, method)(snap["id"])
                except Error:
                    snap[key] = None
            yield snap

    def __len__(self):
        return len(self.snaps)


class ChildIterator(_Listed):
    """Children (or all descendants) of an image or of its snapshot: dicts with pool, image, id, trash."""

    def __init__(self, image, descendants=False):
        _typed(image, Image, "image").require_not_closed()
        ffi, lib = image._ffi, image._lib
        lister = lib.rbd_list_descendants if descendants else lib.rbd_list_children3
        specs, count, _ret = _grow("rbd_linked_image_spec_t[]", lambda a, n: lister(image.image, a, n),
                                   "error listing children.", 10)
        self._keep(specs, count, lambda spec: {
            "pool": _c(ffi, spec.pool_name), "pool_namespace": _c(ffi, spec.pool_namespace),
            "image": _c(ffi, spec.image_name), "id": _c(ffi, spec.image_id), "trash": bool(spec.trash),
        }, lib.rbd_linked_image_spec_list_cleanup)


class WatcherIterator(_Listed):
    """Clients watching the image: dicts ``{"addr", "id", "cookie"}``."""

    def __init__(self, image):
        _typed(image, Image, "image").require_not_closed()
        ffi, lib = image._ffi, image._lib
        watchers, count, _ret = _grow("rbd_image_watcher_t[]", lambda a, n: lib.rbd_watchers_list(image.image, a, n),
                                      "error listing watchers.", 10)
        self._keep(watchers, count, lambda w: {"addr": _c(ffi, w.addr), "id": w.id, "cookie": w.cookie},
                   lib.rbd_watchers_list_cleanup)


class LockOwnerIterator(_Listed):
    """Owners of the image's managed lock: dicts ``{"mode", "owner"}``."""

    def __init__(self, image):
        _typed(image, Image, "image").require_not_closed()
        ffi, lib = image._ffi, image._lib
        mode = ffi.new("rbd_lock_mode_t *")
        count = ffi.new("size_t *", 8)
        while True:
            owners = ffi.new("char *[]", count[0])
            ret = lib.rbd_lock_get_owners(image.image, mode, owners, count)
            if ret != -errno.ERANGE:
                break
        if ret == -errno.ENOENT:
            self._items = []
            return
        _check(ret, "error listing lock owners for image %s" % image.name)
        self._keep(owners, count[0], lambda owner: {"mode": int(mode[0]), "owner": _c(ffi, owner)},
                   lib.rbd_lock_get_owners_cleanup)
