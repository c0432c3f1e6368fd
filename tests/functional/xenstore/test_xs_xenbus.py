# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""XenBusConnection's byte handling (os.read/os.write on a character device, select for readiness) against the
real daemon: the "device" is a raw pseudo-terminal whose other side is relayed to xenstored's socket.

The real /dev/xen/xenbus only exists inside a Xen guest; the xenvm stage (tests/lab/xenvm) covers that.
"""

import os
import select
import socket
import threading
import tty

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Client, ConnectionError, XenBusConnection


@pytest.fixture
def pty_xenbus(socket_path):
    """A path that behaves like /dev/xen/xenbus: a raw pty slave relayed byte for byte to the daemon."""
    master, slave = os.openpty()
    tty.setraw(slave)
    path = os.ttyname(slave)
    daemon = socket.socket(socket.AF_UNIX)
    daemon.connect(socket_path)
    stop = threading.Event()

    def relay():
        while not stop.is_set():
            ready = select.select([master, daemon], [], [], 0.1)[0]
            if master in ready:
                daemon.sendall(os.read(master, 65536))
            if daemon in ready:
                data = daemon.recv(65536)
                if not data:
                    return
                os.write(master, data)

    thread = threading.Thread(target=relay, daemon=True)
    thread.start()
    yield path
    stop.set()
    thread.join()
    daemon.close()
    os.close(master)
    os.close(slave)


def test_client_over_a_character_device(pty_xenbus, client, base):
    with Client(xen_bus_path=pty_xenbus, timeout=10) as c:
        assert isinstance(c.connection, XenBusConnection)
        items = {"%s/k%d" % (base, i): "v%d" % i for i in range(300)}
        c.write_many(items)
        assert client.read_many(items) == [v.encode() for v in items.values()]
        assert c.read_many(items) == [v.encode() for v in items.values()]
        with c.monitor() as m:
            m.watch(base + "/k7")
            assert m.next_event(5).path == base + "/k7"
            client.write(base + "/k7", "changed")
            assert m.next_event(5).path == base + "/k7"


def test_missing_xenbus_device_is_a_clear_error(tmp_path):
    with pytest.raises(ConnectionError) as info:
        Client(xen_bus_path=str(tmp_path / "xenbus")).connect()
    assert info.value.op == "connect" and "No such file" in info.value.detail and "xenbus" in str(info.value)
