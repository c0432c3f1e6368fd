# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Byte-exact uploads and downloads for every kind of storage policy and size boundary."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import EtagMismatch, UnsatisfiableRange
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.storage_method import storage_method

SEGMENT = 1048576
CHUNK = 1048576            # ns.chunk_size of the lab namespace
EC_META = 6 * CHUNK        # EC metachunk: k=6 chunks of CHUNK, a multiple of the segment size

SIZES = [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, EC_META - 1, EC_META, EC_META + 1, 2 * EC_META + 12345]


def _payload(size):
    return os.urandom(size)


@pytest.mark.parametrize("policy", ["SINGLE", "THREECOPIES", "EC", "ECISAL63D1"])
@pytest.mark.parametrize("size", SIZES)
def test_round_trip(api, account, container, policy, size):
    data = _payload(size)
    chunks, stored, md5 = api.object_create(account, container, data=data, obj_name="obj", policy=policy)
    assert (stored, md5) == (size, hashlib.md5(data).hexdigest())
    meta, stream = api.object_fetch(account, container, "obj")
    assert b"".join(stream) == data
    assert meta["policy"] == policy and int(meta["size"]) == size and meta["hash"].upper() == md5.upper()
    capacity = EC_META if policy.startswith("EC") else CHUNK
    metachunks = max(1, -(-size // capacity))
    per_metachunk = {"SINGLE": 1, "THREECOPIES": 3, "EC": 9, "ECISAL63D1": 9}[policy]
    assert len(chunks) == metachunks * per_metachunk
    _unused, located = api.object_locate(account, container, "obj")
    assert sorted(c["pos"] for c in located) == sorted(c["pos"] for c in chunks)


RANGES = [
    (0, 0), (SEGMENT - 1, SEGMENT), (SEGMENT - 10, 2 * SEGMENT + 10), (100, 600), (1000000, 1100000),
    (EC_META - 5, EC_META + 5), (CHUNK - 1, CHUNK), (2000000, 2500000), (5000000, None), (None, 500),
    (None, EC_META + 7), (EC_META, EC_META), (2 * EC_META + 12344, None),
]


@pytest.mark.parametrize("policy", ["THREECOPIES", "EC", "ECISAL63D1"])
def test_range_reads_across_segments_and_metachunks(api, account, container, policy):
    data = _payload(2 * EC_META + 12345)
    api.object_create(account, container, data=data, obj_name="ranged", policy=policy)
    for start, end in RANGES:
        _unused, stream = api.object_fetch(account, container, "ranged", ranges=[(start, end)])
        if start is None:
            expected = data[len(data) - end:]
        else:
            expected = data[start:None if end is None else end + 1]
        assert b"".join(stream) == expected, (start, end)
    _unused, stream = api.object_fetch(account, container, "ranged", ranges=[(10, 19), (EC_META, EC_META + 9)])
    assert b"".join(stream) == data[10:20] + data[EC_META:EC_META + 10]
    with pytest.raises(UnsatisfiableRange):
        api.object_fetch(account, container, "ranged", ranges=[(len(data), len(data) + 5)])


@pytest.mark.parametrize("policy, algo", [("EC", "liberasurecode_rs_vand"), ("ECISAL63D1", "isa_l_rs_vand")])
def test_ec_fragments_are_encoded_by_the_policys_backend(api, account, container, policy, algo):
    data = _payload(SEGMENT + 5)
    api.object_create(account, container, data=data, obj_name="frag", policy=policy)
    meta, chunks = api.object_locate(account, container, "frag")
    method = storage_method(meta["chunk_method"])
    assert method.algo == algo
    fragments = {int(c["pos"].split(".")[1]): api.http.request("GET", c["url"]).data[:method.fragment_size] for c in chunks}
    for index, fragment in fragments.items():
        info = method.driver.get_metadata(fragment, formatted=True)
        assert (info["backend_id"], info["index"], info["orig_data_size"]) == (algo, index, SEGMENT)
    assert method.driver.decode([fragments[i] for i in (1, 3, 5, 6, 7, 8)]) == data[:SEGMENT]


def test_sources_generator_file_path_and_etag(api, account, container, tmp_path):
    data = _payload(3 * CHUNK + 77)
    pieces = (data[i:i + 70000] for i in range(0, len(data), 70000))
    api.object_create(account, container, data=pieces, obj_name="gen", policy="THREECOPIES")
    assert b"".join(api.object_fetch(account, container, "gen")[1]) == data
    api.object_create(account, container, io.BytesIO(data), obj_name="fileobj", policy="EC")
    assert b"".join(api.object_fetch(account, container, "fileobj")[1]) == data
    path = tmp_path / "from-path.bin"
    path.write_bytes(data[:1000])
    api.object_create(account, container, str(path), mime_type="text/plain")
    meta = api.object_get_properties(account, container, "from-path.bin")
    assert meta["mime_type"] == "text/plain" and meta["hash"].upper() == hashlib.md5(data[:1000]).hexdigest().upper()
    with pytest.raises(EtagMismatch):
        api.object_create(account, container, data=b"abc", obj_name="etag", etag="0" * 32)
    assert not api.object_head(account, container, "etag")
    api.object_create(account, container, data=b"abc", obj_name="etag", etag=hashlib.md5(b"abc").hexdigest().upper())
    assert api.object_head(account, container, "etag", trust_level=2)


def test_append_adds_metachunks(api, account, container):
    api.object_create(account, container, data=b"a" * 10, obj_name="log", policy="SINGLE")
    api.object_create(account, container, data=b"b" * 20, obj_name="log", policy="SINGLE", append=True)
    meta, stream = api.object_fetch(account, container, "log")
    assert b"".join(stream) == b"a" * 10 + b"b" * 20
    assert int(meta["size"]) == 30


@pytest.mark.parametrize("policy", ["THREECOPIES", "EC"])
def test_without_local_chunk_checksums(account, container, policy):
    from oio_lab import make_api
    api = make_api(chunk_checksum_algo=None)
    data = _payload(CHUNK + 3)
    chunks, _unused, md5 = api.object_create(account, container, data=data, obj_name="nocheck", policy=policy)
    first = hashlib.md5(data[:CHUNK]).hexdigest() if policy != "EC" else md5
    assert {c["hash"].lower() for c in chunks if c["pos"].split(".")[0] == "0"} == {first}
    assert b"".join(api.object_fetch(account, container, "nocheck")[1]) == data
