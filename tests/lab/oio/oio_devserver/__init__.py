# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""A single-process OpenIO SDS namespace for tests: proxy, account service and rawx services.

It answers as OpenIO SDS 7.3.0 does (its protocol notes: docs/oio-devserver.md): the proxy on
``/v3.0``, the account service on ``/v1.0`` and ``/status``, and N rawx services, each on its own
port with its own chunk directory. State lives under one directory and survives restarts.
"""
