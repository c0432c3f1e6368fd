# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The exceptions of the XenStore client, the same classes and ``args`` as pyxs's.

A failure reported by xenstored is ``PyXSError(errno, strerror)``.  As an
extension, exceptions may also carry ``op`` (the request or step), ``path``
and ``detail`` (a sentence on what is wrong); ``name`` is the errno's name.
"""

from __future__ import annotations

import errno as _errno

__all__ = ["InvalidOperation", "InvalidPayload", "InvalidPath", "InvalidPermission", "ConnectionError", "UnexpectedPacket"]


class PyXSError(Exception):
    """Base class of every XenStore client exception."""

    op = path = detail = None

    @property
    def errno(self):
        """The errno of a daemon failure (``args[0]``), else None."""
        code = self.args[0] if self.args else None
        return code if isinstance(code, int) else None

    @property
    def name(self):
        """The errno's name (``ENOENT``...), else None."""
        return _errno.errorcode.get(self.errno)

    def __str__(self):
        text = super().__str__()
        path = self.path.decode("utf-8", "replace") if isinstance(self.path, bytes) else self.path
        context = " ".join(str(part) for part in (self.name, self.op and "on %s" % self.op, path) if part is not None)
        if self.detail:
            context = "%s: %s" % (context, self.detail) if context else self.detail
        return "%s (%s)" % (text, context) if context else text


class InvalidOperation(ValueError, PyXSError):
    """A packet's operation is not one of XenStore's."""


class InvalidPayload(ValueError, PyXSError):
    """A packet's payload is over 4096 bytes."""


class InvalidPath(ValueError, PyXSError):
    """A path that is not letters, digits and ``-/_@``, has a trailing or double ``/``, or is too long."""


class InvalidPermission(ValueError, PyXSError):
    """A permission that is not ``w``, ``r``, ``b`` or ``n`` followed by a domain id."""


class ConnectionError(PyXSError):  # pylint: disable=redefined-builtin
    """Opening, reading or writing the connection to xenstored failed."""


class UnexpectedPacket(ConnectionError):
    """A reply that does not match its request (operation or transaction)."""


#: The name this client's exception had before it followed pyxs; the same class.
XenStoreError = PyXSError
