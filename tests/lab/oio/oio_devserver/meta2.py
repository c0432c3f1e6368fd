# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""meta2: one SQLite database per container (docs/oio-devserver.md, "Container routes"), and the directory of references."""

import json
import os
import re
import secrets
import sqlite3
import threading
import time

from .conscience import Policy, parse_chunk_method
from .errors import OioError, bad_request, container_not_found, content_not_found, reference_not_found
from .rawx import container_id

SCHEMA = """
CREATE TABLE IF NOT EXISTS admin (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS aliases (
    alias TEXT NOT NULL, version INT NOT NULL, content TEXT NOT NULL, deleted INT NOT NULL DEFAULT 0,
    ctime INT NOT NULL, mtime INT NOT NULL, PRIMARY KEY (alias, version));
CREATE TABLE IF NOT EXISTS contents (
    id TEXT PRIMARY KEY, hash TEXT, size INT NOT NULL, ctime INT NOT NULL, mtime INT NOT NULL,
    mime_type TEXT NOT NULL, chunk_method TEXT NOT NULL, policy TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT NOT NULL, content TEXT NOT NULL, hash TEXT, size INT NOT NULL, position TEXT NOT NULL,
    ctime INT NOT NULL, PRIMARY KEY (content, id));
CREATE TABLE IF NOT EXISTS properties (
    alias TEXT NOT NULL, version INT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (alias, version, key));
CREATE INDEX IF NOT EXISTS aliases_content ON aliases(content);
"""
DELETED_CONTENT = "DELETED".encode().hex().upper()
DELETED_MIME = "application/x-deleted;swift_versions_deleted=1"
DEFAULT_MIME = "application/octet-stream"
HASH_LENGTHS = (32, 40, 64, 128)
HEX = re.compile(r"^[0-9A-Fa-f]+$")
CHUNK_HINT = "__OIO_CHUNK__"


def now_us():
    return int(time.time() * 1000000)


def split_pos(pos):
    """'3' -> (3, None); '3.4' -> (3, 4)."""
    text = str(pos)
    meta, _sep, sub = text.partition(".")
    try:
        return int(meta), (int(sub) if sub else None)
    except ValueError:
        raise OioError(400, f"Invalid chunk position: {text}") from None


def format_pos(meta, sub):
    return f"{meta}" if sub is None else f"{meta}.{sub}"


def check_hash(value):
    if value in (None, ""):
        return ""
    if len(value) not in HASH_LENGTHS or not HEX.match(value):
        raise bad_request(f"Invalid hash: {value}")
    return value.upper()


