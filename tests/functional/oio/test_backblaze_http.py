# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Upstream's ``oio.api.backblaze_http.Backblaze`` (B2 API v1) against the lab's B2 emulator, each method as
upstream 7.3.0 defines it: JSON answers, ``(answer, sha1)`` from ``upload_part``, bytes from downloads, pages of
file lists, ``BackblazeException`` on any answer other than 2xx."""

from __future__ import annotations

import hashlib
import os
import uuid

import pytest
from labenv import need

from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.backblaze_http import (
    Backblaze, BackblazeException, Requests,
)

need("B2_URL", "b2", module_level=True)


def client(**kwargs):
    return Backblaze(os.environ["B2_ACCOUNT_ID"], os.environ["B2_APPLICATION_KEY"], api_url=os.environ["B2_URL"], **kwargs)


@pytest.fixture
def bucket():
    """A new bucket of the lab's account (created through the raw API: Backblaze has no bucket creation)."""
    auth = client().authorization_token
    name = "bz-" + uuid.uuid4().hex[:10]
    Requests().get_response_from_request("POST", auth["apiUrl"] + "/b2api/v1/b2_create_bucket",
                                         {"Authorization": auth["authorizationToken"]},
                                         ('{"accountId": "%s", "bucketName": "%s", "bucketType": "allPrivate"}'
                                          % (os.environ["B2_ACCOUNT_ID"], name)).encode(), True)
    return name


def meta(name, mime="application/x-test"):
    return {"container_id": "C0FFEE" * 8, "name": name, "mime_type": mime}


def test_constructor_authorizes_unless_given_an_authorization():
    b2 = client()
    auth = b2.authorization_token
    assert auth is b2.authorization_required and auth["apiUrl"] == os.environ["B2_URL"] and auth["authorizationToken"]
    assert b2.upload_token is None and b2.upload_part_token is None and b2.liste_bucket_id == {}
    reused = Backblaze(os.environ["B2_ACCOUNT_ID"], "not-checked", auth, api_url="http://127.0.0.1:9")
    assert reused.authorization_token is auth  # no request: the unreachable api_url is never used
    assert os.environ["B2_BUCKET"] in [b["bucketName"] for b in reused.get_list_buckets()["buckets"]]
    with pytest.raises(BackblazeException) as error:
        Backblaze(os.environ["B2_ACCOUNT_ID"], "wrong", api_url=os.environ["B2_URL"])
    assert error.value.status_code == 401 and str(error.value) == "(401) invalid accountId or applicationKey"
    assert error.value.message == "invalid accountId or applicationKey"
    assert "Basic " in error.value.headers_send["Authorization"] and error.value.headers_received["Content-Type"]


def test_upload_download_infos_delete(bucket):
    b2 = client()
    data, other = os.urandom(70000), b"second object"
    answer = b2.upload(bucket, meta("obj/one"), data)
    assert answer["fileName"] == "C0FFEE" * 8 + "/obj/one" and answer["contentSha1"] == hashlib.sha1(data).hexdigest()
    assert answer["contentType"] == "application/x-test" and answer["contentLength"] == len(data)
    token = b2.upload_token
    assert token["uploadUrl"] and b2.liste_bucket_id[bucket] == answer["bucketId"]
    b2.upload(bucket, meta("two"), other, sha1=hashlib.sha1(other).hexdigest())
    assert b2.upload_token is token  # one upload URL, kept
    with pytest.raises(BackblazeException) as error:
        b2.upload(bucket, meta("bad"), b"xyz", sha1="0" * 40)
    assert error.value.status_code == 400
    assert b2.download(bucket, meta("obj/one")) == data
    assert b2.download_by_path_name(bucket, "C0FFEE" * 8 + "/obj/one", {"Range": "bytes=10-19"}) == data[10:20]
    pages = list(b2.get_list_file_names(bucket))
    assert [[f["fileName"] for f in page] for page in pages] == [["C0FFEE" * 8 + "/obj/one", "C0FFEE" * 8 + "/two"]]
    assert b2.get_backblaze_infos(bucket) == (len(data) + len(other), 2)
    assert b2.get_file_number(bucket) == 2 and b2.get_size(bucket) == len(data) + len(other)
    deleted = b2.delete(bucket, meta("obj/one"))
    assert deleted == {"fileId": answer["fileId"], "fileName": answer["fileName"]}
    with pytest.raises(BackblazeException) as error:
        b2.download(bucket, meta("obj/one"))
    assert error.value.status_code == 404
    with pytest.raises(BackblazeException) as error:  # no file: upstream sends fileId None, B2 refuses it
        b2.delete(bucket, meta("obj/one"))
    assert error.value.status_code == 400
    info = next(f for page in b2.get_list_file_names(bucket) for f in page)
    assert b2.delete_by_path_name(info["fileId"], info["fileName"])["fileName"] == info["fileName"]
    assert b2.get_backblaze_infos(bucket) == (0, 0)


