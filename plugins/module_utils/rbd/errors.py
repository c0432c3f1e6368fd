# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exception classes of the ``rbd`` module, named as in Ceph's, and errno mapping.

The ``rados`` module's exceptions are its own, as in Ceph's modules (``rados.py``).
"""

from __future__ import annotations

import errno as _errno
import os


class Error(Exception):
    """Base of every error raised by these bindings."""


class LibraryMissing(Error):
    """librados/librbd (or cffi) cannot be loaded on this host."""


class LogicError(Error):
    """The object is used in a state that does not allow the call (closed image, not connected)."""


class InvalidArgumentError(Error):
    """A Python-side argument is wrong (raised before calling the library)."""


class OSError(Error):  # noqa: A001 - named as upstream
    """The library returned a negative errno."""

    def __init__(self, message, errno=None):
        super().__init__(message)
        self.errno = errno

    def __str__(self):
        msg = super().__str__()
        if self.errno:
            return "[errno %d] %s" % (self.errno, msg)
        return msg


class PermissionError(OSError):  # noqa: A001
    pass


class PermissionDeniedError(PermissionError):
    pass


class ObjectNotFound(OSError):
    pass


class ImageNotFound(ObjectNotFound):
    pass


class ObjectExists(OSError):
    pass


class ImageExists(ObjectExists):
    pass


class ObjectBusy(OSError):
    pass


class ImageBusy(ObjectBusy):
    pass


class IOError(OSError):  # noqa: A001
    pass


class NoSpace(OSError):
    pass


class InvalidArgument(OSError):
    pass


class ReadOnlyImage(OSError):
    pass


class ImageHasSnapshots(OSError):
    pass


class FunctionNotSupported(OSError):
    pass


class ArgumentOutOfRange(OSError):
    pass


class ConnectionShutdown(OSError):
    pass


class TimedOut(OSError):
    pass


Timeout = TimedOut


class DiskQuotaExceeded(OSError):
    pass


class OperationNotSupported(OSError):
    pass


class OperationCanceled(OSError):
    pass


class IncompleteWriteError(Error):
    pass


RBD_ERRORS = {
    _errno.EPERM: PermissionError,
    _errno.EACCES: PermissionDeniedError,
    _errno.ENOENT: ImageNotFound,
    _errno.EIO: IOError,
    _errno.ENOSPC: NoSpace,
    _errno.EEXIST: ImageExists,
    _errno.EINVAL: InvalidArgument,
    _errno.EROFS: ReadOnlyImage,
    _errno.EBUSY: ImageBusy,
    _errno.ENOTEMPTY: ImageHasSnapshots,
    _errno.ENOSYS: FunctionNotSupported,
    _errno.EDOM: ArgumentOutOfRange,
    _errno.ESHUTDOWN: ConnectionShutdown,
    _errno.ETIMEDOUT: TimedOut,
    _errno.EDQUOT: DiskQuotaExceeded,
    _errno.EOPNOTSUPP: OperationNotSupported,
    _errno.ECANCELED: OperationCanceled,
}

# Reworded so that a cephx refusal always reads "permission denied".
_REASONS = {
    _errno.ENOENT: "not found",
    _errno.EPERM: "permission denied (operation not permitted: check the cephx user's caps)",
    _errno.EACCES: "permission denied (check the cephx user, its key and its caps)",
    _errno.ETIMEDOUT: "timed out (is the cluster reachable and are its OSDs up?)",
}


def make_error(ret, message, table=None):
    """Build the exception for a negative (or positive) errno ``ret`` returned by ``message``."""
    code = abs(ret)
    table = RBD_ERRORS if table is None else table
    reason = _REASONS.get(code) or os.strerror(code)
    return table.get(code, OSError)("%s: %s" % (message, reason), errno=code)
