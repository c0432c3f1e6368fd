# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""errno -> exception classes named as in Ceph's rados/rbd modules."""

from __future__ import annotations

import errno

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.rbd import errors
from ansible_collections.datacenter.storage.plugins.module_utils.rbd.errors import RBD_ERRORS, make_error


@pytest.mark.parametrize("code, cls", [
    (errno.ENOENT, errors.ImageNotFound),
    (errno.EEXIST, errors.ImageExists),
    (errno.EBUSY, errors.ImageBusy),
    (errno.ENOTEMPTY, errors.ImageHasSnapshots),
    (errno.EPERM, errors.PermissionError),
    (errno.EACCES, errors.PermissionError),
    (errno.EINVAL, errors.InvalidArgument),
    (errno.ETIMEDOUT, errors.TimedOut),
    (errno.EROFS, errors.ReadOnlyImage),
    (errno.ENOSYS, errors.FunctionNotSupported),
    (errno.EDOM, errors.ArgumentOutOfRange),
    (errno.EDQUOT, errors.DiskQuotaExceeded),
])
def test_rbd_mapping(code, cls):
    exc = make_error(-code, "do it")
    assert isinstance(exc, cls)
    assert exc.errno == code
    assert str(exc).startswith("[errno %d] do it: " % code)


def test_unknown_errno_is_a_plain_oserror_with_strerror():
    exc = make_error(-errno.EXDEV, "link")
    assert exc.__class__ is errors.OSError
    assert "Invalid cross-device link" in str(exc)


def test_permission_messages_say_permission_denied():
    for code in (errno.EPERM, errno.EACCES):
        assert "permission denied" in str(make_error(-code, "open pool rbd"))


def test_timeout_alias_and_hierarchy():
    assert errors.Timeout is errors.TimedOut
    for cls in set(RBD_ERRORS.values()):
        assert issubclass(cls, errors.OSError)
        assert issubclass(cls, errors.Error)
