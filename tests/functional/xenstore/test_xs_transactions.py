# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Transactions against the real C xenstored, conflicts included: the client's (pyxs) and transaction objects."""

import errno

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Client, XenStoreError
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore._internal import Op

from xs_peers import xenstore_tool


def test_commit_publishes_and_rollback_discards(client, other, base):
    tx = client.begin()
    tx.write(base + "/k", "v1")
    assert tx.read(base + "/k") == b"v1"
    assert not other.exists(base + "/k")  # not visible outside before commit
    assert tx.commit()
    assert other.read(base + "/k") == b"v1"
    tx = client.begin()
    tx.write(base + "/k", "v2")
    tx.rollback()
    assert other.read(base + "/k") == b"v1"
    with pytest.raises(XenStoreError) as info:
        tx.read(base + "/k")  # an ended transaction is unknown to the daemon
    assert info.value.name == "ENOENT"


def test_write_write_conflict_is_eagain(client, other, base):
    client.write(base + "/k", "0")
    tx = client.begin()
    tx.write(base + "/k", "tx")
    other.write(base + "/k", "other")
    assert tx.commit() is False
    assert client.read(base + "/k") == b"other"


def test_read_write_conflict_seen_by_the_tools(client, base):
    client.write(base + "/k", "0")
    tx = client.begin()
    tx.read(base + "/k")
    tx.write(base + "/j", "1")
    xenstore_tool("write", base + "/k", "tool")
    assert tx.commit() is False
    assert not client.exists(base + "/j")


def test_run_transaction_retries_after_a_real_conflict(client, other, base):
    client.write(base + "/counter", "5")
    attempts = []

    def increment(tx):
        value = int(tx.read(base + "/counter"))
        if not attempts:
            other.write(base + "/counter", "100")  # a concurrent writer, first attempt only
        attempts.append(value)
        tx.write(base + "/counter", str(value + 1))
        return value + 1

    assert client.run_transaction(increment) == 101
    assert attempts == [5, 100]
    assert client.read(base + "/counter") == b"101"


def test_run_transaction_gives_up_after_its_attempts(client, other, base):
    client.write(base + "/k", "0")

    def always_conflicting(tx):
        tx.read(base + "/k")
        other.write(base + "/k", "x")
        tx.write(base + "/k", "tx")

    with pytest.raises(XenStoreError) as info:
        client.run_transaction(always_conflicting, attempts=3)
    assert info.value.name == "EAGAIN" and "3 attempts" in str(info.value)


def test_context_manager_commits_rolls_back_and_raises_on_conflict(client, other, base):
    with client.begin() as tx:
        tx.write_many({base + "/a": "1", base + "/b": "2"})
    assert other.read_many([base + "/a", base + "/b"]) == [b"1", b"2"]
    with pytest.raises(RuntimeError):
        with client.begin() as tx:
            tx.write(base + "/a", "lost")
            raise RuntimeError("boom")
    assert other.read(base + "/a") == b"1"
    with pytest.raises(XenStoreError) as info:
        with client.begin() as tx:
            tx.write(base + "/a", "tx")
            other.write(base + "/a", "other")
    assert info.value.name == "EAGAIN"


def test_nested_transaction_start_is_refused_by_the_daemon(client):
    tx = client.begin()
    with pytest.raises(XenStoreError) as info:
        tx._call(Op.TRANSACTION_START, b"\0")  # what a nested start sends: the transaction's id in the header
    assert info.value.name == "EBUSY"
    tx.rollback()


def test_client_transaction_as_pyxs(client, other, base):
    client.write(base + "/k", "0")
    tx_id = client.transaction()
    assert tx_id == client.tx_id and tx_id > 0
    with pytest.raises(XenStoreError) as info:
        client.transaction()
    assert info.value.args[0] == errno.EALREADY
    client[base + "/k"] = b"tx"
    assert other.read(base + "/k") == b"0"
    assert client.commit() is True and client.tx_id == 0
    assert other.read(base + "/k") == b"tx"
    client.transaction()
    client.read(base + "/k")
    other.write(base + "/k", "other")
    client[base + "/k"] = b"lost"
    assert client.commit() is False and client.tx_id == 0
    client.transaction()
    client.write(base + "/k", b"rolled back")
    client.rollback()
    assert client.tx_id == 0 and client.read(base + "/k") == b"other"


def test_uncommitted_transaction_at_exit_is_an_error(socket_path):
    c = Client(unix_socket_path=socket_path)
    with pytest.raises(XenStoreError) as info:
        with c:
            c.transaction()
    assert info.value.args == ("uncommitted transaction",)
