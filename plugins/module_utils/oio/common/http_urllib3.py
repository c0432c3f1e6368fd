# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP plumbing: one urllib3 pool per client, error mapping, chunked PUTs with trailers."""

from __future__ import annotations

import http.client
import json
import select
import socket
import threading
from urllib.parse import urlencode, urlsplit

from .exceptions import ConfigurationException, OioNetworkException, OioTimeout, error_from_answer

try:
    import urllib3
    from urllib3.exceptions import HTTPError, ReadTimeoutError, ConnectTimeoutError, TimeoutError as Urllib3Timeout
    from urllib3.util import Retry, Timeout
except ImportError:  # the modules report the missing library themselves
    urllib3 = None
    HTTPError = ReadTimeoutError = ConnectTimeoutError = Urllib3Timeout = OSError

DEFAULT_CONNECTION_TIMEOUT = 2.0
DEFAULT_READ_TIMEOUT = 30.0
DEFAULT_WRITE_TIMEOUT = 60.0


def _network_error(exc, what):
    reason = getattr(exc, "reason", None)  # MaxRetryError (retries of 503 answers) wraps the error
    if isinstance(exc, (ReadTimeoutError, ConnectTimeoutError, Urllib3Timeout, TimeoutError)) or \
            isinstance(reason, (ReadTimeoutError, ConnectTimeoutError, Urllib3Timeout, TimeoutError)):
        return OioTimeout("%s: timeout: %s" % (what, exc))
    return OioNetworkException("%s: %s" % (what, exc))


def build_url(base, path, params=None):
    """``base + path`` with the non-None params URL-encoded (booleans as True/False)."""
    url = base.rstrip("/") + path
    if params:
        items = [(k, str(v)) for k, v in params.items() if v is not None]
        if items:
            url += "?" + urlencode(items)
    return url


class HttpClient:
    """Requests over one ``urllib3.PoolManager``; error answers raise ``ClientException`` subclasses."""

    def __init__(self, connection_timeout=DEFAULT_CONNECTION_TIMEOUT, read_timeout=DEFAULT_READ_TIMEOUT,
                 pool_maxsize=32, busy_retries=2, **_ignored):
        if urllib3 is None:
            raise ConfigurationException("the urllib3 Python library is required")
        self.connection_timeout = float(connection_timeout)
        self.read_timeout = float(read_timeout)
        self.pool = urllib3.PoolManager(num_pools=64, maxsize=pool_maxsize, block=False, retries=False)
        self.put_connections = PutConnections()
        self.busy_retry = Retry(total=busy_retries, connect=0, read=0, other=0, status=busy_retries,
                                status_forcelist=(503,), allowed_methods=None, backoff_factor=0.5,
                                respect_retry_after_header=True, raise_on_status=False)

    def timeout(self, read_timeout=None, connection_timeout=None):
        return Timeout(connect=connection_timeout or self.connection_timeout, read=read_timeout or self.read_timeout)

    def request(self, method, url, body=None, json_body=None, headers=None, retry_busy=False,
                stream=False, read_timeout=None, accept=(200, 201, 202, 204, 206), connection_timeout=None):
        """Send one request; return the response (body preloaded unless ``stream``)."""
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        try:
            resp = self.pool.request(method, url, body=body, headers=headers,
                                     retries=self.busy_retry if retry_busy else False,
                                     timeout=self.timeout(read_timeout, connection_timeout), preload_content=not stream,
                                     redirect=False)
        except HTTPError as exc:
            raise _network_error(exc, "%s %s" % (method, url.split("?")[0])) from None
        if resp.status == 409 and retry_busy and method == "POST" and resp.retries is not None and resp.retries.history:
            return resp  # an earlier attempt, answered 503 to us, did succeed
        if resp.status not in accept:
            data = resp.data if not stream else resp.read()
            resp.release_conn()
            raise error_from_answer(resp.status, data, resp.reason)
        return resp

    def json(self, method, url, **kwargs):
        """Send a request, return ``(response, decoded JSON body, or its text if not JSON, or None)``."""
        resp = self.request(method, url, **kwargs)
        data = resp.data
        if not data:
            return resp, None
        try:
            return resp, json.loads(data)
        except ValueError:
            return resp, data.decode("utf-8", "replace")


