# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors of loading the libraries, how errno values are worded, and what the exceptions of ``rados`` and ``rbd``
share (each module has its own exception hierarchy, as Ceph's modules do).
"""

from __future__ import annotations

import errno as _errno
import os


def _errno_init(self, message, errno=None):
    Exception.__init__(self, "%s (%s)" % (self.prefix, message) if self.prefix else message)
    self.errno = errno


def _errno_str(self):
    msg = Exception.__str__(self)
    if self.errno is None:
        return msg
    return "[errno {0}] {1}".format(self.errno, msg)


def _errno_reduce(self):
    # Ceph's own: no exception sets ``message``, so pickling or copying one raises AttributeError, unless the
    # caller sets ``message`` (the class then re-adds its prefix to it when unpickled).
    return (self.__class__, (self.message, self.errno))


# ``__init__``, ``__str__`` and ``__reduce__`` of the rados/rbd exceptions that carry an ``errno`` (or None): the
# message reads "<prefix> (<message>)" when the class has a ``prefix``, shown as "[errno N] ...", and
# ``__reduce__`` is Ceph's, as it is. Methods rather than a base class, so that the classes' MRO stays upstream's
# (the classes themselves are generated from python3-rados/rbd: _rados_exceptions.py, _rbd_exceptions.py).
ERRNO_METHODS = (_errno_init, _errno_str, _errno_reduce)


class Error(Exception):
    """Base of the errors raised while loading librados/librbd."""


class LibraryMissing(Error):
    """librados/librbd (or cffi) cannot be loaded on this host."""


class FunctionNotSupported(Error):
    """The installed librados/librbd lacks a function these bindings call."""


# Reworded so that a cephx refusal always reads "permission denied".
_REASONS = {
    _errno.ENOENT: "not found",
    _errno.EPERM: "permission denied (operation not permitted: check the cephx user's caps)",
    _errno.EACCES: "permission denied (check the cephx user, its key and its caps)",
    _errno.ETIMEDOUT: "timed out (is the cluster reachable and are its OSDs up?)",
}


def reason(code):
    """What errno ``code`` means, worded for an operator."""
    return _REASONS.get(code) or os.strerror(code)
