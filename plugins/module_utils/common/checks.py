# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of connection option values shared by the backends' ``validate`` (they raise ParamError)."""

from __future__ import annotations

import ipaddress
import math
import os
import re
from urllib.parse import urlsplit

from .errors import ParamError

_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_HOSTNAME = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$")


def _host_ok(host):
    if ":" in host or re.match(r"^[0-9.]+$", host):  # an address: it must be one
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return False
        return True
    return len(host) <= 253 and all(0 < len(label) <= 63 for label in host.rstrip(".").split(".")) \
        and bool(_HOSTNAME.match(host))


def positive_seconds(params, *names):
    """Each of ``names`` (when set) is a finite number of seconds above zero."""
    for name in names:
        value = params.get(name)
        if value is not None and not (value > 0 and math.isfinite(value)):
            raise ParamError(name, value, "must be a positive number of seconds")


def not_empty(params, *names, label=""):
    """Each of ``names`` (when set) is a non-empty string."""
    for name in names:
        if params.get(name) is not None and not params[name].strip():
            raise ParamError(label + name, params[name], "must not be empty")


def http_urls(params, *names):
    """Each of ``names`` (when set and not empty) is an ``http://`` or ``https://`` URL naming a host."""
    for name in names:
        value = params.get(name)
        if not value:
            continue
        try:
            parts = urlsplit(value if "://" in value else "http://" + value)
            parts.port  # noqa: B018 - raises ValueError for a port out of range
        except ValueError as exc:
            raise ParamError(name, value, "not a URL: %s" % exc) from None
        if parts.scheme not in ("http", "https") or not _host_ok(parts.hostname or "") or _CONTROL.search(value) \
                or parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ParamError(name, value, "expected http://host[:port] or https://host[:port]")


def max_bytes(options, limits, label=""):
    """Each option of ``limits`` (name -> bytes) set in ``options`` is at most that long in UTF-8."""
    for name, limit in limits.items():
        size = len(options[name].encode("utf-8", "surrogatepass")) if isinstance(options.get(name), str) else 0
        if size > limit:
            raise ParamError(label + name, options[name][:64] + "...", "%d bytes: at most %d are allowed" % (size, limit))


def existing_files(params, *names):
    """Each of ``names`` (when set and not empty) is the path of an existing file."""
    for name in names:
        if params.get(name) and not os.path.isfile(params[name]):
            raise ParamError(name, params[name], "no such file")


# Servers refuse longer header lines (8 KiB is the usual bound; the OpenIO proxy answers with an HTML error page).
HEADER_MAX = 8000


def check_header(value, name):
    """Refuse control characters, and more than HEADER_MAX bytes, in an option sent as an HTTP header."""
    if value is not None and any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ParamError(name, value, "control characters are not allowed")
    if value is not None and len(value.encode("utf-8", "surrogatepass")) > HEADER_MAX:
        raise ParamError(name, value[:64] + "...", "longer than %d bytes, too long for an HTTP header" % HEADER_MAX)


def namespace_name(params, name="namespace"):
    """An OpenIO namespace name: letters, digits, ``_``, ``-`` and ``.`` (it is a path segment of every URL)."""
    value = params.get(name)
    if value and (not re.match(r"^[A-Za-z0-9_.-]+$", value) or value in (".", "..")):
        raise ParamError(name, value, "a namespace name has only letters, digits, '_', '-' and '.'")
