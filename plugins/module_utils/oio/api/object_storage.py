# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``ObjectStorageApi``: accounts, containers and objects of one OpenIO SDS namespace.

Method names and arguments follow ``oio.api.object_storage.ObjectStorageApi``
(7.x) so that scripts written for the upstream client port over.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

from ..account.client import AccountClient
from ..blob.client import BlobClient
from ..common.client import ProxyClient
from ..common.constants import TIMEOUT_KEYS
from ..container.client import ContainerClient
from ..directory.client import DirectoryClient
from ..common.decorators import patch_kwargs  # noqa: F401 # pylint: disable=unused-import
from .base import api_call, check_deadline, current_options, record_perfdata, request_headers
from ._chunkio import BackgroundMD5, MetachunkWriter, Source, read_ahead
from .backblaze import BackblazeWriteHandler
from .ec import ECWriteHandler
from .io import MetachunkPreparer, by_metachunk
from .replication import ReplicatedWriteHandler
from ..common.exceptions import (
    ClientException, ConfigurationException, Conflict, ContainerNotEmpty, EtagMismatch, FileNotFound, MissingData, MissingName,
    NoSuchAccount, NoSuchContainer, NoSuchObject, NotFound, OioException, ServiceBusy, UnsatisfiableRange,
)
from ..common.http_urllib3 import DEFAULT_READ_TIMEOUT, DEFAULT_WRITE_TIMEOUT, HttpClient, build_url
from ..common.storage_functions import fetch_stream, fetch_stream_ec, wrand_choice_index
from .backblaze import BackblazeDeleteHandler, BackblazeDownloadHandler
from .backblaze_http import B2_API_URL, B2Bucket, load_application_key
from ._rebuild import chunk_bean, rebuild_chunk
from ..common.storage_method import storage_method
from ..common.utils import (
    CHUNK_META_PREFIX, CONTENT_META_PREFIX, chunk_put_headers, cid_from_name, container_meta_from_headers,
    content_meta_from_headers, full_path, predictable_chunk_id, quote, request_id,
)

RESOLVE_CACHE = 60.0
RAWX_CONNECTION_TIMEOUT = 10.0
RAWX_READ_TIMEOUT = 60.0
BULK_MAX = 100
CONTENT_MISSING = (420, 426)  # content not found, latest version deleted: "no such object" whatever the HTTP status


@contextmanager
def _account_errors(account):
    try:
        yield
    except NoSuchAccount:
        raise
    except NotFound as exc:
        raise NoSuchAccount("Account %s: %s" % (account, exc.message)) from exc


@contextmanager
def _container_errors(account, container):
    try:
        yield
    except (NoSuchContainer, NoSuchObject):
        raise
    except NotFound as exc:
        raise NoSuchContainer("Container %s/%s: %s" % (account, container, exc.message)) from exc


@contextmanager
def _object_errors(account, container, obj):
    try:
        yield
    except (NoSuchContainer, NoSuchObject):
        raise
    except ClientException as exc:
        if not isinstance(exc, NotFound) and exc.status not in CONTENT_MISSING:
            raise
        if exc.status in (406, 431):
            raise NoSuchContainer("Container %s/%s: %s" % (account, container, exc.message)) from exc
        raise NoSuchObject("Object %s/%s/%s: %s" % (account, container, obj, exc.message)) from exc


def _listing_entry(item, latest):
    item = dict(item)
    for old, new in (("chunk-method", "chunk_method"), ("mime-type", "mime_type")):
        if old in item:
            item[new] = item.pop(old)
    item["is_latest"] = latest
    return item


