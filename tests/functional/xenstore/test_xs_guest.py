# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""An unprivileged guest domain over the shim ring: the real daemon's permission checks and quotas."""

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import XenStoreError


def _error(call):
    with pytest.raises(XenStoreError) as info:
        call()
    return info.value


def test_guest_home_and_relative_paths(guest, client):
    g = guest.client
    assert g.get_domain_path(guest.domid) == guest.home.encode()
    g.write("data/x", "from-guest")
    assert client.read(guest.home + "/data/x") == b"from-guest"
    assert g.get_perms("data/x") == ["n%d" % guest.domid, "r0"]
    assert g.ls("data") == ["x"]


def test_guest_permission_denied_names_op_and_path(guest):
    err = _error(lambda: guest.client.read("/tool/xenstored"))
    assert err.name == "EACCES" and err.op == "READ" and err.path == "/tool/xenstored"
    assert str(err) == "(13, 'Permission denied') (EACCES on READ /tool/xenstored)"
    assert _error(lambda: guest.client.write("/ftest-guest", "x")).name == "EACCES"
    assert _error(lambda: guest.client.introduce_domain(1, 1, 1)).name == "EACCES"
    assert _error(lambda: guest.client.control("help")).name == "EACCES"


def test_guest_cannot_give_its_nodes_away(guest):
    guest.client.write("data/x", "v")
    assert _error(lambda: guest.client.set_perms("data/x", ["n0"])).name == "EPERM"
    assert _error(lambda: guest.client.set_perms("data/x", ["n%d" % guest.domid] + ["r%d" % i for i in range(5)])).name == "ENOSPC"
    guest.client.set_perms("data/x", ["n%d" % guest.domid, "r0", "r1"])


def test_dom0_grants_read_and_write(guest, client, base):
    d = guest.domid
    client.write_many({base + "/ro": "ro", base + "/wo": "wo", base + "/both": "b"})
    client.set_perms(base + "/ro", ["n0", "r%d" % d])
    client.set_perms(base + "/wo", ["n0", "w%d" % d])
    client.set_perms(base + "/both", ["n0", "b%d" % d])
    g = guest.client
    assert g.read(base + "/ro") == b"ro"
    assert _error(lambda: g.write(base + "/ro", "x")).name == "EACCES"
    assert _error(lambda: g.read(base + "/wo")).name == "EACCES"
    g.write(base + "/wo", "written")
    g.write(base + "/both", "guest")
    assert client.read_many([base + "/wo", base + "/both"]) == [b"written", b"guest"]


def test_guest_quota_on_value_size(guest):
    guest.client.write("data/max", "x" * 2000)
    err = _error(lambda: guest.client.write("data/max", "x" * 2100))
    assert err.name == "ENOSPC" and err.op == "WRITE"


def test_guest_pipelines_over_the_ring(guest, client):
    items = {"data/k%d" % i: "v%d" % i for i in range(300)}  # far more than the 1 KiB ring holds
    guest.client.write_many(items)
    assert guest.client.read_many(items) == [v.encode() for v in items.values()]
    assert len(client.ls(guest.home + "/data")) == 300


def test_guest_transaction_conflicts_with_dom0(guest, client):
    g = guest.client
    g.write("data/k", "0")
    tx = g.begin()
    tx.read("data/k")
    tx.write("data/k", "guest")
    client.write(guest.home + "/data/k", "dom0")
    assert tx.commit() is False
    assert g.read("data/k") == b"dom0"


def test_guest_watch_and_release_event(guest, client):
    with guest.client.monitor() as m:
        m.watch("data", "mine")
        assert m.next_event(5).path == "data"
        client.write(guest.home + "/data/poke", "1")
        assert m.next_event(5).path == "data/poke"


def test_guest_watch_and_transaction_quotas(guest):
    g = guest.client
    with g.monitor() as m:
        added = 0
        with pytest.raises(XenStoreError) as info:
            for added in range(200):
                m.watch("data/w%d" % added)
        assert info.value.name == "E2BIG" and info.value.op == "WATCH" and added >= 100
    transactions = []
    with pytest.raises(XenStoreError) as info:
        for _tx in range(50):
            transactions.append(g.begin())
    assert info.value.name == "ENOSPC" and info.value.op == "TRANSACTION_START" and len(transactions) >= 10
    for tx in transactions:
        tx.rollback()
