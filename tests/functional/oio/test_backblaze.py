# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Backblaze B2 client against the lab's B2 emulator (tests/lab/lab up b2)."""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
import uuid

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.backblaze import Backblaze, BackblazeError
from ansible_collections.datacenter.storage.plugins.module_utils.oio.exceptions import NotFound

if not os.environ.get("B2_URL"):
    pytest.skip("the b2 lab service is not running (tests/lab/lab up b2)", allow_module_level=True)


def b2(**kwargs):
    return Backblaze(os.environ["B2_ACCOUNT_ID"], os.environ["B2_APPLICATION_KEY"], os.environ["B2_BUCKET"],
                     api_url=os.environ["B2_URL"], backoff=0.01, **kwargs)


def fail_next(status=503, count=1, retry_after=None):
    query = "status=%d&count=%d" % (status, count) + ("&retry_after=%s" % retry_after if retry_after is not None else "")
    request = urllib.request.Request(os.environ["B2_URL"] + "/emu/fail?" + query, method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture
def prefix():
    return "t-%s/" % uuid.uuid4().hex[:8]


def test_small_upload_download_range_list_delete(prefix):
    client = b2()
    data = os.urandom(100000)
    info = client.upload(prefix + "CHUNK1", data, "application/octet-stream")
    assert info["contentSha1"] == hashlib.sha1(data).hexdigest() and info["contentLength"] == len(data)
    assert b"".join(client.download(prefix + "CHUNK1")) == data
    assert b"".join(client.download(prefix + "CHUNK1", 10, 19)) == data[10:20]
    client.upload(prefix + "CHUNK2", b"")
    assert b"".join(client.download(prefix + "CHUNK2")) == b""
    assert [f["fileName"] for f in client.list_file_names(prefix=prefix, page_size=1)] == [prefix + "CHUNK1", prefix + "CHUNK2"]
    client.delete(prefix + "CHUNK1")
    with pytest.raises(NotFound):
        client.delete(prefix + "CHUNK1")
    with pytest.raises(BackblazeError) as info:
        b"".join(client.download(prefix + "CHUNK1"))
    assert info.value.http_status == 404


def test_large_file_in_parts(prefix):
    client = b2(part_size=5000000, large_threshold=6000000)
    data = os.urandom(12000001)
    info = client.upload(prefix + "big", data)
    assert info["action"] == "upload" and info["contentLength"] == len(data)
    assert b"".join(client.download(prefix + "big")) == data
    assert b"".join(client.download(prefix + "big", 4999990, 5000009)) == data[4999990:5000010]
    client.delete(prefix + "big")


def test_retries_on_503_with_retry_after_and_gives_up(prefix):
    client = b2()
    client.authorize()
    fail_next(503, 2, retry_after=0)
    client.upload(prefix + "retried", b"abc")
    assert b"".join(client.download(prefix + "retried")) == b"abc"
    fail_next(503, 10, retry_after=0)
    with pytest.raises(BackblazeError, match="injected"):
        client.upload(prefix + "lost", b"abc")
    fail_next(503, 0)


def test_bad_credentials_and_bucket():
    with pytest.raises(BackblazeError) as info:
        Backblaze(os.environ["B2_ACCOUNT_ID"], "wrong", os.environ["B2_BUCKET"], api_url=os.environ["B2_URL"], max_retries=0).authorize()
    assert info.value.http_status == 401
    with pytest.raises(NotFound, match="no bucket"):
        assert Backblaze(os.environ["B2_ACCOUNT_ID"], os.environ["B2_APPLICATION_KEY"], "nope", api_url=os.environ["B2_URL"]).bucket_id
