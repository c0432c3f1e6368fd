# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``fullpath`` chunk attribute (``oio.common.fullpath``)."""

from __future__ import annotations

from urllib.parse import unquote

from .utils import full_path


def encode_fullpath(account, container, path, version, content_id):
    """``account/container/path/version/content_id``, each part percent-encoded."""
    if not all((account, container, path, version, content_id)):
        raise ValueError("Can't encode fullpath: every part is needed")
    return full_path(account, container, path, version, content_id)


def decode_fullpath(fullpath):
    """``(account, container, path, version, content_id)`` of a fullpath."""
    parts = fullpath.split("/")
    if len(parts) != 5:
        raise ValueError("Wrong fullpath format: %r" % (fullpath,))
    return tuple(unquote(part) for part in parts)


def encode_old_fullpath(account, container, path, version):
    """The fullpath of chunks written by oio < 4.2: ``account/container/path/version``."""
    return "/".join(part.replace("/", "%2F") for part in (account, container, path, str(version)))


def decode_old_fullpath(old_fullpath):
    """``(account, container, path, version)`` of an old fullpath (the path may hold slashes)."""
    parts = old_fullpath.split("/")
    if len(parts) < 4:
        raise ValueError("Wrong old fullpath format: %r" % (old_fullpath,))
    return unquote(parts[0]), unquote(parts[1]), unquote("/".join(parts[2:-1])), unquote(parts[-1])
