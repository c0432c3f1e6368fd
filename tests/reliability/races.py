# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Races: 2, then 8 playbooks at once on the same RBD image, OpenIO object and XenStore keys.

Playbook k creates, changes or removes each resource in one task (k % 4 == 3 removes). Every run must end ok or
with a clear failure (no traceback); afterwards each resource, read independently, must be in a state that the
last playbook of some serial order leaves.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from pathlib import Path

from harness import Figures, playbook, oio_http, oio_listing, rbd_images, rbd_remove, xs_rm, xs_tree

ACCOUNT, CONTAINER, IMAGE, XS = "rel-race", "rel-race", "rel-race-img", "/rel/race"

PLAY = """
- hosts: localhost
  gather_facts: false
  vars:
    k: {k}
    gone: "{{{{ k % 4 == 3 }}}}"
  tasks:
    - datacenter.storage.xenstore_key:
        socket_path: "{{{{ lookup('env', 'XENSTORED_PATH') }}}}"
        keys:
          - {{path: {xs}/a, value: "{{{{ k }}}}"}}
          - {{path: {xs}/b, value: "{{{{ k }}}}", state: "{{{{ 'absent' if k % 2 else 'present' }}}}"}}
      ignore_errors: true
    - datacenter.storage.rbd_image:
        ceph_conf: "{{{{ lookup('env', 'CEPH_CONF') }}}}"
        client_name: "{{{{ lookup('env', 'CEPH_CLIENT_NAME') }}}}"
        keyring: "{{{{ lookup('env', 'CEPH_KEYRING_ANSIBLE') }}}}"
        pool: "{{{{ lookup('env', 'CEPH_POOL') }}}}"
        name: {image}
        size: "{{{{ k + 1 }}}}M"
        allow_shrink: true
        state: "{{{{ 'absent' if gone else 'present' }}}}"
      ignore_errors: true
    - datacenter.storage.oio_object:
        namespace: "{{{{ lookup('env', 'OIO_NS') }}}}"
        endpoint: "{{{{ lookup('env', 'OIO_PROXY_URL') }}}}"
        account_url: "{{{{ lookup('env', 'OIO_ACCOUNT_URL') }}}}"
        account: {account}
        container: {container}
        name: obj
        content: "{{{{ 'writer ' ~ k ~ ' ' ~ ('x' * (k * 1000)) }}}}"
        state: "{{{{ 'absent' if gone else 'present' }}}}"
      ignore_errors: true
"""


def _content(k):
    return ("writer %d %s" % (k, "x" * (k * 1000))).encode()


def _one_round(n, log, figures, tmp):
    outputs = {}

    def play(k):
        path = Path(tmp) / ("race-%d-%d.yml" % (n, k))
        path.write_text(PLAY.format(k=k, xs=XS, image=IMAGE, account=ACCOUNT, container=CONTAINER))
        rc, out = playbook(path, timeout=600)
        outputs[k] = None if rc is None else out

    threads = [threading.Thread(target=play, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k, out in outputs.items():
        figures.add("playbooks")
        if out is None:
            figures.add("hangs")
            log("races: playbook %d of %d hung" % (k, n))
            continue
        if "Traceback" in out or "MODULE FAILURE" in out:
            figures.add("tracebacks")
            log("races: playbook %d of %d: %s" % (k, n, out[out.find("Traceback"):][:800]))
        figures.add("task_failures", out.count("fatal: [localhost]"))
    # ---- the final states, read independently ----
    tree = xs_tree(XS)
    a, b = tree.get(XS + "/a"), tree.get(XS + "/b")
    serial = [j for j in range(n) if a == str(j) and (b is None if j % 2 else b == str(j))]
    if not serial:
        figures.add("not_serializable")
        log("races: XenStore after %d playbooks: a=%r b=%r, no serial order leaves that" % (n, a, b))
    images = rbd_images(IMAGE)
    size = images.get(IMAGE)
    if not (size is None and any(j % 4 == 3 for j in range(n)) or size in [(j + 1) << 20 for j in range(n) if j % 4 != 3]):
        figures.add("not_serializable")
        log("races: RBD image after %d playbooks: size %r" % (n, size))
    listing = oio_listing(ACCOUNT, CONTAINER) or {}
    obj = listing.get("obj")
    allowed = [(len(_content(j)), hashlib.md5(_content(j)).hexdigest().upper()) for j in range(n) if j % 4 != 3]
    if not (obj is None and any(j % 4 == 3 for j in range(n)) or obj in allowed):
        figures.add("not_serializable")
        log("races: OpenIO object after %d playbooks: %r" % (n, obj))
    if obj is not None:
        status, _h, _b = oio_http("GET", "content/show?acct=%s&ref=%s&path=obj" % (ACCOUNT, CONTAINER))
        if status != 200:
            figures.add("partial_visible")
            log("races: the listed object cannot be shown: HTTP %s" % status)


def run(rounds, log):
    figures = Figures(playbooks=0, task_failures=0)
    oio_http("POST", "container/create?acct=%s&ref=%s" % (ACCOUNT, CONTAINER), body=b"{}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for _round in range(rounds):
                for n in (2, 8):
                    _one_round(n, log, figures, tmp)
    finally:
        xs_rm(XS)
        rbd_remove(IMAGE)
    return figures
