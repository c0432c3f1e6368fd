# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of the XenStore modules and their action group."""

    DOCUMENTATION = r"""
options:
  socket_path:
    description:
      - Path of the xenstored Unix socket (dom0).
      - When neither O(socket_path) nor O(xenbus_path) is set, the environment variable E(XENSTORED_PATH) is used,
        then C(/run/xenstored/socket) or C(/var/run/xenstored/socket), then C(/dev/xen/xenbus) if only that exists.
      - Mutually exclusive with O(xenbus_path).
    type: path
  xenbus_path:
    description:
      - Path of the xenbus character device, usually C(/dev/xen/xenbus), to talk to XenStore from inside a guest.
      - Mutually exclusive with O(socket_path).
    type: path
  op_timeout:
    description:
      - Seconds to wait for each reply from xenstored.
      - The collection's timeouts have the same names for every backend, O(timeout) is the former name.
    type: float
    default: 10
    aliases: [timeout]
notes:
  - The modules speak the XenStore protocol in pure Python; no Xen tools or Python packages are needed on the target.
"""
