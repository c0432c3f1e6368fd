# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Account service: accounts, their containers and statistics (docs/oio-devserver.md, "Account service"), kept in SQLite.

meta2 updates it synchronously (the real namespace does it through events).
"""

import json
import sqlite3
import threading
import time

from .httpbase import Handler

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, ctime REAL NOT NULL, metadata TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS containers (
    account TEXT NOT NULL, name TEXT NOT NULL, objects INT NOT NULL DEFAULT 0, bytes INT NOT NULL DEFAULT 0,
    damaged INT NOT NULL DEFAULT 0, missing INT NOT NULL DEFAULT 0, mtime REAL NOT NULL DEFAULT 0,
    bucket TEXT, PRIMARY KEY (account, name));
"""


class AccountError(Exception):
    def __init__(self, http, message):
        super().__init__(message)
        self.http = http
        self.message = message


class Accounts:
    """The account backend (one SQLite database)."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def _get(self, account, message="Account not found"):
        row = self.db.execute("SELECT ctime, metadata FROM accounts WHERE id=?", (account,)).fetchone()
        if row is None:
            raise AccountError(404, message)
        return row

    def create(self, account):
        with self.lock:
            cur = self.db.execute("INSERT OR IGNORE INTO accounts VALUES (?,?,?)", (account, time.time(), "{}"))
            return cur.rowcount == 1

    def delete(self, account):
        with self.lock:
            self._get(account, "No such account")
            if self.db.execute("SELECT 1 FROM containers WHERE account=? LIMIT 1", (account,)).fetchone():
                raise AccountError(409, "Account not empty")
            self.db.execute("DELETE FROM accounts WHERE id=?", (account,))

    def list(self):
        with self.lock:
            return [r[0] for r in self.db.execute("SELECT id FROM accounts ORDER BY id")]

    def count(self):
        with self.lock:
            return self.db.execute("SELECT count(*) FROM accounts").fetchone()[0]

    def show(self, account):
        with self.lock:
            ctime, metadata = self._get(account)
            totals = self.db.execute(
                "SELECT count(*), coalesce(sum(objects),0), coalesce(sum(bytes),0), coalesce(sum(damaged),0),"
                " coalesce(sum(missing),0), count(bucket) FROM containers WHERE account=?", (account,)).fetchone()
            return {
                "id": account, "ctime": f"{ctime:.5f}", "containers": totals[0], "objects": totals[1],
                "bytes": totals[2], "damaged_objects": totals[3], "missing_chunks": totals[4],
                "buckets": totals[5], "metadata": json.loads(metadata),
            }

    def update(self, account, metadata, to_delete):
        with self.lock:
            current = json.loads(self._get(account)[1])
            current.update({str(k): v for k, v in (metadata or {}).items()})
            for key in to_delete or ():
                current.pop(key, None)
            self.db.execute("UPDATE accounts SET metadata=? WHERE id=?", (json.dumps(current), account))

    def container_update(self, account, name, objects=0, nbytes=0, damaged=0, missing=0, mtime=None,
                         dtime=None, bucket=None, autocreate=True, check_mtime=False):
        """Record a container's statistics, or forget it when dtime is newer than mtime."""
        with self.lock:
            if autocreate:
                self.db.execute("INSERT OR IGNORE INTO accounts VALUES (?,?,?)", (account, time.time(), "{}"))
            else:
                self._get(account)
            row = self.db.execute("SELECT mtime FROM containers WHERE account=? AND name=?",
                                  (account, name)).fetchone()
            if dtime is not None and (mtime is None or dtime > mtime):
                if row is not None and check_mtime and row[0] > dtime:
                    raise AccountError(409, "No update needed")
                self.db.execute("DELETE FROM containers WHERE account=? AND name=?", (account, name))
                return
            mtime = time.time() if mtime is None else mtime
            if row is not None and check_mtime and row[0] > mtime:
                raise AccountError(409, "No update needed")
            self.db.execute(
                "INSERT OR REPLACE INTO containers VALUES (?,?,?,?,?,?,?,?)",
                (account, name, objects, nbytes, damaged, missing, mtime, bucket))

    def container_reset(self, account, name, mtime):
        with self.lock:
            self.db.execute("UPDATE containers SET objects=0, bytes=0, damaged=0, missing=0, mtime=? "
                            "WHERE account=? AND name=?", (mtime or time.time(), account, name))

    def container_show(self, account, name):
        with self.lock:
            row = self.db.execute("SELECT objects, bytes, damaged, missing, mtime, bucket FROM containers "
                                  "WHERE account=? AND name=?", (account, name)).fetchone()
            if row is None:
                raise AccountError(404, "Container not found")
            return {"name": name, "objects": row[0], "bytes": row[1], "damaged_objects": row[2],
                    "missing_chunks": row[3], "mtime": row[4], "bucket": row[5]}

    def flush(self, account):
        with self.lock:
            self._get(account)
            self.db.execute("DELETE FROM containers WHERE account=?", (account,))

    def containers(self, account, limit=1000, marker="", end_marker="", prefix="", delimiter="",
                   buckets_only=False):
        """Listing rows [name, objects, bytes, is_prefix, mtime] and whether it was truncated."""
        with self.lock:
            self._get(account)
            sql = "SELECT name, objects, bytes, mtime FROM containers WHERE account=? AND name>?"
            args = [account, marker or ""]
            if end_marker:
                sql += " AND name<?"
                args.append(end_marker)
            if buckets_only:
                sql += " AND bucket IS NOT NULL"
            rows = self.db.execute(sql + " ORDER BY name", args).fetchall()
        listing = []
        for name, objects, nbytes, mtime in rows:
            if prefix and not name.startswith(prefix):
                continue
            if delimiter:
                idx = name.find(delimiter, len(prefix))
                if idx >= 0:
                    cp = name[:idx + len(delimiter)]
                    if (marker and marker.startswith(cp)) or (listing and listing[-1][0] == cp):
                        continue
                    if len(listing) >= limit:
                        return listing, True
                    listing.append([cp, 0, 0, 1, 0])
                    continue
            if len(listing) >= limit:
                return listing, True
            listing.append([name, objects, nbytes, 0, mtime])
        return listing, False