class ObjectStorageApi:
    """Client of one namespace: the proxy for metadata, the account service, the rawx for data.

    As upstream's: ``ObjectStorageApi(namespace, logger=None, perfdata=None, **kwargs)`` with the keyword
    arguments ``endpoint`` (proxy URL, else the ``proxy=`` of the namespace configuration),
    ``connection_timeout``, ``read_timeout``, ``write_timeout``, ``pool_manager``, ``chunk_checksum_algo``
    (``md5``, or None to trust the hash each rawx computes), ``autocreate``; and, as extensions,
    ``sds_conf`` (configuration files to read), ``account_url``, ``deadline``, ``headers``,
    ``busy_retries`` (retries on the proxy's 503, default 2), ``key_file`` (Backblaze application keys),
    ``backblaze_application_key`` and ``backblaze_api_url``.

    Every public method takes upstream's per-call keyword arguments: ``headers``, ``reqid``,
    ``autocreate``, ``connection_timeout``, ``read_timeout``, ``write_timeout``, ``deadline`` (a
    ``time.monotonic()`` value; ``DeadlineReached`` once passed) and ``perfdata`` (a dict filled with timings).
    """

    EXTRA_KEYWORDS = ("chunk_checksum_algo", "autocreate", "chunk_buffer_min", "chunk_buffer_max", "cache", "tls")
    TIMEOUT_KEYS = TIMEOUT_KEYS

    def __init__(self, namespace, logger=None, perfdata=None, **kwargs):
        self.namespace = namespace
        self.logger = logger or logging.getLogger("oio.api.object_storage")
        self.perfdata = perfdata
        self._global_kwargs = {k: float(v) for k, v in kwargs.items() if k in TIMEOUT_KEYS and v is not None}
        self._global_kwargs["autocreate"] = True
        if perfdata is not None:
            self._global_kwargs["perfdata"] = perfdata
        for key in self.EXTRA_KEYWORDS + ("deadline", "headers"):
            if kwargs.get(key) is not None:
                self._global_kwargs[key] = kwargs[key]
        chunk_checksum_algo = kwargs.get("chunk_checksum_algo", "md5")
        if chunk_checksum_algo not in ("md5", None):
            raise ConfigurationException("chunk_checksum_algo=%r: only 'md5' or None" % (chunk_checksum_algo,))
        self.chunk_checksum_algo = chunk_checksum_algo
        self.key_file = kwargs.get("key_file")
        self.backblaze_application_key = kwargs.get("backblaze_application_key")
        self.backblaze_api_url = kwargs.get("backblaze_api_url") or B2_API_URL
        self._backblaze_clients = {}
        self.read_timeout = float(kwargs.get("read_timeout") or DEFAULT_READ_TIMEOUT)
        self.write_timeout = float(kwargs.get("write_timeout") or DEFAULT_WRITE_TIMEOUT)
        self.connection_timeout = float(kwargs.get("connection_timeout") or 2.0)
        self.pool_manager = kwargs.get("pool_manager")
        self.http = HttpClient(connection_timeout=self.connection_timeout, read_timeout=self.read_timeout,
                               busy_retries=kwargs.get("busy_retries", 2))
        conf = {"namespace": namespace}
        common = dict(logger=self.logger, http=self.http, sds_conf=kwargs.get("sds_conf"))
        self.container = ContainerClient(conf, endpoint=kwargs.get("endpoint"), **common)
        self.endpoint = self.container.endpoint.rsplit("/v3.0/", 1)[0]
        self.directory = DirectoryClient(conf, endpoint=self.endpoint, **common)
        self._proxy_client = ProxyClient(conf, endpoint=self.endpoint, **common)
        self.account = AccountClient(conf, endpoint=kwargs.get("account_url"), proxy_endpoint=self.endpoint, **common)
        self._blob_client = None
        self._resolved = {}

    @property
    def blob_client(self):
        """The :class:`BlobClient` of chunk requests."""
        if self._blob_client is None:
            self._blob_client = BlobClient({"namespace": self.namespace}, logger=self.logger, http=self.http,
                                           resolve_url=self.resolve_url)
        return self._blob_client

    @property
    def proxy_client(self):
        """The :class:`ProxyClient` of the namespace."""
        return self._proxy_client

    # ------------------------------------------------------------------ plumbing

    def _options(self):
        return current_options() or self._global_kwargs

    def _headers(self, reqid=None, headers=None, autocreate=None):
        return request_headers(self._options(), reqid, headers, autocreate)

    def proxy_request(self, method, service, action, params=None, json_body=None, headers=None, reqid=None, autocreate=None, **kwargs):
        """One proxy request under the current call's options; returns ``(response, decoded body)``."""
        options = self._options()
        check_deadline(options)
        url = build_url(self.endpoint, "/v3.0/%s/%s/%s" % (self.namespace, service, action), params)
        kwargs.setdefault("read_timeout", options.get("read_timeout"))
        start = time.monotonic()
        resp, body = self.http.json(method, url, json_body=json_body, retry_busy=True,
                                    headers=self._headers(reqid, headers, autocreate),
                                    connection_timeout=options.get("connection_timeout"), **kwargs)
        record_perfdata(options, resp, time.monotonic() - start)
        return resp, body

    def _account(self, method, action, params=None, json_body=None):
        params = dict(params or {})
        return self.account.account_request(params.pop("id", None), method, action, params=params, json=json_body)

    def _ref(self, account, container, **params):
        params.update(acct=account, ref=container)
        return params

    def resolve_url(self, url):
        """A chunk URL with a service ID in place of ``ip:port`` turned into a real address."""
        parts = urlsplit(url)
        if parts.port or not parts.hostname or parts.netloc.startswith("["):
            return url
        cached = self._resolved.get(parts.netloc)
        if not cached or time.monotonic() - cached[1] > RESOLVE_CACHE:
            dummy, body = self.proxy_request("GET", "conscience", "resolve", {"type": "rawx", "service_id": parts.netloc})
            cached = (body["addr"], time.monotonic())
            self._resolved[parts.netloc] = cached
        return "%s://%s%s" % (parts.scheme or "http", cached[0], parts.path)

    # ------------------------------------------------------------------ accounts

    @api_call
    def account_create(self, account, **kwargs):
        resp, dummy = self._account("PUT", "create", {"id": account})
        return resp.status == 201

    @api_call
    def account_delete(self, account, **kwargs):
        with _account_errors(account):
            self._account("POST", "delete", {"id": account})

    @api_call
    def account_list(self, **kwargs):
        return self._account("GET", "list")[1]

    @api_call
    def account_show(self, account, **kwargs):
        with _account_errors(account):
            return self._account("GET", "show", {"id": account})[1]

    @api_call
    def account_get_properties(self, account, **kwargs):
        info = self.account_show(account)
        info["properties"] = info.pop("metadata", None) or {}
        return info

    @api_call
    def account_update(self, account, metadata, to_delete=None, **kwargs):
        with _account_errors(account):
            self._account("PUT", "update", {"id": account}, {"metadata": metadata, "to_delete": to_delete})

    @api_call
    def account_set_properties(self, account, properties, **kwargs):
        self.account_update(account, properties, None)

    @api_call
    def account_del_properties(self, account, properties, **kwargs):
        self.account_update(account, None, list(properties))

    @api_call
    def account_flush(self, account, **kwargs):
        with _account_errors(account):
            self._account("POST", "flush", {"id": account})

    @api_call
    def account_refresh(self, account=None, **kwargs):
        accounts = [account] if account else self.account_list()
        for name in accounts:
            with _account_errors(name):
                self._account("POST", "refresh", {"id": name})
            for entry in self._container_listing_all(name):
                self.container_refresh(name, entry[0])

    # ------------------------------------------------------------------ containers

    @api_call
    def container_create(self, account, container, properties=None, system=None, **kwargs):
        """Create a container; True if created, False if it already existed."""
        with _container_errors(account, container):
            resp, dummy = self.proxy_request("POST", "container", "create", self._ref(account, container),
                                             {"properties": properties or {}, "system": system or {}})
        return resp.status == 201

    @api_call
    def container_create_many(self, account, containers, properties=None, **kwargs):
        """Create several containers; returns ``[(name, created)]``."""
        results = []
        names = list(containers)
        for start in range(0, len(names), BULK_MAX):
            batch = names[start:start + BULK_MAX]
            body = {"containers": [{"name": n, "properties": properties or {}, "system": {}} for n in batch]}
            try:
                dummy, answer = self.proxy_request("POST", "container", "create_many", {"acct": account}, body)
            except NotFound:
                results.extend((n, self.container_create(account, n, properties)) for n in batch)
                continue
            results.extend((item["name"], item["status"] == 201) for item in answer["containers"])
        return results

    @api_call
    def container_delete(self, account, container, force=False, **kwargs):
        with _container_errors(account, container):
            try:
                self.proxy_request("POST", "container", "destroy", self._ref(account, container, force=1 if force else None))
            except Conflict as exc:
                raise ContainerNotEmpty("Container %s/%s: %s" % (account, container, exc.message)) from exc

    @api_call
    def container_list(self, account, limit=None, marker=None, end_marker=None, prefix=None, delimiter=None,
                       s3_buckets_only=False, **kwargs):
        """One page of ``[name, objects, bytes, is_prefix, mtime]`` entries of an account."""
        with _account_errors(account):
            params = {"id": account, "limit": limit, "marker": marker, "end_marker": end_marker, "prefix": prefix,
                      "delimiter": delimiter, "s3_buckets_only": True if s3_buckets_only else None}
            body = self._account("GET", "containers", params)[1]
        return body["listing"]

    def _container_listing_all(self, account):
        marker = None
        while True:
            page = self.container_list(account, marker=marker)
            if not page:
                return
            yield from page
            marker = page[-1][0]

    @api_call
    def container_show(self, account, container, **kwargs):
        """Container properties (``properties``) and system metadata (``system``, from headers)."""
        with _container_errors(account, container):
            resp, body = self.proxy_request("GET", "container", "show", self._ref(account, container))
        body = body or {}
        body.setdefault("system", container_meta_from_headers(resp.headers))
        return body

    @api_call
    def container_get_properties(self, account, container, properties=None, **kwargs):
        with _container_errors(account, container):
            dummy, body = self.proxy_request("POST", "container", "get_properties", self._ref(account, container), properties or [])
        return body

    @api_call
    def container_set_properties(self, account, container, properties=None, clear=False, system=None, **kwargs):
        with _container_errors(account, container):
            return self.proxy_request("POST", "container", "set_properties", self._ref(account, container, flush=1 if clear else None),
                                      {"properties": properties or {}, "system": system or {}})[1]

    @api_call
    def container_del_properties(self, account, container, properties, **kwargs):
        with _container_errors(account, container):
            return self.proxy_request("POST", "container", "del_properties", self._ref(account, container), list(properties or ()))[1]

    @api_call
    def container_touch(self, account, container, recompute=False, **kwargs):
        """Send the container's statistics to the account service again; ``recompute`` recounts them first."""
        with _container_errors(account, container):
            try:
                self.proxy_request("POST", "container", "touch", self._ref(account, container, recompute=True if recompute else None))
            except ClientException as exc:
                if exc.http_status == 403:
                    raise NotFound(404, exc.status, exc.message) from None
                raise

    @api_call
    def container_refresh(self, account, container, **kwargs):
        self._account("POST", "container/reset", {"id": account}, {"name": container, "mtime": time.time()})
        self.container_touch(account, container)

    @api_call
    def container_flush(self, account, container, fast=False, **kwargs):
        """Delete every object (all versions) of a container."""
        if fast:
            while True:
                with _container_errors(account, container):
                    resp, dummy = self.proxy_request("POST", "container", "flush", self._ref(account, container))
                if resp.headers.get("x-oio-truncated", "false").lower() != "true":
                    return
        while True:
            listing = self.object_list(account, container, versions=True, limit=1000)
            if not listing["objects"]:
                return
            for entry in listing["objects"]:
                self.object_delete(account, container, entry["name"], version=entry["version"])

    @api_call
    def container_purge(self, account, container, maxvers=None, **kwargs):
        """Delete the versions beyond ``maxvers`` (default: the container's versioning policy)."""
        if maxvers is None:
            system = self.container_get_properties(account, container)["system"]
            maxvers = system.get("sys.m2.policy.version")
            if maxvers is None:
                maxvers = self.http.json("GET", self.endpoint + "/v3.0/config")[1].get("meta2.max_versions", "1")
        maxvers = int(maxvers)
        if maxvers < 0:
            return
        maxvers = max(maxvers, 1)
        seen = {}
        for entry in self.object_list_all(account, container, versions=True):
            if entry.get("deleted"):
                continue
            seen[entry["name"]] = seen.get(entry["name"], 0) + 1
            if seen[entry["name"]] > maxvers:
                self.object_delete(account, container, entry["name"], version=entry["version"])

    # ------------------------------------------------------------------ objects: metadata

    @api_call
    def object_list(self, account, container, limit=None, marker=None, delimiter=None, prefix=None, end_marker=None,
                    properties=False, versions=False, deleted=False, **kwargs):
        """One listing page: ``objects``, ``prefixes``, ``truncated``, ``next_marker`` and container metadata."""
        params = self._ref(account, container, max=limit, marker=marker, end_marker=end_marker, prefix=prefix,
                           delimiter=delimiter, properties=True if properties else None,
                           all=1 if versions else None, deleted=1 if deleted else None)
        with _container_errors(account, container):
            resp, body = self.proxy_request("GET", "container", "list", params)
        objects = body.get("objects", [])
        latest = {}
        for item in objects:
            latest[item["name"]] = max(latest.get(item["name"], item["version"]), item["version"])
        body["objects"] = [_listing_entry(o, not versions or o["version"] == latest[o["name"]]) for o in objects]
        body["truncated"] = resp.headers.get("x-oio-list-truncated", "false").lower() == "true"
        if "x-oio-list-marker" in resp.headers:
            body["next_marker"] = unquote(resp.headers["x-oio-list-marker"])
        return body

    @api_call
    def object_list_all(self, account, container, **kwargs):
        """Every listed object (all pages) with the ``object_list`` options; an extension of upstream's API."""
        marker = None
        while True:
            page = self.object_list(account, container, marker=marker, **kwargs)
            yield from page["objects"]
            if not page["truncated"] or not page.get("next_marker"):
                return
            marker = page["next_marker"]

    @api_call
    def object_locate(self, account, container, obj, version=None, chunk_info=False, properties=True, **kwargs):
        """``(metadata, chunks)`` of an object version; ``metadata['properties']`` when asked.

        ``chunk_info``: chunks becomes a generator that also asks each rawx about its chunk
        (``chunk_size``, ``chunk_hash``, ``full_path``, or ``error``).
        """
        params = self._ref(account, container, path=obj, version=version, properties=bool(properties))
        with _object_errors(account, container, obj):
            resp, chunks = self.proxy_request("GET", "content", "locate", params)
        meta, props = content_meta_from_headers(resp.headers)
        if properties:
            meta["properties"] = props
        meta["container_id"] = cid_from_name(account, container)
        meta["ns"] = self.namespace
        if chunk_info:
            return meta, self._chunk_info(chunks)
        return meta, chunks

    def _chunk_info(self, chunks):
        for chunk in chunks:
            try:
                info = self.blob_client.chunk_head(chunk.get("real_url") or chunk["url"])
                chunk.update(chunk_size=int(info.get("chunk_size") or chunk["size"]), chunk_hash=info.get("chunk_hash"),
                             full_path=info.get("full_path"))
            except OioException as exc:
                chunk["error"] = str(exc)
            yield chunk

    @api_call
    def object_get_properties(self, account, container, obj, version=None, **kwargs):
        """Object metadata with its ``properties``."""
        with _object_errors(account, container, obj):
            resp, body = self.proxy_request("POST", "content", "get_properties", self._ref(account, container, path=obj, version=version))
        meta, dummy = content_meta_from_headers(resp.headers)
        meta["properties"] = (body or {}).get("properties", {})
        return meta

    object_show = object_get_properties

    @api_call
    def object_set_properties(self, account, container, obj, properties, version=None, clear=False, **kwargs):
        with _object_errors(account, container, obj):
            self.proxy_request("POST", "content", "set_properties",
                               self._ref(account, container, path=obj, version=version, flush=1 if clear else None),
                               {"properties": properties or {}})

    @api_call
    def object_del_properties(self, account, container, obj, properties, version=None, **kwargs):
        """Delete properties of an object: True when deleted."""
        with _object_errors(account, container, obj):
            return self.proxy_request("POST", "content", "del_properties", self._ref(account, container, path=obj, version=version),
                                      list(properties))[0].status == 204

    @api_call
    def object_delete(self, account, container, obj, version=None, **kwargs):
        """Delete an object (version): True on success."""
        with _object_errors(account, container, obj):
            self.proxy_request("POST", "content", "delete", self._ref(account, container, path=obj, version=version))
        return True

    @api_call
    def object_delete_many(self, account, container, objs, **kwargs):
        """Delete several objects; returns ``[(name, deleted)]``."""
        results = []
        names = list(objs)
        for start in range(0, len(names), BULK_MAX):
            batch = names[start:start + BULK_MAX]
            try:
                with _container_errors(account, container):
                    dummy, body = self.proxy_request("POST", "content", "delete_many", self._ref(account, container),
                                                     {"contents": [{"name": n} for n in batch]})
            except NoSuchContainer:
                raise
            except NotFound:
                for name in batch:
                    try:
                        self.object_delete(account, container, name)
                        results.append((name, True))
                    except NoSuchObject:
                        results.append((name, False))
                continue
            results.extend((item["name"], item["status"] == 204) for item in body["contents"])
        return results

    @api_call
    def object_touch(self, account, container, obj, version=None, **kwargs):
        with _object_errors(account, container, obj):
            self.proxy_request("POST", "content", "touch", self._ref(account, container, path=obj, version=version))

    @api_call
    def object_drain(self, account, container, obj, version=None, **kwargs):
        with _object_errors(account, container, obj):
            self.proxy_request("POST", "content", "drain", self._ref(account, container, path=obj, version=version))

    @api_call
    def object_head(self, account, container, obj, trust_level=0, version=None, **kwargs):
        """Whether the object exists: 0 asks meta2, 2 also checks every chunk on its rawx."""
        if trust_level not in (0, 1, 2):
            raise ValueError("trust_level must be 0, 1 or 2, not %r" % (trust_level,))
        try:
            if trust_level == 0:
                self.object_get_properties(account, container, obj, version=version)
                return True
            if trust_level == 1:
                raise NotImplementedError("trust_level=1 is not implemented (as upstream)")
            dummy, chunks = self.object_locate(account, container, obj, version=version, properties=False)
            for chunk in chunks:
                self.http.request("HEAD", self.resolve_url(chunk.get("real_url") or chunk["url"]))
            return True
        except (NotFound, NoSuchObject, NoSuchContainer):
            return False

    # ------------------------------------------------------------------ objects: data

    def _prepare(self, account, container, obj, policy, position, size=None, version=None, content_id=None, reqid=None):
        """``content/prepare2``: (metadata, chunks, quality hints) for metachunks from ``position`` on covering ``size`` bytes."""
        params = self._ref(account, container, path=obj, version=version, content=content_id)
        body = {"size": max(size or 0, 1), "position": position}
        if policy:
            body["policy"] = policy
        try:
            resp, answer = self.proxy_request("POST", "content", "prepare2", params, body, reqid=reqid)
            chunks, hints = answer["chunks"], answer.get("properties") or {}
        except NotFound as exc:
            if "handler" not in (exc.message or "").lower():
                raise
            resp, chunks = self.proxy_request("POST", "content", "prepare", params, body, reqid=reqid)
            hints = {}
        meta, dummy = content_meta_from_headers(resp.headers)
        meta["chunk_size"] = int(resp.headers["x-oio-ns-chunk-size"])
        for chunk in chunks:
            chunk["real_url"] = self.resolve_url(chunk.get("real_url") or chunk["url"])
        return meta, chunks, hints

    def chunk_write_options(self):
        """Timeouts and the keep-alive connections of chunk uploads."""
        options = self._options()
        return {"connection_timeout": options.get("connection_timeout") or RAWX_CONNECTION_TIMEOUT,
                "write_timeout": options.get("write_timeout") or self.write_timeout,
                "connections": self.http.put_connections, "checksum": self.chunk_checksum_algo is not None}

    def backblaze(self, method, key_file=None):
        """The B2 client of a ``backblaze/...`` storage method (one per account and bucket)."""
        key = (method.account_id, method.bucket_name)
        if key not in self._backblaze_clients:
            application_key = self.backblaze_application_key or load_application_key(
                method.account_id, method.bucket_name, key_file or self.key_file)
            self._backblaze_clients[key] = B2Bucket(method.account_id, application_key, method.bucket_name,
                                                    api_url=self.backblaze_api_url, http=self.http)
        return self._backblaze_clients[key]

    def _delete_chunks(self, chunks, cid, reqid, b2=None):
        if b2 is not None:
            BackblazeDeleteHandler({"container_id": cid}, chunks, {"client": b2}).delete()
            return
        for chunk in chunks:
            try:
                self.http.request("DELETE", chunk["real_url"], headers={CHUNK_META_PREFIX + "container-id": cid, "x-oio-req-id": reqid})
            except OioException:
                pass

    @api_call
    def object_create(self, account, container, *args, **kwargs):
        """Upload an object (the arguments of :meth:`object_create_ext`); returns ``(chunks, size, md5hex)``."""
        return self.object_create_ext(account, container, *args, **kwargs)[:3]

    @api_call
    def object_create_ext(self, account, container, file_or_path=None, data=None, etag=None, obj_name=None,
                          mime_type=None, metadata=None, policy=None, key_file=None, append=False, properties=None,
                          change_policy=False, version=None, container_properties=None, **kwargs):
        """Upload an object; returns ``(chunks, size, md5hex, metadata)``."""
        if data is None and file_or_path is None:
            raise MissingData("object %s/%s/%s: no data and no file to upload" % (account, container, obj_name))
        to_close = None
        if data is None:
            if isinstance(file_or_path, (str, os.PathLike)):
                try:
                    to_close = data = open(file_or_path, "rb")
                except OSError as exc:
                    raise FileNotFound("cannot open %s: %s" % (file_or_path, exc)) from None
                obj_name = obj_name or os.path.basename(str(file_or_path))
            else:
                data = file_or_path
                obj_name = obj_name or os.path.basename(getattr(file_or_path, "name", "") or "")
        if not obj_name:
            raise MissingName("no object name given for an upload to %s/%s" % (account, container))
        properties = dict(properties or metadata or {})
        try:
            with _object_errors(account, container, obj_name):
                return self._upload(account, container, obj_name, Source(data), etag, mime_type, policy, append,
                                    properties, change_policy, version, container_properties, key_file)
        finally:
            if to_close is not None:
                to_close.close()

    def _upload(self, account, container, obj, source, etag, mime_type, policy, append, properties, change_policy, version,
                container_properties, key_file=None):
        reqid = request_id("create-")
        cid = cid_from_name(account, container)

        def prepare(position, policy, version, content_id):
            return self._prepare(account, container, obj, policy, position, size=source.size_hint, version=version,
                                 content_id=content_id, reqid=reqid)

        preparer = MetachunkPreparer(self.container, account, container, obj, policy=policy, version=version, prepare=prepare)
        meta = preparer.obj_meta
        method = storage_method(meta["chunk_method"])
        b2 = self.backblaze(method, key_file) if method.backblaze else None
        sysmeta = dict(meta, container_id=cid, content_path=obj, mime_type=mime_type or meta.get("mime_type"),
                       full_path=full_path(account, container, obj, meta["version"], meta["id"]))
        options = self.chunk_write_options()
        if b2 is not None:
            handler = BackblazeWriteHandler(source, sysmeta, preparer, method, {"client": b2})
        else:
            handler = (ECWriteHandler if method.ec else ReplicatedWriteHandler)(
                source, sysmeta, preparer, method, connection_timeout=options["connection_timeout"],
                write_timeout=options["write_timeout"], deadline=self._options().get("deadline"),
                chunk_checksum_algo=self.chunk_checksum_algo, connections=options["connections"], reqid=reqid)
        try:
            uploaded, total, md5hex = handler.stream()
            if etag and etag.lower() != md5hex:
                raise EtagMismatch("object %s/%s/%s: etag %s differs from the MD5 %s of the data" % (account, container, obj, etag, md5hex))
            headers = {
                CONTENT_META_PREFIX + "length": str(total),
                CONTENT_META_PREFIX + "hash": md5hex,
                CONTENT_META_PREFIX + "id": meta["id"],
                CONTENT_META_PREFIX + "policy": meta["policy"],
                CONTENT_META_PREFIX + "version": meta["version"],
                CONTENT_META_PREFIX + "chunk-method": meta["chunk_method"],
            }
            if mime_type:
                headers[CONTENT_META_PREFIX + "mime-type"] = mime_type
            body = {"chunks": uploaded, "properties": dict(preparer.properties, **properties), "container_properties": container_properties}
            params = self._ref(account, container, path=obj, append=1 if append else None, change_policy=1 if change_policy else None)
            self.proxy_request("POST", "content", "create", params, body, headers=headers, reqid=reqid)
        except BaseException:
            self._delete_chunks(handler.stored, cid, reqid, b2)
            raise
        meta.update(container_id=cid, content_path=obj, ns=self.namespace, etag=md5hex, properties=properties,
                    full_path=sysmeta["full_path"], mime_type=sysmeta["mime_type"], size=total, length=total, hash=md5hex)
        return uploaded, total, md5hex, meta

    def _metachunks(self, chunks):
        """``[(position, size, ordered chunks)]`` from a locate answer."""
        groups = {}
        for chunk in chunks:
            position = int(chunk["pos"].split(".")[0])
            chunk["real_url"] = self.resolve_url(chunk.get("real_url") or chunk["url"])
            groups.setdefault(position, []).append(chunk)
        result = []
        for position in sorted(groups):
            group = groups[position]
            by_hash = {}
            for chunk in group:
                by_hash.setdefault((chunk.get("hash") or "").upper(), []).append(chunk)
            group = max(by_hash.values(), key=len)
            group.sort(key=lambda c: int(c.get("score") or 0), reverse=True)
            if "." not in group[0]["pos"] and len(group) > 1:  # close scores: not always the same copy first
                first = wrand_choice_index(int(c.get("score") or 0) for c in group)
                group[0], group[first] = group[first], group[0]
            result.append((position, int(group[0]["size"]), group))
        return result

    @api_call
    def object_fetch(self, account, container, obj, version=None, ranges=None, key_file=None, **kwargs):
        """``(metadata, iterator of bytes)`` of an object; ``ranges`` = [(start, end), ...] inclusive."""
        meta, chunks = self.object_locate(account, container, obj, version=version)
        method = storage_method(meta["chunk_method"])
        b2 = self.backblaze(method, key_file) if method.backblaze else None
        metachunks = self._metachunks(chunks)
        if [m[0] for m in metachunks] != list(range(len(metachunks))):
            raise UnsatisfiableRange(500, 425, "object %s/%s/%s: metachunks %s are not contiguous" % (
                account, container, obj, [m[0] for m in metachunks]))
        headers = {"x-oio-req-id": request_id("fetch-")}
        what = "object %s/%s/%s" % (account, container, obj)
        by_position = {position: group for position, dummy, group in metachunks}
        if b2 is not None:
            parts = [BackblazeDownloadHandler(meta, by_position, {"client": b2}, headers, start, end).get_iter()
                     for start, end in (ranges or [(None, None)])]
            return meta, read_ahead(piece for part in parts for piece in part)
        options = self._options()
        timeouts = {"read_timeout": options.get("read_timeout") or RAWX_READ_TIMEOUT,
                    "connection_timeout": options.get("connection_timeout") or RAWX_CONNECTION_TIMEOUT}
        if method.ec:
            return meta, read_ahead(fetch_stream_ec(by_position, ranges, method, headers=headers, http=self.http, what=what, **timeouts))
        return meta, fetch_stream(by_position, ranges, method, headers=headers, http=self.http, what=what, **timeouts)

    @api_call
    def object_truncate(self, account, container, obj, version=None, size=None, **kwargs):
        """Truncate an object to ``size`` bytes; a metachunk cut in the middle is written again, shorter."""
        with _object_errors(account, container, obj):
            meta, chunks = self.object_locate(account, container, obj, version=version, properties=False)
            offset = 0
            for position, meta_size in [m[:2] for m in self._metachunks(chunks)]:
                if offset < size < offset + meta_size:
                    self._rewrite_metachunk(account, container, obj, meta, position, offset, size)
                    break
                offset += meta_size
            self.proxy_request("POST", "content", "truncate", self._ref(account, container, path=obj, version=meta["version"], size=size))

    def _rewrite_metachunk(self, account, container, obj, meta, position, offset, size):
        """Store bytes ``[offset, size)`` again as metachunk ``position`` and swap it in with ``content/update``."""
        reqid = request_id("truncate-")
        data = b"".join(self.object_fetch(account, container, obj, version=meta["version"], ranges=[(offset, size - 1)])[1])
        method = storage_method(meta["chunk_method"])
        chunks = by_metachunk(self._prepare(account, container, obj, meta["policy"], position, size=len(data),
                                            version=meta["version"], content_id=meta["id"], reqid=reqid)[1], position)[position]
        for chunk in chunks:
            sub = chunk["pos"].partition(".")[2]
            chunk["pos"] = "%d.%s" % (position, sub) if method.ec else str(position)
        writer = MetachunkWriter(method, chunks, chunk_put_headers(account, container, obj, meta, reqid),
                                 self.chunk_write_options())
        hasher = BackgroundMD5()
        try:
            entries = writer.write(Source(data), len(data), hasher)[2]
            self.proxy_request("POST", "content", "update", self._ref(account, container, path=obj, version=meta["version"]), entries,
                               headers={CONTENT_META_PREFIX + "id": meta["id"], CONTENT_META_PREFIX + "size": str(size)}, reqid=reqid)
        except BaseException:
            self._delete_chunks(writer.stored, cid_from_name(account, container), reqid)
            raise
        finally:
            hasher.close()

    def _copy_chunks(self, chunks, method, account, container, obj, version, content_id, policy, reqid):
        """COPY (hard-link) every chunk to a predictable ID for another object; per-metachunk quorum."""
        cid = cid_from_name(account, container)
        headers = {
            "x-oio-req-id": reqid,
            CHUNK_META_PREFIX + "full-path": full_path(account, container, obj, version, content_id),
            CHUNK_META_PREFIX + "container-id": cid,
            CHUNK_META_PREFIX + "content-path": quote(obj),
            CHUNK_META_PREFIX + "content-version": str(version),
            CHUNK_META_PREFIX + "content-id": content_id,
        }
        copies, errors = [], []
        for group in [m[2] for m in self._metachunks(chunks)]:
            done = []
            for chunk in group:
                new_id = predictable_chunk_id(cid, obj, version, chunk["pos"], policy)
                destination = chunk["real_url"].rsplit("/", 1)[0] + "/" + new_id
                try:
                    self.http.request("COPY", chunk["real_url"], headers=dict(headers, Destination=destination))
                except OioException as exc:
                    errors.append(exc)
                    continue
                done.append({"url": chunk["url"].rsplit("/", 1)[0] + "/" + new_id, "real_url": destination,
                             "pos": chunk["pos"], "size": int(chunk["size"]), "hash": chunk["hash"], "old": chunk})
            copies.extend(done)
            if len(done) < method.quorum:
                self._delete_chunks(copies, cid, reqid)
                raise ServiceBusy(503, None, "link of %s/%s/%s: quorum not reached (%d/%d): %s" % (
                    account, container, obj, len(done), method.quorum, "; ".join(str(e) for e in errors)))
        return copies

    @api_call
    def object_link(self, target_account, target_container, target_obj, link_account, link_container, link_obj,
                    target_version=None, target_content_id=None, link_content_id=None, properties_directive="COPY",
                    properties=None, **kwargs):
        """Make ``link_obj`` a new object sharing the data (hard-linked chunks) of ``target_obj``."""
        with _object_errors(target_account, target_container, target_obj):
            meta, chunks = self.object_locate(target_account, target_container, target_obj, version=target_version)
        reqid = request_id("link-")
        method = storage_method(meta["chunk_method"])
        with _object_errors(link_account, link_container, link_obj):
            link_meta = self._prepare(link_account, link_container, link_obj, meta["policy"], 0, content_id=link_content_id, reqid=reqid)[0]
            copies = self._copy_chunks(chunks, method, link_account, link_container, link_obj, link_meta["version"],
                                       link_meta["id"], meta["policy"], reqid)
            headers = {CONTENT_META_PREFIX + "length": meta["size"], CONTENT_META_PREFIX + "hash": meta.get("hash") or "",
                       CONTENT_META_PREFIX + "id": link_meta["id"], CONTENT_META_PREFIX + "version": link_meta["version"],
                       CONTENT_META_PREFIX + "policy": meta["policy"], CONTENT_META_PREFIX + "chunk-method": meta["chunk_method"],
                       CONTENT_META_PREFIX + "mime-type": meta.get("mime_type") or "application/octet-stream"}
            if not headers[CONTENT_META_PREFIX + "hash"]:
                del headers[CONTENT_META_PREFIX + "hash"]
            props = meta.get("properties", {}) if properties_directive == "COPY" else (properties or {})
            body = {"chunks": [{k: c[k] for k in ("url", "pos", "size", "hash")} for c in copies], "properties": props}
            try:
                self.proxy_request("POST", "content", "create", self._ref(link_account, link_container, path=link_obj),
                                   body, headers=headers, reqid=reqid)
            except BaseException:
                self._delete_chunks(copies, cid_from_name(link_account, link_container), reqid)
                raise
        return self.object_get_properties(link_account, link_container, link_obj, version=link_meta["version"])

    @api_call
    def object_change_policy(self, account, container, obj, policy, version=None, **kwargs):
        """Store an object again with another storage policy, keeping its version."""
        meta, stream = self.object_fetch(account, container, obj, version=version)
        if meta["policy"] == policy:
            raise Conflict(409, None, "object %s/%s/%s already has the storage policy %s" % (account, container, obj, policy))
        return self.object_create_ext(account, container, data=stream, obj_name=obj, policy=policy, version=meta["version"],
                                      change_policy=True, mime_type=meta.get("mime_type"), properties=meta.get("properties"))

    @api_call
    def container_snapshot(self, account, container, dst_account, dst_container, batch_size=100, **kwargs):
        """Copy a container (metadata, and its chunks hard-linked) to a new container."""
        reqid = request_id("snapshot-")
        src = self._ref(account, container, type="meta2")
        with _container_errors(account, container):
            self.proxy_request("POST", "admin", "freeze", src, reqid=reqid)
        try:
            with _container_errors(account, container):
                self.proxy_request("POST", "container", "snapshot", self._ref(account, container),
                                   {"account": dst_account, "container": dst_container}, reqid=reqid)
            dst_cid = cid_from_name(dst_account, dst_container)
            for entry in self.object_list_all(dst_account, dst_container, versions=True):
                if entry.get("deleted"):
                    continue
                meta, chunks = self.object_locate(account, container, entry["name"], version=entry["version"], properties=False)
                copies = self._copy_chunks(chunks, storage_method(meta["chunk_method"]), dst_account, dst_container, entry["name"],
                                           meta["version"], meta["id"], meta["policy"], reqid)
                for start in range(0, len(copies), batch_size):
                    batch = copies[start:start + batch_size]
                    self.proxy_request("POST", "container", "raw_update", {"cid": dst_cid, "frozen": 1},
                                       {"old": [chunk_bean(c["old"], meta["id"]) for c in batch],
                                        "new": [chunk_bean(c, meta["id"]) for c in batch]}, reqid=reqid)
            self.container_touch(dst_account, dst_container)
        finally:
            self.proxy_request("POST", "admin", "enable", src, reqid=reqid)

    @api_call
    def object_rebuild_chunk(self, account, container, obj, chunk_url, version=None, **kwargs):
        """Rebuild a lost chunk (EC fragment or replica) on a spare rawx; returns its new URL."""
        with _object_errors(account, container, obj):
            return rebuild_chunk(self, account, container, obj, chunk_url, version=version)

    @api_call
    def resolve_cid(self, cid, **kwargs):
        """``(account, container)`` of a container ID."""
        dummy, body = self.proxy_request("GET", "reference", "show", {"cid": cid})
        return body["account"], body["name"]

    @api_call
    def all_accounts_refresh(self, **kwargs):
        """Deprecated: ``account_refresh(None)``."""
        _deprecated("all_accounts_refresh", "account_refresh(None)")
        return self.account_refresh(None, **kwargs)

    @api_call
    def container_update(self, account, container, metadata, clear=False, **kwargs):
        """Deprecated: ``container_set_properties``."""
        _deprecated("container_update", "container_set_properties")
        return self.container_set_properties(account, container, properties=metadata, clear=clear, **kwargs)

    @api_call
    def object_update(self, account, container, obj, metadata, version=None, clear=False, **kwargs):
        """Deprecated: ``object_set_properties``."""
        _deprecated("object_update", "object_set_properties")
        return self.object_set_properties(account, container, obj, metadata, version=version, clear=clear, **kwargs)

    def object_analyze(self, *args, **kwargs):
        """Deprecated: ``object_locate``."""
        _deprecated("object_analyze", "object_locate")
        return self.object_locate(*args, **kwargs)

    def object_fastcopy(self, *args, **kwargs):
        """Deprecated: ``object_link``."""
        _deprecated("object_fastcopy", "object_link")
        return self.object_link(*args, **kwargs)


class ObjectStorageAPI(ObjectStorageApi):
    """Deprecated name of :class:`ObjectStorageApi` (``ObjectStorageAPI(namespace, endpoint=None, **kwargs)``)."""

    def __init__(self, namespace, endpoint=None, **kwargs):
        _deprecated("ObjectStorageAPI", "ObjectStorageApi")
        super().__init__(namespace, endpoint=endpoint, **kwargs)


def _deprecated(old, new):
    warnings.warn("%s is deprecated, use %s" % (old, new), DeprecationWarning, stacklevel=3)
