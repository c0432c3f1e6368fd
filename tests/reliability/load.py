# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Load: one xenstore_key task with many keys, one rbd_image task with many images, one oio_object tree of many
small files. Each must finish, be confirmed by the independent readers, and change nothing on the rerun.
The times are printed as figures (a benchmark figure, not a timed test).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from harness import Figures, connection, oio_http, oio_listing, rbd_images, rbd_remove, run_subprocess, xs_rm, xs_tree

XS, RBD_PREFIX, ACCOUNT, CONTAINER = "/rel/load", "rel-load-", "rel-load", "rel-load"


def _twice(figures, what, module, args, timeout=1800):
    """Run a task twice: the first must change, the second must not; both times are figures."""
    for attempt in (1, 2):
        outcome, seconds, hung = run_subprocess(module, dict(connection(module), **args), timeout=timeout)
        figures["%s_run%d_s" % (what, attempt)] = round(seconds, 1)
        if hung:
            figures.add("hangs")
            return False
        if outcome.traceback or outcome.failed:
            figures.add("tracebacks" if outcome.traceback else "errors")
            figures.setdefault("failures", []).append("%s: %s" % (what, (outcome.traceback or outcome.msg)[:300]))
            return False
        if outcome.result.get("changed") != (attempt == 1):
            figures.add("not_idempotent")
    return True


def run(xs_keys, rbd_images_count, oio_files, log):
    figures = Figures(xs_keys=xs_keys, rbd_images=rbd_images_count, oio_files=oio_files)
    try:
        keys = {"%s/k%05d" % (XS, i): "value-%d" % i for i in range(xs_keys)}
        if _twice(figures, "xs", "xenstore_key", {"keys": keys}):
            tree = xs_tree(XS)
            if any(tree.get(k) != v for k, v in keys.items()):
                figures.add("silent_corruptions")
                log("load: xenstore_key: the tree read back differs")
        names = ["%s%03d" % (RBD_PREFIX, i) for i in range(rbd_images_count)]
        if _twice(figures, "rbd", "rbd_image", {"images": [{"name": n} for n in names], "size": "1M"}):
            found = rbd_images(RBD_PREFIX)
            if sorted(found) != names or set(found.values()) != {1 << 20}:
                figures.add("silent_corruptions")
                log("load: rbd_image: %d images found, sizes %s" % (len(found), sorted(set(found.values()))))
        oio_http("POST", "container/create?acct=%s&ref=%s" % (ACCOUNT, CONTAINER), body=b"{}")
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(oio_files):
                sub = Path(tmp) / ("d%02d" % (i % 50))
                sub.mkdir(exist_ok=True)
                (sub / ("f%05d.txt" % i)).write_text("file %d\n" % i)
            args = {"account": ACCOUNT, "container": CONTAINER, "src": tmp, "prefix": "tree/"}
            if _twice(figures, "oio", "oio_object", args):
                listing = oio_listing(ACCOUNT, CONTAINER) or {}
                if len(listing) != oio_files or any(size != len("file %d\n" % int(n[-9:-4])) for n, (size, _h) in listing.items()):
                    figures.add("silent_corruptions")
                    log("load: oio_object: %d objects listed for %d files" % (len(listing), oio_files))
        for failure in figures.pop("failures", []):
            log("load: " + failure)
    finally:
        xs_rm(XS)
        leftovers = [{"name": n, "state": "absent"} for n in rbd_images(RBD_PREFIX)]
        if leftovers:
            run_subprocess("rbd_image", dict(connection("rbd_image"), images=leftovers), timeout=1800)
        for name in rbd_images(RBD_PREFIX):
            rbd_remove(name)
        run_subprocess("oio_object", dict(connection("oio_object"), account=ACCOUNT, container=CONTAINER,
                                          prefix="tree/", state="absent"), timeout=1800)
    return figures
