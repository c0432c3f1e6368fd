# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""XenStore's Ansible glue: connection options, client factory, permissions as modules show them."""

from __future__ import annotations

from contextlib import contextmanager

from ..xenstore import Client, ConnectionError as XenStoreConnectionError, Perm, XenStoreError
from .backend import Backend
from .checks import positive_seconds

CONNECTION_SPEC = dict(
    socket_path=dict(type="path"),
    xenbus_path=dict(type="path"),
    op_timeout=dict(type="float", default=10.0, aliases=["timeout"]),
)
ACCESS_CHOICES = ["none", "read", "write", "both"]

PERMISSIONS_SPEC = dict(
    owner=dict(type="int", required=True),
    others=dict(type="str", default="none", choices=ACCESS_CHOICES),
    domains=dict(type="dict", default={}),
)


def client_from_params(params):
    """A connected :class:`Client` from the shared connection options."""
    client = Client(unix_socket_path=params.get("socket_path"), xen_bus_path=params.get("xenbus_path"),
                    timeout=params.get("op_timeout"))
    client.connect()
    return client


@contextmanager
def open_client(module):
    """``with module.open() as client:`` a connected :class:`Client`; a connection failure names the option."""
    try:
        client = client_from_params(module.params)
    except XenStoreConnectionError as exc:
        name = "xenbus_path" if module.params.get("xenbus_path") else "socket_path"
        module.fail_param(name, exc.path, exc.detail)
    try:
        yield client
    finally:
        client.close()


BACKEND = Backend("xenstore", CONNECTION_SPEC, (XenStoreError,), open_client,
                  mutually_exclusive=[("socket_path", "xenbus_path")],
                  validate=lambda params: positive_seconds(params, "op_timeout"))


def perms_to_dict(perms):
    """``[Perm(0, 'none'), Perm(5, 'read')]`` -> ``{'owner': 0, 'others': 'none', 'domains': {'5': 'read'}}``.

    The daemon gives the first entry for a domain precedence; later duplicates are dropped.
    """
    domains = {}
    for perm in perms[1:]:
        domains.setdefault(str(perm.domid), perm.access)
    return {"owner": perms[0].domid, "others": perms[0].access, "domains": domains}


def perms_from_option(option):
    """The module option (owner, others, domains) as a normalised dict and a Perm list.

    Raises ValueError naming the bad domain id or access.
    """
    domains = {}
    for domid, access in (option.get("domains") or {}).items():
        try:
            domid = int(domid)
        except (TypeError, ValueError):
            raise ValueError("domains: %r is not a domain id" % (domid,)) from None
        if domid < 0 or access not in ACCESS_CHOICES:
            raise ValueError("domains: %r: %r (access must be one of %s)" % (domid, access, ", ".join(ACCESS_CHOICES)))
        domains[domid] = access
    perms = [Perm(option["owner"], option.get("others") or "none")] + [Perm(d, domains[d]) for d in sorted(domains)]
    return perms_to_dict(perms), perms


def unknown_domains(client, domids):
    """The domain ids (other than 0) that xenstored does not know; [] if we may not ask (a guest)."""
    unknown = []
    for domid in sorted(set(domids) - {0}):
        try:
            if not client.is_domain_introduced(domid):
                unknown.append(domid)
        except XenStoreError as exc:
            if exc.name == "EACCES":
                return []
            raise
    return unknown


def text(value):
    """A node value (bytes) as module results show it."""
    return None if value is None else value.decode("utf-8", "replace")
