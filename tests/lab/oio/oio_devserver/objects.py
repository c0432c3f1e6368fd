# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Object (content) operations and the listing of one container (docs/oio-devserver.md, "Listing", "Content routes", "Versioning")."""

import time

from .errors import OioError, bad_request, content_not_found
from .meta2 import CHUNK_HINT, DEFAULT_MIME, DELETED_CONTENT, DELETED_MIME, check_hash, format_pos, split_pos


def _alias_dict(alias, version, content, deleted, now):
    return {"alias": alias, "version": version, "content": content, "deleted": deleted, "ctime": now, "mtime": now}


def _insert_alias(c, alias):
    c.db.execute("INSERT INTO aliases VALUES (?,?,?,?,?,?)",
                 (alias["alias"], alias["version"], alias["content"], int(alias["deleted"]), alias["ctime"], alias["mtime"]))


def _check_not_drained(header):
    if header is not None and header["chunk_method"] == "drained":
        raise OioError(427, "Content drained")


def _live_version(c, name, version):
    """(alias, header) of a writable, not drained version."""
    c.check_status()
    alias = c.target(name, version)
    header = c.header(alias["content"])
    _check_not_drained(header)
    return alias, header


def _versioned(container, forced, simulate):
    """The transaction of a write: x-oio-simulate-versioning acts as unlimited versioning for this request;
    x-oio-force-versioning is stored in the container (sys.m2.policy.version) within the transaction."""
    transaction = container.transaction(-1 if simulate else None)
    if forced is not None:
        transaction.admin = {"sys.m2.policy.version": str(forced)}
    return transaction


def create(container, name, meta, chunks, props, append=False, change_policy=False, force=False, forced=None,
           simulate=False):
    """content/create. meta: id, size, version, policy, chunk_method, hash, mime_type."""
    now = int(time.time())
    props = {k: v for k, v in (props or {}).items() if not str(k).startswith(CHUNK_HINT)}
    with _versioned(container, forced, simulate) as c:
        c.check_status()
        versions = c.versions(name)
        latest = versions[0] if versions else None
        if append and latest is not None and not latest["deleted"]:
            return _append(c, latest, meta, chunks, now)
        if change_policy:
            return _change_policy(c, versions, meta, chunks, now)
        parsed, _sizes, missing = c.check_chunks(chunks, meta["chunk_method"], meta["size"])
        _check_quota(c, meta["size"])
        same = [v for v in versions if v["version"] == meta["version"]]
        if same and not force:
            raise OioError(421, "Content already exists")
        enabled = c.versioning_enabled()
        if latest is not None and meta["version"] < latest["version"] and not enabled and not same:
            raise OioError(424, "New version is older than the latest one")
        for alias in same:
            c.remove_version(alias)
        if c.header(meta["id"]) is not None:
            raise OioError(421, "Content id already used")
        c.db.execute("INSERT INTO contents VALUES (?,?,?,?,?,?,?,?)", (
            meta["id"], meta["hash"], meta["size"], now, now, meta["mime_type"], meta["chunk_method"],
            meta["policy"]))
        c.insert_chunks(meta["id"], parsed, now=now)
        alias = _alias_dict(name, meta["version"], meta["id"], False, now)
        _insert_alias(c, alias)
        c.set_props(alias, props)
        if not enabled:
            if latest is not None and not same:
                c.remove_version(latest)
        elif c.delete_exceeding():
            c.purge_alias(name, c.max_versions())
        c.add_missing(missing)
        c.recount()


def _check_quota(c, size):
    """sys.m2.quota (bytes, > 0): the container's usage may not exceed it (445, HTTP 500 in 7.x)."""
    try:
        quota = int(c.admin_get("sys.m2.quota", "0") or 0)
    except ValueError:
        return
    if quota > 0 and int(c.admin_get("sys.m2.usage", "0")) + size > quota:
        raise OioError(445, f"Container quota exceeded ({quota} bytes)")


def _append(c, latest, meta, chunks, now):
    header = c.header(latest["content"])
    _check_not_drained(header)
    _check_quota(c, meta["size"])
    parsed, sizes, missing = c.check_chunks(chunks, header["chunk_method"], meta["size"])
    existing = c.metachunk_sizes(header["id"])
    c.insert_chunks(header["id"], parsed, shift=len(existing), now=now)
    c.db.execute("UPDATE contents SET size=size+?, hash='', mtime=? WHERE id=?", (meta["size"], now, header["id"]))
    c.db.execute("UPDATE aliases SET mtime=? WHERE alias=? AND version=?", (now, latest["alias"], latest["version"]))
    c.add_missing(missing)
    c.recount()


