# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Fixtures for the XenStore tests: the lab's real xenstored (tests/lab/lab up xenstored), our client,
unprivileged guest domains over the shim's ring files, and independent peers.

Peers: Debian's ``xenstore-*`` tools (with XENSTORED_PATH) and pyxs under /usr/bin/python3.
Every node a test creates lives below its own ``base`` path, removed afterwards.
"""

import itertools

import pytest
from labenv import need

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Client

from xs_guest import Guest

_domids = itertools.count(10)


@pytest.fixture(scope="session")
def socket_path():
    return need("XENSTORED_PATH", "xenstored")


@pytest.fixture
def client(socket_path):
    with Client(unix_socket_path=socket_path, timeout=10) as c:
        c.SU = True  # the lab's daemon runs without Xen: its socket's clients are the control domain
        yield c


@pytest.fixture
def other(socket_path):
    """A second, independent connection (for conflicts and cross-connection checks)."""
    with Client(unix_socket_path=socket_path, timeout=10) as c:
        yield c


@pytest.fixture
def base(client, request):
    path = "/ftest/" + request.node.name.replace("[", "-").replace("]", "").replace(".", "-")
    if client.exists(path):
        client.rm(path)
    yield path
    client.rm(path)


@pytest.fixture
def guest(client, socket_path):
    """A fresh unprivileged domain (its own domid) whose ``.client`` talks over the shim ring."""
    shim_dir = need("XS_SHIM_DIR", "xenstored")
    with Guest(client, shim_dir, next(_domids)) as g:
        yield g
