# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backblaze B2 native API client, the data store of ``backblaze/account_id=A,bucket_name=B`` chunk methods."""

from __future__ import annotations

import base64
import configparser
import hashlib
import json
import json as _json
import time
from urllib.parse import quote

from ..common.exceptions import ClientException, ConfigurationException, NotFound, OioNetworkException
from ..common.http_urllib3 import HTTPError, HttpClient

B2_API_URL = "https://api.backblazeb2.com"
B2_API_VERSION = "v2"
PART_LIMIT = 209715200  # 200 MiB: larger data goes up as a large file, in parts of at most this size
DEFAULT_KEY_FILE = "/etc/oio/sds/b2-appkey.conf"
RETRIABLE = (408, 429, 500, 503)


class BackblazeException(ClientException):
    """A B2 failure as upstream names it: ``status_code``, ``message``, the response and the headers sent;
    ``str()`` is ``(status) message``."""

    def __init__(self, status_code, message, response=None, headers_send=None):
        super().__init__(status_code, None, message)
        self.status_code = status_code
        self.response = response
        self.headers_send = headers_send

    @property
    def headers_received(self):
        """The headers of the error answer."""
        return dict(getattr(self.response, "headers", None) or {})

    def __str__(self):
        return "(%d) %s" % (self.status_code, self.message)


class BackblazeError(BackblazeException):
    """A B2 error answer: ``http_status``, B2 ``code`` (in ``status``), ``message`` and ``retry_after``."""

    def __init__(self, http_status, code=None, message=None, retry_after=None):
        super().__init__(http_status, message)
        self.status = code
        self.retry_after = retry_after


class BackblazeUtilsException(ConfigurationException):
    """Missing or unreadable Backblaze credentials."""


class BackblazeUtils:
    """Credentials of ``backblaze/...`` storage methods, read from the application key file, with an
    authorization and an upload URL of the method's bucket (cached per account and bucket unless ``renew``)."""

    b2_authorization_list = {}

    @staticmethod
    def get_credentials(storage_method, application_key_path=None, renew=False, api_url=None):
        """``{"backblaze.account_id", "backblaze.application_key", "bucket_name", "authorization", "upload_token"}``
        of a storage method (``api_url``, extension: the B2 API to authorize on, kept in the result)."""
        for name, value in (("bucket_name", storage_method.bucket_name), ("account_id", storage_method.account_id),
                            ("application_key_path", application_key_path)):
            if not value:
                raise BackblazeUtilsException("missing backblaze parameters: %s" % name)
        key = "%s.%s" % (storage_method.account_id, storage_method.bucket_name)
        if not renew and BackblazeUtils.b2_authorization_list.get(key):
            return BackblazeUtils.b2_authorization_list[key]
        parser = configparser.ConfigParser()
        with open(application_key_path, encoding="utf-8") as key_file:
            parser.read_file(key_file)
        app_key = parser.get("backblaze", "%s.application_key" % key)
        if not app_key:
            raise BackblazeUtilsException("application key not found")
        client = Backblaze(storage_method.account_id, app_key, api_url=api_url)
        meta = {"backblaze.account_id": storage_method.account_id, "backblaze.application_key": app_key,
                "bucket_name": storage_method.bucket_name, "authorization": client.authorization_token,
                "upload_token": client.get_upload_token_by_bucket_name(storage_method.bucket_name)}
        if api_url:
            meta["api_url"] = api_url
        BackblazeUtils.b2_authorization_list[key] = meta
        return meta


class Requests:
    """B2 HTTP requests over urllib3. An answer other than 2xx goes to ``error_handler(resp, body, url)`` when
    given (extension), else raises ``BackblazeException`` with B2's message."""

    def __init__(self, error_handler=None, http=None):
        self.error_handler = error_handler
        self.http = http or HttpClient(read_timeout=300.0)

    def get_response(self, content_type, url, headers=None, file_descriptor=None):
        """The streaming urllib3 response of ``content_type`` (the method) on ``url`` (extension)."""
        headers = {k: str(v) for k, v in (headers or {}).items()}
        try:
            resp = self.http.pool.request(content_type, url, headers=headers, body=file_descriptor, preload_content=False,
                                          timeout=self.http.timeout(), retries=False, redirect=False)
        except HTTPError as exc:
            raise OioNetworkException("B2 %s %s: %s" % (content_type, url, exc)) from None
        if resp.status // 100 != 2:
            data = resp.read()
            resp.release_conn()
            if self.error_handler is not None:
                return self.error_handler(resp, data, url)
            try:
                message = _json.loads(data)["message"]
            except (ValueError, KeyError, TypeError):
                message = data.decode("utf-8", "replace")
            raise BackblazeException(resp.status, message, resp, headers)
        return resp

    def get_response_from_request(self, content_type, url, headers=None, file_descriptor=None, json=False):
        """The decoded JSON answer if ``json``, else the body's bytes."""
        resp = self.get_response(content_type, url, headers, file_descriptor)
        try:
            data = resp.read()
        finally:
            resp.release_conn()
        return _json.loads(data) if json else data


