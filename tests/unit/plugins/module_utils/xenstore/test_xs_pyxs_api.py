# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Our XenStore package against Debian's python3-pyxs: every public name and signature, and the same validation.

pyxs is loaded from Debian's dist-packages by path (the lab installs python3-pyxs), not from the venv.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

OURS = "ansible_collections.datacenter.storage.plugins.module_utils.xenstore"
PYXS_DIR = "/usr/lib/python3/dist-packages/pyxs"
MODULES = ["", ".client", ".connection", ".exceptions", ".helpers", "._compat"]


def _load_pyxs():
    """Debian's pyxs package, imported from its directory under the name ``pyxs``."""
    if "pyxs" in sys.modules:
        return sys.modules["pyxs"]
    spec = importlib.util.spec_from_file_location("pyxs", os.path.join(PYXS_DIR, "__init__.py"),
                                                  submodule_search_locations=[PYXS_DIR])
    module = importlib.util.module_from_spec(spec)
    sys.modules["pyxs"] = module
    spec.loader.exec_module(module)
    return module


if not os.path.isfile(os.path.join(PYXS_DIR, "__init__.py")):
    pytest.skip("python3-pyxs is not installed (apt-get install python3-pyxs; the lab installs it)", allow_module_level=True)
_load_pyxs()


def _public_names(module):
    """``__all__`` plus the public functions and classes the module defines itself."""
    names = set(getattr(module, "__all__", ()))
    names.update(name for name, value in vars(module).items()
                 if not name.startswith("_") and (inspect.isclass(value) or inspect.isfunction(value))
                 and getattr(value, "__module__", None) == module.__name__)
    return sorted(names)


def _api():
    """``(pyxs module suffix, name)`` for every public name of every public pyxs module."""
    return [(suffix, name) for suffix in MODULES for name in _public_names(importlib.import_module("pyxs" + suffix))]


def _members(cls):
    """A pyxs class's own public methods, properties and class attributes (and the protocol dunders it defines)."""
    internal = ("__dict__", "__weakref__", "__module__", "__doc__", "__slots__", "__qualname__")
    return sorted(name for name in vars(cls) if not name.startswith("_")
                  or (name.startswith("__") and name.endswith("__") and name not in internal))


def _check_signature(theirs, ours, what):
    """Ours must take every parameter pyxs's takes: same name, kind and order, pyxs's default if it has one
    (a default where pyxs has none is an extension); extras must be optional."""
    try:
        expected = list(inspect.signature(theirs).parameters.values())
    except (TypeError, ValueError):
        return
    got = list(inspect.signature(ours).parameters.values())
    assert len(got) >= len(expected), "%s: %s takes fewer parameters than pyxs's %s" % (what, got, expected)
    for mine, their in zip(got, expected):
        assert (mine.name, mine.kind) == (their.name, their.kind), "%s: parameter %s differs from pyxs's %s" % (what, mine, their)
        assert their.default is inspect.Parameter.empty or mine.default == their.default, \
            "%s: parameter %s has not pyxs's default %s" % (what, mine, their)
    for extra in got[len(expected):]:
        assert extra.default is not inspect.Parameter.empty or extra.kind in (
            inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD), "%s: extra parameter %s is required" % (what, extra)


@pytest.mark.parametrize("suffix,name", _api(), ids=lambda v: v or "pyxs")
def test_every_public_pyxs_name_is_ours_with_the_same_signature(suffix, name):
    theirs = getattr(importlib.import_module("pyxs" + suffix), name)
    module = importlib.import_module(OURS + suffix)
    assert hasattr(module, name), "%s%s has no %s" % (OURS, suffix, name)
    ours = getattr(module, name)
    what = "pyxs%s.%s" % (suffix, name)
    if inspect.isclass(theirs):
        assert inspect.isclass(ours), what
        for base in theirs.__mro__[1:]:
            if base is not object:
                assert base.__name__ in {b.__name__ for b in ours.__mro__}, "%s: not a subclass of %s" % (what, base.__name__)
        for member in _members(theirs):
            assert hasattr(ours, member), "%s has no %s" % (what, member)
            their_member = inspect.getattr_static(theirs, member)
            our_member = inspect.getattr_static(ours, member)
            if isinstance(their_member, property):
                assert isinstance(our_member, property), "%s.%s is not a property" % (what, member)
            elif callable(their_member):
                _check_signature(getattr(theirs, member), getattr(ours, member), "%s.%s" % (what, member))
    elif callable(theirs):
        _check_signature(theirs, ours, what)


def test_the_enumeration_found_pyxs_api():
    """Guards the enumeration itself: the names the pyxs tutorial uses are among those checked."""
    found = set(_api())
    assert {("", "Client"), ("", "Monitor"), ("", "xs"), ("", "PyXSError"), ("", "monitor"), (".client", "RVar"),
            (".connection", "XenBusConnection"), (".helpers", "check_path"), ("._compat", "Error")} <= found
    pyxs = sys.modules["pyxs"]
    assert {"list", "delete", "transaction", "commit", "rollback", "walk", "__getitem__"} <= set(_members(pyxs.Client))


paths = st.one_of(st.binary(max_size=12), st.text("ab/-_@.\0\n ", max_size=12).map(str.encode),
                  st.integers(3060, 3080).map(lambda n: b"/" + b"a" * (n - 1)))


def _outcome(check, value):
    try:
        return check(value)
    except Exception as exc:  # noqa: BLE001 - the exception class is what is compared
        return type(exc).__name__


@given(paths)
def test_path_validation_is_pyxs_s(path):
    from pyxs import helpers as theirs
    from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import helpers as ours
    for name in ("check_path", "check_watch_path"):
        expected = _outcome(getattr(theirs, name), path)
        if expected == path and path.endswith(b"\n"):
            expected = "ValueError"  # pyxs's pattern lets a trailing newline through to its 7-bit check
        assert _outcome(getattr(ours, name), path) == expected, (name, path)


@given(st.lists(st.one_of(st.binary(max_size=5), st.sampled_from([b"n0", b"r12", b"w3", b"b44"])), max_size=4))
def test_permission_validation_is_pyxs_s(perms):
    from pyxs import helpers as theirs
    from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import helpers as ours
    assert _outcome(ours.check_perms, perms) == _outcome(theirs.check_perms, perms)
