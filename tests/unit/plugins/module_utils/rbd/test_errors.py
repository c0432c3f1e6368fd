# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""errno -> rbd exception classes named as in Ceph's module, worded for operators."""

from __future__ import annotations

import copy
import errno
import pickle

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


@pytest.mark.parametrize("exc", [rados.Error("m", 5), rados.OSError("m"), rados.ObjectNotFound("m", 2),
                                 rados.ExtendMismatch("m", 4095, 3), rbd.OSError("m", 5), rbd.ImageNotFound("m", 2),
                                 rbd.InvalidArgument("m")])
def test_pickling_fails_as_in_ceph(exc):
    """python3-rados/rbd 16.2's ``__reduce__`` returns ``(cls, (self.message, self.errno))`` and none of their
    exceptions sets ``message``: pickling or copying one raises AttributeError, and ours do the same."""
    with pytest.raises(AttributeError, match="'%s' object has no attribute 'message'" % type(exc).__name__):
        pickle.dumps(exc)
    with pytest.raises(AttributeError):
        copy.copy(exc)


def test_pickling_with_message_set_prefixes_again_as_in_ceph():
    """Given ``message``, the class is called again with it, so its prefix is added once more (Ceph's behaviour)."""
    exc = rados.ObjectNotFound("m", 2)
    exc.message = str(exc.args[0])
    back = pickle.loads(pickle.dumps(exc))
    assert back.__class__ is rados.ObjectNotFound and back.errno == 2
    assert str(back) == "[errno 2] RADOS object not found (RADOS object not found (m))"
    exc = rbd.ImageNotFound("m")
    exc.message = "m"
    assert str(pickle.loads(pickle.dumps(exc))) == "RBD image not found (m)"


def test_rbd_error_pickles_as_a_plain_exception():
    back = pickle.loads(pickle.dumps(rbd.Error("m", 5)))
    assert back.__class__ is rbd.Error and back.args == ("m", 5)
