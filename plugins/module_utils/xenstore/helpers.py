# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of paths and permissions, and errno to exception, as pyxs does them.

Paths and permissions may be ``bytes`` (as in pyxs) or ``str`` (an extension).
"""

from __future__ import annotations

import errno
import os
import re

from .exceptions import InvalidPath, InvalidPermission, PyXSError

__all__ = ["check_path", "check_watch_path", "check_perms", "error"]

_CODES = {name: code for code, name in errno.errorcode.items()}
# The accepted paths: letters, digits, "-/_@", an optional trailing NUL; at most 3072 bytes.
_PATH = re.compile(br"[a-zA-Z0-9\-/_@]+\x00?\Z")
PATH_MAX = 3072
_match = _PATH.match
# The same rules in one pattern (no "//", no trailing "/" unless followed by the NUL, or "/" alone), checked once per call.
_SEGMENT = br"[a-zA-Z0-9\-_@]+"
_valid = re.compile(br"(?:/?(?:%s/)*%s(?:/?\x00)?|/\x00?)\Z" % (_SEGMENT, _SEGMENT)).match
_BAD_CHAR = re.compile(r"[^a-zA-Z0-9\-/_@]")
_SPECIAL = re.compile(br"@(?:introduceDomain|releaseDomain)\x00?\n?\Z")
_PERM = re.compile(br"[wrbn]\d+\Z")


def error(smth):
    """The :class:`PyXSError` for an errno number or an errno name (bytes): ``(errno, strerror)``."""
    if isinstance(smth, bytes):
        smth = _CODES.get(smth.decode(), 0)
    return PyXSError(smth, os.strerror(smth))


def _encoded(text):
    return text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text


def _path_error(path, encoded):
    if encoded.endswith(b"\n") and _match(encoded[:-1]) and len(encoded) <= PATH_MAX and b"//" not in encoded:
        # pyxs's pattern lets a trailing newline through; its 7-bit check then refuses it.
        return ValueError((path,))
    bad = _BAD_CHAR.search(path if isinstance(path, str) else encoded.decode("latin-1"))
    if not encoded:
        why = "path is empty"
    elif len(encoded) > PATH_MAX:
        why = "path is longer than %d bytes" % PATH_MAX
    elif bad:
        why = "character %r is not allowed (only letters, digits, '-', '/', '_' and '@')" % bad.group()
    else:
        why = "empty path segment (double or trailing '/')"
    exc = InvalidPath(path)
    exc.detail = why
    return exc


def encoded_path(path):
    """``path`` as bytes once it is checked (:func:`check_path` raises the same errors)."""
    encoded = path.encode("utf-8", "surrogateescape") if path.__class__ is str else path
    if _valid(encoded) is None or len(encoded) > PATH_MAX:
        raise _path_error(path, encoded)
    return encoded


def check_path(path):
    """Return ``path`` if it is a valid node path, else raise :exc:`InvalidPath`."""
    encoded_path(path)
    return path


def check_watch_path(wpath):
    """Return ``wpath`` if it is a valid path or ``@introduceDomain``/``@releaseDomain``, else raise :exc:`InvalidPath`."""
    encoded = _encoded(wpath)
    if encoded.startswith(b"@") and not _SPECIAL.match(encoded):
        exc = InvalidPath(wpath)
        exc.detail = "the special paths are @introduceDomain and @releaseDomain"
        raise exc
    check_path(wpath)
    return wpath


def check_perms(perms):
    """Return ``perms`` if each is ``w|r|b|n`` followed by a domain id, else raise :exc:`InvalidPermission`."""
    for perm in perms:
        if not _PERM.match(_encoded(str(perm) if isinstance(perm, tuple) else perm)):
            raise InvalidPermission(perm)
    return perms
