# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The xen_guests role on the lab: 2 guests, then 100 guests, each provisioned from nothing and then again.

A guest is a 64M RBD disk, a cloud-init seed in OpenIO and its XenStore entries (backend, frontend, data). The lab's
domains are introduced first (the toolstack's part, not timed). Prints each run's time, its module runs, and the
ratio of 100 guests to 2 (the role's goal: at most 3).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LAB_XEN = REPO / "playbooks" / "files" / "lab_xen.py"
FIRST_DOMID = 3000


def lab_settings():
    env = os.environ
    return {
        "bench_rbd": {"ceph_conf": env["CEPH_CONF"], "client_name": env["CEPH_CLIENT_NAME"],
                      "keyring": env["CEPH_KEYRING_ANSIBLE"]},
        "bench_oio": {"namespace": env["OIO_NS"], "endpoint": env["OIO_PROXY_URL"], "account": "bench-xen-guests"},
        "bench_xenstore": {"socket_path": env["XENSTORED_PATH"]},
        "bench_defaults": {"disk_pool": env["CEPH_POOL"], "disk_size": "64M", "seed_container": "bench-xen-seeds"},
    }


def guests(count):
    return [{"name": "bench-xg-%03d" % i, "domid": FIRST_DOMID + i,
             "seed_content": "#cloud-config\nhostname: bench-xg-%03d\n" % i, "data": {"role": "bench"}}
            for i in range(count)]


def playbook(name, extra, check_clean=False):
    """Run bench/xen_guests/<name>.yml with ``extra`` vars; returns (seconds, changed count, module runs)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(extra, handle)
    try:
        start = time.monotonic()
        proc = subprocess.run(["ansible-playbook", "-i", "localhost,", "-e", "@" + handle.name,
                               "-e", "ansible_python_interpreter=" + sys.executable, str(HERE / (name + ".yml"))],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        seconds = time.monotonic() - start
    finally:
        os.unlink(handle.name)
    recap = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", proc.stdout)
    if proc.returncode or not recap:
        sys.exit("bench: %s.yml failed:\n%s" % (name, proc.stdout[-4000:]))
    runs = len(re.findall(r"^(?:ok|changed): \[localhost\]", proc.stdout, re.M))
    return seconds, int(recap.group(2)), runs


def cleanup(settings, count):
    plan = guests(count)
    keys = []
    for guest in plan:
        home = "/local/domain/%d" % guest["domid"]
        keys += [{"path": "/local/domain/0/backend/vbd/%d" % guest["domid"], "state": "absent"},
                 {"path": home + "/device", "state": "absent"}, {"path": home + "/data", "state": "absent"}]
    images = [{"name": g["name"] + "-disk", "pool": settings["bench_defaults"]["disk_pool"]} for g in plan]
    playbook("cleanup", dict(settings, bench_images=images, bench_keys=keys))


def introduce(count):
    for guest in guests(count):
        subprocess.run([sys.executable, str(LAB_XEN), "domain", os.environ["XS_SHIM_DIR"], os.environ["XENSTORED_PATH"],
                        str(guest["domid"])], check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", default="2,100", help="the numbers of guests to compare (first is the base)")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    settings = lab_settings()
    introduce(max(counts))
    times = {}
    for count in counts:
        cleanup(settings, count)
        extra = dict(settings, bench_guests=guests(count))
        first = playbook("provision", extra)
        rerun = playbook("provision", extra)
        if rerun[1]:
            sys.exit("bench: the rerun of %d guests changed %d tasks" % (count, rerun[1]))
        times[count] = (first[0], rerun[0])
        print("xen_guests %3d guests: first run %6.1f s (%d tasks changed, %d task results), rerun %6.1f s (no change)"
              % (count, first[0], first[1], first[2], rerun[0]))
        cleanup(settings, count)
    base, top = counts[0], counts[-1]
    for index, label in ((0, "first run"), (1, "rerun")):
        print("xen_guests %s: %d guests take %.2fx the time of %d (goal: at most 3x)"
              % (label, top, times[top][index] / times[base][index], base))


if __name__ == "__main__":
    main()
