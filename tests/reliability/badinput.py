# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input: generated invalid parameter sets for every module, run in-process against the lab.

Each case starts from a valid task and spoils one or two options (wrong type, out-of-range or malformed value,
NUL byte, huge value, unknown option, conflicting options). Every run must fail cleanly, before the backend is
touched: a traceback (ansible-core's own argument handling included), a message that names none of the spoiled
options, a spoiled task that succeeds and a backend that changed (read by the independent readers) fail the stage.
Values triaged as valid after all are not generated (DATA, UNSET_WHEN_EMPTY, LABELS and the notes in SPECIFIC say
why). The backend is emptied of an earlier run's leftovers first.
"""

from __future__ import annotations

import json
import os
import random

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from harness import (MODULES, Figures, connection, oio_http, oio_listing, rbd_cli, rbd_images, rbd_remove, run_inprocess,
                     xs_rm, xs_tree)

ACCOUNT, CONTAINER, XS_BASE, RBD_PREFIX = "rel-bad", "rel-bad", "/rel/bad", "rel-bad-"

# A valid task per module: the starting point every case spoils.
VALID = {
    "rbd_image": dict(name=RBD_PREFIX + "img", size="4M"),
    "rbd_image_info": dict(name=[RBD_PREFIX + "img"]),
    "rbd_snapshot": dict(image=RBD_PREFIX + "img", name="s1"),
    # The lab's client.ansible may not create or delete pools: a pool that is absent stays a no-op.
    "rbd_pool": dict(name=RBD_PREFIX + "pool", state="absent"),
    "oio_container": dict(account=ACCOUNT, name=CONTAINER),
    "oio_object": dict(account=ACCOUNT, container=CONTAINER, name="obj", content="data"),
    "oio_object_info": dict(account=ACCOUNT, container=CONTAINER, name="obj"),
    "xenstore_key": dict(path=XS_BASE + "/k", value="v"),
    "xenstore_info": dict(path=XS_BASE),
    "xenstore_watch": dict(path=XS_BASE + "/k", wait_timeout=1),
}
# The list forms' valid tasks: a share of each module's cases start from these instead.
VALID_BULK = {
    "oio_container": dict(account=ACCOUNT, containers=[{"name": CONTAINER}]),
    "oio_object": dict(account=ACCOUNT, container=CONTAINER, objects=[{"name": "obj", "content": "data"}]),
}
READ_ONLY = {"rbd_image_info", "oio_object_info", "xenstore_info", "xenstore_watch"}


class _Captured(Exception):
    pass


def argument_spec(module):
    """The full argument spec a module builds (captured from its AnsibleModule call)."""
    original = AnsibleModule.__init__
    captured = {}

    def capture(self, argument_spec, **kwargs):
        captured.update(spec=argument_spec, kwargs=kwargs)
        raise _Captured()

    AnsibleModule.__init__ = capture
    try:
        import importlib
        try:
            with patch_module_args({}):
                importlib.import_module("ansible_collections.datacenter.storage.plugins.modules." + module).main()
        except _Captured:
            pass
    finally:
        AnsibleModule.__init__ = original
    return captured["spec"], captured["kwargs"]


# Generated values triaged as valid after all: the backend takes them and the module does what they mean.
# - Data, not names: any string is a XenStore value (bytes, NUL included), an object's content, a key; a prefix
#   is a filter that may match nothing. Only the values in SPECIFIC spoil these.
DATA = {"value", "content", "key", "b2_application_key", "prefix"}
# - An empty connection option, policy or RBD namespace or group means "not set": the default applies.
UNSET_WHEN_EMPTY = {"endpoint", "account_url", "b2_api_url", "sds_conf", "b2_key_file", "ceph_conf", "keyring",
                    "socket_path", "xenbus_path", "policy", "group", "mime_type"}
# - Labels the backend keeps as they are: a MIME type, a storage policy (the namespace defines its policies and
#   refuses an unknown one when it is used, naming it; check mode cannot know them), an RBD name of any length
#   (librbd takes image, snapshot and group names thousands of characters long), a cluster name (it only names default paths).
LABELS = {"mime_type", "policy", "cluster", "name", "image", "rename_from", "group", "pool", "namespaces"}


# - An OpenIO account, container or object name is any string but NUL, up to 255 bytes (1,023 for an object):
#   "a/../b", "/", a newline are names (the proxy takes them as URL-encoded query parameters).
# - A MIME type or a storage policy of 4 kB is a header the proxy takes; 70 kB is not (the module refuses 8 kB).
# - A XenStore path "/" is the root node, which holds a value like any other.


def _is_rbd(module):
    return module.startswith("rbd")


def _free_form(module, name):
    """Options where "../../etc", "/", "a/../b" and control characters are valid."""
    return name in ("mime_type", "policy") or (module.startswith("oio") and name in ("name", "account", "container"))


def bad_values(spec, rng, name="", module=""):
    """Invalid values for the option ``name`` (of this spec) of ``module``."""
    kind = spec.get("type", "str")
    if name in DATA:
        return [{"a": [1]}] if kind == "dict" else [5] if kind == "list" else ["maybe"] if kind == "bool" else []
    huge = "x" * rng.choice([70000, 1 << 20] if name in ("mime_type", "policy") else [4097, 70000, 1 << 20])
    # A list or a dict given to a string option is no error: ansible-core turns it into its string.
    # A dict without suboptions takes {"a": [1]} too (its values become strings).
    free_dict = kind == "dict" and not spec.get("options")
    values = ["\x00", "a\x00b"] + ([] if kind in ("str", "path") or free_dict else [{"a": [1]}])
    if not (name in LABELS and _is_rbd(module)) and name != "cluster":
        values.append(huge)
    if kind not in ("str", "path") and not (kind == "list" and spec.get("elements") == "str"):
        values.append(["a", ["b"]])
    if kind in ("int", "float"):
        values += ["ten", "1e999x", "", [1], {"k": 1}, "0x", "--1", True and "true-ish"]
    if kind == "bool":
        values += ["maybe", 2, [True], "\x00"]
    if kind in ("str", "path", "raw"):  # (an int given to a string option is no error: it becomes its digits)
        empty_ok = name in UNSET_WHEN_EMPTY or (name in ("namespace", "src") and _is_rbd(module))
        values += [] if empty_ok else [""]
        if name == "mime_type" or not _free_form(module, name):  # (sent as a header: no control characters)
            values += ["\x01\x02", "name with\nnewline"]
        if not _free_form(module, name):
            values += ["a/../b", "../../etc"] + ([] if module == "xenstore_key" and name == "path" else ["/"])
    if kind == "list":  # (a list of strings takes anything: ansible-core makes strings of the items, 5 is ["5"])
        values += [{"a": 1}] + ([] if spec.get("elements") == "str" else [5, [["nested"]], [{"k": "\x00"}]])
    if kind == "dict":
        values += ["not a dict", [1, 2], 7, {"\x00": "v"}, {"k": {"deep": "\x00"}}]
    if spec.get("choices"):
        values += ["no-such-choice", "PRESENT", " present"]
    return values


def sizes(rng, valid=()):
    """A malformed or impossible size (``valid``: the ones this option takes after all)."""
    return rng.choice([v for v in ["-1", "4X", "1.5", "0", "9" * 40, "1E", "8E", "4M4", "NaN", "inf", "2 ** 64"]
                       if v not in valid])


# Option values each module must refuse whatever the generic values are: malformed names, paths, sizes.
SPECIFIC = {
    # (a size of 0 is an image librbd creates; whether 1E or 8E fit depends on the object size and the features:
    # librbd alone can tell, so check mode cannot, and its refusal names the size)
    "rbd_image": lambda rng: [("size", sizes(rng, valid=("0", "1E", "8E"))), ("name", rng.choice(["", "a/b", "a@b", "\x00", "x" * 5000])),
                              ("pool", rng.choice(["", "no-such-pool", "\x00", "a/b"])),
                              ("object_size", rng.choice(["3K", "64M", "1", "-4K"])), ("stripe_count", -3),
                              ("features", ["layering", "warp-drive"]),
                              ("images", [{"name": "a"}, {"name": "a"}]),
                              ("src", rng.choice(["/nonexistent", "/", "/dev/null/x"]))],
    "rbd_snapshot": lambda rng: [("name", rng.choice(["", "a@b", "\x00", "a/b"])),
                                 ("image", rng.choice(["", "no-such-image-zz", "\x00"]))],
    "rbd_image_info": lambda rng: [("pool", rng.choice(["", "no-such-pool", "\x00"])), ("name", ["\x00"])],
    # (a negative max_versions is no error: OpenIO keeps every version for any negative value; a quota of 1E,
    # 2^60 bytes, is one it can hold)
    "oio_container": lambda rng: [("name", rng.choice(["", "\x00", "x" * 5000])),
                                  ("quota", sizes(rng, valid=("0", "1E"))),
                                  ("max_versions", rng.choice(["many", 1.5])), ("account", rng.choice(["", "\x00"])),
                                  ("containers", rng.choice([[{"name": ""}], [{"name": "a"}, {"name": "a"}],
                                                             [{"name": "a", "quota": "4X"}], [{"policy": "x"}]]))],
    "oio_object": lambda rng: [("name", rng.choice(["", "\x00", "x" * 5000])), ("src", "/nonexistent/file"),
                               ("objects", rng.choice([[{"name": "\x00", "content": "x"}], [{"name": "a", "src": "/"}],
                                                       [{"container": "no-such-ct-zz", "name": "a", "content": "x"}],
                                                       [{"name": "a", "content": "x"}, {"name": "a", "content": "y"}],
                                                       [{"name": "never-stored-zz"}], [{"state": "absent"}],
                                                       [{"name": "a", "mime_type": "a\nb", "content": "x"}]])),
                               ("dest", rng.choice(["/nonexistent/dir/f", "/"])), ("container", "no-such-ct-zz"),
                               ("mode", rng.choice(["999", "u+q", "abc"]))],
    "oio_object_info": lambda rng: [("container", rng.choice(["", "no-such-ct-zz", "\x00"]))],
    "xenstore_key": lambda rng: [("path", rng.choice(["", "a//b", "/a/", "/a b", "/" + "x" * 4000, "/a\x00b"])),
                                 ("value", "v" * 5000), ("keys", rng.choice(["{not json", [], {}, [{"value": "x"}]])),
                                 ("permissions", rng.choice([{"owner": -1}, {"owner": 0, "others": "all"},
                                                             {"owner": 0, "domains": {"x": "read"}}]))],
    "xenstore_info": lambda rng: [("path", rng.choice(["", "a//b", "/a/", "/a b"])), ("depth", rng.choice([-2, -50]))],
    "xenstore_watch": lambda rng: [("path", rng.choice(["", "a//b", "/a/"])), ("wait_timeout", rng.choice([0, -1])),
                                   ("timeout", rng.choice([0, -5])), ("value", "v\x00")],
}


def _same_option(spec, name):
    """The other names of option ``name`` (its aliases, or the option and its other aliases)."""
    for key, option in spec.items():
        names = [key] + list(option.get("aliases") or ())
        if name in names:
            return [n for n in names if n != name]
    return []


def cases(module, count, seed):
    """``count`` spoiled parameter sets: (params, the names that were spoiled)."""
    rng = random.Random(seed)
    spec, _kwargs = argument_spec(module)
    options = [name for name in sorted(spec) if bad_values(spec[name], random.Random(0), name, module)]
    produced = []
    while len(produced) < count:
        bulk = module in VALID_BULK and rng.random() < 0.3
        params = dict(connection(module), **(VALID_BULK if bulk else VALID)[module])
        spoiled = []
        for _spoil in range(rng.choice([1, 1, 2])):
            roll = rng.random()
            if roll < 0.45 and SPECIFIC.get(module):
                name, value = rng.choice(SPECIFIC[module](rng))
            elif roll < 0.55:
                name, value = "no_such_option_%d" % rng.randrange(100), "x"
            else:
                name = rng.choice(options)
                value = rng.choice(bad_values(spec[name], rng, name, module))
            for other in _same_option(spec, name):  # an alias given too would win over the spoiled value
                params.pop(other, None)
            params[name] = value
            spoiled.append(name)
        produced.append((params, spoiled))
    return produced


def clean():
    """Remove what an earlier run may have left, so that every run starts from the same empty backend."""
    for name in rbd_images(RBD_PREFIX):
        rbd_remove(name)
    xs_rm(XS_BASE)
    oio_http("POST", "container/destroy?acct=%s&ref=%s&force=1" % (ACCOUNT, CONTAINER))


def backend_state():
    """What the bad input must not change, read independently: images and snapshots, keys, objects, container."""
    status, _h, body = oio_http("POST", "container/get_properties?acct=%s&ref=%s" % (ACCOUNT, CONTAINER))
    images = rbd_cli("ls", "-l", os.environ["CEPH_POOL"]) or []
    return {"rbd": sorted(json.dumps(e, sort_keys=True) for e in images if e["image"].startswith(RBD_PREFIX)),
            "rbd_groups": rbd_cli("group", "ls", os.environ["CEPH_POOL"]),
            "xs": xs_tree(XS_BASE), "oio": oio_listing(ACCOUNT, CONTAINER), "oio_ct": (status, body)}


def names_parameter(outcome, spoiled, spec):
    msg = outcome.msg
    for name in spoiled:
        aliases = spec.get(name, {}).get("aliases") or []
        if any(n in msg for n in [name] + aliases):
            return True
    return False


def run(per_module, seed, log):
    """Returns Figures; logs each problem found."""
    figures = Figures(modules=0, cases=0)
    clean()
    before = backend_state()
    for module in MODULES:
        if module not in VALID:
            log("bad input: no valid task known for %s" % module)
            figures.add("errors")
            continue
        figures.add("modules")
        spec = argument_spec(module)[0]
        for index, (params, spoiled) in enumerate(cases(module, per_module, "%s-%s" % (seed, module))):
            outcome = run_inprocess(module, params, check=index % 3 == 0)
            figures.add("cases")
            if outcome.traceback:  # ansible-core's own argument handling included: the spec must avoid its crashes
                figures.add("tracebacks")
                log("bad input: %s %r: traceback\n%s" % (module, spoiled, outcome.traceback[-1500:]))
            elif not outcome.failed:
                if module not in READ_ONLY:
                    figures.add("accepted")
                    log("bad input: %s accepted %r" % (module, {k: str(params[k])[:80] for k in spoiled}))
            elif not names_parameter(outcome, spoiled, spec):
                figures.add("unnamed_parameter")
                log("bad input: %s %r: message names none of them: %s" % (module, spoiled, outcome.msg[:300]))
            else:
                figures.add("clean_failures")
    after = backend_state()
    for key in before:
        if before[key] != after[key]:
            figures.add("backend_changes")
            log("bad input: the %s backend changed: %r -> %r" % (key, before[key], after[key]))
    return figures
