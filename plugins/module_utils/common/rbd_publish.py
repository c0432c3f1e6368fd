# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Giving a complete staging image its name, with an outcome known before the module reports it.

librbd's ``rbd_rename`` opens the image, renames and closes it, each step with its own waits: with an OSD stopped
it ran several op timeouts in a row, and an ETIMEDOUT from it could come after the rename took effect (or the
rename could reach the OSD after the module had given up). Here the rename is four RADOS operations, each bounded
by ``rados_osd_op_timeout``, in the order librbd makes them, and the one that makes the image visible under its
name (``rbd_id.<name>`` holding the image id) is guarded by a lease:

1. ``rbd_id.<name>`` created empty (exclusively: the name is free) with a cls_lock lock of ``lease`` seconds. An
   empty ``rbd_id`` object is no image: librbd opens it as "not found".
2. the commit: the image id written to it, only if the lock is still held. A commit that reaches the OSD after
   the lease (an OSD stopped, then resumed once the module has given up) fails there and changes nothing.
3. ``rbd_directory`` renames the entry (what ``rbd ls`` lists); 4. ``rbd_id.<staging>`` removed.

When the commit's answer does not come, the lease is let run out and the object read: the id is there (made,
success with a warning), it is empty (never made: removed, failure), or the OSD still does not answer (failure: a
late commit cannot take effect any more, and one made just before the OSD stopped is withdrawn by an operation
queued after it).
"""

from __future__ import annotations

import errno
import os
import struct
import time

from ..rbd import rados as librados
from ..rbd import rbd as librbd

LEASE = "rbd_image"
LEASE_XATTR = "lock." + LEASE  # where cls_lock keeps the lock: removed with the commit
LEASE_SLACK = 0.5  # seconds past the lease before its end is taken for granted


def _string(value):
    raw = value.encode("utf-8")
    return struct.pack("<I", len(raw)) + raw


def _struct(payload):
    """Ceph's ENCODE_START(1, 1) framing."""
    return struct.pack("<BBI", 1, 1, len(payload)) + payload


def _lock_op(cookie, seconds):
    """cls_lock_lock_op: an exclusive lock ``LEASE`` held for ``seconds``."""
    whole = int(seconds)
    return _struct(_string(LEASE) + b"\x01" + _string(cookie) + _string("") + _string("")
                   + struct.pack("<II", whole, int((seconds - whole) * 1e9)) + b"\x00")


def _assert_op(cookie):
    """cls_lock_assert_op: the lock ``LEASE`` is held by this client with ``cookie`` (EBUSY once it expired)."""
    return _struct(_string(LEASE) + b"\x01" + _string(cookie) + _string(""))


def id_object(name):
    return "rbd_id." + name


def _run(ioctx, oid, *steps):
    """One compound write to ``oid``: each step is a :class:`WriteOp` method name and its arguments."""
    op = librados.WriteOp().create()
    try:
        for method, *args in steps:
            getattr(op, method)(*args)
        ioctx.operate_write_op(op, oid)
    finally:
        op.release()


def _drop_abandoned(ioctx, oid):
    """Remove ``oid`` if it is an empty ``rbd_id`` object whose lease ran out (left by a run whose step 1 came late);
    False if it is an image's or another run holds it."""
    try:
        size, _mtime = ioctx.stat(oid)
    except librados.ObjectNotFound:
        return True
    if size:
        return False
    version = ioctx.get_last_version()
    try:  # unchanged since read, and no lease held (taking one fails with EBUSY): then gone
        _run(ioctx, oid, ("assert_version", version), ("execute", "lock", "lock", _lock_op(os.urandom(8).hex(), 1)),
             ("remove",))
    except (librados.ObjectBusy, librados.ObjectNotFound):
        return False
    except librados.Error as exc:
        if exc.errno not in (errno.ERANGE, errno.EOVERFLOW):  # the version moved on
            raise
        return False
    return True


def publish(ioctx, image_id, staging, name, lease):
    """Give the complete image ``staging`` (id ``image_id``) the name ``name``, in ``ioctx``'s pool and namespace.

    Returns warnings (strings) when the name was given with a step whose answer did not come; raises
    ImageExists or the cluster's error (a timeout) when it was not given: then nothing is under ``name``,
    and a late step cannot put it there."""
    dest, cookie = id_object(name), os.urandom(8).hex()
    take = (("new", librados.LIBRADOS_CREATE_EXCLUSIVE), ("execute", "lock", "lock", _lock_op(cookie, lease)))
    try:
        _run(ioctx, dest, *take)
    except librados.ObjectExists:
        if not _drop_abandoned(ioctx, dest):
            raise librbd.ImageExists("%s already exists" % name, errno=errno.EEXIST) from None
        _run(ioctx, dest, *take)
    leased = time.monotonic()
    try:
        _run(ioctx, dest, ("execute", "lock", "assert_locked", _assert_op(cookie)),
             ("execute", "rbd", "set_id", _string(image_id)), ("rm_xattr", LEASE_XATTR))
    except librados.Error as exc:
        if not _commit_took_effect(ioctx, dest, image_id, leased + lease + LEASE_SLACK, exc):
            raise
        warnings = ["the answer to giving %s its name did not come (%s), but it took effect" % (name, exc)]
    else:
        warnings = []
    renamed = _string(staging) + _string(name) + _string(image_id)
    steps = (("rename it in rbd_directory", lambda: ioctx.execute("rbd_directory", "rbd", "dir_rename_image", renamed)),
             ("remove %s" % id_object(staging), lambda: ioctx.remove_object(id_object(staging))))
    for what, step in steps:
        try:
            step()
        except librados.Error as exc:
            warnings.append("%s is made, but could not %s (%s): rbd ls may list it as %s until that is done"
                            % (name, what, exc, staging))
            break
    return warnings


def _commit_took_effect(ioctx, dest, image_id, lease_end, exc):
    """After a commit whose answer did not come: True if ``dest`` holds the id. Waits for the lease to end first, so
    that a commit still on its way can no longer take effect; removes ``dest`` when it was not."""
    if exc.errno in (errno.EBUSY, errno.ENOENT):  # refused by the OSD: the lease had run out, or dest is gone
        _forget(ioctx, dest)
        return False
    time.sleep(max(0.0, lease_end - time.monotonic()))
    try:
        content = ioctx.read(dest)
    except librados.ObjectNotFound:
        return False
    except librados.Error:
        # Still no answer. Had the commit been made just before the OSD stopped, its answer lost, this withdrawal
        # (after it on the same connection, so after it on the OSD) takes the name back once the OSD answers.
        try:
            _run(ioctx, dest, ("cmpext", _string(image_id), 0), ("remove",))
        except librados.Error:
            pass
        return False
    if content == _string(image_id):
        return True
    _forget(ioctx, dest)
    return False


def _forget(ioctx, dest):
    """Remove the empty ``dest`` of a name not given (left to the next run when the cluster does not answer)."""
    try:
        _drop_abandoned(ioctx, dest)
    except librados.Error:
        pass