def test_upload_required_is_the_upload_token(bucket):
    first = client()
    first.upload(bucket, meta("a"), b"a")
    second = Backblaze(os.environ["B2_ACCOUNT_ID"], os.environ["B2_APPLICATION_KEY"], first.authorization_token,
                       first.upload_token, api_url=os.environ["B2_URL"])
    assert second.upload_token is first.upload_token and second.upload_part_token is None
    second.upload(bucket, meta("b"), b"b")
    assert second.upload_token is first.upload_token and second.get_file_number(bucket) == 2


def test_large_file_in_parts(bucket):
    b2 = client()
    parts = [os.urandom(5000000), os.urandom(5000000), b"tail"]
    started = b2.upload_part_begin(bucket, meta("large"))
    assert started["fileName"] == "C0FFEE" * 8 + "/large" and started["contentType"] == "application/x-test"
    sha1s = []
    for number, part in enumerate(parts, start=1):
        answer, sha1 = b2.upload_part(started["fileId"], part, number, sha1=None if number != 2 else hashlib.sha1(part).hexdigest())
        assert sha1 == hashlib.sha1(part).hexdigest() and answer["partNumber"] == number and answer["contentLength"] == len(part)
        sha1s.append(sha1)
    assert b2.upload_part_token["fileId"] == started["fileId"]
    finished = b2.upload_part_end(started["fileId"], sha1s)
    assert finished["action"] == "upload" and finished["contentLength"] == sum(map(len, parts))
    assert b2.download(bucket, meta("large")) == b"".join(parts)
    with pytest.raises(BackblazeException):
        b2.upload_part_end(started["fileId"], sha1s)  # finished already


def test_file_lists_come_in_pages(bucket):
    """``b2_list_file_names`` answers 100 names per page by default: 101 files make two pages."""
    b2 = client()
    for number in range(101):
        b2.upload(bucket, meta("f%03d" % number), b"%d" % number)
    pages = list(b2.get_list_file_names_by_bucket_id(b2.liste_bucket_id[bucket]))
    assert [len(page) for page in pages] == [100, 1] and pages[1][0]["fileName"].endswith("/f100")
    assert b2.get_backblaze_infos(bucket) == (sum(len(b"%d" % n) for n in range(101)), 101)


def test_requests_answers_bytes_or_json_and_raises_on_errors():
    auth = client().authorization_token
    url = "%s/b2api/v1/b2_list_buckets" % auth["apiUrl"]
    body = ('{"accountId": "%s"}' % os.environ["B2_ACCOUNT_ID"]).encode()
    raw = Requests().get_response_from_request("POST", url, {"Authorization": auth["authorizationToken"]}, body)
    assert isinstance(raw, bytes) and b'"buckets"' in raw
    with pytest.raises(BackblazeException) as error:
        Requests().get_response_from_request("POST", url, {"Authorization": "nope"}, body, json=True)
    assert error.value.status_code == 401 and error.value.message == "Invalid authorization token"
