# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Our client against the real C xenstored: node operations, errors, pipelining, threads (pyxs's API and ours)."""

import errno
import socket
import threading

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import (
    Client, ConnectionError, InvalidPath, InvalidPayload, InvalidPermission, Perm, PyXSError, XenStoreError)


def test_write_read_roundtrip_keeps_bytes(client, base):
    client.write(base + "/a", "hello")
    client.write(base + "/nul", b"x\0y")
    client.write(base + "/empty", "")
    assert client.read(base + "/a") == b"hello"
    assert client.read(base + "/nul") == b"x\0y"
    assert client.read(base + "/empty") == b""
    assert client.read(base) == b""  # implicitly created parent


def test_missing_node_is_enoent_with_op_and_path(client, base):
    with pytest.raises(XenStoreError) as info:
        client.read(base + "/missing")
    assert info.value.args == (errno.ENOENT, "No such file or directory") and info.value.__class__ is PyXSError
    assert info.value.name == "ENOENT" and info.value.op == "READ" and info.value.path == base + "/missing"
    assert str(info.value) == "(2, 'No such file or directory') (ENOENT on READ %s/missing)" % base
    assert not client.exists(base + "/missing")


def test_mkdir_rm_and_listing(client, base):
    client.write(base + "/keep", "v")
    client.mkdir(base + "/keep")
    client.mkdir(base + "/m/n")
    assert client.read(base + "/keep") == b"v"
    assert sorted(client.ls(base)) == ["keep", "m"]
    assert client.ls(base + "/keep") == []
    client.rm(base + "/m")
    client.rm(base + "/never")  # missing child of an existing parent: fine
    assert client.ls(base) == ["keep"]
    with pytest.raises(XenStoreError) as info:
        client.rm(base + "/no/such")
    assert info.value.name == "ENOENT"


def test_large_directory_switches_to_directory_part(client, base):
    names = ["n%04d%s" % (i, "y" * 20) for i in range(400)]  # about 10 KiB of names
    client.write_many({base + "/big/" + n: "" for n in names})
    assert sorted(client.ls(base + "/big")) == names
    assert sorted(next(client.walk(base + "/big", depth=0)).children) == names


def test_relative_paths_are_below_the_domain_home(client):
    client.write("ftest-rel/x", "r")
    try:
        assert client.read("/local/domain/0/ftest-rel/x") == b"r"
        assert client.get_domain_path(0) == b"/local/domain/0"
        assert client.get_domain_path(7) == b"/local/domain/7"
    finally:
        client.rm("ftest-rel")


def test_permissions_roundtrip(client, base):
    client.write(base + "/p", "v")
    client.set_perms(base + "/p", ["n0", Perm(3, "read"), "b4"])
    assert client.get_perms(base + "/p") == ["n0", "r3", "b4"]
    assert client.get_perms((base + "/p").encode()) == [b"n0", b"r3", b"b4"]
    client.write(base + "/p/child", "c")
    assert client.get_perms(base + "/p/child") == client.get_perms(base + "/p")  # inherited
    with pytest.raises(InvalidPermission) as info:
        client.set_perms(base + "/p", ["x0"])
    assert info.value.args == ("x0",)
    with pytest.raises(XenStoreError) as info:
        client.set_perms(base + "/p", ["n4242"])  # owner must exist: refused by the daemon
    assert info.value.name == "ENOENT" and info.value.op == "SET_PERMS"


@pytest.mark.parametrize("path", ["/t/", "//t", "/t x", "", "/t/a.b", "/t/a:b", "/t/\u00e9", "/" + "a" * 3072])
def test_invalid_paths_are_refused_before_sending(client, path):
    with pytest.raises(InvalidPath) as info:
        client.write(path, "v")
    assert info.value.args == (path,) and info.value.detail
    with pytest.raises(InvalidPath):
        client.write(path.encode(), b"v")
    assert client.read("/") == b""  # the connection is still fine


def test_longest_path_is_accepted(client):
    path = "/ftest-long/" + "a" * (2048 - len("/ftest-long/"))
    client.write(path, "v")
    assert client.read(path) == b"v"
    client.rm("/ftest-long")
    with pytest.raises(PyXSError) as info:  # accepted by the client (as by pyxs), refused by the C daemon
        client.write("/ftest-long/" + "a" * 3000, "v")
    assert info.value.args[0] == errno.EINVAL


