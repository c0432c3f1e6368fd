# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-call ``connection_timeout`` and ``write_timeout``: each fires within its bounds, not the client's, and
raises upstream's exception."""

from __future__ import annotations

import os
import socket
import time

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio import ObjectStorageApi
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import OioTimeout, ServiceBusy

from oio_lab import admin, make_api


@pytest.fixture
def unreachable_proxy():
    """A listener whose accept queue is full: a new connection's SYN is dropped, so connecting never completes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = [socket.socket() for _unused in range(8)]  # the queue holds backlog + 1: the others stay in SYN_SENT
    for filler in fillers:
        filler.setblocking(False)
        filler.connect_ex(listener.getsockname())
    time.sleep(0.2)
    yield "http://127.0.0.1:%d" % listener.getsockname()[1]
    for sock in fillers + [listener]:
        sock.close()


def test_per_call_connection_timeout_bounds_the_connect(unreachable_proxy):
    api = ObjectStorageApi(os.environ["OIO_NS"], endpoint=unreachable_proxy, account_url=os.environ["OIO_ACCOUNT_URL"],
                           connection_timeout=60.0, read_timeout=60.0)
    started = time.monotonic()
    with pytest.raises(OioTimeout):
        api.container_show("a", "c", connection_timeout=0.3)
    assert time.monotonic() - started < 10


def test_per_call_write_timeout_bounds_a_stalled_upload(account, container):
    """Every rawx leaves the PUT bodies unread for 30 s (its stall ends with the test): the chunk uploads time out after the call's 0.5 s, the
    write quorum is lost and upstream's ServiceBusy is raised."""
    api = make_api(write_timeout=120.0)
    admin("rawx/stall", seconds="30")
    try:
        started = time.monotonic()
        with pytest.raises(ServiceBusy, match="quorum not reached") as info:
            api.object_create(account, container, data=os.urandom(65536), obj_name="stalled", policy="THREECOPIES",
                              write_timeout=0.5)
        assert time.monotonic() - started < 15
        assert "timeout" in str(info.value).lower() or "timed out" in str(info.value).lower()
    finally:
        admin("rawx/stall", seconds="0")
    api.object_create(account, container, data=b"after", obj_name="after", policy="THREECOPIES", write_timeout=0.5)
