# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``oio.account.client.AccountClient``: the account service (found through the proxy's load balancer)."""

from __future__ import annotations

import time

from ..api.base import HttpApi
from ..common.client import ProxyClient
from ..common.exceptions import OioException


class AccountClient(HttpApi):
    """Accounts and their container listings; ``endpoint`` fixes the account service's URL."""

    def __init__(self, conf, endpoint=None, proxy_endpoint=None, refresh_delay=3600.0, logger=None, **kwargs):
        kwargs.pop("endpoint", None)
        self.proxy = kwargs.pop("proxy_client", None) or ProxyClient(conf, endpoint=proxy_endpoint, logger=logger,
                                                                     request_prefix="/lb", **kwargs)
        kwargs.setdefault("http", self.proxy.http)
        if endpoint:
            endpoint = endpoint if "://" in endpoint else "http://" + endpoint
            endpoint = endpoint.rstrip("/")
            if not endpoint.endswith("/v1.0"):
                endpoint += "/v1.0"
        super().__init__(endpoint=endpoint, **kwargs)
        self._fixed = bool(endpoint)
        self._refresh_delay = refresh_delay
        self._last_refresh = 0.0
        self.logger = logger

    def _get_account_addr(self, **kwargs):
        dummy, services = self.proxy._request("GET", "/choose", params={"type": "account", "size": 1}, **kwargs)
        return "http://%s/v1.0" % services[0]["addr"]

    def account_request(self, account, method, action, params=None, **kwargs):
        """One request to ``/v1.0/account/<action>`` with ``id=account``; ``(response, body)``."""
        if not self._fixed and (not self.endpoint or time.monotonic() - self._last_refresh > self._refresh_delay):
            self.endpoint = self._get_account_addr()
            self._last_refresh = time.monotonic()
        params = dict(params or {})
        if account is not None:
            params["id"] = account
        try:
            kwargs["autocreate"] = False
            return self._request(method, "/account/" + action, params=params, **kwargs)
        except OioException:
            if not self._fixed:
                self.endpoint = None
            raise

    def account_create(self, account, **kwargs):
        """Create an account: True if created, False if it existed."""
        return self.account_request(account, "PUT", "create", **kwargs)[0].status == 201

    def account_delete(self, account, **kwargs):
        """Delete an account."""
        self.account_request(account, "POST", "delete", **kwargs)

    def account_list(self, **kwargs):
        """Names of the accounts."""
        return self.account_request(None, "GET", "list", **kwargs)[1]

    def account_show(self, account, **kwargs):
        """Statistics and metadata of an account."""
        return self.account_request(account, "GET", "show", **kwargs)[1]

    def account_update(self, account, metadata, to_delete, **kwargs):
        """Set (``metadata``) and delete (``to_delete``) account properties."""
        self.account_request(account, "PUT", "update", json={"metadata": metadata, "to_delete": to_delete}, **kwargs)

    def account_flush(self, account, **kwargs):
        """Forget every container of an account."""
        self.account_request(account, "POST", "flush", **kwargs)

    def account_refresh(self, account=None, **kwargs):
        """Recompute an account's statistics (every account's when None)."""
        if account is None:
            for name in self.account_list(**kwargs):
                self.account_refresh(name, **kwargs)
            return
        self.account_request(account, "POST", "refresh", **kwargs)

    def container_list(self, account, limit=None, marker=None, end_marker=None, prefix=None, delimiter=None,
                       s3_buckets_only=False, **kwargs):
        """One page of an account's containers: the account service's body."""
        params = {"limit": limit, "marker": marker, "end_marker": end_marker, "prefix": prefix,
                  "delimiter": delimiter, "s3_buckets_only": s3_buckets_only or None}
        return self.account_request(account, "GET", "containers", params=params, **kwargs)[1]

    def container_update(self, account, container, metadata=None, **kwargs):
        """Record a container's statistics (``metadata``: mtime, objects, bytes...)."""
        body = dict(metadata or {}, name=container)
        self.account_request(account, "PUT", "container/update", json=body, **kwargs)

    def container_reset(self, account, container, mtime, **kwargs):
        """Reset a container's statistics."""
        self.account_request(account, "POST", "container/reset", json={"name": container, "mtime": mtime}, **kwargs)
