# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input: generated invalid parameter sets for every module, run in-process against the lab.

Each case starts from a valid task and spoils one or two options (wrong type, out-of-range or malformed value,
NUL byte, huge value, unknown option, conflicting options). Every run must fail cleanly: a traceback fails the
stage. A message that names none of the spoiled options, a spoiled task that succeeds (some spoiled values are
valid after all: they need triage) and a backend that changed (read by the independent readers) are counted as
``open_*`` findings and listed in the report.
"""

from __future__ import annotations

import random

from ansible.module_utils.basic import AnsibleModule

from harness import MODULES, Figures, connection, oio_http, oio_listing, rbd_images, run_inprocess, xs_tree

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
CORE_VALIDATION = "/ansible/module_utils/common/parameters.py"  # before any of our code runs
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
            importlib.import_module("ansible_collections.datacenter.storage.plugins.modules." + module).main()
        except _Captured:
            pass
    finally:
        AnsibleModule.__init__ = original
    return captured["spec"], captured["kwargs"]


def bad_values(spec, rng):
    """Invalid values for an option of this spec."""
    kind = spec.get("type", "str")
    huge = "x" * rng.choice([4097, 70000, 1 << 20])
    values = [{"a": [1]}, ["a", ["b"]], "\x00", "a\x00b", huge]
    if kind in ("int", "float"):
        values += ["ten", "1e999x", "", [1], {"k": 1}, "0x", "--1", True and "true-ish"]
    if kind == "bool":
        values += ["maybe", 2, [True], "\x00"]
    if kind in ("str", "path", "raw"):
        values += ["", "../../etc", "/", "a/../b", "\x01\x02", "name with\nnewline", -1, 10 ** 30]
    if kind == "list":
        values += [{"a": 1}, [["nested"]], [{"k": "\x00"}], 5]
    if kind == "dict":
        values += ["not a dict", [1, 2], 7, {"\x00": "v"}, {"k": {"deep": "\x00"}}]
    if spec.get("choices"):
        values += ["no-such-choice", "PRESENT", " present"]
    return values


def sizes(rng):
    return rng.choice(["-1", "4X", "1.5", "0", "9" * 40, "1E", "4M4", "NaN", "inf", "2 ** 64"])


# Option values each module must refuse whatever the generic values are: malformed names, paths, sizes.
SPECIFIC = {
    "rbd_image": lambda rng: [("size", sizes(rng)), ("name", rng.choice(["", "a/b", "a@b", "\x00", "x" * 5000])),
                              ("pool", rng.choice(["", "no-such-pool", "\x00", "a/b"])),
                              ("object_size", rng.choice(["3K", "64M", "1", "-4K"])), ("stripe_count", -3),
                              ("features", ["layering", "warp-drive"]),
                              ("images", [{"name": "a"}, {"name": "a"}]),
                              ("src", rng.choice(["/nonexistent", "/", "/dev/null/x"]))],
    "rbd_snapshot": lambda rng: [("name", rng.choice(["", "a@b", "\x00", "a/b"])),
                                 ("image", rng.choice(["", "no-such-image-zz", "\x00"]))],
    "rbd_image_info": lambda rng: [("pool", rng.choice(["", "no-such-pool", "\x00"])), ("name", ["\x00"])],
    "oio_container": lambda rng: [("name", rng.choice(["", "\x00", "x" * 5000])), ("quota", sizes(rng)),
                                  ("max_versions", rng.choice([-2, -100])), ("account", rng.choice(["", "\x00"])),
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


def cases(module, count, seed):
    """``count`` spoiled parameter sets: (params, the names that were spoiled)."""
    rng = random.Random(seed)
    spec, _kwargs = argument_spec(module)
    options = sorted(spec)
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
                value = rng.choice(bad_values(spec[name], rng))
            params[name] = value
            spoiled.append(name)
        produced.append((params, spoiled))
    return produced


def backend_state():
    """What the bad input must not change, read independently."""
    status, _h, _b = oio_http("GET", "container/show?acct=%s&ref=%s" % (ACCOUNT, CONTAINER))
    return {"rbd": rbd_images(RBD_PREFIX), "xs": xs_tree("/rel"), "oio": oio_listing(ACCOUNT, CONTAINER),
            "oio_ct": status}


def names_parameter(outcome, spoiled, spec):
    msg = outcome.msg
    for name in spoiled:
        aliases = spec.get(name, {}).get("aliases") or []
        if any(n in msg for n in [name] + aliases):
            return True
    return False


def _last_frame(text):
    frames = [line for line in text.splitlines() if line.strip().startswith("File ")]
    return frames[-1] if frames else ""


def run(per_module, seed, log):
    """Returns Figures; logs each problem found."""
    figures = Figures(modules=0, cases=0)
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
            if outcome.traceback and CORE_VALIDATION in _last_frame(outcome.traceback):
                figures.add("open_ansible_core_tracebacks")
                log("bad input: %s %r: ansible-core's own parameter handling raised\n%s" % (
                    module, spoiled, outcome.traceback[-600:]))
            elif outcome.traceback:
                figures.add("tracebacks")
                log("bad input: %s %r: traceback\n%s" % (module, spoiled, outcome.traceback[-1500:]))
            elif not outcome.failed:
                if module not in READ_ONLY:
                    figures.add("open_accepted")
                    log("bad input: %s accepted %r" % (module, {k: str(params[k])[:80] for k in spoiled}))
            elif not names_parameter(outcome, spoiled, spec):
                figures.add("open_unnamed_parameter")
                log("bad input: %s %r: message names none of them: %s" % (module, spoiled, outcome.msg[:300]))
            else:
                figures.add("clean_failures")
    after = backend_state()
    for key in before:
        if before[key] != after[key]:
            figures.add("open_backend_changes")
            log("bad input: the %s backend changed: %r -> %r" % (key, before[key], after[key]))
    return figures