def _change_policy(c, versions, meta, chunks, now):
    if meta["version"] <= 0:
        raise bad_request("Invalid alias version")
    target = next((v for v in versions if v["version"] == meta["version"]), None)
    if target is None:
        raise content_not_found()
    if target["deleted"]:
        raise bad_request("The specified object version is a delete marker")
    header = c.header(target["content"])
    _check_not_drained(header)
    if header["size"] != meta["size"] or (meta["hash"] and header["hash"] and meta["hash"] != header["hash"]):
        raise bad_request("Size or hash differ from the stored content")
    parsed, _sizes, missing = c.check_chunks(chunks, meta["chunk_method"], meta["size"])
    c._forget_chunks(header["id"])
    c.insert_chunks(header["id"], parsed, now=now)
    c.db.execute("UPDATE contents SET policy=?, chunk_method=? WHERE id=?",
                 (meta["policy"], meta["chunk_method"], header["id"]))
    c.add_missing(missing)
    c.recount()


def update(container, name, version, content_id, chunks):
    """content/update: replace the chunks of the metachunks present in the body."""
    now = int(time.time())
    with container.transaction() as c:
        _alias, header = _live_version(c, name, version)
        if content_id and content_id.upper() != header["id"]:
            raise bad_request("Content id does not match")
        parsed, _sizes, _missing = _parse_any(c, chunks, header["chunk_method"])
        for meta in sorted({p[4] for p in parsed}):
            c._forget_chunks(header["id"], "AND (position=? OR position LIKE ?)", (str(meta), f"{meta}.%"))
        c.insert_chunks(header["id"], parsed, now=now)
        size = sum(c.metachunk_sizes(header["id"]))
        c.db.execute("UPDATE contents SET size=?, hash='', mtime=? WHERE id=?", (size, now, header["id"]))
        c.recount()


def _parse_any(c, chunks, chunk_method):
    """Chunks for some metachunks only: checked as if renumbered 0…n-1, returned with their positions."""
    if not isinstance(chunks, list) or not chunks or not all(isinstance(ch, dict) and "pos" in ch for ch in chunks):
        raise bad_request("chunks must be a non-empty list")
    positions = sorted({split_pos(ch["pos"])[0] for ch in chunks})
    renumbered = []
    for chunk in chunks:
        meta, sub = split_pos(chunk["pos"])
        renumbered.append(dict(chunk, pos=format_pos(positions.index(meta), sub)))
    parsed, sizes, missing = c.check_chunks(renumbered, chunk_method, None)
    return [(url, h, s, format_pos(positions[meta], sub), positions[meta], sub)
            for (url, h, s, _pos, meta, sub) in parsed], sizes, missing


def truncate(container, name, version, size):
    now = int(time.time())
    with container.transaction() as c:
        _alias, header = _live_version(c, name, version)
        if size > header["size"] or size < 0:
            raise bad_request("Truncate size beyond the content size")
        offset, keep = 0, None
        for meta, msize in enumerate(c.metachunk_sizes(header["id"])):
            offset += msize
            if offset == size:
                keep = meta
                break
        if keep is None:
            raise bad_request("Truncate size must fall on a metachunk boundary")
        for chunk in c.chunks(header["id"]):
            if split_pos(chunk["position"])[0] > keep:
                c._forget_chunks(header["id"], "AND id=?", (chunk["id"],))
        c.db.execute("UPDATE contents SET size=?, hash='', mtime=? WHERE id=?", (size, now, header["id"]))
        c.recount()


def drain(container, name, version):
    with container.transaction() as c:
        c.check_status()
        alias = c.target(name, version)
        c._forget_chunks(alias["content"])
        c.db.execute("UPDATE contents SET chunk_method='drained' WHERE id=?", (alias["content"],))
        c.recount()


def delete(container, name, version=None, delete_marker=False, forced=None, simulate=False):
    """content/delete: a real delete, or a delete marker at the addressed version + 1.

    Versioning disabled or suspended (0 or 1), a version given, or the addressed alias a delete marker: the
    flag delete_marker asks for a marker (refused when versioning is not enabled or on a marker), else the
    alias is really deleted. Versioning enabled, no version, a live alias: a marker. Never purges versions.
    """
    now = int(time.time())
    with _versioned(container, forced, simulate) as c:
        c.check_status()
        max_versions = c.max_versions()
        if max_versions == 0 and version:
            raise bad_request("Versioning not supported and version specified")
        versions = c.versions(name)
        target = versions[0] if versions and version is None else \
            next((v for v in versions if v["version"] == version), None)
        if target is None:
            raise content_not_found(name)
        enabled = c.versioning_enabled()
        if not enabled or version is not None or target["deleted"]:
            if delete_marker:
                if not enabled:
                    raise bad_request("Versioning not enabled and delete marker specified")
                if target["deleted"]:
                    raise bad_request("Alias is a delete marker and delete marker specified")
                _add_marker(c, versions, target, now)
            else:
                c.remove_version(target)
        else:
            _add_marker(c, versions, target, now)
        c.recount()


