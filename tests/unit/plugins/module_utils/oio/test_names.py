# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The public names of upstream's ``oio`` 7.3 client, module by module, as its documentation and sources give them.

A program written for ``oio`` imports ``oio.X.Y``; here that is ``PREFIX + "X.Y"``. The test fails on any name
missing from its module, on a changed signature of the listed callables, and on a stale entry of KNOWN_GAPS.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

PREFIX = "ansible_collections.datacenter.storage.plugins.module_utils.oio."

OBJECT_STORAGE_API_METHODS = """
account_create account_delete account_show account_list account_get_properties account_set_properties
account_del_properties account_update account_flush account_refresh all_accounts_refresh resolve_cid
container_create container_touch container_create_many container_delete container_flush container_list
container_show container_snapshot container_get_properties container_set_properties container_del_properties
container_purge container_update container_refresh
object_create object_create_ext object_change_policy object_touch object_drain object_delete object_delete_many
object_truncate object_list object_locate object_analyze object_fastcopy object_link object_fetch
object_get_properties object_show object_update object_set_properties object_del_properties object_head
""".split()

REFERENCE = {
    "": ["ObjectStorageApi"],
    "api.object_storage": ["ObjectStorageApi", "ObjectStorageAPI", "patch_kwargs"],
    "api.base": ["HttpApi"],
    "api.ec": ["meta_chunk_range_to_segment_range", "segment_range_to_fragment_range", "ec_encode",
               "ECChunkDownloadHandler", "ECRebuildHandler", "ECStream", "ECWriteHandler", "EcChunkWriter",
               "EcMetachunkWriter"],
    "api.io": ["ChunkReader", "Closeable", "IOBaseWrapper", "MetachunkPreparer", "MetachunkWriter", "WriteHandler",
               "chain", "close_source", "consume", "discard_bytes", "iters_to_raw_body", "make_iter_from_resp"],
    "api.replication": ["FakeChecksum", "ReplicatedMetachunkWriter", "ReplicatedWriteHandler"],
    "api.backblaze": ["BackblazeChunkDownloadHandler", "BackblazeChunkWriteHandler", "BackblazeDeleteHandler",
                      "BackblazeDownloadHandler", "BackblazeWriteHandler"],
    "api.backblaze_http": ["Backblaze", "BackblazeException", "BackblazeUtils", "BackblazeUtilsException", "Requests"],
    "account.client": ["AccountClient"],
    "container.client": ["ContainerClient", "extract_content_headers_meta"],
    "directory.client": ["DirectoryClient"],
    "blob.client": ["BlobClient"],
    "common.client": ["ProxyClient"],
    "common.exceptions": """
        OioException ConfigurationException MissingAttribute ChunkException CorruptedChunk FaultyChunk OrphanChunk
        ServerException Meta2Exception SpareChunkException ContentException ContentNotFound UnrecoverableContent
        ServiceUnavailable CommandError ExplicitBury RetryLater ECError EmptyByteRange InvalidStorageMethod
        PreconditionFailed EtagMismatch MissingContentLength MissingData MissingName FileNotFound LifecycleNotFound
        ContainerNotEmpty NoSuchAccount NoSuchContainer NoSuchObject NoSuchReference SourceReadError
        OioNetworkException OioTimeout SourceReadTimeout DeadlineReached VolumeException StatusMessageException
        UnfinishedUploadException ClientException BadRequest Forbidden NotFound MethodNotAllowed Conflict
        ClientPreconditionFailed TooLarge UnsatisfiableRange ServiceBusy from_status from_response reraise
    """.split(),
    "common.storage_method": ["EC_SEGMENT_SIZE", "parse_chunk_method", "guess_storage_method", "STORAGE_METHODS",
                              "StorageMethods", "StorageMethod", "ReplicatedStorageMethod", "ECStorageMethod",
                              "BackblazeStorageMethod", "load_methods"],
    "common.storage_functions": ["obj_range_to_meta_chunk_range", "get_meta_ranges", "fetch_stream",
                                 "fetch_stream_ec", "wrand_choice_index"],
    "common.utils": ["cid_from_name", "request_id", "compute_chunk_id", "quote", "fix_ranges", "depaginate",
                     "monotonic_time", "deadline_to_timeout", "timeout_to_deadline", "set_deadline_from_read_timeout",
                     "lower_dict_keys", "compute_perfdata_stats", "group_chunk_errors"],
    "common.fullpath": ["encode_fullpath", "decode_fullpath", "encode_old_fullpath", "decode_old_fullpath"],
    "common.constants": ["OIO_VERSION", "OBJECT_METADATA_PREFIX", "CHUNK_METADATA_PREFIX", "CONNECTION_TIMEOUT",
                         "READ_TIMEOUT", "TIMEOUT_KEYS", "REQID_HEADER"],
    "common.decorators": ["ensure_headers", "ensure_request_id", "ensure_request_id2", "handle_account_not_found",
                          "handle_container_not_found", "handle_object_not_found", "patch_kwargs"],
}

