# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Blocking librados/librbd calls release the GIL and honour the cluster's timeouts.

While a call of ours waits in librados or librbd, a second Python thread counts ticks (a 10 ms sleep each):
if the call held the GIL, the thread could not run and would count (almost) nothing. The waits are real:
a notify whose watcher acknowledges from a Python callback, and I/O against the lab cluster with its OSDs
paused (``ceph osd pause``), which must end with ``TimedOut`` within ``rados_osd_op_timeout`` instead of
hanging. The cluster is unpaused in a ``finally`` whatever happens.
"""

import contextlib
import subprocess
import threading
import time
import uuid

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados, rbd

OP_TIMEOUT = 3  # seconds: rados_osd_op_timeout / rados_mon_op_timeout of the handles below
TICK = 0.01


class Ticker(threading.Thread):
    """Counts 10 ms ticks until stopped: it runs only while the main thread releases the GIL."""

    def __init__(self):
        super().__init__(daemon=True)
        self.ticks = 0
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            time.sleep(TICK)
            self.ticks += 1


@contextlib.contextmanager
def ticking():
    """Yield a Ticker that runs for the duration of the block; afterwards, ``elapsed`` is set on it."""
    ticker = Ticker()
    ticker.start()
    start = time.monotonic()
    try:
        yield ticker
    finally:
        ticker.elapsed = time.monotonic() - start
        ticker.halt.set()
        ticker.join()


def assert_ticked(ticker, least):
    """The ticker ran during a wait of at least ``least`` seconds: the GIL was free most of the time."""
    assert ticker.elapsed >= least, "the call did not block (%.2f s): the test proves nothing" % ticker.elapsed
    expected = ticker.elapsed / TICK
    assert ticker.ticks >= expected / 4, "%d ticks in %.2f s (about %d expected): the GIL was held" % (
        ticker.ticks, ticker.elapsed, expected)


@pytest.fixture
def timed_cluster(lab):
    handle = lab.connect(rados_osd_op_timeout=str(OP_TIMEOUT), rados_mon_op_timeout=str(OP_TIMEOUT))
    yield handle
    handle.shutdown()


@pytest.fixture
def paused(lab, timed_cluster):
    """pause(True) pauses the lab's OSDs (reads and writes block) until pause(False) or the end of the test."""
    ceph = ["ceph", "-c", lab.conf]

    def pause(on):
        subprocess.run(ceph + ["osd", "pause" if on else "unpause"], check=True, capture_output=True, timeout=60)
        timed_cluster.wait_for_latest_osdmap()  # our handle sees the flags before the next call

    try:
        yield pause
    finally:
        pause(False)


def test_notify_waits_without_the_gil(timed_cluster, lab):
    """notify() blocks until the watcher's Python callback has run: it needs the GIL that notify must release."""
    with timed_cluster.open_ioctx(lab.pool) as io:
        oid = "gil-watch-%s" % uuid.uuid4().hex[:8]
        io.write_full(oid, b"")
        seen = []

        def callback(notify_id, notifier_id, watch_id, data):
            time.sleep(1.0)
            seen.append(data)

        try:
            with io.watch(oid, callback):
                with ticking() as ticker:
                    assert io.notify(oid, "ping", 10000) is True
        finally:
            io.remove_object(oid)
    assert seen == [b"ping"]
    assert_ticked(ticker, 1.0)


def test_paused_osd_read_times_out_without_the_gil(timed_cluster, lab, paused):
    """Ioctx.read and an aio completion wait on a paused cluster: TimedOut within the op timeout, GIL free."""
    with timed_cluster.open_ioctx(lab.pool) as io:
        oid = "gil-read-%s" % uuid.uuid4().hex[:8]
        io.write_full(oid, b"data")
        try:
            paused(True)
            with ticking() as ticker, pytest.raises(rados.TimedOut):
                io.read(oid)
            assert_ticked(ticker, OP_TIMEOUT * 0.8)
            assert ticker.elapsed < OP_TIMEOUT * 4, "read took %.1f s: the op timeout was not honoured" % (
                ticker.elapsed)
            completion = io.aio_read(oid, 4, 0, lambda comp, data: None)
            with ticking() as ticker:
                completion.wait_for_complete()
            assert_ticked(ticker, OP_TIMEOUT * 0.5)
            assert ticker.elapsed < OP_TIMEOUT * 4
            assert completion.get_return_value() == -110  # ETIMEDOUT
        finally:
            paused(False)
            io.remove_object(oid)


def test_paused_osd_image_read_times_out_without_the_gil(timed_cluster, lab, paused, names):
    """Image.read of a 4 MiB object on a paused cluster: an rbd error within the op timeout, GIL free."""
    name = names("gil")
    with timed_cluster.open_ioctx(lab.pool) as io:
        rbd.RBD().create(io, name, 8 << 20)
        with rbd.Image(io, name) as image:
            image.write(b"x" * (4 << 20), 0)
            paused(True)
            with ticking() as ticker, pytest.raises(rbd.Timeout):
                image.read(0, 4 << 20)
            paused(False)
            assert image.read(0, 4) == b"xxxx"
    assert_ticked(ticker, OP_TIMEOUT * 0.8)
    assert ticker.elapsed < OP_TIMEOUT * 4, "read took %.1f s: the op timeout was not honoured" % ticker.elapsed


def test_mount_timeout_is_honoured_without_the_gil(lab):
    """connect() to a monitor address nobody listens on: an error within client_mount_timeout, GIL free."""
    cluster = rados.Rados(conffile=lab.conf, name=lab.client,
                          conf={"keyring": lab.keyring, "mon_host": "127.0.0.1:9", "client_mount_timeout": "3"})
    try:
        with ticking() as ticker, pytest.raises(rados.Error) as caught:
            cluster.connect(timeout=3)
    finally:
        cluster.shutdown()
    assert isinstance(caught.value, rados.TimedOut), repr(caught.value)
    assert_ticked(ticker, 2)
    assert ticker.elapsed < 3 * 4, "connect took %.1f s: client_mount_timeout was not honoured" % ticker.elapsed
