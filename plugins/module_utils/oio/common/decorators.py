# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Decorators of ``oio.common.decorators`` (7.x): per-call keyword arguments and error mapping."""

from __future__ import annotations

from functools import wraps

from .constants import REQID_HEADER
from .exceptions import NoSuchAccount, NoSuchContainer, NoSuchObject, NotFound
from .utils import request_id


def ensure_headers(func):
    """Give the call a ``headers`` dict when it has none."""
    @wraps(func)
    def ensure_headers_wrapper(*args, **kwargs):
        kwargs["headers"] = dict(kwargs.get("headers") or {})
        return func(*args, **kwargs)
    return ensure_headers_wrapper


def ensure_request_id(func):
    """Give the call a request ID in ``headers`` (``reqid`` or a new one)."""
    @wraps(func)
    def ensure_request_id_wrapper(*args, **kwargs):
        headers = kwargs["headers"] = dict(kwargs.get("headers") or {})
        if REQID_HEADER not in headers:
            headers[REQID_HEADER] = kwargs.get("reqid") or request_id()
        return func(*args, **kwargs)
    return ensure_request_id_wrapper


def ensure_request_id2(prefix=""):
    """Give the call a ``reqid`` keyword argument (``prefix`` + a new ID) when it has none."""
    def _ensure_request_id2(func):
        @wraps(func)
        def ensure_request_id2_wrapper(*args, **kwargs):
            if not kwargs.get("reqid"):
                kwargs["reqid"] = request_id(prefix)
            return func(*args, **kwargs)
        return ensure_request_id2_wrapper
    return _ensure_request_id2


def patch_kwargs(fnc):
    """Complete the call's keyword arguments with the client's (``self._global_kwargs``)."""
    @wraps(fnc)
    def _patch_kwargs(self, *args, **kwargs):
        for key, value in self._global_kwargs.items():
            kwargs.setdefault(key, value)
        return fnc(self, *args, **kwargs)
    return _patch_kwargs


def handle_account_not_found(fnc):
    """Turn ``NotFound`` into ``NoSuchAccount``."""
    @wraps(fnc)
    def _wrapped(self, account, *args, **kwargs):
        try:
            return fnc(self, account, *args, **kwargs)
        except NotFound as err:
            raise NoSuchAccount("Account '%s' does not exist. (%s)" % (account, err.message)) from err
    return _wrapped


def handle_container_not_found(fnc):
    """Turn ``NotFound`` into ``NoSuchContainer``."""
    @wraps(fnc)
    def _wrapped(self, account, container, *args, **kwargs):
        try:
            return fnc(self, account, container, *args, **kwargs)
        except NotFound as err:
            raise NoSuchContainer("Container '%s/%s' does not exist. (%s)" % (account, container, err.message)) from err
    return _wrapped


def handle_object_not_found(fnc):
    """Turn ``NotFound`` into ``NoSuchContainer`` (status 406/431) or ``NoSuchObject``."""
    @wraps(fnc)
    def _wrapped(self, account, container, obj, *args, **kwargs):
        try:
            return fnc(self, account, container, obj, *args, **kwargs)
        except NotFound as err:
            if err.status in (406, 431):
                raise NoSuchContainer("Container '%s/%s' does not exist. (%s)" % (account, container, err.message)) from err
            raise NoSuchObject("Object '%s/%s/%s' does not exist. (%s)" % (account, container, obj, err.message)) from err
    return _wrapped
