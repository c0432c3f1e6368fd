# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``oio.common.client.ProxyClient``: requests to the namespace's proxy."""

from __future__ import annotations

from ..api.base import HttpApi
from .configuration import load_namespace_conf, proxy_url


class ProxyClient(HttpApi):
    """Requests to ``/v3.0/<namespace><request_prefix>`` of the proxy (``endpoint``, else the namespace configuration)."""

    def __init__(self, conf, request_prefix="", no_ns_in_url=False, endpoint=None, request_attempts=1,
                 logger=None, **kwargs):
        self.conf = conf
        self.ns = conf.get("namespace")
        self.logger = logger
        self.request_attempts = request_attempts
        if not endpoint:
            files = kwargs.get("sds_conf")
            endpoint = proxy_url(load_namespace_conf(self.ns, [files] if isinstance(files, str) else files), self.ns)
        endpoint = endpoint if "://" in endpoint else "http://" + endpoint
        self.proxy_netloc = endpoint.split("://", 1)[1].rstrip("/")
        prefix = "/v3.0" if no_ns_in_url else "/v3.0/%s" % self.ns
        super().__init__(endpoint=endpoint.rstrip("/") + prefix + request_prefix, **kwargs)

    def _make_uri(self, target):
        """The URL of a proxy action outside this client's prefix."""
        return "http://%s/v3.0/%s/%s" % (self.proxy_netloc, self.ns, target)
