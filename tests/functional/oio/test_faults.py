# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults from the dev server's controls: rawx stopped during writes and reads, corrupted and lost chunks."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.object_storage import ObjectStorageApi
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import (
    ServiceBusy, ServiceUnavailable, UnrecoverableContent,
)

from oio_lab import admin, make_api, rawx_of

CHUNK = 1048576


class RecordingApi(ObjectStorageApi):
    """The real client, remembering the chunks each prepare2 handed out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared = []

    def _prepare(self, *args, **kwargs):
        result = super()._prepare(*args, **kwargs)
        self.prepared.append(result[1])
        return result


def stopping_source(data, on_first_piece, piece=65536):
    """Yields ``data``; calls ``on_first_piece`` once the first piece was taken, mid-upload."""
    for offset in range(0, len(data), piece):
        yield data[offset:offset + piece]
        if offset == 0:
            on_first_piece()


@pytest.fixture
def recording():
    return make_api(RecordingApi)


@pytest.mark.parametrize("policy, stop", [("THREECOPIES", 1), ("EC", 2)])
def test_write_quorum_met_despite_stopped_rawx(recording, account, container, policy, stop):
    data = os.urandom(3 * CHUNK + 5)

    def stop_targets():
        for chunk in recording.prepared[0][:stop]:
            admin("rawx/stop", service=rawx_of(chunk["real_url"]))

    chunks, size, _unused = recording.object_create(account, container, data=stopping_source(data, stop_targets), obj_name="q", policy=policy)
    admin("rawx/start-all")
    assert size == len(data)
    first = [c for c in chunks if c["pos"].split(".")[0] == "0"]
    assert len(first) == len(recording.prepared[0]) - stop
    assert b"".join(recording.object_fetch(account, container, "q")[1]) == data


@pytest.mark.parametrize("policy, stop", [("THREECOPIES", 2), ("EC", 3)])
def test_write_quorum_missed_leaves_nothing(recording, account, container, policy, stop):
    data = os.urandom(2 * CHUNK)

    def stop_targets():
        for chunk in recording.prepared[0][:stop]:
            admin("rawx/stop", service=rawx_of(chunk["real_url"]))

    with pytest.raises(ServiceBusy, match="quorum not reached"):
        recording.object_create(account, container, data=stopping_source(data, stop_targets), obj_name="lost", policy=policy)
    admin("rawx/start-all")
    assert not recording.object_head(account, container, "lost")
    for chunks in recording.prepared:
        for chunk in chunks:
            assert recording.http.request("HEAD", chunk["real_url"], accept=(200, 404)).status == 404


def test_read_fails_over_to_another_replica(api, account, container):
    data = os.urandom(2 * CHUNK + 3)
    api.object_create(account, container, data=data, obj_name="r", policy="THREECOPIES")
    _unused, chunks = api.object_locate(account, container, "r")
    stopped = {rawx_of(c["url"]) for c in chunks if c["pos"] == "0"}
    for addr in sorted(stopped)[:2]:
        admin("rawx/stop", service=addr)
    for _unused in range(3):
        assert b"".join(api.object_fetch(account, container, "r")[1]) == data
        assert b"".join(api.object_fetch(account, container, "r", ranges=[(CHUNK - 2, CHUNK + 2)])[1]) == data[CHUNK - 2:CHUNK + 3]
    admin("rawx/stop", service=sorted(stopped)[2])
    with pytest.raises((UnrecoverableContent, ServiceUnavailable)):
        b"".join(api.object_fetch(account, container, "r")[1])


@pytest.mark.parametrize("policy", ["EC", "ECISAL63D1"])
def test_ec_read_decodes_from_any_k_fragments(api, account, container, policy):
    data = os.urandom(7 * CHUNK + 11)
    api.object_create(account, container, data=data, obj_name="e", policy=policy)
    _unused, chunks = api.object_locate(account, container, "e")
    first = [c for c in chunks if c["pos"].startswith("0.")]
    data_fragments = sorted(first, key=lambda c: int(c["pos"].split(".")[1]))[:3]
    for chunk in data_fragments:
        admin("rawx/stop", service=rawx_of(chunk["url"]))
    assert b"".join(api.object_fetch(account, container, "e")[1]) == data
    assert b"".join(api.object_fetch(account, container, "e", ranges=[(1000000, 1100000)])[1]) == data[1000000:1100001]
    admin("rawx/stop", service=rawx_of(sorted(first, key=lambda c: c["pos"])[-1]["url"]))
    with pytest.raises(ServiceUnavailable, match="not enough valid sources"):
        b"".join(api.object_fetch(account, container, "e")[1])


def test_corrupted_replicas_are_detected_and_skipped(api, account, container):
    data = os.urandom(CHUNK + 100)
    api.object_create(account, container, data=data, obj_name="c", policy="THREECOPIES")
    _unused, chunks = api.object_locate(account, container, "c")
    by_pos = {}
    for chunk in chunks:
        by_pos.setdefault(chunk["pos"], []).append(chunk)
    for replicas in by_pos.values():
        for chunk in replicas[:2]:
            admin("chunk/corrupt", url=chunk["url"])
    for _unused in range(5):
        assert b"".join(api.object_fetch(account, container, "c")[1]) == data
    admin("chunk/corrupt", url=by_pos["0"][2]["url"])
    with pytest.raises(UnrecoverableContent, match="differs from the recorded"):
        b"".join(api.object_fetch(account, container, "c")[1])


@pytest.mark.parametrize("policy, lost", [("EC", "0.4"), ("EC", "1.7"), ("ECISAL63D1", "0.2"), ("ECISAL63D1", "1.8"), ("THREECOPIES", "1")])
def test_lost_chunk_is_rebuilt(api, account, container, policy, lost):
    data = os.urandom(6 * CHUNK + 4321)
    api.object_create(account, container, data=data, obj_name="reb", policy=policy)
    _unused, chunks = api.object_locate(account, container, "reb")
    victim = next(c for c in chunks if c["pos"] == lost)
    original = api.http.request("GET", victim["url"]).data
    admin("chunk/remove", url=victim["url"])
    new_url = api.object_rebuild_chunk(account, container, "reb", victim["url"])
    assert new_url != victim["url"]
    _unused, after = api.object_locate(account, container, "reb")
    urls = {c["url"] for c in after}
    assert new_url in urls and victim["url"] not in urls
    assert api.http.request("GET", new_url).data == original
    others = [c for c in after if c["pos"].split(".")[0] == lost.split(".")[0] and c["url"] != new_url]
    for chunk in others[:3 if policy.startswith("EC") else 2]:
        admin("rawx/stop", service=rawx_of(chunk["url"]))
    assert b"".join(api.object_fetch(account, container, "reb")[1]) == data


def test_read_from_a_frozen_rawx_process_gives_up_after_read_timeout(account, container, tmp_path):
    """A rawx that accepts connections and never answers (SIGSTOP) costs read_timeout, not a fixed minute."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "lab" / "oio"))
    from oio_devserver.processes import RawxProcesses

    api = make_api(read_timeout=1.0)
    data = os.urandom(3 * CHUNK + 9)
    with RawxProcesses(str(tmp_path), os.environ["OIO_PROXY_URL"], os.environ["OIO_ADMIN_URL"], os.environ["OIO_NS"]) as rawx:
        api.object_create(account, container, data=data, obj_name="frozen", policy="THREECOPIES")
        rawx.signal(0, signal.SIGSTOP)
        try:
            start = time.monotonic()
            assert b"".join(api.object_fetch(account, container, "frozen")[1]) == data
            assert time.monotonic() - start < 15  # 4 metachunks, each at most one read_timeout on the frozen copy
        finally:
            rawx.signal(0, signal.SIGCONT)
