# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``xen.lowlevel.xs`` API on top of :class:`Client`, for code written against it.

Transactions are identified by strings (``""`` or None: no transaction);
permissions are dicts ``{'dom': id, 'read': bool, 'write': bool}``.
"""

from __future__ import annotations

from .client import Client
from .errors import XenStoreError
from .wire import Perm

_ACCESS = {(False, False): "none", (True, False): "read", (False, True): "write", (True, True): "both"}


class xs:  # pylint: disable=invalid-name
    """A ``xen.lowlevel.xs.xs`` handle (named like the class it stands in for)."""

    def __init__(self, unix_socket_path=None, xen_bus_path=None, timeout=30.0, connection=None):
        self._client = Client(unix_socket_path, xen_bus_path, timeout, connection)
        self._transactions = {}
        self._monitor = None

    def _ops(self, transaction):
        if not transaction or transaction == "0":
            return self._client
        try:
            return self._transactions[str(transaction)]
        except KeyError:
            raise XenStoreError("ENOENT", "transaction", detail="unknown transaction %r" % (transaction,)) from None

    def read(self, transaction, path):
        return self._ops(transaction).read(path)

    def write(self, transaction, path, value):
        self._ops(transaction).write(path, value)

    def ls(self, transaction, path):
        """Children of ``path``, or None if it does not exist."""
        try:
            return self._ops(transaction).ls(path)
        except XenStoreError as exc:
            if exc.name == "ENOENT":
                return None
            raise

    def mkdir(self, transaction, path):
        self._ops(transaction).mkdir(path)

    def rm(self, transaction, path):
        self._ops(transaction).rm(path)

    def get_permissions(self, transaction, path):
        return [{"dom": p.domid, "read": p.access in ("read", "both"), "write": p.access in ("write", "both")}
                for p in self._ops(transaction).get_perms(path)]

    def set_permissions(self, transaction, path, perms):
        entries = [Perm(int(p["dom"]), _ACCESS[bool(p.get("read")), bool(p.get("write"))]) for p in perms]
        self._ops(transaction).set_perms(path, entries)

    def transaction_start(self):
        tx = self._client.transaction()
        self._transactions[str(tx.tx_id)] = tx
        return str(tx.tx_id)

    def transaction_end(self, transaction, abort=False):
        """Commit (or abort) a transaction; False if the commit conflicted (retry it)."""
        tx = self._ops(transaction)
        del self._transactions[str(transaction)]
        if abort:
            tx.rollback()
            return True
        return tx.commit()

    def watch(self, path, token):
        if self._monitor is None:
            self._monitor = self._client.monitor()
        self._monitor.watch(path, str(token))
        return True

    def read_watch(self):
        """Block until a watch fires; returns ``[path, token]``."""
        event = self._monitor.wait()
        return [event.path, event.token]

    def unwatch(self, path, token):
        self._monitor.unwatch(path, str(token))
        return True

    def introduce_domain(self, domid, page, port):
        self._client.introduce_domain(domid, page, port)
        return True

    def release_domain(self, domid):
        self._client.release_domain(domid)
        return True

    def resume_domain(self, domid):
        self._client.resume_domain(domid)
        return True

    def set_target(self, domid, target):
        self._client.set_target(domid, target)
        return True

    def get_domain_path(self, domid):
        return self._client.get_domain_path(domid)

    def close(self):
        self._client.close()
