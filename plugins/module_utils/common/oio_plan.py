# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the OpenIO modules compute: containers and objects as they report them, and the changes a task makes."""

from __future__ import annotations

from .checks import check_header
from .errors import ParamError
from .units import parse_size

SYSTEM_KEYS = {"policy": "sys.m2.policy.storage", "max_versions": "sys.m2.policy.version", "quota": "sys.m2.quota"}
INTEGERS = ("version", "size", "length", "ctime", "mtime")


def _int_or_none(value):
    return None if value in (None, "") else int(value)


def properties_option(value):
    """A ``properties`` option as the service stores it: string keys and values."""
    return {str(k): "" if v is None else str(v) for k, v in (value or {}).items()}


def merged_properties(before, wanted, purge):
    """The properties an object or container should end with."""
    result = {} if purge else dict(before)
    result.update(wanted)
    return result


def describe_container(account, name, props):
    """The container as the modules return it, from ``container_get_properties`` (``{}``: a new container)."""
    system = props.get("system", {})
    quota = _int_or_none(system.get(SYSTEM_KEYS["quota"]))
    return {
        "name": name,
        "account": account,
        "properties": dict(props.get("properties", {})),
        "policy": system.get(SYSTEM_KEYS["policy"]) or None,
        "max_versions": _int_or_none(system.get(SYSTEM_KEYS["max_versions"])),
        "quota": quota or None,
        "objects": _int_or_none(system.get("sys.m2.objects")) or 0,
        "bytes": _int_or_none(system.get("sys.m2.usage")) or 0,
    }


def plan_container(account, item, before, label=""):
    """The container as the task leaves it (``{}``: absent), from ``item`` (the module's options for one container)
    and ``before`` (:func:`describe_container`, ``{}`` if absent). Raises ParamError naming ``label + option``."""
    name = item["name"]
    if not name or "\0" in name:
        raise ParamError(label + "name", name, "a container name must be a non-empty string without NUL")
    check_header(item["policy"], label + "policy")
    quota = None
    if item["quota"] is not None:
        try:
            quota = parse_size(item["quota"])
        except ValueError as exc:
            raise ParamError(label + "quota", item["quota"], str(exc)) from None
        if quota >= 1 << 63:
            raise ParamError(label + "quota", item["quota"], "more than OpenIO SDS can hold (2^63 - 1 bytes)")
    if item["state"] == "absent":
        return {}
    wanted = {"policy": item["policy"], "max_versions": item["max_versions"], "quota": quota}
    after = dict(before) if before else describe_container(account, name, {})
    if not before or item["properties"] is not None or item["purge_properties"]:
        after["properties"] = merged_properties(after["properties"], properties_option(item["properties"]),
                                                item["purge_properties"])
    for key, value in wanted.items():
        if value is not None:
            after[key] = value if key == "max_versions" else value or None
    return after


def container_updates(before, after):
    """``(properties to set, property keys to remove, system settings)`` that turn ``before`` into ``after``."""
    old = before.get("properties", {})
    changed = {k: v for k, v in after["properties"].items() if old.get(k) != v}
    removed = [k for k in old if k not in after["properties"]]
    system = {}
    for key, sys_key in SYSTEM_KEYS.items():
        if after[key] != before.get(key):
            system[sys_key] = str(after[key]) if after[key] is not None else ("0" if key == "quota" else "")
    return changed, removed, system


def normalise_object(meta):
    """An object's metadata with integers as integers, ``deleted`` as a bool and the MD5 in upper case."""
    result = dict(meta)
    for key in INTEGERS:
        if result.get(key) not in (None, ""):
            result[key] = int(result[key])
    if isinstance(result.get("deleted"), str):
        result["deleted"] = result["deleted"].lower() == "true"
    if result.get("hash"):
        result["hash"] = result["hash"].upper()
    return result


def describe_object(meta):
    """An object as oio_object returns it, from ``object_get_properties`` or a listing entry."""
    meta = normalise_object(meta)
    return {
        "name": meta["name"],
        "size": meta.get("size") or meta.get("length") or 0,
        "hash": meta.get("hash") or "",
        "policy": meta.get("policy"),
        "mime_type": meta.get("mime_type"),
        "version": meta.get("version"),
        "properties": dict(meta.get("properties") or {}),
    }