def _send_all(sock, buffers):
    """Send several buffers with scatter/gather I/O: no copy of the data into one buffer."""
    views = [memoryview(b) for b in buffers]
    while views:
        sent = sock.sendmsg(views)
        while views and sent >= len(views[0]):
            sent -= len(views[0])
            views.pop(0)
        if views and sent:
            views[0] = views[0][sent:]


class PutConnections:
    """Idle keep-alive connections for chunk uploads, per ``(host, port)``."""

    def __init__(self, per_host=16):
        self.per_host = per_host
        self._idle = {}
        self._lock = threading.Lock()

    def take(self, host, port, connection_timeout):
        """An idle connection still open on the server side, else a new one (not yet connected)."""
        while True:
            with self._lock:
                idle = self._idle.get((host, port))
                conn = idle.pop() if idle else None
            if conn is None:
                return http.client.HTTPConnection(host, port, timeout=connection_timeout)
            readable = select.select([conn.sock], [], [], 0)[0]
            if not readable:
                return conn
            conn.close()  # the server closed it (or sent garbage): never reuse

    def give(self, host, port, conn):
        with self._lock:
            idle = self._idle.setdefault((host, port), [])
            if len(idle) < self.per_host:
                idle.append(conn)
                return
        conn.close()


class ChunkedPut:
    """A streaming ``PUT`` with chunked transfer encoding and optional trailers, over a reusable connection."""

    def __init__(self, url, headers, connection_timeout, write_timeout, trailers=(), connections=None):
        parts = urlsplit(url)
        self.url = url
        self.address = (parts.hostname, parts.port or 80)
        self.connections = connections
        if connections is not None:
            self.conn = connections.take(parts.hostname, parts.port or 80, connection_timeout)
        else:
            self.conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=connection_timeout)
        self.write_timeout = write_timeout
        self.headers = dict(headers)
        self.trailers = tuple(trailers)
        self.path = parts.path

    def open(self):
        try:
            if self.conn.sock is None:
                self.conn.connect()
                self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.conn.sock.settimeout(self.write_timeout)
            self.conn.putrequest("PUT", self.path, skip_accept_encoding=True)
            self.conn.putheader("Transfer-Encoding", "chunked")
            if self.trailers:
                self.conn.putheader("Trailer", ", ".join(self.trailers))
            for key, value in self.headers.items():
                self.conn.putheader(key, value)
            self.conn.endheaders()
        except OSError as exc:
            self.conn.close()
            raise _network_error(exc, "PUT %s" % self.url) from None

    def send(self, parts):
        """Send the buffers of ``parts`` as one HTTP chunk."""
        size = sum(len(part) for part in parts)
        if not size:
            return
        try:
            _send_all(self.conn.sock, [b"%x\r\n" % size, *parts, b"\r\n"])
        except OSError as exc:
            self.conn.close()
            raise _network_error(exc, "PUT %s" % self.url) from None

    def finish(self, trailers=None):
        """End the body (with trailers) and return ``(status, headers, body)``."""
        end = b"0\r\n" + b"".join(b"%s: %s\r\n" % (k.encode(), str(v).encode()) for k, v in (trailers or {}).items()) + b"\r\n"
        try:
            self.conn.send(end)
            resp = self.conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            raise _network_error(exc, "PUT %s" % self.url) from None
        if resp.will_close or self.connections is None:
            self.conn.close()
        else:
            self.connections.give(self.address[0], self.address[1], self.conn)
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body

    def abort(self):
        self.conn.close()
