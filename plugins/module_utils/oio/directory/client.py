# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``oio.directory.client.DirectoryClient``: references and their linked services (meta1)."""

from __future__ import annotations

from ..common.client import ProxyClient


class DirectoryClient(ProxyClient):
    """References (directory entries) of the namespace."""

    def __init__(self, conf, **kwargs):
        super().__init__(conf, request_prefix="/reference", **kwargs)

    @staticmethod
    def _make_params(account=None, reference=None, service_type=None, cid=None):
        params = {"cid": cid} if cid else {"acct": account, "ref": reference}
        if service_type:
            params["type"] = service_type
        return params

    def _ref(self, action, account, reference, service_type=None, cid=None, **kwargs):
        return self._request("POST", "/" + action, params=self._make_params(account, reference, service_type, cid),
                             **kwargs)

    def create(self, account=None, reference=None, properties=None, **kwargs):
        """Create a reference: True if created."""
        resp, dummy = self._ref("create", account, reference, json={"properties": properties or {}}, **kwargs)
        return resp.status == 201

    def has(self, account=None, reference=None, cid=None, **kwargs):
        """Whether the reference exists."""
        try:
            self._request("GET", "/has", params=self._make_params(account, reference, cid=cid), **kwargs)
            return True
        except Exception:  # pylint: disable=broad-except
            return False

    def list(self, account=None, reference=None, cid=None, service_type=None, **kwargs):
        """The reference's description and linked services (``dir``, ``srv``)."""
        return self._request("GET", "/show", params=self._make_params(account, reference, service_type, cid), **kwargs)[1]

    def show(self, *args, **kwargs):
        """Alias of :meth:`list`."""
        return self.list(*args, **kwargs)

    def delete(self, account=None, reference=None, cid=None, **kwargs):
        """Delete a reference."""
        self._ref("destroy", account, reference, cid=cid, **kwargs)

    def link(self, account=None, reference=None, service_type=None, cid=None, autocreate=False, **kwargs):
        """Link a service of ``service_type`` to the reference."""
        return self._ref("link", account, reference, service_type, cid, autocreate=autocreate, **kwargs)[1]

    def unlink(self, account=None, reference=None, service_type=None, cid=None, **kwargs):
        """Unlink the reference's services of ``service_type``."""
        self._ref("unlink", account, reference, service_type, cid, **kwargs)

    def renew(self, account=None, reference=None, service_type=None, cid=None, **kwargs):
        """Relink the reference's services of ``service_type``."""
        return self._ref("renew", account, reference, service_type, cid, **kwargs)[1]

    def force(self, account=None, reference=None, service_type=None, services=None, cid=None, autocreate=False,
              **kwargs):
        """Set the reference's services of ``service_type`` (``services``: a service description)."""
        self._ref("force", account, reference, service_type, cid, json=services, autocreate=autocreate, **kwargs)

    def get_properties(self, account=None, reference=None, properties=None, cid=None, **kwargs):
        """The reference's properties."""
        return self._ref("get_properties", account, reference, cid=cid, json=properties or [], **kwargs)[1]

    def set_properties(self, account=None, reference=None, properties=None, clear=False, cid=None, **kwargs):
        """Set properties of the reference."""
        params = self._make_params(account, reference, cid=cid)
        if clear:
            params["flush"] = 1
        self._request("POST", "/set_properties", params=params, json={"properties": properties or {}}, **kwargs)

    def del_properties(self, account=None, reference=None, properties=(), cid=None, **kwargs):
        """Delete properties of the reference."""
        self._ref("del_properties", account, reference, cid=cid, json=list(properties), **kwargs)