class Directory:
    """meta1: references (account, name) -> CID, properties and linked services."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS refs (cid TEXT PRIMARY KEY, account TEXT NOT NULL, "
                        "name TEXT NOT NULL, properties TEXT NOT NULL, services TEXT NOT NULL)")

    def get(self, cid):
        with self.lock:
            row = self.db.execute("SELECT account, name, properties, services FROM refs WHERE cid=?",
                                  (cid,)).fetchone()
        if row is None:
            return None
        return {"cid": cid, "account": row[0], "name": row[1], "properties": json.loads(row[2]),
                "services": json.loads(row[3])}

    def require(self, cid):
        ref = self.get(cid)
        if ref is None:
            raise reference_not_found()
        return ref

    def create(self, account, name, properties=None):
        cid = container_id(account, name)
        with self.lock:
            cur = self.db.execute("INSERT OR IGNORE INTO refs VALUES (?,?,?,?,?)",
                                  (cid, account, name, json.dumps(properties or {}), "{}"))
            return cur.rowcount == 1

    def save(self, ref):
        with self.lock:
            self.db.execute("UPDATE refs SET properties=?, services=? WHERE cid=?",
                            (json.dumps(ref["properties"]), json.dumps(ref["services"]), ref["cid"]))

    def destroy(self, cid, force=False):
        ref = self.require(cid)
        if any(ref["services"].values()) and not force:
            raise OioError(407, "Reference still linked to services", http=403)
        with self.lock:
            self.db.execute("DELETE FROM refs WHERE cid=?", (cid,))


class Container:
    """One container database. Every public method takes the container lock and runs one transaction."""

    def __init__(self, path, meta2):
        self.path = path
        self.meta2 = meta2
        self.lock = threading.RLock()
        self._db = None
        self._gc = []
        self.changed = False
        self.versioning_override = None

    @property
    def db(self):
        """The SQLite connection, opened on demand (idle ones are closed by Meta2). Use under self.lock."""
        if self._db is None:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
            db.row_factory = sqlite3.Row
            self._db = db
            self.meta2.connected(self)
        return self._db

    def close(self):
        if self._db is not None:
            self._db.close()
            self._db = None

    def close_if_idle(self):
        if self._db is not None and self.lock.acquire(blocking=False):
            try:
                self.close()
            finally:
                self.lock.release()

    # transactions --------------------------------------------------------------------------
    def transaction(self, versioning=None):
        """Lock + transaction; versioning overrides the versioning policy (x-oio-force-versioning)."""
        return _Transaction(self, versioning)

    # admin table ---------------------------------------------------------------------------
    def admin(self):
        return {r["k"]: r["v"] for r in self.db.execute("SELECT k, v FROM admin")}

    def admin_get(self, key, default=None):
        row = self.db.execute("SELECT v FROM admin WHERE k=?", (key,)).fetchone()
        return row["v"] if row else default

    def admin_set(self, key, value):
        self.db.execute("INSERT OR REPLACE INTO admin VALUES (?,?)", (key, str(value)))

    def max_versions(self):
        if self.versioning_override is not None:
            return self.versioning_override
        value = self.admin_get("sys.m2.policy.version")
        if value in (None, ""):
            value = self.meta2.conscience.get("meta2.max_versions", "1")
        try:
            return int(value)
        except ValueError:
            return 1

    def delete_exceeding(self):
        """Whether a new version purges those beyond max_versions (container key, else namespace setting)."""
        value = self.admin_get("sys.m2.policy.version.delete_exceeding")
        if value in (None, ""):
            value = self.meta2.conscience.get("meta2.delete_exceeding_versions", "false")
        return str(value).strip().lower() in ("1", "true", "yes", "on", "enable", "enabled")

    def versioning_enabled(self):
        maxv = self.max_versions()
        return maxv < 0 or maxv > 1

    def check_status(self, write=True):
        status = self.admin_get("sys.status", "0")
        if write and status == "4294967295":
            raise OioError(436, "Container frozen")
        if status == "4294967294":
            raise OioError(437, "Container disabled")

    def recount(self):
        objects, usage = self.db.execute(
            "SELECT count(*), coalesce(sum(c.size), 0) FROM aliases a JOIN contents c ON a.content = c.id "
            "WHERE a.deleted = 0").fetchone()
        self.admin_set("sys.m2.objects", objects)
        self.admin_set("sys.m2.usage", usage)
        self.admin_set("sys.m2.version", int(self.admin_get("sys.m2.version", "1")) + 1)
        self.changed = True

    # rows ----------------------------------------------------------------------------------
    def versions(self, name):
        return self.db.execute("SELECT * FROM aliases WHERE alias=? ORDER BY version DESC", (name,)).fetchall()

    def target(self, name, version=None, allow_deleted=False):
        """The alias row addressed by name (+version); 420 if absent, 426 if a delete marker."""
        if version is None:
            row = self.db.execute("SELECT * FROM aliases WHERE alias=? ORDER BY version DESC LIMIT 1",
                                  (name,)).fetchone()
        else:
            row = self.db.execute("SELECT * FROM aliases WHERE alias=? AND version=?", (name, version)).fetchone()
        if row is None:
            raise content_not_found(name)
        if row["deleted"] and not allow_deleted:
            raise OioError(426, f"Content deleted ({name})")
        return row

    def header(self, content):
        return self.db.execute("SELECT * FROM contents WHERE id=?", (content,)).fetchone()

    def chunks(self, content):
        rows = self.db.execute("SELECT * FROM chunks WHERE content=?", (content,)).fetchall()
        return sorted(rows, key=lambda r: (split_pos(r["position"]), r["id"]))

    def properties(self, alias):
        return {r["key"]: r["value"] for r in self.db.execute(
            "SELECT key, value FROM properties WHERE alias=? AND version=?", (alias["alias"], alias["version"]))}

    def _forget_chunks(self, content, where="", args=()):
        rows = self.db.execute(f"SELECT id FROM chunks WHERE content=? {where}", (content, *args)).fetchall()
        self.db.execute(f"DELETE FROM chunks WHERE content=? {where}", (content, *args))
        self._gc.extend(r["id"] for r in rows)

    def remove_version(self, alias):
        self.db.execute("DELETE FROM aliases WHERE alias=? AND version=?", (alias["alias"], alias["version"]))
        self.db.execute("DELETE FROM properties WHERE alias=? AND version=?", (alias["alias"], alias["version"]))
        still = self.db.execute("SELECT 1 FROM aliases WHERE content=? LIMIT 1", (alias["content"],)).fetchone()
        if not still:
            self._forget_chunks(alias["content"])
            self.db.execute("DELETE FROM contents WHERE id=?", (alias["content"],))

    def purge_alias(self, name, keep):
        """Drop the versions of one name beyond the `keep` newest; keep < 0 keeps all."""
        if keep < 0:
            return
        for alias in self.versions(name)[max(keep, 1):]:
            self.remove_version(alias)

    # checks --------------------------------------------------------------------------------
    def check_chunks(self, chunks, chunk_method, size):
        """meta2 'check content': returns (chunk rows, metachunk sizes, missing chunk count)."""
        kind, params = parse_chunk_method(chunk_method)
        if not isinstance(chunks, list):
            raise bad_request("chunks must be a list")
        metachunks = {}
        parsed = []
        for chunk in chunks:
            if not isinstance(chunk, dict) or "url" not in chunk or "pos" not in chunk:
                raise bad_request("Invalid chunk description")
            try:
                csize = int(chunk.get("size", 0))
            except (TypeError, ValueError):
                raise bad_request("Invalid chunk size") from None
            meta, sub = split_pos(chunk["pos"])
            parsed.append((chunk["url"], check_hash(chunk.get("hash")), csize, str(chunk["pos"]), meta, sub))
            metachunks.setdefault(meta, []).append((sub, csize))
        if not parsed:
            raise OioError(425, "No chunk")
        if sorted(metachunks) != list(range(len(metachunks))):
            raise OioError(425, "Metachunk hole")
        missing = 0
        sizes = []
        for meta in sorted(metachunks):
            entries = metachunks[meta]
            if len({s for _sub, s in entries}) != 1:
                raise OioError(425, f"Chunks of metachunk {meta} differ in size")
            sizes.append(entries[0][1])
            if kind == "ec":
                k, m = int(params.get("k", 6)), int(params.get("m", 3))
                subs = [sub for sub, _size in entries]
                if any(sub is None or not 0 <= sub < k + m for sub in subs) or len(set(subs)) != len(subs):
                    raise OioError(425, f"Invalid EC positions in metachunk {meta}")
                if len(subs) < k:
                    raise OioError(425, f"Not enough chunks in metachunk {meta}")
                missing += k + m - len(subs)
            elif kind == "plain":
                missing += max(0, int(params.get("nb_copy", 1)) - len(entries))
        if size is not None and sum(sizes) < size:
            raise OioError(425, "Chunks do not cover the content size")
        return parsed, sizes, missing

    def insert_chunks(self, content, parsed, shift=0, now=None):
        now = now or int(time.time())
        for url, chash, csize, pos, meta, sub in parsed:
            if shift:
                pos = format_pos(meta + shift, sub)
            self.db.execute("INSERT OR REPLACE INTO chunks VALUES (?,?,?,?,?,?)", (url, content, chash, csize, pos, now))

    def add_missing(self, missing):
        if missing:
            self.admin_set("sys.m2.chunks.missing", int(self.admin_get("sys.m2.chunks.missing", "0")) + missing)

    def metachunk_sizes(self, content):
        sizes = {}
        for chunk in self.chunks(content):
            sizes[split_pos(chunk["position"])[0]] = chunk["size"]
        return [sizes[k] for k in sorted(sizes)]

    def set_props(self, alias, props, flush=False):
        if flush:
            self.db.execute("DELETE FROM properties WHERE alias=? AND version=?", (alias["alias"], alias["version"]))
        for key, value in props.items():
            if key.startswith(CHUNK_HINT):
                continue
            if value is None:
                self.db.execute("DELETE FROM properties WHERE alias=? AND version=? AND key=?",
                                (alias["alias"], alias["version"], key))
            else:
                self.db.execute("INSERT OR REPLACE INTO properties VALUES (?,?,?,?)",
                                (alias["alias"], alias["version"], key, str(value)))


class _Transaction:
    """Container lock + SQLite transaction; after commit: chunk GC and account update."""

    def __init__(self, container, versioning=None):
        self.c = container
        self.versioning = versioning
        self.admin = {}  # admin keys written first, in the same transaction

    def __enter__(self):
        self.c.lock.acquire()
        self.c._gc = []
        self.c.changed = False
        self.c.versioning_override = self.versioning
        self.c.db.execute("BEGIN IMMEDIATE")
        for key, value in self.admin.items():
            self.c.admin_set(key, value)
        return self.c

    def __exit__(self, exc_type, exc, tb):
        c = self.c
        try:
            if exc_type is None:
                c.db.execute("COMMIT")
                garbage, changed = c._gc, c.changed
            else:
                c.db.execute("ROLLBACK")
                garbage, changed = [], False
        finally:
            c._gc = []
            c.versioning_override = None
            c.lock.release()
        if changed:
            c.meta2.sync_account(c)
        for url in garbage:
            c.meta2.gc(url)
        return False


class Meta2:
    """All containers of the namespace, addressed by CID."""

    def __init__(self, state_dir, conscience, directory, accounts, gc, max_open=256):
        self.root = os.path.join(state_dir, "meta2")
        os.makedirs(self.root, exist_ok=True)
        self.conscience = conscience
        self.directory = directory
        self.accounts = accounts
        self.gc = gc
        self.lock = threading.Lock()
        self.open_containers = {}
        self.max_open = max_open  # open container databases kept; idle ones beyond are closed, reopened on use
        self.connections = []  # containers with an open connection, oldest first
        self.connected_lock = threading.Lock()

    def db_path(self, cid):
        return os.path.join(self.root, cid[:3], f"{cid}.1.meta2")

    def get(self, cid):
        """The container, or 406 (unknown reference) / 431 (reference without container)."""
        with self.lock:
            container = self.open_containers.get(cid)
            if container is not None:
                return container
            path = self.db_path(cid)
            if not os.path.exists(path):
                if self.directory.get(cid) is None:
                    raise reference_not_found()
                raise container_not_found()
            container = Container(path, self)
            self.open_containers[cid] = container
            return container

    def connected(self, container):
        """Note a newly opened connection; close idle ones beyond max_open (oldest first)."""
        with self.connected_lock:
            self.connections = [c for c in self.connections if c._db is not None and c is not container]
            self.connections.append(container)
            for oldest in self.connections[:-self.max_open]:
                oldest.close_if_idle()

    def exists(self, cid):
        return cid in self.open_containers or os.path.exists(self.db_path(cid))

    def create(self, account, name, properties=None, system=None, cid=None):
        """Create a container; returns False when it already existed."""
        cid = cid or container_id(account, name)
        system = dict(system or {})
        if "sys.m2.policy.storage" in system and system["sys.m2.policy.storage"]:
            Policy(system["sys.m2.policy.storage"])
        with self.lock:
            path = self.db_path(cid)
            if os.path.exists(path):
                return False
            self.directory.create(account, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.creating"
            if os.path.exists(tmp):
                os.unlink(tmp)
            container = Container(tmp, self)
            ctime = now_us()
            values = {
                "schema_version": "1.8", "version:main.admin": "1:0", "sys.sqlx.init": "1", "sys.m2.init": "1",
                "sys.account": account, "sys.user.name": name, "sys.user.type": "", "sys.name": f"{cid}.1",
                "sys.type": "meta2", "sys.ns": self.conscience.ns, "sys.status": "0", "sys.m2.ctime": ctime,
                "sys.m2.version": "1", "sys.m2.objects": "0", "sys.m2.usage": "0",
                "sys.m2.objects.damaged": "0", "sys.m2.chunks.missing": "0",
            }
            values.update({k: v for k, v in system.items() if v is not None})
            values.update({"user." + k: v for k, v in (properties or {}).items() if v is not None})
            container.db.execute("BEGIN")
            for key, value in values.items():
                container.admin_set(key, value)
            container.db.execute("COMMIT")
            container.close()
            os.rename(tmp, path)
            ref = self.directory.get(cid)
            ref["services"]["meta2"] = [self.meta2_addr]
            self.directory.save(ref)
        self.sync_account(self.get(cid))
        return True

    def destroy(self, cid, force=False):
        container = self.get(cid)
        with container.transaction() as c:
            not_empty = not force and c.db.execute("SELECT 1 FROM aliases LIMIT 1").fetchone() is not None
            if not_empty:  # the base was frozen first, and is re-enabled when the destroy is refused
                c.admin_set("sys.status", "0")
            else:
                c._gc.extend(r["id"] for r in c.db.execute("SELECT id FROM chunks"))
                admin = c.admin()
        if not_empty:
            raise OioError(438, "Container not empty")
        with container.lock, self.lock:
            self.open_containers.pop(cid, None)
            container.close()
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(container.path + suffix):
                    os.unlink(container.path + suffix)
        for url in container._gc:
            self.gc(url)
        ref = self.directory.get(cid)
        if ref is not None:  # the meta2 service is unlinked from the reference, which stays
            ref["services"].pop("meta2", None)
            self.directory.save(ref)
        self.accounts.container_update(admin["sys.account"], admin["sys.user.name"], mtime=time.time() - 1,
                                       dtime=time.time())

    def snapshot(self, cid, account, name):
        src = self.get(cid)
        dst_cid = container_id(account, name)
        if dst_cid == cid:
            raise bad_request("The snapshot must either have a different name or be placed in another account")
        if self.exists(dst_cid):
            raise bad_request("Container already exists")
        path = self.db_path(dst_cid)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with src.lock:
            backup = sqlite3.connect(path)
            src.db.backup(backup)
            backup.close()
        self.directory.create(account, name)
        ref = self.directory.get(dst_cid)
        ref["services"]["meta2"] = [self.meta2_addr]
        self.directory.save(ref)
        dst = self.get(dst_cid)
        with dst.transaction() as c:
            c.admin_set("sys.account", account)
            c.admin_set("sys.user.name", name)
            c.admin_set("sys.name", f"{dst_cid}.1")  # sys.status is copied: a frozen source gives a frozen copy
            c.recount()

    def sync_account(self, container):
        with container.lock:
            admin = container.admin()
        self.accounts.container_update(
            admin["sys.account"], admin["sys.user.name"], objects=int(admin.get("sys.m2.objects", 0)),
            nbytes=int(admin.get("sys.m2.usage", 0)), damaged=int(admin.get("sys.m2.objects.damaged", 0)),
            missing=int(admin.get("sys.m2.chunks.missing", 0)), mtime=time.time(),
            bucket=admin.get("sys.m2.bucket.name") or None)

    meta2_addr = ""


def new_content_id():
    return (int(time.time() * 1e6).to_bytes(8, "little") + secrets.token_bytes(8)).hex().upper()
