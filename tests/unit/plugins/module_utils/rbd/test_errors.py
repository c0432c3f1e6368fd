# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""errno -> rbd exception classes named as in Ceph's module, worded for operators."""

from __future__ import annotations

import errno

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.rbd import errors, rados, rbd


def test_rados_and_rbd_hierarchies_are_apart():
    rbd_exc = rbd.make_ex(-errno.ENOENT, "x")
    assert isinstance(rbd_exc, rbd.ImageNotFound) and not isinstance(rbd_exc, (rados.Error, errors.Error))
    assert not issubclass(rados.ObjectNotFound, rbd.Error)


def test_unknown_errno_is_plain_oserror_with_errno():
    exc = rbd.make_ex(-errno.EXDEV, "link")
    assert exc.__class__ is rbd.OSError and exc.errno == errno.EXDEV and str(exc).startswith("[errno 18] ")
    assert "Invalid cross-device link" in str(exc)


@pytest.mark.parametrize("code", [errno.EPERM, errno.EACCES])
def test_cephx_refusals_read_permission_denied(code):
    assert "permission denied" in str(rbd.make_ex(-code, "open image x"))
    assert errors.reason(code).startswith("permission denied")


def test_group_calls_use_object_classes():
    assert isinstance(rbd.make_ex(-errno.ENOENT, "x", rbd._GROUP_ERRNO_TO_EXCEPTION), rbd.ObjectNotFound)
    assert isinstance(rbd.make_ex(-errno.EEXIST, "x", rbd._GROUP_ERRNO_TO_EXCEPTION), rbd.ObjectExists)