def _int(value, default, low=None, high=None):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    if low is not None and number < low:
        return default
    return min(number, high) if high is not None else number


def werkzeug_escape(text):
    """The escaping the account service applies to an error's description (quotes but not apostrophes)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


NOT_FOUND = ("The requested URL was not found on the server. If you entered the URL manually please check your "
             "spelling and try again.")
NOT_ALLOWED = "The method is not allowed for the requested URL."


class AccountHandler(Handler):
    """HTTP personality of the account service: the route (404, 405) first, then the handler's checks; an
    error is its description, HTML-escaped, in plain text."""

    def send_error_reply(self, code, message):
        self.send_text(code, werkzeug_escape(message), content_type="text/plain; charset=utf-8")

    def reply(self, code, obj=None):
        if obj is None:
            self.send_text(code, content_type="text/plain; charset=utf-8")
        else:
            self.send_json(code, obj, content_type="text/json; charset=utf-8")

    def json_body(self):
        """The body as the service reads it: JSON (an error is a 400 with the parser's message) whose fields
        are looked up, so anything but an object is a 500."""
        try:
            data = json.loads(self.body.read_all())
        except ValueError as exc:
            raise AccountError(400, str(exc)) from None
        if not isinstance(data, dict):
            raise AccountError(500, f"Unmanaged error: '{type(data).__name__}' object has no attribute 'get'")
        return data

    def item_id(self, key="id", what="account"):
        value = self.query.get(key)
        if not value:
            raise AccountError(400, f"Missing {what} ID")
        return value

    def int_arg(self, name, default):
        """int() of a query argument, its ValueError being a 400 with Python's message."""
        try:
            return int(self.query.get(name, default))
        except ValueError as exc:
            raise AccountError(400, str(exc)) from None

    def route(self):
        path, method = self.url_path, self.command
        try:
            if path == "/status":
                return self.reply(200, {"account_count": self.server.accounts.count()})
            action = path[len("/v1.0/"):] if path.startswith("/v1.0/") else None
            methods = self.ROUTES.get(action)
            if methods is None:
                raise AccountError(404, NOT_FOUND)
            handler = methods.get("GET" if method == "HEAD" else method)
            if handler is None:
                raise AccountError(405, NOT_ALLOWED)
            return handler(self, self.server.accounts)
        except AccountError as exc:
            self.send_error_reply(exc.http, exc.message)

    def a_list(self, accounts):
        self.reply(200, accounts.list())

    def a_create(self, accounts):
        account = self.item_id()
        if accounts.create(account):
            self.send_text(201, account, content_type="text/plain; charset=utf-8")
        else:
            self.reply(202)

    def a_delete(self, accounts):
        accounts.delete(self.item_id())
        self.reply(204)

    def a_show(self, accounts):
        self.reply(200, accounts.show(self.item_id()))

    def a_update(self, accounts):
        account = self.item_id()
        data = self.json_body()
        accounts.update(account, data.get("metadata"), data.get("to_delete"))
        self.reply(204)

    def a_containers(self, accounts):
        q = self.query
        account = self.item_id()
        info = accounts.show(account)
        self.int_arg("limit", "1000")  # not a number: 400; out of 1-10000: the default 1000 or the maximum
        listing, _truncated = accounts.containers(
            account, limit=_int(q.get("limit"), 1000, 1, 10000), marker=q.get("marker", ""),
            end_marker=q.get("end_marker", ""), prefix=q.get("prefix", ""), delimiter=q.get("delimiter", ""),
            buckets_only=q.get("s3_buckets_only", "").lower() in ("1", "true", "yes", "on"))
        info["listing"] = listing
        self.reply(200, info)

    def a_buckets(self, accounts):
        q = self.query
        account = self.item_id()
        info = accounts.show(account)
        limit = self.int_arg("limit", "1000")
        listing, truncated = accounts.containers(account, limit=max(limit, 0), marker=q.get("marker", ""),
                                                 end_marker=q.get("end_marker", ""), prefix=q.get("prefix", ""),
                                                 buckets_only=True)
        info["listing"] = [{"name": row[0], "objects": row[1], "bytes": row[2], "mtime": row[4]} for row in listing]
        info["truncated"] = truncated
        if truncated and listing:
            info["next_marker"] = listing[-1][0]
        self.reply(200, info)

    def a_container_update(self, accounts):
        account = self.item_id()
        data = self.json_body()
        name = data.get("name")
        if not name:
            raise AccountError(400, "Missing container name")
        accounts.container_update(
            account, name, objects=int(data.get("objects") or 0), nbytes=int(data.get("bytes") or 0),
            damaged=int(data.get("damaged_objects") or 0), missing=int(data.get("missing_chunks") or 0),
            mtime=data.get("mtime"), dtime=data.get("dtime"), bucket=data.get("bucket"), check_mtime=True)
        self.reply(200, name)

    def a_container_reset(self, accounts):
        account = self.item_id()
        data = self.json_body()
        if not data.get("name"):
            raise AccountError(400, "Missing container name")
        accounts.container_reset(account, data["name"], data.get("mtime"))
        self.reply(204)

    def a_container_show(self, accounts):
        account = self.item_id()
        self.reply(200, accounts.container_show(account, self.item_id("container", "container")))

    def a_refresh(self, accounts):
        accounts.show(self.item_id())
        self.reply(204)

    def a_flush(self, accounts):
        accounts.flush(self.item_id())
        self.reply(204)

    # path after /v1.0/ -> {method: handler}; HEAD is served wherever GET is
    ROUTES = {
        "account/create": {"PUT": a_create},
        "account/delete": {"POST": a_delete},
        "account/list": {"GET": a_list},
        "account/update": {"PUT": a_update, "POST": a_update},
        "account/show": {"GET": a_show},
        "account/show-container": {"GET": a_container_show},
        "account/buckets": {"GET": a_buckets},
        "account/containers": {"GET": a_containers},
        "account/refresh": {"POST": a_refresh},
        "account/flush": {"POST": a_flush},
        "account/container/reset": {"PUT": a_container_reset, "POST": a_container_reset},
        "account/container/show": {"GET": a_container_show},
        "account/container/update": {"PUT": a_container_update, "POST": a_container_update},
    }
