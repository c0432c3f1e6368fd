# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every public name of Debian's python3-rbd 16.2 exists in our rbd module, alike.

The oracle is the installed module itself (the lab installs python3-rbd; it is built for the same Python
3.11 as the venv): its names, constant values, exception hierarchy and errno table, and the signatures
that its docstrings carry (Cython's embedsignature). Without python3-rbd this fails; under a Python that
Debian's build cannot be loaded into (the matrix's 3.12 controller) it is skipped, saying so.
"""

from __future__ import annotations

import errno
import glob
import importlib.util
import inspect
import re
import sys

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rbd as ours

DIST = "/usr/lib/python3/dist-packages"


def _load_upstream(name):
    """Ceph's module ``name`` from python3-rados/rbd, loaded by path (the venv does not see dist-packages)."""
    if name in sys.modules and getattr(sys.modules[name], "__file__", "").startswith(DIST):
        return sys.modules[name]
    tag = sys.implementation.cache_tag.replace("cpython-", "")
    path = "%s/%s.cpython-%s-%s.so" % (DIST, name, tag, sys.implementation._multiarch)
    builds = glob.glob("%s/%s.cpython-*.so" % (DIST, name))
    assert builds, "python3-%s is not installed (%s): the lab installs it" % (name, path)
    if path not in builds:  # the matrix's other controller Pythons: Debian builds it for its own python3 only
        pytest.skip("python3-%s is built for %s, not for this Python %d.%d" % (name, ", ".join(builds), *sys.version_info[:2]),
                    allow_module_level=True)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_load_upstream("rados")
UPSTREAM = _load_upstream("rbd")
PUBLIC = sorted(name for name in dir(UPSTREAM) if not name.startswith("_"))
EXCEPTIONS = [n for n in PUBLIC
              if isinstance(getattr(UPSTREAM, n), type) and issubclass(getattr(UPSTREAM, n), BaseException)]
CLASSES = [n for n in PUBLIC if isinstance(getattr(UPSTREAM, n), type) and n not in EXCEPTIONS
           and getattr(UPSTREAM, n).__module__ == "rbd"]
CONSTANTS = [n for n in PUBLIC if isinstance(getattr(UPSTREAM, n), (int, str))]


def test_upstream_is_the_16_2_module():
    assert len(PUBLIC) >= 140 and len(CONSTANTS) == 91


@pytest.mark.parametrize("name", PUBLIC)
def test_name_exists(name):
    assert hasattr(ours, name), "rbd.%s is missing" % name


@pytest.mark.parametrize("name", CONSTANTS)
def test_constant_value(name):
    assert getattr(ours, name) == getattr(UPSTREAM, name)
    assert type(getattr(ours, name)) is type(getattr(UPSTREAM, name))


@pytest.mark.parametrize("name", EXCEPTIONS)
def test_exception_hierarchy(name):
    mine, theirs = getattr(ours, name), getattr(UPSTREAM, name)
    assert [cls.__name__ for cls in mine.__mro__] == [cls.__name__ for cls in theirs.__mro__]
    for base in theirs.__mro__[1:]:
        if base.__module__ == "rbd":
            assert issubclass(mine, getattr(ours, base.__name__))
    if issubclass(theirs, UPSTREAM.OSError):
        mine_exc, their_exc = mine("boom", errno=5), theirs("boom", errno=5)
        assert mine_exc.errno == their_exc.errno == 5
        assert str(mine_exc).startswith("[errno 5] ") and str(their_exc).startswith("[errno 5] ")


@pytest.mark.parametrize("code", sorted(set(errno.errorcode) | {125}))
def test_errno_maps_to_the_same_class(code):
    """``make_ex`` picks the class upstream picks; probed through upstream's own ``Image.require_not_closed``
    is not possible, so through the documented table: the exception class named alike."""
    mine = ours.make_ex(-code, "x")
    expected = {errno.EPERM: "PermissionError", errno.ENOENT: "ImageNotFound", errno.EIO: "IOError",
                errno.ENOSPC: "NoSpace", errno.EEXIST: "ImageExists", errno.EINVAL: "InvalidArgument",
                errno.EROFS: "ReadOnlyImage", errno.EBUSY: "ImageBusy", errno.ENOTEMPTY: "ImageHasSnapshots",
                errno.ENOSYS: "FunctionNotSupported", errno.EDOM: "ArgumentOutOfRange",
                errno.ESHUTDOWN: "ConnectionShutdown", errno.ETIMEDOUT: "Timeout", errno.EDQUOT: "DiskQuotaExceeded",
                errno.EOPNOTSUPP: "OperationNotSupported", errno.ECANCELED: "OperationCanceled"}.get(code, "OSError")
    assert type(mine).__name__ == expected and mine.errno == code
    assert isinstance(mine, getattr(ours, expected))


def _members(cls):
    return sorted(name for name in dir(cls) if not name.startswith("_"))


@pytest.mark.parametrize("name", CLASSES)
def test_class_members(name):
    missing = set(_members(getattr(UPSTREAM, name))) - set(dir(getattr(ours, name)))
    assert not missing, "rbd.%s lacks %s" % (name, sorted(missing))


def _documented_signature(func):
    """Parameters from an embedsignature docstring: [(name, default text or None)], or None if undocumented."""
    match = re.match(r"\s*[\w.]+\((.*?)\)\s*(?:\n|$)", func.__doc__ or "")
    if not match:
        return None
    params = []
    for part in [p.strip() for p in match.group(1).split(",") if p.strip()]:
        part = part.split(" ")[-1] if "=" not in part else part  # "Image image" -> "image"
        name, _sep, default = part.partition("=")
        params.append((name.strip(), default.strip() or None))
    return params


def _signatures():
    for cls_name in CLASSES:
        cls = getattr(UPSTREAM, cls_name)
        for member in _members(cls) + ["__init__"]:
            params = _documented_signature(getattr(cls, member, None)) if member != "__init__" else \
                _documented_signature(cls)
            if params is not None:
                yield pytest.param(cls_name, member, params, id="%s.%s" % (cls_name, member))


def _default(text):
    scope = {name: getattr(ours, name) for name in PUBLIC if name.isupper()}
    return eval(text, scope)  # noqa: S307 - defaults from the installed module's own docstrings


@pytest.mark.parametrize("cls_name, member, params", list(_signatures()))
def test_signature(cls_name, member, params):
    """Upstream's parameters come first in ours, with the same names and defaults; extras only after, with defaults."""
    target = getattr(ours, cls_name)
    func = target.__init__ if member == "__init__" else getattr(target, member)
    mine = list(inspect.signature(func).parameters.values())
    if params and params[0][0] == "self":
        params = params[1:]
    if mine and mine[0].name == "self":
        mine = mine[1:]
    assert [p.name for p in mine[:len(params)]] == [name for name, _default_text in params]
    for (name, default_text), param in zip(params, mine):
        if default_text is None:
            assert param.default is inspect.Parameter.empty, name
        else:
            assert param.default == _default(default_text), name
    assert all(p.default is not inspect.Parameter.empty for p in mine[len(params):])


def test_features_incompatible_is_cephs():
    assert ours.RBD_FEATURES_INCOMPATIBLE == 2179


def test_no_undocumented_signature_is_left_unchecked():
    """Image methods are wrapped upstream (their signatures are not exposed): they are compared on the cluster
    by the differential suite; every other class's methods carry one."""
    unchecked = [(c, m) for c in ["RBD", "Group", "Completion"] for m in _members(getattr(UPSTREAM, c))
                 if _documented_signature(getattr(getattr(UPSTREAM, c), m)) is None]
    assert unchecked == []
