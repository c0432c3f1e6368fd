# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Backblaze B2 client against the lab's B2 emulator (tests/lab/lab up b2)."""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
import uuid

import pytest
from labenv import missing, need

from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.backblaze import (
    BackblazeChunkDownloadHandler, BackblazeDeleteHandler, BackblazeDownloadHandler,
)
from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.backblaze_http import (
    B2Bucket, BackblazeError, BackblazeException, BackblazeUtils, BackblazeUtilsException, Requests,
)
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.storage_method import STORAGE_METHODS
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import NotFound

need("B2_URL", "b2", module_level=True)


def b2(**kwargs):
    return B2Bucket(os.environ["B2_ACCOUNT_ID"], os.environ["B2_APPLICATION_KEY"], os.environ["B2_BUCKET"],
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
        B2Bucket(os.environ["B2_ACCOUNT_ID"], "wrong", os.environ["B2_BUCKET"], api_url=os.environ["B2_URL"], max_retries=0).authorize()
    assert info.value.http_status == 401
    with pytest.raises(NotFound, match="no bucket"):
        assert B2Bucket(os.environ["B2_ACCOUNT_ID"], os.environ["B2_APPLICATION_KEY"], "nope", api_url=os.environ["B2_URL"]).bucket_id


@pytest.fixture
def backblaze_api(tmp_path):
    """An ObjectStorageApi on the dev namespace, when it offers the BACKBLAZE policy of the reference catalogue on this B2 lab."""
    need("OIO_PROXY_URL", "oio")
    from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.object_storage import ObjectStorageApi
    api = ObjectStorageApi(os.environ["OIO_NS"], endpoint=os.environ["OIO_PROXY_URL"], account_url=os.environ["OIO_ACCOUNT_URL"],
                           backblaze_api_url=os.environ["B2_URL"], key_file=str(tmp_path / "b2-appkey.conf"))
    info = api.http.json("GET", os.environ["OIO_PROXY_URL"] + "/v3.0/%s/conscience/info" % os.environ["OIO_NS"])[1]
    if "BACKBLAZE" not in info.get("storage_policy", {}):
        missing("the oio lab's dev namespace has no BACKBLAZE storage policy (tests/lab/lab up b2, then restart oio)")
    (tmp_path / "b2-appkey.conf").write_text("[backblaze]\n%s.%s.application_key = %s\n" % (
        os.environ["B2_ACCOUNT_ID"], os.environ["B2_BUCKET"], os.environ["B2_APPLICATION_KEY"]))
    return api


def test_objects_with_a_backblaze_policy(backblaze_api):
    api = backblaze_api
    account, container = "b2test", "ct-" + uuid.uuid4().hex[:8]
    data = os.urandom(2 * 1048576 + 33)
    chunks, size, md5 = api.object_create(account, container, data=data, obj_name="o", policy="BACKBLAZE")
    assert size == len(data) and all(c["url"].startswith("b2/") for c in chunks)
    assert chunks[-1]["hash"] == md5
    # Each chunk records the running MD5 of the object up to its end
    ends = [sum(c["size"] for c in chunks[:i + 1]) for i in range(len(chunks))]
    assert [c["hash"].lower() for c in chunks] == [hashlib.md5(data[:end]).hexdigest() for end in ends]
    assert b"".join(api.object_fetch(account, container, "o")[1]) == data
    assert b"".join(api.object_fetch(account, container, "o", ranges=[(1048570, 1048590)])[1]) == data[1048570:1048591]
    cid = api.object_locate(account, container, "o")[0]["container_id"]
    names = {f["fileName"] for f in b2().list_file_names(prefix=cid + "/")}
    assert names == {"%s/%s" % (cid, c["url"].rsplit("/", 1)[1]) for c in chunks}
    api.object_delete(account, container, "o")
    api.container_delete(account, container)


def test_backblaze_metachunk_above_the_part_size_goes_up_in_parts(backblaze_api):
    """A metachunk above the B2 client's large-file threshold (here 6 MB, parts of 5 MB) goes up as a large file."""
    from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.storage_method import storage_method
    api = backblaze_api
    b2_client = api.backblaze(storage_method("backblaze/account_id=%s,bucket_name=%s" % (os.environ["B2_ACCOUNT_ID"], os.environ["B2_BUCKET"])))
    b2_client.large_threshold, b2_client.part_size = 6000000, 5000000
    config_url = os.environ["OIO_PROXY_URL"] + "/v3.0/config"
    chunk_size = api.http.json("GET", config_url)[1]["ns.chunk_size"]
    account, container = "b2test", "ct-" + uuid.uuid4().hex[:8]
    data = os.urandom(12 * 1048576 + 7)
    api.http.json("POST", config_url, json_body={"ns.chunk_size": str(11 * 1048576)})
    try:
        chunks = api.object_create(account, container, data=data, obj_name="big", policy="BACKBLAZE")[0]
    finally:
        api.http.json("POST", config_url, json_body={"ns.chunk_size": chunk_size})
    assert [c["size"] for c in chunks] == [11 * 1048576, 1048576 + 7]
    assert b"".join(api.object_fetch(account, container, "big")[1]) == data
    assert b"".join(api.object_fetch(account, container, "big", ranges=[(4999990, 5000009)])[1]) == data[4999990:5000010]
    cid = api.object_locate(account, container, "big")[0]["container_id"]
    files = {f["fileName"]: f for f in b2().list_file_names(prefix=cid + "/")}
    first, second = ("%s/%s" % (cid, c["url"].rsplit("/", 1)[1]) for c in chunks)
    assert files[first]["contentSha1"] == "none" and files[first]["contentLength"] == 11 * 1048576  # a large file
    assert files[second]["contentSha1"] == hashlib.sha1(data[11 * 1048576:]).hexdigest()
    api.object_delete(account, container, "big")
    api.container_delete(account, container)


def test_backblaze_handlers_and_http_helpers(backblaze_api, tmp_path):
    """Upstream's Backblaze handlers used directly on an object of the BACKBLAZE policy, with credentials from
    BackblazeUtils; Requests raises BackblazeException on B2's error answers."""
    api = backblaze_api
    account, container = "b2test", "ct-" + uuid.uuid4().hex[:8]
    data = os.urandom(5000)
    api.object_create(account, container, data=data, obj_name="h", policy="BACKBLAZE")
    meta, chunks = api.object_locate(account, container, "h")
    method = STORAGE_METHODS.load(meta["chunk_method"])
    info = BackblazeUtils.get_credentials(method, str(tmp_path / "b2-appkey.conf"), renew=True, api_url=os.environ["B2_URL"])
    assert info["backblaze.application_key"] == os.environ["B2_APPLICATION_KEY"] and info["api_url"] == os.environ["B2_URL"]
    assert info["authorization"]["apiUrl"] == os.environ["B2_URL"] and info["upload_token"]["uploadUrl"]
    assert BackblazeUtils.get_credentials(method, str(tmp_path / "b2-appkey.conf")) is info  # cached per account.bucket
    with pytest.raises(BackblazeUtilsException, match="application_key_path"):
        BackblazeUtils.get_credentials(method)
    with pytest.raises(FileNotFoundError):  # upstream opens the key file unguarded
        BackblazeUtils.get_credentials(method, str(tmp_path / "missing.conf"), renew=True)
    assert b"".join(BackblazeChunkDownloadHandler(meta, chunks, 100, 50, backblaze_info=info).get_stream()) == data[100:150]
    assert b"".join(BackblazeDownloadHandler(meta, {0: chunks}, info, {}, 10, 4000).get_iter()) == data[10:4001]
    assert BackblazeDeleteHandler(meta, chunks, info).delete() == []
    assert not list(b2().list_file_names(prefix=meta["container_id"] + "/"))
    with pytest.raises(BackblazeException) as error:
        Requests().get_response_from_request("GET", os.environ["B2_URL"] + "/b2api/v2/b2_authorize_account",
                                             headers={"Authorization": "Basic bm9ib2R5Om5vdGhpbmc="}, json=True)
    assert error.value.status_code == 401
    api.container.content_delete(account, container, "h")
    api.container_delete(account, container)
