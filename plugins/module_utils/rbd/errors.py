# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors of loading the libraries, and how errno values are worded.

The ``rados`` and ``rbd`` modules have their own exception hierarchies, as Ceph's modules do.
"""

from __future__ import annotations

import errno as _errno
import os


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
