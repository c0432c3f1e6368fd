# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by the rbd_* modules (action group datacenter.storage.rbd)."""

    DOCUMENTATION = r"""
options:
  ceph_conf:
    description:
      - Path to the C(ceph.conf) on the target that names the monitors.
      - When not set, the E(CEPH_CONF) environment variable, then C(/etc/ceph/ceph.conf).
    type: path
  client_name:
    description:
      - The cephx user to connect as, for example C(client.rbd-ops) or just C(rbd-ops).
      - Give it only the caps it needs, see the collection's C(docs/rbd.md).
    type: str
    default: client.admin
    aliases: [user]
  keyring:
    description:
      - Path to a keyring on the target that holds the key of O(client_name).
      - When not set, the C(keyring) setting of O(ceph_conf) applies.
    type: path
  key:
    description:
      - The cephx secret of O(client_name) itself (base64), instead of a O(keyring).
      - Never logged nor returned.
    type: str
  cluster:
    description: The cluster name (selects C(/etc/ceph/<cluster>.conf) when O(ceph_conf) is not set).
    type: str
    default: ceph
  connect_timeout:
    description:
      - Seconds to wait for the monitors when connecting.
      - The collection's timeouts have the same names for every backend (O(connect_timeout), O(op_timeout)).
      - Ceph counts whole seconds, fractions are rounded up.
    type: float
    default: 10
  op_timeout:
    description:
      - Seconds after which an operation that the cluster does not answer fails (for example while OSDs are down),
        instead of waiting for ever.
      - Some librbd calls wait for a stopped OSD past it, such as the resize of an image and the close of an image
        that was changed (they notify its watchers and release its lock). M(datacenter.storage.rbd_image) and
        M(datacenter.storage.rbd_snapshot) give such a call up after three times O(op_timeout) plus 5 seconds
        without progress and fail naming O(op_timeout) (M(datacenter.storage.rbd_image) with the image's state as
        read back).
    type: float
    default: 30
requirements:
  - librbd1 and librados2 on the target (Debian/Ubuntu C(apt-get install librbd1 librados2), RHEL C(dnf install librbd1 librados2)).
  - The Python package cffi on the target.
"""
