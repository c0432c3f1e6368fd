# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A pure-Python XenStore client (stdlib only), a drop-in pyxs; see docs/xenstore.md."""

from __future__ import annotations

from contextlib import contextmanager

from ._compat import Error, xs
from ._internal import PAYLOAD_MAX, Event
from .client import Batch, Client, Monitor, Node, Router, Transaction
from .connection import RingConnection, UnixSocketConnection, XenBusConnection
from .exceptions import (  # pylint: disable=redefined-builtin
    ConnectionError, InvalidOperation, InvalidPath, InvalidPayload, InvalidPermission, PyXSError, UnexpectedPacket,
    XenStoreError)
from .helpers import check_path
from .wire import Perm

__all__ = ["Router", "Client", "Monitor", "PyXSError", "ConnectionError", "UnexpectedPacket", "InvalidOperation",
           "InvalidPath", "InvalidPayload", "xs", "Error",
           # extensions
           "PAYLOAD_MAX", "Batch", "Event", "InvalidPermission", "Node", "Perm", "RingConnection", "Transaction",
           "UnixSocketConnection", "XenBusConnection", "XenStoreError", "check_path"]


@contextmanager
def monitor(*args, **kwargs):
    """A connected client's :class:`Monitor`, closed afterwards; arguments go to :class:`Client`."""
    with Client(*args, **kwargs) as c:
        with c.monitor() as m:
            yield m
