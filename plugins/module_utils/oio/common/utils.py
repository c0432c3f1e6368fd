# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names and encodings shared by the proxy and rawx protocols."""

from __future__ import annotations

import hashlib
import os
from urllib.parse import quote as _quote, unquote

OIO_VERSION = "4.2"
CONTENT_META_PREFIX = "x-oio-content-meta-"
CHUNK_META_PREFIX = "x-oio-chunk-meta-"
CONTENT_META_KEYS = frozenset((
    "chunk-method", "ctime", "mtime", "deleted", "hash", "hash-method", "id", "length",
    "mime-type", "name", "policy", "size", "version",
))


def cid_from_name(account, container):
    """Container ID: uppercase hex SHA256 of ``account NUL container``."""
    digest = hashlib.sha256()
    digest.update(account.encode("utf-8"))
    digest.update(b"\0")
    digest.update(container.encode("utf-8"))
    return digest.hexdigest().upper()


def quote(value):
    """Percent-encode every byte but ``A-Z a-z 0-9 _ . - ~``."""
    return _quote(str(value), safe="")


def full_path(account, container, path, version, content_id):
    """The fullpath attribute stored with every chunk."""
    return "/".join(quote(part) for part in (account, container, path, version, content_id))


def request_id(prefix=""):
    """A request ID: prefix, pid as 4 hex, then random hex (28 hex digits in all)."""
    return (prefix + "%04X" % (os.getpid() & 0xFFFF) + os.urandom(12).hex().upper())[:63]


def predictable_chunk_id(cid, path, version, position, policy):
    """Chunk ID of link and snapshot copies: SHA256 of CID, name, version, position and policy name."""
    return hashlib.sha256(("%s%s%s%s%s" % (cid, path, version, position, policy)).encode("utf-8")).hexdigest().upper()


def random_chunk_id():
    return os.urandom(32).hex().upper()


def content_meta_from_headers(headers):
    """Split ``x-oio-content-meta-*`` headers into (metadata, properties)."""
    meta, props = {}, {}
    for key, value in headers.items():
        key = key.lower()
        if not key.startswith(CONTENT_META_PREFIX):
            continue
        short = key[len(CONTENT_META_PREFIX):]
        if short.startswith("x-") or short not in CONTENT_META_KEYS:
            props[short] = unquote(value)
        else:
            meta[short.replace("-", "_")] = unquote(value)
    return meta, props


def container_meta_from_headers(headers):
    """The system properties of ``x-oio-container-meta-*`` headers, as a flat dict."""
    prefix = "x-oio-container-meta-"
    return {k.lower()[len(prefix):]: unquote(v) for k, v in headers.items() if k.lower().startswith(prefix)}


def chunk_put_headers(account, container, obj, meta, reqid):
    """Headers of every chunk PUT of one object version (``meta``: id, version, chunk_method, policy)."""
    return {
        CHUNK_META_PREFIX + "content-id": meta["id"],
        CHUNK_META_PREFIX + "content-version": str(meta["version"]),
        CHUNK_META_PREFIX + "content-path": quote(obj),
        CHUNK_META_PREFIX + "content-chunk-method": meta["chunk_method"],
        CHUNK_META_PREFIX + "content-storage-policy": meta["policy"],
        CHUNK_META_PREFIX + "container-id": cid_from_name(account, container),
        CHUNK_META_PREFIX + "oio-version": OIO_VERSION,
        CHUNK_META_PREFIX + "full-path": full_path(account, container, obj, meta["version"], meta["id"]),
        "x-oio-req-id": reqid,
    }
