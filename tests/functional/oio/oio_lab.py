# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for the OpenIO SDS functional tests: the client of the lab and its fault controls."""

from __future__ import annotations

import json
import os
import urllib.request
from urllib.parse import urlencode

from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.object_storage import ObjectStorageApi


def make_api(cls=ObjectStorageApi, **kwargs):
    return cls(os.environ["OIO_NS"], endpoint=os.environ["OIO_PROXY_URL"], account_url=os.environ["OIO_ACCOUNT_URL"], **kwargs)


def admin(action, **params):
    """Call the dev server's fault controls (docs: tests/lab/oio/oio_devserver/admin.py)."""
    base = os.environ["OIO_ADMIN_URL"].rstrip("/")
    if action == "rawx/start-all":
        for index in range(int(os.environ.get("OIO_RAWX_COUNT", "12"))):
            admin("rawx/start", service=str(index))
        return None
    url = "%s/%s?%s" % (base, action, urlencode(params))
    request = urllib.request.Request(url, method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def rawx_of(url):
    """The ``ip:port`` of a chunk URL."""
    return url.split("/")[2]
