# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenIO SDS's Ansible glue: the backend descriptor (connection options, client, dependency check)."""

from __future__ import annotations

import traceback
from contextlib import contextmanager

from ansible.module_utils.basic import env_fallback

from ..oio.api.object_storage import ObjectStorageApi
from ..oio.common.exceptions import OioException
from .backend import Backend
from .checks import existing_files, http_urls, max_bytes, namespace_name, not_empty, positive_seconds

try:  # the client imports it optionally, so ask for it here
    import urllib3  # noqa: F401 pylint: disable=unused-import
    IMPORT_ERROR = None
except ImportError:
    IMPORT_ERROR = traceback.format_exc()

CONNECTION_SPEC = dict(
    namespace=dict(type="str", required=True, fallback=(env_fallback, ["OIO_NS"])),
    endpoint=dict(type="str", fallback=(env_fallback, ["OIO_PROXY_URL"])),
    account=dict(type="str", required=True, fallback=(env_fallback, ["OIO_ACCOUNT"])),
    account_url=dict(type="str", fallback=(env_fallback, ["OIO_ACCOUNT_URL"])),
    sds_conf=dict(type="path", fallback=(env_fallback, ["OIO_SDS_CONF"])),
    connect_timeout=dict(type="float", default=2.0, aliases=["connection_timeout"]),
    op_timeout=dict(type="float", default=30.0, aliases=["read_timeout"]),
    write_timeout=dict(type="float", default=60.0),
    b2_key_file=dict(type="path"),
    b2_application_key=dict(type="str", no_log=True, fallback=(env_fallback, ["B2_APPLICATION_KEY"])),
    b2_api_url=dict(type="str", default="https://api.backblazeb2.com"),
)


def client_from_params(params):
    """An :class:`ObjectStorageApi` from the shared connection options."""
    return ObjectStorageApi(params["namespace"], endpoint=params.get("endpoint"), sds_conf=params.get("sds_conf"),
                            account_url=params.get("account_url"), connection_timeout=params["connect_timeout"],
                            read_timeout=params["op_timeout"], write_timeout=params["write_timeout"],
                            key_file=params.get("b2_key_file"), backblaze_application_key=params.get("b2_application_key"),
                            backblaze_api_url=params.get("b2_api_url") or "https://api.backblazeb2.com")


# OpenIO SDS keeps these names in fixed-size buffers (its metautils limits, the NUL included): longer ones
# would be cut short.
NAME_LIMITS = dict(namespace=63, account=255, container=255, name=1023)


def validate(params):
    """Refuse the connection options no request could use, and empty container and object names (ParamError)."""
    not_empty(params, "namespace", "account", "container", "name")
    max_bytes(params, NAME_LIMITS)
    namespace_name(params)
    existing_files(params, "sds_conf", "b2_key_file")
    http_urls(params, "endpoint", "account_url", "b2_api_url")
    positive_seconds(params, "connect_timeout", "op_timeout", "write_timeout")


@contextmanager
def open_client(module):
    """``with module.open() as client:`` an :class:`ObjectStorageApi` (it holds no connection to close)."""
    yield client_from_params(module.params)


BACKEND = Backend("oio", CONNECTION_SPEC, (OioException,), open_client, requirement=lambda: ("urllib3", IMPORT_ERROR),
                  validate=validate)
