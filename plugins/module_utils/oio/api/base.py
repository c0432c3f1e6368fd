# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``oio.api.base.HttpApi``: requests to one service, with upstream's per-call keyword arguments.

Per-call options (``headers``, ``reqid``, ``autocreate``, ``connection_timeout``,
``read_timeout``, ``write_timeout``, ``deadline``, ``perfdata``) given to a public
method are kept for the duration of the call (:func:`call_scope`), so every request the
call sends, directly or through nested calls, honours them.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from ..common.constants import REQID_HEADER
from ..common.decorators import patch_kwargs
from ..common.exceptions import DeadlineReached
from ..common.http_urllib3 import HttpClient, build_url
from ..common.utils import request_id

CALL_OPTIONS = ("autocreate", "headers", "reqid", "connection_timeout", "read_timeout", "write_timeout",
                "deadline", "perfdata")
_CALLS = threading.local()


def current_options():
    """The options of the innermost public call running in this thread (None outside any)."""
    stack = getattr(_CALLS, "stack", None)
    return stack[-1] if stack else None


def check_deadline(options):
    """Raise ``DeadlineReached`` when the call's deadline has passed."""
    deadline = (options or {}).get("deadline")
    if deadline is not None and deadline <= time.monotonic():
        raise DeadlineReached()


@contextmanager
def call_scope(defaults, kwargs):
    """Options of a call: ``defaults`` (the client's), then the enclosing call's, then ``kwargs``."""
    outer = current_options()
    options = dict(defaults if outer is None else outer)
    for key in CALL_OPTIONS:
        if kwargs.get(key) is not None:
            options[key] = kwargs[key]
    if outer is not None and kwargs.get("headers"):
        options["headers"] = dict(outer.get("headers") or {}, **kwargs["headers"])
    check_deadline(options)
    stack = _CALLS.__dict__.setdefault("stack", [])
    stack.append(options)
    try:
        yield options
    finally:
        stack.pop()


def api_call(fnc):
    """Upstream's ``patch_kwargs``, plus the call's options kept for the requests it sends."""
    patched = patch_kwargs(fnc)

    def wrapper(self, *args, **kwargs):
        with call_scope(self._global_kwargs, kwargs):
            return patched(self, *args, **kwargs)
    wrapper.__name__, wrapper.__doc__, wrapper.__wrapped__ = fnc.__name__, fnc.__doc__, fnc
    wrapper.__qualname__ = fnc.__qualname__
    return wrapper


def request_headers(options, reqid=None, headers=None, autocreate=None, base=None):
    """Headers of a request under ``options``: request ID, timeout budget, action mode, perfdata."""
    options = options or {}
    result = {}
    for source in (base, options.get("headers"), headers):
        for key, value in (source or {}).items():
            result[key.lower()] = value
    given = result.pop(REQID_HEADER.lower(), None)
    result["x-oio-req-id"] = options.get("reqid") or given or reqid or request_id()
    budget = float(options.get("read_timeout") or 30.0)
    deadline = options.get("deadline")
    if deadline is not None:
        budget = min(budget, max(deadline - time.monotonic(), 0.001))
    result.setdefault("x-oio-timeout", str(int(budget * 1000000)))
    if options.get("autocreate") if autocreate is None else autocreate:
        result.setdefault("x-oio-action-mode", "autocreate")
    if options.get("perfdata") is not None:
        result["x-oio-perfdata"] = "enabled"
    return result


def record_perfdata(options, resp, elapsed, section="proxy"):
    """Add a request's time to ``perfdata[section]["overall"]`` and copy the service's ``x-oio-perfdata`` timings."""
    perfdata = (options or {}).get("perfdata")
    if perfdata is None:
        return
    timings = perfdata.setdefault(section, {})
    timings["overall"] = timings.get("overall", 0.0) + elapsed
    if not resp.headers.get("x-oio-perfdata"):
        return
    for item in resp.headers["x-oio-perfdata"].split(","):
        key, dummy, value = item.partition("=")
        try:
            perfdata.setdefault(section, {})[key.strip()] = float(value) / 1000000.0
        except ValueError:
            perfdata.setdefault(section, {})[key.strip()] = value.strip()


class HttpApi:
    """Requests to one HTTP service (``endpoint``) honouring the per-call options."""

    def __init__(self, endpoint=None, pool_manager=None, **kwargs):
        self.endpoint = endpoint.rstrip("/") if endpoint else endpoint
        self.pool_manager = pool_manager
        self._global_kwargs = {k: kwargs[k] for k in CALL_OPTIONS if kwargs.get(k) is not None}
        self.http = kwargs.get("http") or HttpClient(connection_timeout=kwargs.get("connection_timeout") or 2.0,
                                                     read_timeout=kwargs.get("read_timeout") or 30.0,
                                                     busy_retries=kwargs.get("busy_retries", 2))

    def _direct_request(self, method, url, headers=None, data=None, json=None, params=None, admin_mode=False,
                        pool_manager=None, force_master=False, **kwargs):
        """Send one request to ``url``; returns ``(response, decoded body)``."""
        with call_scope(self._global_kwargs, kwargs) as options:
            hdrs = request_headers(options, kwargs.get("reqid"), headers, kwargs.get("autocreate"))
            if admin_mode:
                hdrs["x-oio-admin"] = "1"
            if force_master:
                hdrs["x-oio-force-master"] = "1"
            start = time.monotonic()
            resp, body = self.http.json(method, build_url(url, "", params), body=data, json_body=json, headers=hdrs,
                                        retry_busy=kwargs.get("retry_busy", True),
                                        read_timeout=options.get("read_timeout"),
                                        connection_timeout=options.get("connection_timeout"))
            record_perfdata(options, resp, time.monotonic() - start)
            return resp, body

    def _request(self, method, url, endpoint=None, **kwargs):
        """``_direct_request`` to a path of ``endpoint`` (default: the client's)."""
        return self._direct_request(method, (endpoint or self.endpoint) + url, **kwargs)
