# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Backblaze B2 native-API emulator for tests, written from Backblaze's published API documentation.

One process, in memory: b2_authorize_account (HTTP Basic ``accountId:applicationKey``), b2_list_buckets,
b2_create_bucket, b2_get_upload_url + upload (Content-Length and X-Bz-Content-Sha1 checked), large files
(b2_start_large_file, b2_get_upload_part_url + part uploads, b2_finish_large_file with the SHA1 list and the
minimum part size), b2_list_file_names, b2_delete_file_version and downloads by name (``/file/<bucket>/<name>``,
single ``Range``). API versions v1 to v4 share the routes (v1's file lists add ``size``). Errors are ``{"status", "code", "message"}``.
Lab-only: ``POST /emu/fail?status=503&count=N[&retry_after=S]`` makes the next N requests fail (count=0 clears).

Usage: python b2emu.py --state DIR --account ID --key KEY --bucket NAME [--min-part BYTES]
It writes ``DIR/endpoints.env`` (B2_URL, B2_ACCOUNT_ID, B2_APPLICATION_KEY, B2_BUCKET) once it listens.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

API = re.compile(r"^/b2api/v[1-4]/(b2_[a-z_]+)$")


class B2Error(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class State:
    def __init__(self, account, key, min_part, recommended_part):
        self.account, self.key = account, key
        self.min_part, self.recommended_part = min_part, recommended_part
        self.lock = threading.Lock()
        self.tokens = set()
        self.upload_tokens = {}
        self.buckets = {}          # id -> name
        self.files = {}            # fileId -> file dict (with "data")
        self.large = {}            # fileId -> {"info":..., "parts": {n: (data, sha1)}}
        self.fail = []             # pending injected failures: (status, retry_after)

    def file_info(self, item):
        return {k: v for k, v in item.items() if k != "data"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "b2emu/1"

    def log_message(self, *args):
        pass

    # -- plumbing --------------------------------------------------------------------------------
    def reply(self, status, obj=None, body=None, headers=None):
        data = body if body is not None else json.dumps(obj).encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if body is None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            raise B2Error(411, "bad_request", "Content-Length is required; chunked transfer encoding is not supported")
        length = self.headers.get("Content-Length")
        if length is None:
            raise B2Error(411, "bad_request", "Content-Length is required")
        return self.rfile.read(int(length))

    def json_body(self):
        try:
            return json.loads(self.read_body() or b"{}")
        except ValueError:
            raise B2Error(400, "bad_json", "the request body is not JSON") from None

    def check_token(self, valid):
        if self.headers.get("Authorization") not in valid:
            raise B2Error(401, "bad_auth_token", "Invalid authorization token")

    def handle_any(self):
        state = self.server.state
        try:
            path = urlsplit(self.path).path
            if path == "/emu/fail" and self.command == "POST":
                query = parse_qs(urlsplit(self.path).query)
                self.read_body()
                with state.lock:
                    state.fail = [(int(query.get("status", ["503"])[0]), query.get("retry_after", [None])[0])] * int(query.get("count", ["1"])[0])
                return self.reply(200, {"pending": len(state.fail)})
            with state.lock:
                failure = state.fail.pop(0) if state.fail else None
            if failure:
                if self.headers.get("Content-Length"):
                    self.rfile.read(int(self.headers["Content-Length"]))
                headers = {"Retry-After": failure[1]} if failure[1] else {}
                return self.reply(failure[0], {"status": failure[0], "code": "service_unavailable", "message": "injected failure"}, headers=headers)
            match = API.match(path)
            if match:
                return getattr(self, "api_" + match.group(1), self.unknown)()
            if path.startswith("/upload/") and self.command == "POST":
                return self.upload_file(path.split("/")[2])
            if path.startswith("/upload_part/") and self.command == "POST":
                return self.upload_part(path.split("/")[2])
            if path.startswith("/file/") and self.command in ("GET", "HEAD"):
                bucket, _unused, name = path[len("/file/"):].partition("/")
                return self.download(unquote(bucket), unquote(name))
            raise B2Error(404, "not_found", "no such route: %s %s" % (self.command, path))
        except B2Error as exc:
            self.reply(exc.status, {"status": exc.status, "code": exc.code, "message": exc.message})

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = handle_any

    def unknown(self):
        raise B2Error(404, "not_found", "unknown API call")

    # -- API -------------------------------------------------------------------------------------
    def api_b2_authorize_account(self):
        state = self.server.state
        auth = self.headers.get("Authorization", "")
        try:
            account, _unused, key = base64.b64decode(auth.split(" ", 1)[1]).decode().partition(":")
        except (IndexError, ValueError):
            raise B2Error(401, "bad_auth_token", "Basic authorization expected") from None
        if (account, key) != (state.account, state.key):
            raise B2Error(401, "unauthorized", "invalid accountId or applicationKey")
        token = "4_" + secrets.token_hex(16)
        with state.lock:
            state.tokens.add(token)
        base = "http://%s:%d" % self.server.server_address[:2]
        self.reply(200, {"accountId": account, "authorizationToken": token, "apiUrl": base, "downloadUrl": base,
                         "recommendedPartSize": state.recommended_part, "absoluteMinimumPartSize": state.min_part,
                         "minimumPartSize": state.min_part, "allowed": {"capabilities": ["listBuckets", "writeFiles", "readFiles",
                                                                                         "deleteFiles", "listFiles"]}})

    def api_b2_create_bucket(self):
        state = self.server.state
        self.check_token(state.tokens)
        body = self.json_body()
        with state.lock:
            if body.get("bucketName") in state.buckets.values():
                raise B2Error(400, "duplicate_bucket_name", "Bucket name is already in use.")
            bucket_id = secrets.token_hex(12)
            state.buckets[bucket_id] = body["bucketName"]
        self.reply(200, {"accountId": state.account, "bucketId": bucket_id, "bucketName": body["bucketName"],
                         "bucketType": body.get("bucketType", "allPrivate")})

    def api_b2_list_buckets(self):
        state = self.server.state
        self.check_token(state.tokens)
        body = self.json_body()
        if body.get("accountId") != state.account:
            raise B2Error(401, "unauthorized", "accountId does not match the token")
        buckets = [{"accountId": state.account, "bucketId": i, "bucketName": n, "bucketType": "allPrivate"}
                   for i, n in state.buckets.items() if body.get("bucketName") in (None, n)]
        self.reply(200, {"buckets": buckets})

    def _bucket(self, bucket_id):
        if bucket_id not in self.server.state.buckets:
            raise B2Error(400, "bad_request", "Invalid bucketId: %s" % bucket_id)
        return self.server.state.buckets[bucket_id]

    def _upload_token(self, target):
        token = "up_" + secrets.token_hex(16)
        with self.server.state.lock:
            self.server.state.upload_tokens[token] = target
        return token

    def api_b2_get_upload_url(self):
        state = self.server.state
        self.check_token(state.tokens)
        bucket_id = self.json_body().get("bucketId")
        self._bucket(bucket_id)
        base = "http://%s:%d" % self.server.server_address[:2]
        self.reply(200, {"bucketId": bucket_id, "uploadUrl": "%s/upload/%s" % (base, bucket_id),
                         "authorizationToken": self._upload_token(bucket_id)})

    def _received(self):
        data = self.read_body()
        sha1 = hashlib.sha1(data).hexdigest()
        wanted = self.headers.get("X-Bz-Content-Sha1")
        if wanted is None:
            raise B2Error(400, "bad_request", "X-Bz-Content-Sha1 is required")
        if wanted != "do_not_verify" and wanted.lower() != sha1:
            raise B2Error(400, "bad_request", "Sha1 did not match data received")
        return data, sha1

    def upload_file(self, bucket_id):
        state = self.server.state
        if state.upload_tokens.get(self.headers.get("Authorization")) != bucket_id:
            self.read_body()
            raise B2Error(401, "bad_auth_token", "Invalid upload authorization token")
        name = unquote(self.headers.get("X-Bz-File-Name") or "")
        if not name:
            raise B2Error(400, "bad_request", "X-Bz-File-Name is required")
        data, sha1 = self._received()
        item = {"accountId": state.account, "action": "upload", "bucketId": bucket_id, "contentLength": len(data),
                "contentSha1": sha1, "contentType": self.headers.get("Content-Type") or "application/octet-stream",
                "fileId": "4_z" + secrets.token_hex(20), "fileInfo": {}, "fileName": name,
                "uploadTimestamp": int(time.time() * 1000), "data": data}
        with state.lock:
            state.files[item["fileId"]] = item
        self.reply(200, state.file_info(item))

    def api_b2_start_large_file(self):
        state = self.server.state
        self.check_token(state.tokens)
        body = self.json_body()
        self._bucket(body.get("bucketId"))
        if not body.get("fileName") or not body.get("contentType"):
            raise B2Error(400, "bad_request", "fileName and contentType are required")
        info = {"accountId": state.account, "action": "start", "bucketId": body["bucketId"], "contentLength": 0,
                "contentSha1": "none", "contentType": body["contentType"], "fileId": "4_z" + secrets.token_hex(20),
                "fileInfo": body.get("fileInfo") or {}, "fileName": body["fileName"], "uploadTimestamp": int(time.time() * 1000)}
        with state.lock:
            state.large[info["fileId"]] = {"info": info, "parts": {}}
        self.reply(200, info)

    def api_b2_get_upload_part_url(self):
        state = self.server.state
        self.check_token(state.tokens)
        file_id = self.json_body().get("fileId")
        if file_id not in state.large:
            raise B2Error(400, "bad_request", "No active upload for: %s" % file_id)
        base = "http://%s:%d" % self.server.server_address[:2]
        self.reply(200, {"fileId": file_id, "uploadUrl": "%s/upload_part/%s" % (base, file_id),
                         "authorizationToken": self._upload_token(file_id)})

    def upload_part(self, file_id):
        state = self.server.state
        if state.upload_tokens.get(self.headers.get("Authorization")) != file_id or file_id not in state.large:
            self.read_body()
            raise B2Error(401, "bad_auth_token", "Invalid upload authorization token")
        try:
            number = int(self.headers.get("X-Bz-Part-Number", ""))
        except ValueError:
            number = 0
        if not 1 <= number <= 10000:
            self.read_body()
            raise B2Error(400, "bad_request", "X-Bz-Part-Number must be between 1 and 10000")
        data, sha1 = self._received()
        with state.lock:
            state.large[file_id]["parts"][number] = (data, sha1)
        self.reply(200, {"fileId": file_id, "partNumber": number, "contentLength": len(data), "contentSha1": sha1})

    def api_b2_finish_large_file(self):
        state = self.server.state
        self.check_token(state.tokens)
        body = self.json_body()
        upload = state.large.get(body.get("fileId"))
        if upload is None:
            raise B2Error(400, "bad_request", "No active upload for: %s" % body.get("fileId"))
        parts, sha1s = upload["parts"], body.get("partSha1Array") or []
        if sorted(parts) != list(range(1, len(sha1s) + 1)) or [parts[n][1] for n in sorted(parts)] != [s.lower() for s in sha1s]:
            raise B2Error(400, "bad_request", "partSha1Array does not match the uploaded parts")
        if len(parts) < 2:
            raise B2Error(400, "bad_request", "large files must have at least 2 parts")
        for number in sorted(parts)[:-1]:
            if len(parts[number][0]) < state.min_part:
                raise B2Error(400, "bad_request", "Part number %d is smaller than the minimum part size" % number)
        data = b"".join(parts[n][0] for n in sorted(parts))
        item = dict(upload["info"], action="upload", contentLength=len(data), data=data)
        with state.lock:
            del state.large[body["fileId"]]
            state.files[item["fileId"]] = item
        self.reply(200, state.file_info(item))

    def _latest(self, bucket_id, name):
        matches = [f for f in self.server.state.files.values() if f["bucketId"] == bucket_id and f["fileName"] == name]
        return max(matches, key=lambda f: f["uploadTimestamp"]) if matches else None

    def api_b2_list_file_names(self):
        state = self.server.state
        self.check_token(state.tokens)
        body = self.json_body()
        bucket_id = body.get("bucketId")
        self._bucket(bucket_id)
        start, prefix = body.get("startFileName") or "", body.get("prefix") or ""
        count = min(int(body.get("maxFileCount") or 100), 10000)
        names = sorted({f["fileName"] for f in state.files.values()
                        if f["bucketId"] == bucket_id and f["fileName"] >= start and f["fileName"].startswith(prefix)})
        files = [state.file_info(self._latest(bucket_id, n)) for n in names[:count]]
        if urlsplit(self.path).path.startswith("/b2api/v1/"):  # v1 answers also carry the length as "size"
            files = [dict(f, size=f["contentLength"]) for f in files]
        self.reply(200, {"files": files, "nextFileName": names[count] if len(names) > count else None})

    def api_b2_delete_file_version(self):
        state = self.server.state
        self.check_token(state.tokens)
        body = self.json_body()
        item = state.files.get(body.get("fileId"))
        if item is None or item["fileName"] != body.get("fileName"):
            raise B2Error(400, "file_not_present", "File not present: %s %s" % (body.get("fileName"), body.get("fileId")))
        with state.lock:
            del state.files[body["fileId"]]
        self.reply(200, {"fileId": body["fileId"], "fileName": body["fileName"]})

    def download(self, bucket_name, name):
        state = self.server.state
        self.check_token(state.tokens)
        bucket_ids = [i for i, n in state.buckets.items() if n == bucket_name]
        item = self._latest(bucket_ids[0], name) if bucket_ids else None
        if item is None:
            raise B2Error(404, "not_found", "File with such name does not exist.")
        data, status, headers = item["data"], 200, {}
        match = re.match(r"^bytes=(\d*)-(\d*)$", self.headers.get("Range") or "")
        if match and data:
            first, last = match.groups()
            if first == "":
                first, last = max(len(data) - int(last), 0), len(data) - 1
            else:
                first, last = int(first), min(int(last) if last else len(data) - 1, len(data) - 1)
            if first >= len(data) or first > last:
                raise B2Error(416, "range_not_satisfiable", "The range is not satisfiable")
            headers["Content-Range"] = "bytes %d-%d/%d" % (first, last, len(data))
            data, status = data[first:last + 1], 206
        headers.update({"x-bz-file-name": name, "x-bz-file-id": item["fileId"], "Content-Type": item["contentType"],
                        "x-bz-content-sha1": item["contentSha1"],
                        "Accept-Ranges": "bytes"})
        self.reply(status, body=data, headers=headers)


def main():
    parser = argparse.ArgumentParser(description="Backblaze B2 native API emulator")
    parser.add_argument("--state", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--account", default="lab000000001")
    parser.add_argument("--key", default=None)
    parser.add_argument("--bucket", default="oio-lab")
    parser.add_argument("--min-part", type=int, default=5000000)
    parser.add_argument("--recommended-part", type=int, default=100000000)
    args = parser.parse_args()
    key = args.key or secrets.token_hex(16)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.state = State(args.account, key, args.min_part, args.recommended_part)
    server.state.buckets[secrets.token_hex(12)] = args.bucket
    os.makedirs(args.state, exist_ok=True)
    env = os.path.join(args.state, "endpoints.env")
    with open(env + ".tmp", "w") as out:
        out.write("B2_URL=http://%s:%d\nB2_ACCOUNT_ID=%s\nB2_APPLICATION_KEY=%s\nB2_BUCKET=%s\n" % (
            args.host, server.server_address[1], args.account, key, args.bucket))
    os.replace(env + ".tmp", env)
    server.serve_forever()


if __name__ == "__main__":
    main()