# Names of the reference not provided yet (the test fails when one of them appears, so that this set only
# shrinks). Every name is provided now.
KNOWN_GAPS = set()

SIGNATURES = {
    ("api.object_storage", "ObjectStorageApi"): "(namespace, logger=None, perfdata=None, **kwargs)",
    ("api.object_storage", "ObjectStorageAPI"): "(namespace, endpoint=None, **kwargs)",
    ("api.base", "HttpApi"): "(endpoint=None, pool_manager=None, **kwargs)",
    ("api.ec", "meta_chunk_range_to_segment_range"): "(meta_start, meta_end, segment_size)",
    ("api.ec", "segment_range_to_fragment_range"): "(segment_start, segment_end, segment_size, fragment_size)",
    ("api.ec", "ec_encode"): "(storage_method, n)",
    ("api.io", "discard_bytes"): "(buf_size, start)",
    ("api.io", "Closeable"): "(*iterables)",
    ("api.io", "IOBaseWrapper"): "(wrapped)",
    ("api.replication", "FakeChecksum"): "(actual_checksum)",
    ("api.replication", "ReplicatedMetachunkWriter"): "(sysmeta, meta_chunk, checksum, storage_method, quorum=None, "
                                                      "connection_timeout=None, write_timeout=None, read_timeout=None, "
                                                      "headers=None, **kwargs)",
    ("api.io", "ChunkReader"): "(chunk_iter, buf_size, headers, connection_timeout=None, read_timeout=None, align=False, "
                               "**_kwargs)",
    ("api.io", "MetachunkPreparer"): "(container_client, account, container, obj_name, policy=None, **kwargs)",
    ("api.io", "MetachunkWriter"): "(storage_method=None, quorum=None, chunk_checksum_algo='md5', **_kwargs)",
    ("api.io", "WriteHandler"): "(source, sysmeta, chunk_preparer, storage_method, headers=None, connection_timeout=None, "
                                "write_timeout=None, read_timeout=None, deadline=None, chunk_checksum_algo='md5', **_kwargs)",
    ("api.ec", "ECChunkDownloadHandler"): "(storage_method, chunks, meta_start, meta_end, headers, connection_timeout=None, "
                                          "read_timeout=None, **_kwargs)",
    ("api.ec", "ECRebuildHandler"): "(meta_chunk, missing, storage_method, connection_timeout=None, read_timeout=None, "
                                    "**_kwargs)",
    ("api.ec", "ECStream"): "(storage_method, readers, range_infos, meta_length, fragment_length, reopen=None)",
    ("api.ec", "EcChunkWriter"): "(chunk, conn, write_timeout=None, chunk_checksum_algo='md5', **_kwargs)",
    ("api.ec", "EcMetachunkWriter"): "(sysmeta, meta_chunk, global_checksum, storage_method, reqid=None, "
                                     "connection_timeout=None, write_timeout=None, read_timeout=None, **kwargs)",
    ("api.backblaze", "BackblazeChunkDownloadHandler"): "(meta, chunks, offset, size, headers=None, backblaze_info=None)",
    ("api.backblaze", "BackblazeChunkWriteHandler"): "(sysmeta, meta_chunk, checksum, storage_method, backblaze_info)",
    ("api.backblaze", "BackblazeDeleteHandler"): "(meta, chunks, backblaze_info)",
    ("api.backblaze", "BackblazeDownloadHandler"): "(sysmeta, meta_chunks, backblaze_info, headers, range_start=None, "
                                                   "range_end=None)",
    ("api.backblaze", "BackblazeWriteHandler"): "(source, sysmeta, chunk_prep, storage_method, backblaze_info, **kwargs)",
    ("api.backblaze_http", "BackblazeException"): "(status_code, message, response=None, headers_send=None)",
    ("api.backblaze_http", "Requests"): "(error_handler=None, http=None)",
    ("common.storage_method", "guess_storage_method"): "(url)",
    ("common.storage_functions", "get_meta_ranges"): "(ranges, chunks)",
    ("common.storage_functions", "fetch_stream"): "(chunks, ranges, storage_method, headers=None, **kwargs)",
    ("common.storage_functions", "fetch_stream_ec"): "(chunks, ranges, storage_method, **kwargs)",
    ("common.storage_functions", "wrand_choice_index"): "(scores)",
    ("common.exceptions", "from_status"): "(status, reason='n/a')",
    ("common.exceptions", "from_response"): "(resp, body=None)",
    ("common.exceptions", "reraise"): "(exc_type, exc_value, extra_message=None)",
    ("common.exceptions", "NotFound"): "(http_status=404, status=None, message=None)",
    ("common.exceptions", "StatusMessageException"): "(http_status, status=None, message=None)",
    ("common.utils", "compute_chunk_id"): "(cid, path, version, position, policy, hash_algo='sha256')",
    ("common.utils", "quote"): "(value, safe='/')",
    ("common.utils", "request_id"): "(prefix='')",
    ("common.fullpath", "encode_fullpath"): "(account, container, path, version, content_id)",
}

