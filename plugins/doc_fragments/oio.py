# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of the OpenIO SDS modules and their action group."""

    DOCUMENTATION = r"""
options:
  namespace:
    description:
      - Name of the OpenIO SDS namespace, for example C(OPENIO).
      - If not set, the environment variable E(OIO_NS) is used.
    type: str
    required: true
  endpoint:
    description:
      - URL of the namespace's oio-proxy, for example C(http://127.0.0.1:6000).
      - If not set, the environment variable E(OIO_PROXY_URL) is used, then the C(proxy) key of the namespace
        configuration (O(sds_conf), else C(/etc/oio/sds.conf), C(/etc/oio/sds.conf.d/*), C(~/.oio/sds.conf)).
    type: str
  account:
    description:
      - The account (tenant) that owns the containers.
      - If not set, the environment variable E(OIO_ACCOUNT) is used.
    type: str
    required: true
  account_url:
    description:
      - Base URL of the account service, for example C(http://127.0.0.1:6009) (C(/v1.0) is added when missing).
      - If not set, the environment variable E(OIO_ACCOUNT_URL) is used, else the proxy's load balancer picks one.
    type: str
  sds_conf:
    description:
      - A namespace configuration file (INI, one C([NAMESPACE]) section with C(proxy=host:port)) to read instead of the
        standard locations.
      - If not set, the environment variable E(OIO_SDS_CONF) is used.
    type: path
  connect_timeout:
    description:
      - Seconds to wait for a connection to the proxy, the account service or a rawx service.
      - The collection's timeouts have the same names for every backend, O(connection_timeout) is the former name.
    type: float
    default: 2.0
    aliases: [connection_timeout]
  op_timeout:
    description:
      - Seconds to wait for an answer of the proxy or the account service.
      - The collection's timeouts have the same names for every backend, O(read_timeout) is the former name.
    type: float
    default: 30.0
    aliases: [read_timeout]
  write_timeout:
    description: Seconds a chunk upload to a rawx service may stall.
    type: float
    default: 60.0
  b2_key_file:
    description:
      - For objects whose storage policy stores data on Backblaze B2 (chunk method C(backblaze/...)), the INI file with the
        application keys (section C([backblaze]), option C(<account_id>.<bucket_name>.application_key)).
      - Default C(/etc/oio/sds/b2-appkey.conf).
    type: path
  b2_application_key:
    description:
      - The Backblaze B2 application key, used instead of O(b2_key_file).
      - If not set, the environment variable E(B2_APPLICATION_KEY) is used.
    type: str
  b2_api_url:
    description: Base URL of the Backblaze B2 API.
    type: str
    default: https://api.backblazeb2.com
requirements:
  - urllib3 >= 1.26 on the target
  - pyeclib on the target, only for objects with an erasure-coding storage policy
"""
