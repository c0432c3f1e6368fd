# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception type of the XenStore client."""

from __future__ import annotations

import errno
import os


class XenStoreError(Exception):
    """A XenStore failure: ``name`` is the errno name (``ENOENT``, ``EAGAIN``...).

    ``op`` is the operation (``READ``, ``connect``...), ``path`` the node or
    socket it was about, ``detail`` an optional explanation.
    """

    def __init__(self, name, op=None, path=None, detail=None):
        self.name = name
        self.errno = getattr(errno, name, None)
        self.op = op
        self.path = path
        self.detail = detail
        super().__init__(str(self))

    def __str__(self):
        text = self.name
        if self.errno is not None:
            text += " (%s)" % os.strerror(self.errno)
        if self.op:
            text += " on %s" % self.op
        if self.path is not None:
            text += " %s" % self.path
        if self.detail:
            text += ": %s" % self.detail
        return text