def load_application_key(account_id, bucket_name, key_file=None):
    """The application key of ``account_id``/``bucket_name`` from the INI key file (section ``[backblaze]``)."""
    parser = configparser.RawConfigParser()
    path = key_file or DEFAULT_KEY_FILE
    if not parser.read(path):
        raise ConfigurationException("cannot read the Backblaze key file %s" % path)
    option = "%s.%s.application_key" % (account_id, bucket_name)
    if not parser.has_option("backblaze", option):
        raise ConfigurationException("%s: no %s in section [backblaze]" % (path, option))
    return parser.get("backblaze", option)


def chunk_file_name(cid, chunk_url):
    """B2 file name of a chunk: ``<CID>/<last element of the chunk URL>``."""
    return "%s/%s" % (cid, chunk_url.rstrip("/").rsplit("/", 1)[-1])


def _retry_after(value):
    """Seconds of a ``Retry-After`` header; None when absent or not a number of seconds."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if 0 <= seconds < 3600 else None


class B2Bucket:
    """One bucket of one B2 account (extension, the client of this collection's Backblaze handlers): uploads
    (large files in parts), downloads by name, listing, deletion.

    Every call is retried up to ``max_retries`` times on 408/429/5xx and network
    errors (after ``Retry-After`` seconds, else 2^n), and after re-authorizing
    on an expired token; uploads then ask for a new upload URL.
    """

    def __init__(self, account_id, application_key, bucket_name, api_url=B2_API_URL, max_retries=3,
                 part_size=None, large_threshold=PART_LIMIT, http=None, backoff=1.0):
        self.account_id = account_id
        self.bucket_name = bucket_name
        self._basic = base64.b64encode(("%s:%s" % (account_id, application_key)).encode("utf-8")).decode("ascii")
        self.api_url = api_url.rstrip("/")
        self.max_retries = max_retries
        self.part_size = part_size
        self.large_threshold = min(large_threshold, PART_LIMIT)
        self.http = http or HttpClient(read_timeout=300.0)
        self.requests = Requests(self._raise_error, http=self.http)
        self.backoff = backoff
        self._auth = None
        self._bucket_id = None
        self._upload_target = None

    # ------------------------------------------------------------------ plumbing

    def _request(self, method, url, headers=None, body=None, stream=False):  # pylint: disable=unused-argument
        """One request (the body read on ``resp.data``, or streamed); B2's error answers raise ``BackblazeError``."""
        return self.requests.get_response(method, url, headers, body)

    @staticmethod
    def _raise_error(resp, data, url):
        try:
            doc = json.loads(data)
        except ValueError:
            doc = None
        if not isinstance(doc, dict):  # a proxy's page, or JSON that is not B2's error object
            doc = {}
        raise BackblazeError(resp.status, doc.get("code"), "B2 %s: %s" % (url.rsplit("/", 1)[-1], doc.get("message") or resp.reason),
                             _retry_after(resp.headers.get("Retry-After")))

    def _retrying(self, action):
        for attempt in range(self.max_retries + 1):
            try:
                return action()
            except BackblazeError as exc:
                last = attempt == self.max_retries
                if exc.http_status == 401 and exc.status in ("expired_auth_token", "bad_auth_token") and not last:
                    self._auth = None
                    self._upload_target = None
                    continue
                if exc.http_status not in RETRIABLE or last:
                    raise
                self._upload_target = None
                time.sleep(exc.retry_after if exc.retry_after is not None else self.backoff * 2 ** attempt)
            except OioNetworkException:
                if attempt == self.max_retries:
                    raise
                self._upload_target = None
                time.sleep(self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")

    def authorize(self):
        """``b2_authorize_account``: the API URL, download URL, token and part sizes."""
        if self._auth is None:
            resp = self._request("GET", "%s/b2api/%s/b2_authorize_account" % (self.api_url, B2_API_VERSION),
                                 headers={"Authorization": "Basic " + self._basic})
            self._auth = json.loads(resp.data)
        return self._auth

    def _call_once(self, name, body):
        auth = self.authorize()
        resp = self._request("POST", "%s/b2api/%s/%s" % (auth["apiUrl"], B2_API_VERSION, name),
                             headers={"Authorization": auth["authorizationToken"]}, body=json.dumps(body).encode("utf-8"))
        return json.loads(resp.data)

    def _call(self, name, body):
        """One API call, retried."""
        return self._retrying(lambda: self._call_once(name, body))

    @property
    def bucket_id(self):
        if self._bucket_id is None:
            buckets = self._call("b2_list_buckets", {"accountId": self.account_id, "bucketName": self.bucket_name})["buckets"]
            found = [b["bucketId"] for b in buckets if b["bucketName"] == self.bucket_name]
            if not found:
                raise NotFound(404, None, "B2 account %s has no bucket %s" % (self.account_id, self.bucket_name))
            self._bucket_id = found[0]
        return self._bucket_id

    # ------------------------------------------------------------------ uploads

    def _post_data(self, target, headers, data):
        headers = dict(headers, **{"Authorization": target["authorizationToken"], "X-Bz-Content-Sha1": hashlib.sha1(data).hexdigest()})
        return json.loads(self._request("POST", target["uploadUrl"], headers=headers, body=data).data)

    def upload(self, file_name, data, content_type="b2/x-auto"):
        """Store ``data`` (bytes) as ``file_name``; above the part limit, as a large file. Returns the B2 file info."""
        data = bytes(data)
        if len(data) > self.large_threshold:
            return self._upload_large(file_name, data, content_type)
        headers = {"X-Bz-File-Name": quote(file_name, safe="/"), "Content-Type": content_type}
        bucket_id = self.bucket_id

        def action():
            if self._upload_target is None:
                self._upload_target = self._call_once("b2_get_upload_url", {"bucketId": bucket_id})
            return self._post_data(self._upload_target, headers, data)
        return self._retrying(action)

    def _upload_large(self, file_name, data, content_type):
        auth = self.authorize()
        part = min(self.part_size or auth.get("recommendedPartSize") or PART_LIMIT, PART_LIMIT)
        part = max(part, auth.get("absoluteMinimumPartSize") or 0)
        started = self._call("b2_start_large_file", {"bucketId": self.bucket_id, "fileName": file_name, "contentType": content_type})
        target = {}
        sha1s = []
        for number, offset in enumerate(range(0, len(data), part), start=1):
            piece = data[offset:offset + part]

            def action(piece=piece, number=number):
                if not target:
                    target.update(self._call_once("b2_get_upload_part_url", {"fileId": started["fileId"]}))
                try:
                    return self._post_data(target, {"X-Bz-Part-Number": str(number)}, piece)
                except BackblazeError:
                    target.clear()
                    raise
            sha1s.append(self._retrying(action)["contentSha1"])
        return self._call("b2_finish_large_file", {"fileId": started["fileId"], "partSha1Array": sha1s})

    # ------------------------------------------------------------------ reads, listing, deletion

    def download(self, file_name, start=None, end=None):
        """Iterator over the bytes of ``file_name`` (or of its inclusive range ``[start, end]``)."""
        def action():
            auth = self.authorize()
            headers = {"Authorization": auth["authorizationToken"]}
            if start is not None or end is not None:
                headers["Range"] = "bytes=%s-%s" % ("" if start is None else start, "" if end is None else end)
            url = "%s/file/%s/%s" % (auth["downloadUrl"], quote(self.bucket_name), quote(file_name, safe="/"))
            return self._request("GET", url, headers=headers, stream=True)
        resp = self._retrying(action)

        def stream():
            try:
                yield from resp.stream(262144)
            finally:
                resp.release_conn()
        return stream()

    def list_file_names(self, prefix=None, start_file_name=None, page_size=1000):
        """Every file (latest version per name) of the bucket, in name order, page after page."""
        body = {"bucketId": self.bucket_id, "maxFileCount": page_size}
        if prefix:
            body["prefix"] = prefix
        while True:
            if start_file_name:
                body["startFileName"] = start_file_name
            page = self._call("b2_list_file_names", body)
            yield from page["files"]
            start_file_name = page.get("nextFileName")
            if not start_file_name:
                return

    def delete(self, file_name):
        """Delete ``file_name`` (found through ``b2_list_file_names``); NotFound if the bucket has no such file."""
        for info in self.list_file_names(start_file_name=file_name, page_size=10):
            if info["fileName"] != file_name:
                break
            return self._call("b2_delete_file_version", {"fileId": info["fileId"], "fileName": file_name})
        raise NotFound(404, None, "B2 bucket %s has no file %s" % (self.bucket_name, file_name))


def _sha1_of(data):
    """SHA-1 hex digest of bytes or of a seekable file (read from its start, then rewound)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return hashlib.sha1(data).hexdigest()
    digest = hashlib.sha1()
    data.seek(0, 0)
    for piece in iter(lambda: data.read(262144), b""):
        digest.update(piece)
    data.seek(0, 0)
    return digest.hexdigest()


def _object_file_name(metadata):
    """B2 file name of an object's data: ``<container_id>/<name>``."""
    return "%s/%s" % (metadata["container_id"], metadata["name"])


class Backblaze:
    """Upstream's B2 client (API v1): authorizes at construction unless given ``authorization_required``
    (the answer of ``b2_authorize_account``); ``upload_required`` is an upload URL answer, for parts when
    ``upload_part``. ``api_url`` (extension) replaces ``BACKBLAZE_BASE_API_URL``; ``http`` (extension) is the
    ``HttpClient`` to use. Failures raise ``BackblazeException``."""

    BACKBLAZE_MAX_CHUNK_SIZE = PART_LIMIT
    BACKBLAZE_BASE_API_URL = B2_API_URL

    def __init__(self, account_id, application_key, authorization_required=None, upload_required=None,
                 upload_part=False, api_url=None, http=None):
        self.upload_token = self.upload_part_token = None
        self.account_id = account_id
        self.application_key = application_key
        self.api_url = (api_url or self.BACKBLAZE_BASE_API_URL).rstrip("/")
        self.requests = Requests(http=http)
        self.authorization_required = authorization_required or self._authorize()
        if upload_part:
            self.upload_part_token = upload_required
        else:
            self.upload_token = upload_required
        self.liste_bucket_id = {}

    def _authorize(self):
        basic = base64.b64encode(("%s:%s" % (self.account_id, self.application_key)).encode("utf-8")).decode("ascii")
        return self.requests.get_response_from_request("GET", "%s/b2api/v1/b2_authorize_account" % self.api_url,
                                                       {"Authorization": "Basic " + basic}, json=True)

    def _api(self, name, body):
        """POST ``body`` (JSON) to the API call ``name``; its JSON answer."""
        auth = self.authorization_required
        return self.requests.get_response_from_request(
            "POST", "%s/b2api/v1/%s" % (auth["apiUrl"], name), {"Authorization": auth["authorizationToken"]},
            json.dumps(body).encode("utf-8"), True)

    def _bucket_id(self, bucket_name):
        """The id of ``bucket_name`` (cached), None when the account has no such bucket."""
        if self.liste_bucket_id.get(bucket_name) is None:
            for bucket in self.get_list_buckets()["buckets"]:
                if bucket["bucketName"] == bucket_name:
                    self.liste_bucket_id[bucket_name] = bucket["bucketId"]
        return self.liste_bucket_id.get(bucket_name)

    def _post(self, token, headers, data, sha1):
        headers = dict(headers, **{"Authorization": token["authorizationToken"], "X-Bz-Content-Sha1": sha1})
        if not isinstance(data, (bytes, bytearray, memoryview)):
            data = data.read()
        return self.requests.get_response_from_request("POST", token["uploadUrl"], headers, data, True)

    @property
    def authorization_token(self):
        """The ``b2_authorize_account`` answer in use."""
        return self.authorization_required

    def get_list_buckets(self):
        """The ``b2_list_buckets`` answer of the account."""
        return self._api("b2_list_buckets", {"accountId": self.account_id})

    def get_list_file_names_by_bucket_id(self, bucket_id):
        """Generator of the pages (lists of file infos) of ``b2_list_file_names`` on ``bucket_id``."""
        body = {"bucketId": bucket_id}
        while True:
            page = self._api("b2_list_file_names", body)
            yield page["files"]
            if not page.get("nextFileName"):
                return
            body = {"bucketId": bucket_id, "startFileName": page["nextFileName"]}

    def get_list_file_names(self, bucket_name):
        """Generator of the pages of file infos of ``bucket_name``."""
        yield from self.get_list_file_names_by_bucket_id(self._bucket_id(bucket_name))

    def get_upload_token_by_bucket_name(self, bucket_name):
        """A ``b2_get_upload_url`` answer for ``bucket_name``."""
        return self._api("b2_get_upload_url", {"bucketId": self._bucket_id(bucket_name)})

    _get_upload_token_by_bucket_name = get_upload_token_by_bucket_name  # upstream's private name, used by its tools

    def upload(self, bucket_name, meta, data, sha1=None):
        """Store ``data`` as ``<meta['container_id']>/<meta['name']>`` with type ``meta['mime_type']``;
        the ``b2_upload_file`` answer."""
        if not self.upload_token:
            self.upload_token = self.get_upload_token_by_bucket_name(bucket_name)
        headers = {"X-Bz-File-Name": quote(_object_file_name(meta), safe="/"), "Content-Type": meta["mime_type"]}
        return self._post(self.upload_token, headers, data, sha1 or _sha1_of(data))

    def upload_part_begin(self, bucket_name, meta):
        """Start a large file named as by :meth:`upload`; the ``b2_start_large_file`` answer (``fileId``)."""
        return self._api("b2_start_large_file", {"bucketId": self._bucket_id(bucket_name),
                                                 "fileName": _object_file_name(meta), "contentType": meta["mime_type"]})

    def upload_part(self, file_id, data, part_number, sha1=None):
        """Upload part ``part_number`` of large file ``file_id``: ``(b2_upload_part answer, sha1)``."""
        if not self.upload_part_token:
            self.upload_part_token = self._api("b2_get_upload_part_url", {"fileId": file_id})
        sha1 = sha1 or _sha1_of(data)
        return self._post(self.upload_part_token, {"X-Bz-Part-Number": part_number}, data, sha1), sha1

    def upload_part_end(self, file_id, sha1_array):
        """Finish large file ``file_id`` from its parts' SHA-1s; the ``b2_finish_large_file`` answer."""
        return self._api("b2_finish_large_file", {"fileId": file_id, "partSha1Array": sha1_array})

    def download_by_path_name(self, bucket_name, link, headers=None):
        """The bytes of file ``link`` of ``bucket_name`` (``headers`` added to the request, e.g. ``Range``)."""
        auth = self.authorization_required
        headers = dict({"Authorization": auth["authorizationToken"]}, **(headers or {}))
        url = "%s/file/%s/%s" % (auth["downloadUrl"], bucket_name, quote(link, safe="/"))
        return self.requests.get_response_from_request("GET", url, headers, None)

    def download(self, bucket_name, metadata, headers=None):
        """The bytes of an object stored by :meth:`upload`."""
        return self.download_by_path_name(bucket_name, _object_file_name(metadata), headers)

    def _file_infos(self, bucket_name):
        return (info for page in self.get_list_file_names(bucket_name) for info in page)

    def get_backblaze_infos(self, bucket_name):
        """``(total size, number of files)`` of ``bucket_name``."""
        sizes = [info["size"] for info in self._file_infos(bucket_name)]
        return sum(sizes), len(sizes)

    def get_file_number(self, bucket_name):
        """Number of files of ``bucket_name``."""
        return self.get_backblaze_infos(bucket_name)[1]

    def get_size(self, bucket_name):
        """Total size of the files of ``bucket_name``."""
        return self.get_backblaze_infos(bucket_name)[0]

    def delete(self, bucket_name, metadata):
        """Delete the file of an object stored by :meth:`upload`; the ``b2_delete_file_version`` answer."""
        name = _object_file_name(metadata)
        file_id = next((info["fileId"] for info in self._file_infos(bucket_name) if info["fileName"] == name), None)
        return self.delete_by_path_name(file_id, name)

    def delete_by_path_name(self, file_id, file_name):
        """Delete version ``file_id`` of ``file_name``; the ``b2_delete_file_version`` answer."""
        return self._api("b2_delete_file_version", {"fileId": file_id, "fileName": file_name})
