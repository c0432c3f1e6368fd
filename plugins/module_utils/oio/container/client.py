# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``oio.container.client.ContainerClient``: containers and contents through the proxy (meta2)."""

from __future__ import annotations

from ..common.client import ProxyClient
from ..common.constants import OBJECT_METADATA_PREFIX
from ..common.exceptions import Conflict, ContainerNotEmpty, NotFound, TooLarge
from ..common.utils import content_meta_from_headers


def extract_content_headers_meta(headers):
    """Object metadata from ``x-oio-content-meta-*`` headers, user properties under ``properties``."""
    meta, properties = content_meta_from_headers(headers)
    meta["properties"] = properties
    if headers.get("x-oio-ns-chunk-size"):
        meta["chunk_size"] = int(headers["x-oio-ns-chunk-size"])
    return meta


class ContainerClient(ProxyClient):
    """Intermediate level class to manage containers and their contents."""

    def __init__(self, conf, **kwargs):
        super().__init__(conf, request_prefix="/container", **kwargs)

    @staticmethod
    def _make_params(account=None, reference=None, path=None, cid=None, content=None, version=None, **_kwargs):
        params = {"cid": cid} if cid else {"acct": account, "ref": reference}
        for key, value in (("path", path), ("content", content), ("version", version)):
            if value:
                params[key] = value
        return params

    def _content(self, action, method="POST", **kwargs):
        return self._direct_request(method, self._make_uri("content/" + action), **kwargs)

    def container_create(self, account, reference, properties=None, system=None, **kwargs):
        """Create a container: True if created, False if it already existed."""
        resp, dummy = self._request("POST", "/create", params=self._make_params(account, reference),
                                    json={"properties": properties or {}, "system": system or {}}, **kwargs)
        return resp.status == 201

    def container_create_many(self, account, containers, properties=None, **kwargs):
        """Create several containers: ``[(name, created)]``."""
        containers = list(containers)
        try:
            body = {"containers": [{"name": c, "properties": properties or {}, "system": kwargs.get("system", {})}
                                   for c in containers]}
            dummy, answer = self._request("POST", "/create_many", params=self._make_params(account), json=body, **kwargs)
            return [(c["name"], c["status"] == 201) for c in answer["containers"]]
        except TooLarge:
            pivot = len(containers) // 2
            return (self.container_create_many(account, containers[:pivot], properties, **kwargs)
                    + self.container_create_many(account, containers[pivot:], properties, **kwargs))
        except NotFound:
            return [(c, self.container_create(account, c, properties, **kwargs)) for c in containers]

    def container_delete(self, account=None, reference=None, cid=None, **kwargs):
        """Delete an empty container (``ContainerNotEmpty`` otherwise)."""
        try:
            self._request("POST", "/destroy", params=self._make_params(account, reference, cid=cid), **kwargs)
        except Conflict as exc:
            raise ContainerNotEmpty(exc) from exc

    def container_show(self, account=None, reference=None, cid=None, **kwargs):
        """The container's description (deprecated upstream for ``container_get_properties``)."""
        return self._request("GET", "/show", params=self._make_params(account, reference, cid=cid), **kwargs)[1]

    def container_get_properties(self, account=None, reference=None, properties=None, cid=None, **kwargs):
        """``{"properties": {...}, "system": {...}}`` of a container."""
        return self._request("POST", "/get_properties", params=self._make_params(account, reference, cid=cid),
                             json=properties or [], **kwargs)[1]

    def container_set_properties(self, account=None, reference=None, properties=None, clear=False, cid=None,
                                 system=None, **kwargs):
        """Set user (and system) properties; returns the proxy's body."""
        params = self._make_params(account, reference, cid=cid)
        if clear:
            params["flush"] = 1
        return self._request("POST", "/set_properties", params=params,
                             json={"properties": properties or {}, "system": system or {}}, **kwargs)[1]

    def container_del_properties(self, account=None, reference=None, properties=(), cid=None, **kwargs):
        """Delete user properties; returns the proxy's body."""
        return self._request("POST", "/del_properties", params=self._make_params(account, reference, cid=cid),
                             json=list(properties), **kwargs)[1]

    def container_touch(self, account=None, reference=None, cid=None, recompute=False, damaged_objects=None,
                        missing_chunks=None, **kwargs):
        """Send the container's statistics to the account service again (``recompute``: recount them first)."""
        params = self._make_params(account, reference, cid=cid)
        if recompute:
            params["recompute"] = True
            if damaged_objects is not None:
                params["damaged_objects"] = damaged_objects
            if missing_chunks is not None:
                params["missing_chunks"] = missing_chunks
        self._request("POST", "/touch", params=params, **kwargs)

    def container_purge(self, account=None, reference=None, cid=None, maxvers=None, **kwargs):
        """Delete the object versions beyond ``maxvers`` (server side)."""
        params = self._make_params(account, reference, cid=cid)
        if maxvers is not None:
            params["maxvers"] = maxvers
        self._request("POST", "/purge", params=params, **kwargs)

    def container_flush(self, account=None, reference=None, cid=None, **kwargs):
        """Delete a batch of objects; ``{"truncated": bool}``."""
        resp, dummy = self._request("POST", "/flush", params=self._make_params(account, reference, cid=cid), **kwargs)
        return {"truncated": resp.headers.get("x-oio-truncated", "false").lower() == "true"}

    def container_snapshot(self, account=None, reference=None, dst_account=None, dst_reference=None, cid=None, **kwargs):
        """Copy the container's database (not its chunks); returns the response."""
        return self._request("POST", "/snapshot", params=self._make_params(account, reference, cid=cid),
                             json={"account": dst_account, "container": dst_reference}, **kwargs)[0]

    def _admin(self, action, account, reference, cid, **kwargs):
        params = dict(self._make_params(account, reference, cid=cid), type="meta2")
        return self._direct_request("POST", self._make_uri("admin/" + action), params=params, **kwargs)[0]

    def container_freeze(self, account=None, reference=None, cid=None, **kwargs):
        """Freeze the container's database."""
        return self._admin("freeze", account, reference, cid, **kwargs)

    def container_enable(self, account=None, reference=None, cid=None, **kwargs):
        """Enable the container's database again."""
        return self._admin("enable", account, reference, cid, **kwargs)

    def container_raw_update(self, old, new, account=None, reference=None, cid=None, **kwargs):
        """Replace chunk beans (``old`` by ``new``)."""
        params = self._make_params(account, reference, cid=cid)
        if kwargs.pop("frozen", None):
            params["frozen"] = 1
        self._request("POST", "/raw_update", params=params, json={"old": old, "new": new}, **kwargs)

    def content_list(self, account=None, reference=None, limit=None, marker=None, end_marker=None, prefix=None,
                     delimiter=None, properties=False, cid=None, versions=False, deleted=False, **kwargs):
        """One listing page: ``(response headers, body)``."""
        params = self._make_params(account, reference, cid=cid)
        params.update({"max": limit, "marker": marker, "end_marker": end_marker, "prefix": prefix,
                       "delimiter": delimiter, "properties": properties})
        if versions:
            params["all"] = "1"
        if deleted:
            params["deleted"] = 1
        resp, body = self._request("GET", "/list", params=params, **kwargs)
        return resp.headers, body

    def content_create(self, account=None, reference=None, path=None, size=None, checksum=None, data=None, cid=None,
                       content_id=None, stgpol=None, version=None, mime_type=None, chunk_method=None, headers=None,
                       append=False, change_policy=False, force=False, **kwargs):
        """Register an object's chunks and metadata (no data transfer); ``(response, body)``."""
        params = self._make_params(account, reference, path, cid=cid)
        if append:
            params["append"] = "1"
        if change_policy:
            params["change_policy"] = "1"
        hdrs = {OBJECT_METADATA_PREFIX + "length": str(size), OBJECT_METADATA_PREFIX + "hash": checksum}
        for key, value in (("id", content_id), ("policy", stgpol), ("version", version), ("mime-type", mime_type),
                           ("chunk-method", chunk_method)):
            if value is not None:
                hdrs[OBJECT_METADATA_PREFIX + key] = str(value)
        hdrs.update(headers or {})
        return self._content("create", params=params, json=data, headers={k: v for k, v in hdrs.items() if v is not None},
                             **kwargs)

    def content_prepare(self, account=None, reference=None, path=None, size=None, cid=None, stgpol=None,
                        content_id=None, version=None, position=None, **kwargs):
        """Chunk locations for an upload from metachunk ``position`` on: ``(object metadata, chunks)``."""
        params = self._make_params(account, reference, path, cid=cid, content=content_id, version=version)
        body = {"size": size}
        if position is not None:
            body["position"] = position
        if stgpol:
            body["policy"] = stgpol
        resp, answer = self._content("prepare2", params=params, json=body, **kwargs)
        meta = extract_content_headers_meta(resp.headers)
        meta["properties"] = dict(answer.get("properties") or {})
        return meta, answer["chunks"]

    def content_locate(self, account=None, reference=None, path=None, cid=None, content=None, version=None,
                       properties=True, **kwargs):
        """``(object metadata, chunks)``."""
        params = self._make_params(account, reference, path, cid=cid, content=content, version=version)
        params["properties"] = properties
        resp, chunks = self._content("locate", "GET", params=params, **kwargs)
        return extract_content_headers_meta(resp.headers), chunks

    def content_get_properties(self, account=None, reference=None, path=None, properties=None, cid=None, content=None,
                               version=None, **kwargs):
        """Object metadata with its ``properties``."""
        params = self._make_params(account, reference, path, cid=cid, content=content, version=version)
        resp, body = self._content("get_properties", params=params, json=properties or None, **kwargs)
        meta = extract_content_headers_meta(resp.headers)
        meta.update(body or {})
        return meta

    def content_show(self, *args, **kwargs):
        """Deprecated alias of :meth:`content_get_properties`."""
        return self.content_get_properties(*args, **kwargs)

    def content_set_properties(self, account=None, reference=None, path=None, properties=None, cid=None, version=None,
                               clear=False, **kwargs):
        """Set user properties on an object."""
        params = self._make_params(account, reference, path, cid=cid, version=version)
        if clear:
            params["flush"] = 1
        self._content("set_properties", params=params, json={"properties": properties or {}}, **kwargs)

    def content_del_properties(self, account=None, reference=None, path=None, properties=(), cid=None, version=None,
                               **kwargs):
        """Delete user properties of an object: True when done."""
        params = self._make_params(account, reference, path, cid=cid, version=version)
        return self._content("del_properties", params=params, json=list(properties), **kwargs)[0].status == 204

    def _content_action(self, action, account, reference, path, cid, version, **kwargs):
        params = self._make_params(account, reference, path, cid=cid, version=version)
        return self._content(action, params=params, **kwargs)[0].status == 204

    def content_delete(self, account=None, reference=None, path=None, cid=None, version=None, **kwargs):
        """Delete one object: True when deleted."""
        return self._content_action("delete", account, reference, path, cid, version, **kwargs)

    def content_drain(self, account=None, reference=None, path=None, cid=None, version=None, **kwargs):
        """Delete an object's chunks, keeping its metadata."""
        return self._content_action("drain", account, reference, path, cid, version, **kwargs)

    def content_touch(self, account=None, reference=None, path=None, cid=None, version=None, **kwargs):
        """Notify the object again to the event system."""
        self._content_action("touch", account, reference, path, cid, version, **kwargs)

    def content_truncate(self, account=None, reference=None, path=None, cid=None, version=None, size=0, **kwargs):
        """Truncate an object at ``size`` (a metachunk boundary)."""
        params = self._make_params(account, reference, path, cid=cid, version=version)
        params["size"] = size
        self._content("truncate", params=params, **kwargs)

    def content_delete_many(self, account=None, reference=None, paths=None, cid=None, **kwargs):
        """Delete several objects: ``[(path, deleted)]``."""
        paths = list(paths or ())
        try:
            dummy, body = self._content("delete_many", params=self._make_params(account, reference, cid=cid),
                                        json={"contents": [{"name": p} for p in paths]}, **kwargs)
            return [(o["name"], o["status"] == 204) for o in body["contents"]]
        except NotFound:
            return [(p, self.content_delete(account, reference, p, cid=cid, **kwargs)) for p in paths]