def _add_marker(c, versions, target, now):
    if any(v["version"] == target["version"] + 1 for v in versions):
        raise OioError(421, "Delete marker error: Alias already present")
    _insert_alias(c, _alias_dict(target["alias"], target["version"] + 1, DELETED_CONTENT, True, now))


def purge(container, name, maxvers):
    with container.transaction() as c:
        c.check_status()
        names = [name] if name is not None else [r[0] for r in c.db.execute("SELECT DISTINCT alias FROM aliases")]
        keep = maxvers if maxvers is not None else c.max_versions()
        if keep == 0:
            keep = 1
        for each in names:
            c.purge_alias(each, keep)
        c.recount()


def flush(container, batch=1000):
    """Delete up to `batch` names (all their versions); True if more remain."""
    with container.transaction() as c:
        c.check_status()
        names = [r[0] for r in c.db.execute("SELECT DISTINCT alias FROM aliases ORDER BY alias LIMIT ?", (batch + 1,))]
        for name in names[:batch]:
            for alias in c.versions(name):
                c.remove_version(alias)
        c.recount()
        return len(names) > batch


def content_meta(c, alias, header=None):
    """Metadata of one version, as in x-oio-content-meta-* headers (string values)."""
    header = header if header is not None else c.header(alias["content"])
    meta = {
        "name": alias["alias"], "version": str(alias["version"]), "id": alias["content"],
        "ctime": str(alias["ctime"]), "mtime": str(alias["mtime"]), "deleted": str(bool(alias["deleted"])),
        "hash-method": "md5",
    }
    if header is None:
        meta.update({"size": "0", "length": "0", "policy": "", "chunk-method": "", "hash": "",
                     "mime-type": DELETED_MIME})
    else:
        meta.update({"size": str(header["size"]), "length": str(header["size"]), "policy": header["policy"],
                     "chunk-method": header["chunk_method"], "hash": header["hash"] or "",
                     "mime-type": header["mime_type"], "ctime": str(header["ctime"])})
    return meta


def locate(container, name, version=None, deleted=False, content_id=None):
    """(metadata, chunks, properties) of a version, addressed by name (+version) or else by content id (its
    newest alias); 426 on a delete marker unless deleted."""
    with container.lock:
        container.check_status(write=False)
        if name is None and content_id is None:
            raise bad_request("Missing path and content")
        if name is None:
            alias = container.db.execute("SELECT * FROM aliases WHERE content=? ORDER BY version DESC LIMIT 1",
                                         (content_id.upper(),)).fetchone()
            if alias is None:
                raise content_not_found()
            if alias["deleted"] and not deleted:
                raise OioError(426, f"Content deleted ({alias['alias']})")
        else:
            alias = container.target(name, version, allow_deleted=deleted)
        header = container.header(alias["content"])
        _check_not_drained(header)
        chunks = [] if header is None else container.chunks(header["id"])
        return content_meta(container, alias, header), chunks, container.properties(alias)


def get_properties(container, name, version=None):
    with container.lock:
        alias = container.target(name, version, allow_deleted=True)
        return content_meta(container, alias), container.properties(alias)


def set_properties(container, name, version, props, flush=False):
    with container.transaction() as c:
        c.check_status()
        alias = c.target(name, version, allow_deleted=True)
        c.set_props(alias, props, flush=flush)
        c.db.execute("UPDATE aliases SET mtime=? WHERE alias=? AND version=?",
                     (int(time.time()), alias["alias"], alias["version"]))


def del_properties(container, name, version, keys):
    with container.transaction() as c:
        c.check_status()
        alias = c.target(name, version, allow_deleted=True)
        if keys:
            c.set_props(alias, {k: None for k in keys})
        else:
            c.set_props(alias, {}, flush=True)


def touch(container, name, version):
    with container.lock:
        container.target(name, version)


