# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A pure-Python XenStore client (stdlib only); see docs/xenstore.md."""

from __future__ import annotations

from .client import Batch, Client, Monitor, Node, Transaction
from .connection import RingConnection, UnixSocketConnection, XenBusConnection
from .errors import XenStoreError
from .router import WatchEvent
from .wire import PAYLOAD_MAX, Perm, check_path

__all__ = ["PAYLOAD_MAX", "Batch", "Client", "Monitor", "Node", "Perm", "RingConnection", "Transaction", "UnixSocketConnection",
           "WatchEvent", "XenBusConnection", "XenStoreError", "check_path"]
