# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Constants of ``oio.common.constants`` (7.x) the client uses."""

from __future__ import annotations

OIO_VERSION = "4.2"
REQID_HEADER = "X-oio-req-id"
ADMIN_HEADER = "X-oio-admin"
FORCEVERSIONING_HEADER = "X-oio-Force-Versioning"
SIMULATEVERSIONING_HEADER = "X-oio-Simulate-Versioning"
PERFDATA_HEADER = "X-oio-perfdata"
TIMEOUT_HEADER = "X-oio-timeout"
ACTION_MODE_HEADER = "X-oio-action-mode"
OBJECT_METADATA_PREFIX = "x-oio-content-meta-"
CHUNK_METADATA_PREFIX = "x-oio-chunk-meta-"
CONTAINER_METADATA_PREFIX = "x-oio-container-meta-"
CONNECTION_TIMEOUT = 2.0
READ_TIMEOUT = 30.0
TIMEOUT_KEYS = ("connection_timeout", "read_timeout", "write_timeout")
STRLEN_REQID = 63
STRLEN_CHUNKID = 64
OIO_DB_ENABLED = "0"
OIO_DB_FROZEN = str(2 ** 32 - 1)
OIO_DB_DISABLED = str(2 ** 32 - 2)
