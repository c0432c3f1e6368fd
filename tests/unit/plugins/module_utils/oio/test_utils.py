# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import hashlib
import io

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.backblaze_http import chunk_file_name, load_application_key
from ansible_collections.datacenter.storage.plugins.module_utils.oio.api._chunkio import Source
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.configuration import conf_files, load_namespace_conf, proxy_url
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import (
    ClientException, ConfigurationException, NotFound, ServiceBusy, error_from_answer,
)
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.http_urllib3 import build_url
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.utils import (
    cid_from_name, content_meta_from_headers, full_path, request_id,
)


def test_cid_is_sha256_of_account_nul_container():
    assert cid_from_name("acct", "ct") == hashlib.sha256(b"acct\0ct").hexdigest().upper()
    assert len(cid_from_name("é", "x")) == 64


def test_full_path_quotes_slashes_and_spaces():
    assert full_path("acct", "ct", "my/obj name", 15, "AB") == "acct/ct/my%2Fobj%20name/15/AB"


def test_request_id_shape():
    rid = request_id("create-")
    assert rid.startswith("create-") and len(rid) == len("create-") + 28


def test_content_meta_split():
    meta, props = content_meta_from_headers({
        "X-Oio-Content-Meta-Chunk-Method": "plain/nb_copy=1", "x-oio-content-meta-name": "a%20b",
        "x-oio-content-meta-color": "blue%21", "x-oio-content-meta-x-static": "1", "content-type": "x",
    })
    assert meta == {"chunk_method": "plain/nb_copy=1", "name": "a b"}
    assert props == {"color": "blue!", "x-static": "1"}


def test_error_from_json_body_and_text():
    exc = error_from_answer(404, b'{"status":431,"message":"Container not found"}')
    assert isinstance(exc, NotFound) and exc.status == 431
    assert str(exc) == "Container not found (HTTP 404) (STATUS 431)"
    assert isinstance(error_from_answer(503, b"busy"), ServiceBusy)
    other = error_from_answer(500, b"", "Internal Server Error")
    assert other.__class__ is ClientException and other.message == "Internal Server Error"


def test_build_url_drops_none_and_encodes():
    assert build_url("http://h:1/", "/v3.0/NS/content/locate", {"acct": "a b", "path": "x/y", "version": None, "f": True}) == \
        "http://h:1/v3.0/NS/content/locate?acct=a+b&path=x%2Fy&f=True"


def test_conf_files_order_and_home_fallback(tmp_path):
    system = tmp_path / "sds.conf"
    confd = tmp_path / "sds.conf.d"
    home = tmp_path / "home.conf"
    home.write_text("[NS]\nproxy=127.0.0.1:1\n")
    assert conf_files(str(system), str(confd), str(home)) == [str(home)]
    system.write_text("[NS]\nproxy=127.0.0.1:6000\nzookeeper=z\n")
    confd.mkdir()
    (confd / "b").write_text("[NS]\nproxy=http://127.0.0.1:7000\n")
    files = conf_files(str(system), str(confd), str(home))
    assert files == [str(system), str(confd / "b")]
    conf = load_namespace_conf("NS", files)
    assert conf["zookeeper"] == "z" and proxy_url(conf, "NS") == "http://127.0.0.1:7000"
    assert load_namespace_conf("OTHER", files) == {}


def test_source_reads_exact_sizes_from_every_kind():
    payload = bytes(range(256)) * 5000
    for data in (payload, io.BytesIO(payload), (payload[i:i + 777] for i in range(0, len(payload), 777))):
        source = Source(data)
        parts = []
        while not source.at_eof():
            parts.append(source.read(100000))
        assert [len(p) for p in parts[:-1]] == [100000] * (len(parts) - 1)
        assert b"".join(parts) == payload
    assert Source("").at_eof() and Source(iter([])).read(10) == b""


def test_backblaze_key_file_and_chunk_names(tmp_path):
    key_file = tmp_path / "b2-appkey.conf"
    key_file.write_text("[backblaze]\nACCT.bucket.application_key = s3cr3t\n")
    assert load_application_key("ACCT", "bucket", str(key_file)) == "s3cr3t"
    with pytest.raises(ConfigurationException, match="ACCT.other.application_key"):
        load_application_key("ACCT", "other", str(key_file))
    with pytest.raises(ConfigurationException, match="missing"):
        load_application_key("ACCT", "bucket", str(tmp_path / "missing"))
    assert chunk_file_name("ABC", "b2/0123DEF") == "ABC/0123DEF"