METHOD_SIGNATURES = {
    "object_create": "(self, account, container, *args, **kwargs)",
    "object_create_ext": "(self, account, container, file_or_path=None, data=None, etag=None, obj_name=None, "
                         "mime_type=None, metadata=None, policy=None, key_file=None, append=False, properties=None, ",
    "object_head": "(self, account, container, obj, trust_level=0, ",
    "object_locate": "(self, account, container, obj, version=None, chunk_info=False, properties=True, ",
    "object_fetch": "(self, account, container, obj, version=None, ranges=None, key_file=None, ",
    "object_link": "(self, target_account, target_container, target_obj, link_account, link_container, link_obj, "
                   "target_version=None, target_content_id=None, link_content_id=None, properties_directive='COPY', ",
    "container_list": "(self, account, limit=None, marker=None, end_marker=None, prefix=None, delimiter=None, "
                      "s3_buckets_only=False, ",
    "container_touch": "(self, account, container, recompute=False, ",
    "container_purge": "(self, account, container, maxvers=None, ",
    "container_update": "(self, account, container, metadata, clear=False, **kwargs)",
    "object_update": "(self, account, container, obj, metadata, version=None, clear=False, **kwargs)",
    "account_refresh": "(self, account=None, ",
}


def _module(name):
    return importlib.import_module(PREFIX.rstrip(".") if not name else PREFIX + name)


@pytest.mark.parametrize("module, name", sorted((m, n) for m, names in REFERENCE.items() for n in names))
def test_reference_name_is_present(module, name):
    try:
        present = hasattr(_module(module), name)
    except ModuleNotFoundError:
        present = False
    if (module, name) in KNOWN_GAPS:
        assert not present, "%s.%s is provided now: drop it from KNOWN_GAPS" % (module, name)
    else:
        assert present, "oio.%s.%s is missing" % (module, name)


@pytest.mark.parametrize("method", OBJECT_STORAGE_API_METHODS)
def test_object_storage_api_method_is_present(method):
    assert callable(getattr(_module("api.object_storage").ObjectStorageApi, method))


def test_object_storage_api_class_attributes():
    cls = _module("api.object_storage").ObjectStorageApi
    assert cls.EXTRA_KEYWORDS == ("chunk_checksum_algo", "autocreate", "chunk_buffer_min", "chunk_buffer_max", "cache", "tls")
    assert cls.TIMEOUT_KEYS == ("connection_timeout", "read_timeout", "write_timeout")
    assert issubclass(_module("api.object_storage").ObjectStorageAPI, cls)


@pytest.mark.parametrize("key", sorted(SIGNATURES))
def test_signature(key):
    module, name = key
    assert str(inspect.signature(getattr(_module(module), name))) == SIGNATURES[key]


@pytest.mark.parametrize("method", sorted(METHOD_SIGNATURES))
def test_object_storage_api_method_signature(method):
    func = inspect.unwrap(getattr(_module("api.object_storage").ObjectStorageApi, method))
    assert str(inspect.signature(func)).startswith(METHOD_SIGNATURES[method])


def test_exception_hierarchy_and_constructors():
    exc = _module("common.exceptions")
    for name in ("NoSuchAccount", "NoSuchContainer", "NoSuchObject", "NoSuchReference", "ContainerNotEmpty"):
        cls = getattr(exc, name)
        assert cls.__bases__ == (exc.OioException,) and str(cls("gone")) == "gone"
    for name, code in (("BadRequest", 400), ("Forbidden", 403), ("NotFound", 404), ("MethodNotAllowed", 405),
                       ("Conflict", 409), ("ClientPreconditionFailed", 412), ("TooLarge", 413),
                       ("UnsatisfiableRange", 416), ("ServiceBusy", 503)):
        err = getattr(exc, name)()
        assert isinstance(err, exc.ClientException) and err.http_status == code and err.message == "n/a"
    assert issubclass(exc.ClientException, exc.StatusMessageException)
    assert issubclass(exc.SpareChunkException, exc.Meta2Exception)
    assert issubclass(exc.UnrecoverableContent, exc.ContentException)
    assert not issubclass(exc.ECError, exc.OioException) and not issubclass(exc.CommandError, exc.OioException)
    assert str(exc.DeadlineReached()) == "Deadline reached"
    assert str(exc.NotFound(404, 406, "no container")) == "no container (HTTP 404) (STATUS 406)"
    assert exc.from_status(409).__class__ is exc.Conflict
    with pytest.raises(exc.NoSuchObject) as err:
        exc.reraise(exc.NoSuchObject, ValueError("x"), "obj")
    assert err.value.args == ("obj", "x")
