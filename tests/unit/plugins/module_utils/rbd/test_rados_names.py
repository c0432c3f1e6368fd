# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every public name of Debian's python3-rados 16.2 exists in our rados module, with the same value or signature.

The oracle is the installed Cython module itself (the lab installs python3-rados): a /usr/bin/python3
subprocess describes it as JSON, the test compares that description with our module. No cluster is needed.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados

# Run by /usr/bin/python3 (python3-rados is built for it): the surface of Ceph's module as JSON.
DESCRIBE = r'''
import inspect, json, rados

PROTOCOL = {"__init__", "__enter__", "__exit__", "__iter__", "__next__", "__str__"}

def first_line(obj):
    return (getattr(obj, "__doc__", None) or "").strip().split("\n")[0]

def describe_class(cls):
    members = {}
    for name, value in vars(cls).items():
        if name.startswith("_") and name not in PROTOCOL:
            continue
        kind = type(value).__name__
        if kind == "getset_descriptor":
            members[name] = {"kind": "attribute"}
        elif kind in ("int", "str", "float"):
            members[name] = {"kind": "constant", "value": value}
        elif callable(value):
            members[name] = {"kind": "method", "doc": first_line(value)}
    setup = getattr(cls, "_%s__setup" % cls.__name__, None)
    if setup is not None:
        members["__init__"] = {"kind": "method", "doc": first_line(setup)}
    return {"kind": "class", "mro": [c.__name__ for c in cls.__mro__], "doc": first_line(cls), "members": members}

out = {}
for name in dir(rados):
    if name.startswith("_"):
        continue
    value = getattr(rados, name)
    if inspect.isclass(value) and value.__module__ == "rados":
        out[name] = describe_class(value)
        if issubclass(value, BaseException):
            args = ("msg", 5, 4100) if name == "ExtendMismatch" else ("msg",)
            exc = value(*args)
            out[name]["str"] = str(exc)
            out[name]["errno"] = exc.errno
            if name != "ExtendMismatch":
                out[name]["str_errno"] = str(value("msg", errno=2))
    elif inspect.isclass(value) or inspect.ismodule(value) or getattr(value, "__module__", None) != "rados":
        out[name] = {"kind": "foreign", "name": getattr(value, "__name__", None) or repr(value)}
    elif callable(value):
        out[name] = {"kind": "function", "doc": first_line(value)}
    else:
        out[name] = {"kind": "constant", "value": value, "type": type(value).__name__}
print(json.dumps(out))
'''

# Extension types whose constructor the Cython module does not describe (from rados.pyx 16.2, __cinit__).
CINIT = {
    "Completion": "(self, ioctx, oncomplete, onsafe)",
    "Watch": "(self, ioctx, oid, callback, error_callback, timeout)",
    "Snap": "(self, ioctx, name, snap_id)",
    "OmapIterator": "(self, ioctx)",
    "ObjectIterator": "(self, ioctx)",
    "XattrIterator": "(self, ioctx, oid)",
    "SnapIterator": "(self, ioctx)",
    "WriteOp": "(self)",
    "ReadOp": "(self)",
    "WriteOpCtx": "(self)",
    "ReadOpCtx": "(self)",
}


@pytest.fixture(scope="module")
def upstream():
    proc = subprocess.run(["/usr/bin/python3", "-c", DESCRIBE], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, "python3-rados (the oracle, installed by the lab) cannot be described: %s" % (
        proc.stderr)
    return json.loads(proc.stdout)


def parse_signature(doc):
    """``Cls.meth(self, unicode key: str, offset: int = 0) -> int`` -> [(name, kind, default source or None)]."""
    match = re.match(r"^[\w.]*\((.*)\)(\s*->.*)?$", doc)
    if not match:
        return None
    params = re.sub(r"([(,]\s*|^)[A-Za-z_]\w*\s+(?=[A-Za-z_]\w*\s*[:=,)]|[A-Za-z_]\w*$)", r"\1", match.group(1))
    func = ast.parse("def f(%s): pass" % params).body[0]
    args = func.args
    result = []
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, defaults):
        result.append((arg.arg, "POSITIONAL_OR_KEYWORD", ast.unparse(default) if default is not None else None))
    if args.vararg:
        result.append((args.vararg.arg, "VAR_POSITIONAL", None))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        result.append((arg.arg, "KEYWORD_ONLY", ast.unparse(default) if default is not None else None))
    if args.kwarg:
        result.append((args.kwarg.arg, "VAR_KEYWORD", None))
    return result


