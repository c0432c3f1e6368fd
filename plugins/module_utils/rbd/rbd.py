# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RBD images (``RBD``, ``Image``, ``Completion``), as in Ceph's ``rbd`` module.

The data path hands Python buffers to librbd with ``ffi.from_buffer``: no copies.
"""

from __future__ import annotations

import ctypes
import threading
from datetime import datetime, timezone

from . import _ffi
# Re-exported under the names of Ceph's modules.
from .errors import (  # noqa: F401 pylint: disable=unused-import
    RBD_ERRORS, ArgumentOutOfRange, ConnectionShutdown, DiskQuotaExceeded, Error, FunctionNotSupported, ImageBusy,
    ImageExists, ImageHasSnapshots, ImageNotFound, IncompleteWriteError, InvalidArgument, InvalidArgumentError, IOError,
    LibraryMissing, LogicError, NoSpace, ObjectExists, ObjectNotFound, OperationCanceled, OperationNotSupported,
    OSError, PermissionDeniedError, PermissionError, ReadOnlyImage, TimedOut, Timeout, make_error,
)
from .features import (  # noqa: F401 pylint: disable=unused-import
    RBD_FEATURE_DATA_POOL, RBD_FEATURE_DEEP_FLATTEN, RBD_FEATURE_DIRTY_CACHE, RBD_FEATURE_EXCLUSIVE_LOCK,
    RBD_FEATURE_FAST_DIFF, RBD_FEATURE_JOURNALING, RBD_FEATURE_LAYERING, RBD_FEATURE_MIGRATING,
    RBD_FEATURE_NON_PRIMARY, RBD_FEATURE_OBJECT_MAP, RBD_FEATURE_OPERATIONS, RBD_FEATURE_STRIPINGV2,
    RBD_FEATURES_ALL, RBD_FEATURES_INCOMPATIBLE, RBD_FEATURES_MUTABLE, RBD_FEATURES_RW_INCOMPATIBLE,
    RBD_FEATURES_SINGLE_CLIENT, features_from_names, features_to_names,
)
from .rados import cstr

RBD_FLAG_OBJECT_MAP_INVALID = 1 << 0
RBD_FLAG_FAST_DIFF_INVALID = 1 << 1

RBD_IMAGE_OPTION_FORMAT = 0
RBD_IMAGE_OPTION_FEATURES = 1
RBD_IMAGE_OPTION_ORDER = 2
RBD_IMAGE_OPTION_STRIPE_UNIT = 3
RBD_IMAGE_OPTION_STRIPE_COUNT = 4
RBD_IMAGE_OPTION_DATA_POOL = 10
RBD_IMAGE_OPTION_CLONE_FORMAT = 12

RBD_SNAP_NAMESPACE_TYPE_USER = 0
RBD_SNAP_NAMESPACE_TYPE_GROUP = 1
RBD_SNAP_NAMESPACE_TYPE_TRASH = 2
RBD_SNAP_NAMESPACE_TYPE_MIRROR = 3

RBD_SNAP_CREATE_SKIP_QUIESCE = 1 << 0
RBD_SNAP_CREATE_IGNORE_QUIESCE_ERROR = 1 << 1
RBD_SNAP_REMOVE_UNPROTECT = 1 << 0
RBD_SNAP_REMOVE_FLATTEN = 1 << 1
RBD_SNAP_REMOVE_FORCE = RBD_SNAP_REMOVE_UNPROTECT | RBD_SNAP_REMOVE_FLATTEN

RBD_LOCK_MODE_EXCLUSIVE = 0
RBD_LOCK_MODE_SHARED = 1

_ERANGE = 34
_ENOENT = 2


def _check(ret, message):
    if ret < 0:
        raise make_error(ret, message, RBD_ERRORS)
    return ret


def _timestamp(ts):
    """A ``struct timespec`` as a naive UTC datetime, as upstream returns it."""
    return datetime.fromtimestamp(ts.tv_sec + ts.tv_nsec / 1e9, timezone.utc).replace(tzinfo=None)


def _text(ffi, ptr):
    return ffi.string(ptr).decode("utf-8") if ptr != ffi.NULL else None


def _split_nul(ffi, buf, size):
    return [item.decode("utf-8") for item in ffi.buffer(buf, size)[:].split(b"\0") if item]


def _string_out(call, message, size=64):
    """Call ``call(buf, size_t *len)`` growing the buffer on ERANGE; return the C string."""
    buf, _length, _ret = _grow_array("char[]", call, message, size)
    return _ffi.ffi().string(buf).decode("utf-8")


def _fixed_string_out(call, message, size=64):
    """Call ``call(buf, size)`` doubling ``size`` on ERANGE; return the C string."""
    ffi = _ffi.ffi()
    while True:
        buf = ffi.new("char[]", size)
        ret = call(buf, size)
        if ret != -_ERANGE:
            _check(ret, message)
            return ffi.string(buf).decode("utf-8")
        size *= 2


def _grow_array(ctype, call, message, initial=32):
    """Call ``call(array, size_t *count)``, growing the array while librbd says ERANGE.

    Returns (array, count reported, return value); raises on any other error.
    """
    ffi = _ffi.ffi()
    count = ffi.new("size_t *", initial)
    while True:
        array = ffi.new(ctype, count[0])
        ret = call(array, count)
        if ret != -_ERANGE:
            _check(ret, message)
            return array, count[0], ret


def _key_values(call, message, page=64):
    """Pages of ``call(start, max, keys, &keys_len, vals, &vals_len)``: a list of (key, value)."""
    ffi = _ffi.ffi()
    result = []
    start = b""
    while True:
        key_len = ffi.new("size_t *", 4096)
        val_len = ffi.new("size_t *", 4096)
        while True:
            keys = ffi.new("char[]", key_len[0])
            vals = ffi.new("char[]", val_len[0])
            ret = call(start, page, keys, key_len, vals, val_len)
            if ret != -_ERANGE:
                break
        _check(ret, message)
        names = _split_nul(ffi, keys, key_len[0])
        values = [v.decode("utf-8") for v in ffi.buffer(vals, val_len[0])[:].split(b"\0")[:len(names)]]
        result.extend(zip(names, values))
        if len(names) < page:
            return result
        start = names[-1].encode("utf-8")


class _ImageOptions:
    """``rbd_image_options_t`` built from keyword values, destroyed on exit."""

    def __init__(self, features=None, order=None, stripe_unit=None, stripe_count=None, data_pool=None,
                 old_format=False, clone_format=None):
        self._ffi = _ffi.ffi()
        self._lib = _ffi.librbd()
        self._values = [
            (RBD_IMAGE_OPTION_FORMAT, 1 if old_format else 2),
            (RBD_IMAGE_OPTION_FEATURES, features),
            (RBD_IMAGE_OPTION_ORDER, order),
            (RBD_IMAGE_OPTION_STRIPE_UNIT, stripe_unit),
            (RBD_IMAGE_OPTION_STRIPE_COUNT, stripe_count),
            (RBD_IMAGE_OPTION_CLONE_FORMAT, clone_format),
        ]
        self._data_pool = data_pool
        if old_format and (features or stripe_unit or stripe_count or data_pool):
            raise InvalidArgumentError("format 1 images support no features, striping or data pool")
        if (stripe_unit is None) != (stripe_count is None):
            raise InvalidArgumentError("stripe_unit and stripe_count must be given together")

    def __enter__(self):
        handle = self._ffi.new("rbd_image_options_t *")
        self._lib.rbd_image_options_create(handle)
        self.opts = handle[0]
        for option, value in self._values:
            if value is not None:
                _check(self._lib.rbd_image_options_set_uint64(self.opts, option, int(value)), "set image option")
        if self._data_pool:
            _check(self._lib.rbd_image_options_set_string(self.opts, RBD_IMAGE_OPTION_DATA_POOL,
                                                          cstr(self._data_pool, "data_pool")), "set data pool")
        return self.opts

    def __exit__(self, *exc):
        self._lib.rbd_image_options_destroy(self.opts)
        return False


def _linked_spec(ffi, spec):
    return {
        "pool_id": spec.pool_id,
        "pool": _text(ffi, spec.pool_name),
        "pool_namespace": _text(ffi, spec.pool_namespace) or "",
        "image": _text(ffi, spec.image_name),
        "id": _text(ffi, spec.image_id),
        "trash": bool(spec.trash),
    }


def _trash_entry(ffi, entry):
    return {
        "id": _text(ffi, entry.id),
        "name": _text(ffi, entry.name),
        "source": int(entry.source),
        "deletion_time": datetime.fromtimestamp(entry.deletion_time, timezone.utc).replace(tzinfo=None),
        "deferment_end_time": datetime.fromtimestamp(entry.deferment_end_time, timezone.utc).replace(tzinfo=None),
    }


class RBD:
    """Pool-level operations: images, trash, namespaces, pool metadata."""

    def __init__(self):
        self._ffi = _ffi.ffi()
        self._lib = _ffi.librbd()

    def version(self):
        out = self._ffi.new("int[3]")
        self._lib.rbd_version(out, out + 1, out + 2)
        return tuple(out)

    def create(self, ioctx, name, size, order=None, old_format=False, features=None, stripe_unit=None,
               stripe_count=None, data_pool=None):
        """Create image ``name`` of ``size`` bytes; ``order``: object size as a power of two."""
        with _ImageOptions(features, order, stripe_unit, stripe_count, data_pool, old_format) as opts:
            _check(self._lib.rbd_create4(ioctx.io, cstr(name, "name"), size, opts), "create image %s" % name)

    def clone(self, p_ioctx, p_name, p_snapname, c_ioctx, c_name, features=None, order=None, stripe_unit=None,
              stripe_count=None, data_pool=None, clone_format=None):
        """Clone snapshot ``p_name@p_snapname`` to ``c_name``."""
        with _ImageOptions(features, order, stripe_unit, stripe_count, data_pool, clone_format=clone_format) as opts:
            _check(self._lib.rbd_clone3(p_ioctx.io, cstr(p_name, "p_name"), cstr(p_snapname, "p_snapname"),
                                        c_ioctx.io, cstr(c_name, "c_name"), opts),
                   "clone %s@%s to %s" % (p_name, p_snapname, c_name))

    def remove(self, ioctx, name, on_progress=None):
        """Remove image ``name`` (ImageHasSnapshots if it has any, ImageBusy if watched or with children)."""
        _check(self._lib.rbd_remove(ioctx.io, cstr(name, "name")), "remove image %s" % name)

    def rename(self, ioctx, src, dest):
        _check(self._lib.rbd_rename(ioctx.io, cstr(src, "src"), cstr(dest, "dest")),
               "rename image %s to %s" % (src, dest))

    def list2(self, ioctx):
        """Images of the pool/namespace as dicts ``{"id", "name"}``."""
        specs, count, _ret = _grow_array("rbd_image_spec_t[]", lambda a, n: self._lib.rbd_list2(ioctx.io, a, n),
                                         "list images", 64)
        try:
            return [{"id": _text(self._ffi, specs[i].id), "name": _text(self._ffi, specs[i].name)}
                    for i in range(count)]
        finally:
            self._lib.rbd_image_spec_list_cleanup(specs, count)

    def list(self, ioctx):
        """Image names of the pool/namespace."""
        return [image["name"] for image in self.list2(ioctx)]

    def trash_move(self, ioctx, name, delay=0):
        """Move image ``name`` to the trash; it may be removed after ``delay`` seconds."""
        _check(self._lib.rbd_trash_move(ioctx.io, cstr(name, "name"), delay), "move image %s to trash" % name)

    def trash_list(self, ioctx):
        """Trash entries as dicts ``{"id", "name", "source", "deletion_time", "deferment_end_time"}``."""
        entries, _count, ret = _grow_array("rbd_trash_image_info_t[]",
                                           lambda a, n: self._lib.rbd_trash_list(ioctx.io, a, n), "list trash")
        try:
            return [_trash_entry(self._ffi, entries[i]) for i in range(ret)]
        finally:
            self._lib.rbd_trash_list_cleanup(entries, ret)

    def trash_get(self, ioctx, image_id):
        info = self._ffi.new("rbd_trash_image_info_t *")
        _check(self._lib.rbd_trash_get(ioctx.io, cstr(image_id, "image_id"), info), "get trash entry %s" % image_id)
        try:
            return _trash_entry(self._ffi, info[0])
        finally:
            self._lib.rbd_trash_get_cleanup(info)

    def trash_restore(self, ioctx, image_id, name):
        _check(self._lib.rbd_trash_restore(ioctx.io, cstr(image_id, "image_id"), cstr(name, "name")),
               "restore image %s from trash as %s" % (image_id, name))

    def trash_remove(self, ioctx, image_id, force=False, on_progress=None):
        _check(self._lib.rbd_trash_remove(ioctx.io, cstr(image_id, "image_id"), bool(force)),
               "remove image %s from trash" % image_id)

    def namespace_create(self, ioctx, name):
        _check(self._lib.rbd_namespace_create(ioctx.io, cstr(name, "name")), "create namespace %s" % name)

    def namespace_remove(self, ioctx, name):
        _check(self._lib.rbd_namespace_remove(ioctx.io, cstr(name, "name")), "remove namespace %s" % name)

    def namespace_exists(self, ioctx, name):
        exists = self._ffi.new("bool *")
        _check(self._lib.rbd_namespace_exists(ioctx.io, cstr(name, "name"), exists), "look up namespace %s" % name)
        return bool(exists[0])

    def namespace_list(self, ioctx):
        buf, size, _ret = _grow_array("char[]", lambda a, n: self._lib.rbd_namespace_list(ioctx.io, a, n),
                                      "list namespaces", 1024)
        return _split_nul(self._ffi, buf, size)

    def pool_metadata_get(self, ioctx, key):
        return _string_out(lambda buf, size: self._lib.rbd_pool_metadata_get(ioctx.io, cstr(key, "key"), buf, size),
                           "get pool metadata %s" % key)

    def pool_metadata_set(self, ioctx, key, value):
        _check(self._lib.rbd_pool_metadata_set(ioctx.io, cstr(key, "key"), cstr(value, "value")),
               "set pool metadata %s" % key)

    def pool_metadata_remove(self, ioctx, key):
        _check(self._lib.rbd_pool_metadata_remove(ioctx.io, cstr(key, "key")), "remove pool metadata %s" % key)

    def pool_metadata_list(self, ioctx):
        """Pool metadata as a list of (key, value)."""
        return _key_values(lambda *args: self._lib.rbd_pool_metadata_list(ioctx.io, *args), "list pool metadata")


_NO_PROGRESS = []


def _no_progress():
    """A progress callback that does nothing: librbd calls it unconditionally, so NULL would crash."""
    if not _NO_PROGRESS:
        _NO_PROGRESS.append(_ffi.ffi().callback("int(uint64_t, uint64_t, void *)", lambda _off, _total, _arg: 0))
    return _NO_PROGRESS[0]


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
    """One asynchronous request. ``oncomplete`` (if any) runs on a librbd thread when it finishes."""

    def __init__(self, image, oncomplete, buf=None, length=0):
        self.image = image
        self.oncomplete = oncomplete
        self.exc_info = None
        self._buf = buf  # the data, alive until the request finishes
        self._length = length
        self._ret = None
        self._done = threading.Event()
        self._ffi = image._ffi
        self._lib = image._lib
        comp = self._ffi.new("rbd_completion_t *")
        if oncomplete is None:
            self._handle = None
            _check(self._lib.rbd_aio_create_completion(self._ffi.NULL, self._ffi.NULL, comp), "create completion")
        else:
            self._handle = self._ffi.new_handle(self)
            _check(self._lib.rbd_aio_create_completion(self._handle, _complete_callback(), comp), "create completion")
            _PENDING.add(self)
        self.rbd_comp = comp[0]

    def _abandon(self):
        """Release after a failed submission."""
        _PENDING.discard(self)
        self._lib.rbd_aio_release(self.rbd_comp)
        self.rbd_comp = None

    def _collect(self):
        self._ret = self._lib.rbd_aio_get_return_value(self.rbd_comp)
        self._lib.rbd_aio_release(self.rbd_comp)
        self.rbd_comp = None

    def _finish(self):
        self._collect()
        try:
            if self._length:  # a read: hand over the data actually read
                data = None
                if self._ret >= 0:
                    data = self._buf if self._ret == self._length else self._buf[:self._ret]
                self.oncomplete(self, data)
            else:
                self.oncomplete(self)
        except Exception as exc:  # noqa: BLE001 - raised again in the waiting thread
            self.exc_info = exc
        finally:
            self._buf = None
            self._done.set()
            _PENDING.discard(self)

    def is_complete(self):
        if self._handle is not None or self.rbd_comp is None:
            return self._done.is_set() or self.rbd_comp is None
        return bool(self._lib.rbd_aio_is_complete(self.rbd_comp))

    def wait_for_complete_and_cb(self):
        """Wait for the request and its callback; re-raise an exception the callback raised."""
        if self._handle is None:
            if self.rbd_comp is not None:
                self._lib.rbd_aio_wait_for_complete(self.rbd_comp)
                self._collect()
                self._buf = None
        else:
            self._done.wait()
        if self.exc_info is not None:
            raise self.exc_info

    wait_for_complete = wait_for_complete_and_cb

    def get_return_value(self):
        """Bytes transferred or 0, or a negative errno; waits for the request."""
        if self._ret is None:
            self.wait_for_complete_and_cb()
        return self._ret


# An uninitialised bytes object, as upstream's Cython gets one: bytes(n) would zero n bytes first.
_NEW_BYTES = ctypes.pythonapi.PyBytes_FromStringAndSize
_NEW_BYTES.restype = ctypes.py_object
_NEW_BYTES.argtypes = (ctypes.c_char_p, ctypes.c_ssize_t)


def _fresh_bytes(length):
    """A new ``bytes`` object of ``length`` that librbd fills in place (as upstream's Cython does).

    CPython shares the empty and one-byte objects, so those lengths get a bytearray.
    """
    return _NEW_BYTES(None, length) if length > 1 else bytearray(length)


class Image:
    """An open image; a context manager that closes it.

    ``snapshot``: open at that snapshot (read-only); ``read_only``: no writes;
    ``image_id``: open by id instead of ``name``.
    """

    def __init__(self, ioctx, name=None, snapshot=None, read_only=False, image_id=None):
        if (name is None) == (image_id is None):
            raise InvalidArgumentError("pass either name or image_id")
        self._ffi = _ffi.ffi()
        self._lib = _ffi.librbd()
        self.ioctx = ioctx
        self.name = name if name is not None else image_id
        self.closed = True
        handle = self._ffi.new("rbd_image_t *")
        snap = cstr(snapshot, "snapshot", opt=True) or self._ffi.NULL
        if image_id is not None:
            opener = self._lib.rbd_open_by_id_read_only if read_only else self._lib.rbd_open_by_id
            ref = cstr(image_id, "image_id")
        else:
            opener = self._lib.rbd_open_read_only if read_only else self._lib.rbd_open
            ref = cstr(name, "name")
        _check(opener(ioctx.io, ref, handle, snap), "open image %s%s" % (self.name, "@" + snapshot if snapshot else ""))
        self.image = handle[0]
        self.closed = False

    def require_not_closed(self):
        if self.closed:
            raise InvalidArgumentError("image %s is closed" % self.name)

    def _call(self, func, message, *args):
        self.require_not_closed()
        return _check(func(self.image, *args), "%s (image %s)" % (message, self.name))

    def _uint64(self, func, message):
        out = self._ffi.new("uint64_t *")
        self._call(func, message, out)
        return out[0]

    def close(self):
        if not self.closed:
            self.closed = True
            _check(self._lib.rbd_close(self.image), "close image %s" % self.name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        # Not after the cluster's shutdown: rbd_close would wait forever. The garbage collector finalizes the
        # objects of a reference cycle in any order (a script's globals are one, through its functions).
        if not getattr(self, "closed", True) and self.ioctx.rados.state != "shutdown":
            self.close()

    # -- properties
    def size(self):
        return self._uint64(self._lib.rbd_get_size, "get size")

    def stat(self):
        info = self._ffi.new("rbd_image_info_t *")
        self._call(self._lib.rbd_stat, "stat", info, self._ffi.sizeof("rbd_image_info_t"))
        return {
            "size": info.size,
            "obj_size": info.obj_size,
            "num_objs": info.num_objs,
            "order": info.order,
            "block_name_prefix": self._ffi.string(info.block_name_prefix).decode("utf-8"),
            "parent_pool": info.parent_pool,
            "parent_name": self._ffi.string(info.parent_name).decode("utf-8"),
        }

    def resize(self, size, allow_shrink=True):
        self._call(self._lib.rbd_resize2, "resize to %d bytes" % size, size, bool(allow_shrink),
                   _no_progress(), self._ffi.NULL)

    def features(self):
        return self._uint64(self._lib.rbd_get_features, "get features")

    def update_features(self, features, enabled):
        action = "%s features %s" % ("enable" if enabled else "disable", ",".join(features_to_names(features)))
        self._call(self._lib.rbd_update_features, action, features, 1 if enabled else 0)

    def op_features(self):
        return self._uint64(self._lib.rbd_get_op_features, "get operation features")

    def flags(self):
        return self._uint64(self._lib.rbd_get_flags, "get flags")

    def stripe_unit(self):
        return self._uint64(self._lib.rbd_get_stripe_unit, "get stripe unit")

    def stripe_count(self):
        return self._uint64(self._lib.rbd_get_stripe_count, "get stripe count")

    def data_pool_id(self):
        self.require_not_closed()
        return self._lib.rbd_get_data_pool_id(self.image)

    def overlap(self):
        return self._uint64(self._lib.rbd_get_overlap, "get parent overlap")

    def old_format(self):
        out = self._ffi.new("uint8_t *")
        self._call(self._lib.rbd_get_old_format, "get format", out)
        return bool(out[0])

    def id(self):
        self.require_not_closed()
        return _fixed_string_out(lambda buf, size: self._lib.rbd_get_id(self.image, buf, size), "get image id")

    def block_name_prefix(self):
        self.require_not_closed()
        return _fixed_string_out(lambda buf, size: self._lib.rbd_get_block_name_prefix(self.image, buf, size),
                                 "get block name prefix")

    def get_name(self):
        self.require_not_closed()
        return _string_out(lambda buf, size: self._lib.rbd_get_name(self.image, buf, size), "get image name")

    def create_timestamp(self):
        ts = self._ffi.new("struct timespec *")
        self._call(self._lib.rbd_get_create_timestamp, "get create timestamp", ts)
        return _timestamp(ts)

    # -- data
    def read(self, offset, length, fadvise_flags=0):
        """``length`` bytes from ``offset`` (fewer at the end of the image)."""
        data = _fresh_bytes(length)
        ret = self._call(self._lib.rbd_read2, "read %d bytes at %d" % (length, offset), offset, length,
                         self._ffi.from_buffer("char[]", data), fadvise_flags)
        return data if ret == length else data[:ret]

    def readinto(self, buf, offset, fadvise_flags=0):
        """Read ``len(buf)`` bytes at ``offset`` into the writable buffer ``buf``; return the count."""
        cbuf = self._ffi.from_buffer("char[]", buf, require_writable=True)
        return self._call(self._lib.rbd_read2, "read %d bytes at %d" % (len(cbuf), offset), offset, len(cbuf), cbuf,
                          fadvise_flags)

    def write(self, data, offset, fadvise_flags=0):
        """Write ``data`` (any buffer) at ``offset``; return the count."""
        cbuf = self._ffi.from_buffer("char[]", data)
        ret = self._call(self._lib.rbd_write2, "write %d bytes at %d" % (len(cbuf), offset), offset, len(cbuf), cbuf,
                         fadvise_flags)
        if ret != len(cbuf):
            raise IncompleteWriteError("wrote only %d of %d bytes at %d" % (ret, len(cbuf), offset))
        return ret

    def discard(self, offset, length):
        self._call(self._lib.rbd_discard, "discard %d bytes at %d" % (length, offset), offset, length)

    def flush(self):
        self._call(self._lib.rbd_flush, "flush")

    def aio_read(self, offset, length, oncomplete, fadvise_flags=0):
        """Start reading; ``oncomplete(completion, data)`` runs when done (``data`` None on error)."""
        self.require_not_closed()
        data = _fresh_bytes(length)
        comp = Completion(self, oncomplete, data, length)
        ret = self._lib.rbd_aio_read2(self.image, offset, length, self._ffi.from_buffer("char[]", data), comp.rbd_comp,
                                      fadvise_flags)
        if ret < 0:
            comp._abandon()
            _check(ret, "start reading %d bytes at %d (image %s)" % (length, offset, self.name))
        return comp

    def aio_write(self, data, offset, oncomplete, fadvise_flags=0):
        """Start writing ``data`` (kept alive until done); ``oncomplete(completion)`` may be None."""
        self.require_not_closed()
        cbuf = self._ffi.from_buffer("char[]", data)
        comp = Completion(self, oncomplete, (data, cbuf))
        ret = self._lib.rbd_aio_write2(self.image, offset, len(cbuf), cbuf, comp.rbd_comp, fadvise_flags)
        if ret < 0:
            comp._abandon()
            _check(ret, "start writing %d bytes at %d (image %s)" % (len(cbuf), offset, self.name))
        return comp

    def diff_iterate(self, offset, length, from_snapshot, iterate_cb, include_parent=True, whole_object=False):
        """Call ``iterate_cb(offset, length, exists)`` for each extent changed since ``from_snapshot``."""
        self.require_not_closed()
        failure = []

        def _cb(off, extent, exists, _arg):
            try:
                iterate_cb(off, extent, bool(exists))
            except Exception as exc:  # noqa: BLE001 - raised again below
                failure.append(exc)
                return -1
            return 0

        callback = self._ffi.callback("int(uint64_t, size_t, int, void *)", _cb)
        ret = self._lib.rbd_diff_iterate2(self.image, cstr(from_snapshot, "from_snapshot", opt=True) or
                                          self._ffi.NULL, offset, length, 1 if include_parent else 0,
                                          1 if whole_object else 0, callback, self._ffi.NULL)
        if failure:
            raise failure[0]
        _check(ret, "diff iterate (image %s)" % self.name)

    # -- snapshots
    def create_snap(self, name, flags=0):
        self._call(self._lib.rbd_snap_create2, "create snapshot %s" % name, cstr(name, "name"), flags,
                   _no_progress(), self._ffi.NULL)

    def remove_snap(self, name):
        self.remove_snap2(name, 0)

    def remove_snap2(self, name, flags):
        self._call(self._lib.rbd_snap_remove2, "remove snapshot %s" % name, cstr(name, "name"), flags,
                   _no_progress(), self._ffi.NULL)

    def rename_snap(self, srcname, dstname):
        self._call(self._lib.rbd_snap_rename, "rename snapshot %s to %s" % (srcname, dstname),
                   cstr(srcname, "srcname"), cstr(dstname, "dstname"))

    def protect_snap(self, name):
        self._call(self._lib.rbd_snap_protect, "protect snapshot %s" % name, cstr(name, "name"))

    def unprotect_snap(self, name):
        self._call(self._lib.rbd_snap_unprotect, "unprotect snapshot %s" % name, cstr(name, "name"))

    def is_protected_snap(self, name):
        out = self._ffi.new("int *")
        self._call(self._lib.rbd_snap_is_protected, "check protection of snapshot %s" % name, cstr(name, "name"), out)
        return bool(out[0])

    def snap_exists(self, name):
        out = self._ffi.new("bool *")
        self._call(self._lib.rbd_snap_exists, "look up snapshot %s" % name, cstr(name, "name"), out)
        return bool(out[0])

    def rollback_to_snap(self, name):
        self._call(self._lib.rbd_snap_rollback, "roll back to snapshot %s" % name, cstr(name, "name"))

    def set_snap(self, name):
        """Read from snapshot ``name`` from now on (None: the image head)."""
        self._call(self._lib.rbd_snap_set, "set snapshot %s" % name, cstr(name, "name", opt=True)
                   or self._ffi.NULL)

    def get_snap_timestamp(self, snap_id):
        ts = self._ffi.new("struct timespec *")
        self._call(self._lib.rbd_snap_get_timestamp, "get snapshot timestamp", snap_id, ts)
        return _timestamp(ts)

    def snap_get_namespace_type(self, snap_id):
        out = self._ffi.new("rbd_snap_namespace_type_t *")
        self._call(self._lib.rbd_snap_get_namespace_type, "get snapshot namespace", snap_id, out)
        return int(out[0])

    def list_snaps(self):
        return SnapIterator(self)

    # -- layering and copies
    def flatten(self, on_progress=None):
        self._call(self._lib.rbd_flatten, "flatten")

    def copy(self, dest_ioctx, dest_name, features=None, order=None, stripe_unit=None, stripe_count=None,
             data_pool=None):
        with _ImageOptions(features, order, stripe_unit, stripe_count, data_pool) as opts:
            self._call(self._lib.rbd_copy3, "copy to %s" % dest_name, dest_ioctx.io, cstr(dest_name, "dest_name"), opts)

    def deep_copy(self, dest_ioctx, dest_name, features=None, order=None, stripe_unit=None, stripe_count=None,
                  data_pool=None):
        """Copy with snapshots and parent link."""
        with _ImageOptions(features, order, stripe_unit, stripe_count, data_pool) as opts:
            self._call(self._lib.rbd_deep_copy, "deep copy to %s" % dest_name, dest_ioctx.io,
                       cstr(dest_name, "dest_name"), opts)

    def get_parent_image_spec(self):
        """The parent as a dict; ImageNotFound if the image has none."""
        image = self._ffi.new("rbd_linked_image_spec_t *")
        snap = self._ffi.new("rbd_snap_spec_t *")
        self._call(self._lib.rbd_get_parent, "get parent", image, snap)
        try:
            spec = _linked_spec(self._ffi, image[0])
            return {
                "pool_name": spec["pool"],
                "pool_namespace": spec["pool_namespace"],
                "image_name": spec["image"],
                "image_id": spec["id"],
                "trash": spec["trash"],
                "snap_name": _text(self._ffi, snap.name),
                "snap_id": snap.id,
                "snap_namespace_type": int(snap.namespace_type),
            }
        finally:
            self._lib.rbd_linked_image_spec_cleanup(image)
            self._lib.rbd_snap_spec_cleanup(snap)

    def parent_info(self):
        """(pool, image, snapshot) of the parent."""
        spec = self.get_parent_image_spec()
        return spec["pool_name"], spec["image_name"], spec["snap_name"]

    def parent_id(self):
        return self.get_parent_image_spec()["image_id"]

    def list_children2(self):
        """Children of the image (or of the snapshot it is open at) as dicts."""
        self.require_not_closed()
        specs, count, _ret = _grow_array("rbd_linked_image_spec_t[]",
                                         lambda a, n: self._lib.rbd_list_children3(self.image, a, n),
                                         "list children (image %s)" % self.name)
        try:
            return [_linked_spec(self._ffi, specs[i]) for i in range(count)]
        finally:
            self._lib.rbd_linked_image_spec_list_cleanup(specs, count)

    def list_children(self):
        """(pool, image) of the children that are not in the trash."""
        return [(child["pool"], child["image"]) for child in self.list_children2() if not child["trash"]]

    # -- metadata
    def metadata_get(self, key):
        self.require_not_closed()
        try:
            return _string_out(lambda buf, size: self._lib.rbd_metadata_get(self.image, cstr(key, "key"), buf, size),
                               "get metadata %s (image %s)" % (key, self.name))
        except ImageNotFound as exc:
            raise KeyError(key) from exc

    def metadata_set(self, key, value):
        self._call(self._lib.rbd_metadata_set, "set metadata %s" % key, cstr(key, "key"), cstr(value, "value"))

    def metadata_remove(self, key):
        try:
            self._call(self._lib.rbd_metadata_remove, "remove metadata %s" % key, cstr(key, "key"))
        except ImageNotFound as exc:
            raise KeyError(key) from exc

    def metadata_list(self):
        """Image metadata as a list of (key, value)."""
        self.require_not_closed()
        return _key_values(lambda *args: self._lib.rbd_metadata_list(self.image, *args),
                           "list metadata (image %s)" % self.name)

    # -- locks and watchers
    def lock_exclusive(self, cookie):
        self._call(self._lib.rbd_lock_exclusive, "lock exclusively", cstr(cookie, "cookie"))

    def lock_shared(self, cookie, tag):
        self._call(self._lib.rbd_lock_shared, "lock shared", cstr(cookie, "cookie"), cstr(tag, "tag"))

    def unlock(self, cookie):
        self._call(self._lib.rbd_unlock, "unlock", cstr(cookie, "cookie"))

    def break_lock(self, client, cookie):
        self._call(self._lib.rbd_break_lock, "break lock of %s" % client, cstr(client, "client"), cstr(cookie, "cookie"))

    def list_lockers(self):
        """``[]`` if unlocked, else ``{"tag", "exclusive", "lockers": [(client, cookie, address)]}``."""
        self.require_not_closed()
        ffi = self._ffi
        exclusive = ffi.new("int *")
        lens = [ffi.new("size_t *", 512) for _index in range(4)]
        while True:
            bufs = [ffi.new("char[]", n[0]) for n in lens]
            ret = self._lib.rbd_list_lockers(self.image, exclusive, bufs[0], lens[0], bufs[1], lens[1], bufs[2],
                                             lens[2], bufs[3], lens[3])
            if ret != -_ERANGE:
                break
        _check(ret, "list lockers (image %s)" % self.name)
        if ret == 0:
            return []
        clients, cookies, addrs = (_split_nul(ffi, bufs[i], lens[i][0]) for i in (1, 2, 3))
        return {"tag": ffi.string(bufs[0]).decode("utf-8"), "exclusive": bool(exclusive[0]),
                "lockers": list(zip(clients, cookies, addrs))}

    def watchers_list(self):
        """Clients watching the image, as dicts ``{"addr", "id", "cookie"}``."""
        self.require_not_closed()
        watchers, count, _ret = _grow_array("rbd_image_watcher_t[]",
                                            lambda a, n: self._lib.rbd_watchers_list(self.image, a, n),
                                            "list watchers (image %s)" % self.name)
        try:
            return [{"addr": _text(self._ffi, watchers[i].addr), "id": watchers[i].id, "cookie": watchers[i].cookie}
                    for i in range(count)]
        finally:
            self._lib.rbd_watchers_list_cleanup(watchers, count)

    def rebuild_object_map(self):
        self._call(self._lib.rbd_rebuild_object_map, "rebuild object map", _no_progress(), self._ffi.NULL)


class SnapIterator:
    """The snapshots of an image: dicts ``{"id", "size", "name", "namespace"}``."""

    def __init__(self, image):
        image.require_not_closed()
        ffi, lib = image._ffi, image._lib
        count = ffi.new("int *", 16)
        while True:
            snaps = ffi.new("rbd_snap_info_t[]", count[0] + 1)
            ret = lib.rbd_snap_list(image.image, snaps, count)
            if ret != -_ERANGE:
                break
        _check(ret, "list snapshots (image %s)" % image.name)
        try:
            self.snaps = [{"id": snaps[i].id, "size": snaps[i].size, "name": _text(ffi, snaps[i].name)}
                          for i in range(ret)]
        finally:
            lib.rbd_snap_list_end(snaps)
        for snap in self.snaps:
            snap["namespace"] = image.snap_get_namespace_type(snap["id"])

    def __iter__(self):
        return iter(self.snaps)

    def __len__(self):
        return len(self.snaps)
