# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pyxs's ``xs`` handle: the ``xen.lowlevel.xs`` calling convention on top of :class:`Client`.

Transaction ids are strings (``""`` or ``"0"``: none).  Two deviations from
pyxs 0.4, where it has bugs: ``get_permissions`` returns the permissions
(pyxs returns None) and ``transaction_end`` returns False when the commit
conflicted (pyxs returns True).
"""

from __future__ import annotations

import errno

from .client import Client
from .exceptions import PyXSError as Error

__all__ = ["xs", "Error"]


class xs:  # pylint: disable=invalid-name
    """A connected XenStore handle; the arguments (an extension) go to :class:`Client`."""

    def __init__(self, *args, **kwargs):
        self.client = Client(*args, **kwargs)
        self.client.connect()
        self.monitor = self.client.monitor()
        self.token_aliases = {}

    def _at(self, tx_id):
        self.client.tx_id = int(tx_id or 0)
        return self.client

    def close(self):
        self.client.close()

    def get_permissions(self, tx_id, path):
        return self._at(tx_id).get_perms(path)

    def set_permissions(self, tx_id, path, perms):
        self._at(tx_id).set_perms(path, perms)

    def ls(self, tx_id, path):
        """The children of ``path``, or None if it does not exist."""
        try:
            return self._at(tx_id).list(path)
        except Error as exc:
            if exc.args[0] == errno.ENOENT:
                return None
            raise

    def mkdir(self, tx_id, path):
        self._at(tx_id).mkdir(path)

    def rm(self, tx_id, path):
        self._at(tx_id).delete(path)

    def read(self, tx_id, path):
        return self._at(tx_id).read(path)

    def write(self, tx_id, path, value):
        return self._at(tx_id).write(path, value)

    def get_domain_path(self, domid):
        return self.client.get_domain_path(domid)

    def introduce_domain(self, domid, mfn, eventchn):
        self.client.introduce_domain(domid, mfn, eventchn)

    def release_domain(self, domid):
        self.client.release_domain(domid)

    def resume_domain(self, domid):
        self.client.resume_domain(domid)

    def set_target(self, domid, target):
        self.client.set_target(domid, target)

    def transaction_start(self):
        """Start a transaction; its id as bytes."""
        return str(self.client.transaction()).encode()

    def transaction_end(self, tx_id, abort=0):
        """Abort or commit a transaction; False if the commit conflicted (run it again)."""
        client = self._at(tx_id)
        if abort:
            client.rollback()
            return True
        return client.commit()

    def watch(self, path, token):
        """Watch ``path``; ``token`` may be any object (read_watch returns it)."""
        stub = str(id(token)).encode()
        self.token_aliases[stub] = token
        return self.monitor.watch(path, stub)

    def unwatch(self, path, token):
        stub = str(id(token)).encode()
        self.monitor.unwatch(path, stub)
        del self.token_aliases[stub]

    def read_watch(self):
        """Wait for an event: ``(path, token)``."""
        event = next(self.monitor.wait())
        return event._replace(token=self.token_aliases[event.token])