def ours_signature(func, drop_self=False):
    params = list(inspect.signature(func).parameters.values())
    return [(p.name, p.kind.name, p.default) for p in params[1 if drop_self else 0:]]


def assert_same_signature(where, doc, func, namespace, drop_self=False):
    expected = parse_signature(doc)
    assert expected is not None, "%s: cannot read upstream's signature %r" % (where, doc)
    if drop_self and expected and expected[0][0] == "self":
        expected = expected[1:]
    got = ours_signature(func, drop_self)
    assert [entry[:2] for entry in got] == [entry[:2] for entry in expected], "%s: %r vs upstream %r" % (
        where, got, doc)
    for (name, _kind, default), (_n, _k, source) in zip(got, expected):
        if source is None:
            assert default is inspect.Parameter.empty, "%s: %s has a default, upstream none" % (where, name)
        else:
            value = eval(source, dict(vars(rados)), namespace)  # noqa: S307 - upstream's own default expressions
            assert default == value and type(default) is type(value), "%s: %s=%r, upstream %s" % (
                where, name, default, source)


def test_every_module_name_exists(upstream):
    missing = sorted(set(upstream) - set(dir(rados)))
    assert not missing, "names of python3-rados missing from ours: %s" % missing


def test_constants_have_upstream_values(upstream):
    for name, entry in upstream.items():
        if entry["kind"] == "constant":
            ours = getattr(rados, name)
            assert ours == entry["value"] and type(ours).__name__ == entry["type"], name


def test_foreign_names(upstream):
    for name, entry in upstream.items():
        if entry["kind"] == "foreign":
            ours = getattr(rados, name)
            assert (getattr(ours, "__name__", None) or repr(ours)) == entry["name"], name


def test_module_functions_signatures(upstream):
    for name, entry in upstream.items():
        if entry["kind"] == "function":
            assert_same_signature(name, entry["doc"], getattr(rados, name), {})


def test_classes_hierarchy(upstream):
    for name, entry in upstream.items():
        if entry["kind"] == "class":
            ours = getattr(rados, name)
            assert inspect.isclass(ours), name
            mro = [c.__name__ for c in ours.__mro__ if c.__module__ in (rados.__name__, "builtins")
                   and not c.__name__.startswith("_")]
            assert mro == entry["mro"], "%s: %s vs upstream %s" % (name, mro, entry["mro"])


def test_class_members_and_signatures(upstream):
    checked = 0
    for cls_name, entry in upstream.items():
        if entry["kind"] != "class":
            continue
        cls = getattr(rados, cls_name)
        namespace = dict(vars(cls))
        for name, member in entry["members"].items():
            where = "%s.%s" % (cls_name, name)
            if member["kind"] == "constant":
                assert getattr(cls, name) == member["value"], where
            elif member["kind"] == "method":
                assert callable(getattr(cls, name, None)), "%s missing" % where
                if parse_signature(member["doc"]) is not None:
                    assert_same_signature(where, member["doc"], getattr(cls, name), namespace)
                    checked += 1
        if cls_name in CINIT:
            assert_same_signature(cls_name + "()", cls_name + CINIT[cls_name], cls.__init__, namespace)
        elif "__init__" not in entry["members"] and parse_signature(entry["doc"]):
            assert_same_signature(cls_name + "()", "x" + entry["doc"][len(cls_name):], cls.__init__, namespace)
    assert checked > 150


def _instances():
    """Our objects that need no cluster, by class name."""
    cluster = rados.Rados()
    ioctx = rados.Ioctx(cluster, "pool")
    return cluster, {
        "Rados": cluster, "Ioctx": ioctx, "Completion": rados.Completion(ioctx, None, None),
        "Snap": rados.Snap(ioctx, "s", 1), "OmapIterator": rados.OmapIterator(ioctx),
        "Object": rados.Object(ioctx, "key"), "Version": rados.Version(16, 2, 15),
    }


def test_instance_attributes(upstream):
    cluster, instances = _instances()
    try:
        for cls_name, obj in instances.items():
            for name, member in upstream[cls_name]["members"].items():
                if member["kind"] == "attribute":
                    assert hasattr(obj, name), "%s.%s" % (cls_name, name)
    finally:
        cluster.shutdown()


def test_exceptions_format_and_errno(upstream):
    for name, entry in upstream.items():
        if entry["kind"] == "class" and "str" in entry:
            cls = getattr(rados, name)
            exc = cls("msg", 5, 4100) if name == "ExtendMismatch" else cls("msg")
            assert (str(exc), exc.errno) == (entry["str"], entry["errno"]), name
            if "str_errno" in entry:
                assert str(cls("msg", errno=2)) == entry["str_errno"], name