def listing(container, max_items=1000, marker="", end_marker="", prefix="", delimiter="", all_versions=False,
            deleted=False, properties=False):
    """The listing ("Listing" in the doc): (objects, prefixes, truncated, next_marker or None)."""
    sql = ("SELECT a.alias, a.version, a.content, a.deleted, a.ctime, a.mtime, c.hash, c.size, c.mime_type, "
           "c.chunk_method, c.policy FROM aliases a LEFT JOIN contents c ON a.content = c.id WHERE 1")
    args = []
    if marker:
        sql += " AND a.alias > ?"
        args.append(marker)
    if end_marker:
        sql += " AND a.alias < ?"
        args.append(end_marker)
    if prefix:
        sql += " AND substr(a.alias, 1, ?) = ?"
        args += [len(prefix), prefix]
    sql += " ORDER BY a.alias ASC, a.version DESC"
    objects, prefixes = [], []
    count, truncated, last_name = 0, False, None
    with container.lock:
        container.check_status(write=False)
        previous = None
        for row in container.db.execute(sql, args):
            name = row["alias"]
            if not all_versions:
                if name == previous:
                    continue
                previous = name
                if row["deleted"] and not deleted:
                    continue
            if delimiter:
                idx = name.find(delimiter, len(prefix))
                if idx >= 0:
                    common = name[:idx + 1]
                    if (marker and marker.startswith(common)) or (prefixes and prefixes[-1] == common):
                        continue
                    if count >= max_items:
                        truncated = True
                        break
                    prefixes.append(common)
                    count += 1
                    last_name = name
                    continue
            if count >= max_items:
                truncated = True
                break
            objects.append(_list_entry(container, row, properties))
            count += 1
            last_name = name
    return objects, prefixes, truncated, (last_name if count >= max_items else None)


def _list_entry(container, row, properties):
    deleted = bool(row["deleted"])
    entry = {
        "name": row["alias"], "version": row["version"], "ctime": row["ctime"], "mtime": row["mtime"],
        "deleted": deleted, "id": row["content"], "content": row["content"],
        "policy": None if deleted else row["policy"],
        "chunk-method": None if deleted else row["chunk_method"],
        "hash": None if deleted else (row["hash"] or None),
        "size": None if deleted else row["size"],
        "mime-type": DELETED_MIME if deleted else (row["mime_type"] or DEFAULT_MIME),
    }
    if properties:
        entry["properties"] = container.properties(row)
    return entry


def raw_apply(container, insert=(), delete=(), frozen=False):
    """raw_insert / raw_delete / raw_update with typed beans ("Typed beans" in the doc)."""
    with container.transaction() as c:
        if not frozen:
            c.check_status()
        for bean in delete:
            _bean_delete(c, bean)
        for bean in insert:
            _bean_insert(c, bean)
        c.recount()


def _bean_delete(c, bean):
    kind = bean.get("type") if isinstance(bean, dict) else None
    if kind == "chunk":
        c.db.execute("DELETE FROM chunks WHERE id=? AND content=?", (bean.get("id"), str(bean.get("content", "")).upper()))
    elif kind == "header":
        c.db.execute("DELETE FROM contents WHERE id=?", (str(bean.get("id", "")).upper(),))
    elif kind == "alias":
        c.db.execute("DELETE FROM aliases WHERE alias=? AND version=?", (bean.get("name"), int(bean.get("version", 0))))
    else:
        raise bad_request("Invalid bean")


def _bean_insert(c, bean):
    kind = bean.get("type") if isinstance(bean, dict) else None
    now = int(time.time())
    try:
        if kind == "chunk":
            split_pos(bean["pos"])
            c.db.execute("INSERT OR REPLACE INTO chunks VALUES (?,?,?,?,?,?)", (
                bean["id"], str(bean["content"]).upper(), check_hash(bean.get("hash")), int(bean.get("size", 0)),
                str(bean["pos"]), int(bean.get("ctime", now))))
        elif kind == "header":
            c.db.execute("INSERT OR REPLACE INTO contents VALUES (?,?,?,?,?,?,?,?)", (
                str(bean["id"]).upper(), check_hash(bean.get("hash")), int(bean.get("size", 0)),
                int(bean.get("ctime", now)), int(bean.get("mtime", now)), bean.get("mime-type") or DEFAULT_MIME,
                bean.get("chunk-method") or "", bean.get("policy") or ""))
        elif kind == "alias":
            c.db.execute("INSERT OR REPLACE INTO aliases VALUES (?,?,?,?,?,?)", (
                bean["name"], int(bean["version"]), str(bean.get("header", "")).upper(),
                int(bool(bean.get("deleted"))), int(bean.get("ctime", now)), int(bean.get("mtime", now))))
        else:
            raise bad_request("Invalid bean")
    except (KeyError, TypeError, ValueError):
        raise bad_request("Invalid bean") from None
