# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names and encodings shared by the proxy and rawx protocols."""

from __future__ import annotations

import hashlib
import os
import time
from urllib.parse import quote as _quote, unquote

from .exceptions import DeadlineReached

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


def quote(value, safe="/"):
    """Percent-encode every byte but ``A-Z a-z 0-9 _ . - ~`` and ``safe``."""
    return _quote(str(value), safe=safe)


def full_path(account, container, path, version, content_id):
    """The fullpath attribute stored with every chunk."""
    return "/".join(quote(part, "") for part in (account, container, path, version, content_id))


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
    return sysmeta_put_headers(dict(meta, container_id=cid_from_name(account, container), content_path=obj,
                                    full_path=full_path(account, container, obj, meta["version"], meta["id"])), reqid)


def sysmeta_put_headers(sysmeta, reqid):
    """Headers of every chunk PUT of the object that upstream's ``sysmeta`` describes (id, version, chunk_method,
    policy, container_id, content_path, full_path)."""
    return {
        CHUNK_META_PREFIX + "content-id": sysmeta["id"],
        CHUNK_META_PREFIX + "content-version": str(sysmeta["version"]),
        CHUNK_META_PREFIX + "content-path": quote(sysmeta["content_path"], ""),
        CHUNK_META_PREFIX + "content-chunk-method": sysmeta["chunk_method"],
        CHUNK_META_PREFIX + "content-storage-policy": sysmeta["policy"],
        CHUNK_META_PREFIX + "container-id": sysmeta["container_id"],
        CHUNK_META_PREFIX + "oio-version": OIO_VERSION,
        CHUNK_META_PREFIX + "full-path": sysmeta["full_path"],
        "x-oio-req-id": reqid,
    }


def compute_chunk_id(cid, path, version, position, policy, hash_algo="sha256"):
    """Predictable chunk ID (upstream's): hash of CID, path, version, position and policy."""
    digest = hashlib.new(hash_algo)
    digest.update(("%s%s%s%s%s" % (cid, path, version, position, policy)).encode("utf-8"))
    return digest.hexdigest().upper()


def monotonic_time():
    """``time.monotonic()``."""
    return time.monotonic()


def timeout_to_deadline(timeout, now=None):
    """The deadline ``timeout`` seconds from ``now`` (default: now)."""
    return (monotonic_time() if now is None else now) + timeout


def deadline_to_timeout(deadline, check=False):
    """Seconds left before ``deadline``; ``check`` raises ``DeadlineReached`` when none are left."""
    timeout = deadline - monotonic_time()
    if check and timeout <= 0.0:
        raise DeadlineReached()
    return timeout


def set_deadline_from_read_timeout(kwargs, force=False):
    """Give ``kwargs`` a ``deadline`` from its ``read_timeout`` (unless it has one and not ``force``)."""
    timeout = kwargs.get("read_timeout")
    if timeout is not None and (force or "deadline" not in kwargs):
        kwargs["deadline"] = timeout_to_deadline(timeout)


def fix_ranges(ranges, length):
    """Absolute, inclusive ranges inside ``length`` bytes; None when none of them is satisfiable."""
    if length is None or not ranges:
        return None
    result = []
    for start, end in ranges:
        if start is None:
            if end == 0:
                continue
            if end > length:
                end = length
            start, end = length - end, length - 1
        elif end is None or end >= length:
            end = length - 1
        if start < length:
            result.append((start, end))
    return result or None


def depaginate(func, item_key=None, listing_key=None, marker_key=None, truncated_key=None, attempts=1, *args, **kwargs):
    """Yield every item of a paginated listing function (``func(*args, marker=..., **kwargs)``)."""
    listing_key = listing_key or (lambda x: x)
    item_key = item_key or (lambda x: x)
    marker_key = marker_key or (lambda x: x[-1])
    truncated_key = truncated_key or (lambda x: bool(listing_key(x)))
    raw = func(*args, **kwargs)
    while True:
        for item in listing_key(raw):
            yield item_key(item)
        if not truncated_key(raw):
            return
        kwargs["marker"] = marker_key(raw)
        raw = func(*args, **kwargs)


def lower_dict_keys(mydict):
    """A copy of ``mydict`` with lowercase keys, ``-`` turned into ``_``."""
    return {k.lower().replace("-", "_"): v for k, v in mydict.items()}


def group_chunk_errors(chunk_err_iter):
    """``{error: [chunks]}`` from ``(chunk, error)`` pairs."""
    errors = {}
    for chunk, error in chunk_err_iter:
        errors.setdefault(error, []).append(chunk)
    return errors


def compute_perfdata_stats(perfdata, prefix="upload."):
    """Add the total, average and standard deviation of ``perfdata['rawx']`` entries named ``prefix...``."""
    rawx = perfdata.get("rawx", {})
    values = [v for k, v in rawx.items() if k.startswith(prefix)]
    if not values:
        return
    total = sum(values)
    mean = total / len(values)
    rawx[prefix + "AVG"] = mean
    rawx[prefix + "SD"] = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    rawx[prefix + "RSD"] = rawx[prefix + "SD"] / mean if mean else 0.0