def test_oversize_payload_is_refused_and_the_connection_survives(client, base):
    path = base + "/big"
    client.write(path, "x" * (4096 - len(path) - 1))  # exactly 4096 bytes of payload
    with pytest.raises(InvalidPayload):
        client.write(path, "x" * (4096 - len(path)))
    assert len(client.read(path)) == 4096 - len(path) - 1


def test_pipelined_bulk_operations(client, base):
    items = {"%s/k%d" % (base, i): "v%d" % i for i in range(1000)}
    client.write_many(items)
    assert client.read_many(items) == [v.encode() for v in items.values()]
    assert client.read_many([base + "/k1", base + "/nope"], default=None) == [b"v1", None]
    with pytest.raises(XenStoreError):
        client.read_many([base + "/nope"])
    states = client.stat_many([base + "/k2", base + "/nope"])
    assert states == [(b"v2", [Perm(0, "none")]), None]
    batch = client.batch()
    batch.rm(base + "/k3")
    batch.set_perms(base + "/k4", ["n0", "r1"])
    batch.mkdir(base + "/dir")
    batch.run()
    assert not client.exists(base + "/k3") and client.get_perms(base + "/k4")[1] == "r1"


def test_walk_visits_the_subtree_by_levels(client, base):
    client.write_many({base + "/a/b/c": "1", base + "/a/d": "2", base + "/e": "3"})
    nodes = {n.path: n for n in client.walk(base)}
    assert set(nodes) == {base, base + "/a", base + "/a/b", base + "/a/b/c", base + "/a/d", base + "/e"}
    assert nodes[base + "/a/d"].value == b"2" and sorted(nodes[base + "/a"].children) == ["b", "d"]
    assert {n.path for n in client.walk(base, depth=1)} == {base, base + "/a", base + "/e"}


def test_many_threads_share_one_client(client, base):
    errors = []

    def work(n):
        try:
            for i in range(100):
                client.write("%s/t%d/%d" % (base, n, i), str(n * i))
                assert client.read("%s/t%d/%d" % (base, n, i)) == str(n * i).encode()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(client.ls(base)) == sorted("t%d" % n for n in range(8))


def test_domains_and_control(client):
    assert client.is_domain_introduced(0)
    assert not client.is_domain_introduced(4242)
    assert client.control("print", "functional test") == b"OK"
    with pytest.raises(XenStoreError) as info:
        client.control("bogus")
    assert info.value.name == "EINVAL" and info.value.op == "DEBUG"
    client.SU = False  # as pyxs: only a control domain sends RELEASE, RESUME, SET_TARGET
    with pytest.raises(PyXSError) as info:
        client.release_domain(4242)
    assert info.value.args[0] == errno.EPERM
    client.SU = True
    with pytest.raises(PyXSError) as info:
        client.release_domain(4242)
    assert info.value.name == "ENOENT"


def test_missing_socket_is_a_clear_error(tmp_path):
    c = Client(unix_socket_path=str(tmp_path / "nothing"))  # connects lazily
    with pytest.raises(ConnectionError) as info:
        c.read("/x")
    assert info.value.args == ("not connected",)
    with pytest.raises(ConnectionError) as info:
        c.connect()
    assert info.value.op == "connect" and info.value.path == str(tmp_path / "nothing")
    assert str(tmp_path / "nothing") in str(info.value)


@pytest.fixture
def fake_daemon(tmp_path):
    """A listening Unix socket that never answers: ``(path, server socket)``."""
    path = str(tmp_path / "fake.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)
    yield path, server
    server.close()


def test_silent_daemon_times_out(fake_daemon):
    with Client(unix_socket_path=fake_daemon[0], timeout=0.3) as c:
        with pytest.raises(XenStoreError) as info:
            c.read("/x")
        assert info.value.name == "ETIMEDOUT" and info.value.op == "READ"


def test_daemon_closing_the_connection_is_reported(fake_daemon):
    with Client(unix_socket_path=fake_daemon[0], timeout=5) as c:
        conn = fake_daemon[1].accept()[0]
        conn.close()
        with pytest.raises(ConnectionError) as info:
            c.read("/x")
        assert "lost" in str(info.value)
