# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets: playbooks at -vvvv with ANSIBLE_DEBUG=1 (normal, check, diff, failing) that pass a real cephx key,
the lab's B2 application key and a seed; every byte of output and of the Ansible log is searched for them.
Also: the lab's keyrings are 0600 and a downloaded object gets the mode a new file gets (0666 minus the umask).
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import uuid
from pathlib import Path

from harness import Figures, playbook

DEBUG_LINE = re.compile(r"^\s*\d+ \d+\.\d+: ")
PLAY = """
- hosts: localhost
  gather_facts: false
  vars:
    fail_now: {fail}
  tasks:
    - name: rbd_image with the key itself
      datacenter.storage.rbd_image:
        ceph_conf: "{{{{ lookup('env', 'CEPH_CONF') }}}}"
        client_name: "{{{{ lookup('env', 'CEPH_CLIENT_NAME') }}}}"
        key: "{{{{ cephx_key }}}}"
        pool: "{{{{ 'no-such-pool-rel' if fail_now else lookup('env', 'CEPH_POOL') }}}}"
        name: rel-secret-img
        size: 1M
        state: "{{{{ 'present' if fail_now else 'absent' }}}}"
      ignore_errors: true
    - name: oio_object with a seed and the B2 key
      datacenter.storage.oio_object:
        namespace: "{{{{ lookup('env', 'OIO_NS') }}}}"
        endpoint: "{{{{ lookup('env', 'OIO_PROXY_URL') }}}}"
        account_url: "{{{{ lookup('env', 'OIO_ACCOUNT_URL') }}}}"
        b2_application_key: "{{{{ b2_key }}}}"
        b2_api_url: "{{{{ lookup('env', 'B2_URL') }}}}"
        account: rel-secrets
        container: "{{{{ 'no-such-container' if fail_now else 'rel-secrets' }}}}"
        name: seed
        content: "{{{{ seed }}}}"
      ignore_errors: true
    - name: the oio_buckets role with the seed and the B2 key
      ansible.builtin.include_role:
        name: datacenter.storage.oio_buckets
      vars:
        oio_buckets_connection:
          namespace: "{{{{ lookup('env', 'OIO_NS') }}}}"
          endpoint: "{{{{ lookup('env', 'OIO_PROXY_URL') }}}}"
          account_url: "{{{{ lookup('env', 'OIO_ACCOUNT_URL') }}}}"
          account: rel-secrets
          b2_application_key: "{{{{ b2_key }}}}"
          b2_api_url: "{{{{ lookup('env', 'B2_URL') }}}}"
        oio_buckets_containers:
          - name: rel-secrets
            objects:
              - {{name: seed-role, content: "{{{{ seed }}}}"}}
              - {{name: "{{{{ '' if fail_now else 'plain' }}}}", content: "{{{{ seed }}}}"}}
"""


def cephx_key():
    text = Path(os.environ["CEPH_KEYRING_ANSIBLE"]).read_text()
    return re.search(r"key\s*=\s*(\S+)", text).group(1)


def run(log):
    figures = Figures(runs=0, secrets=3, leaks=0, bad_modes=0, files_checked=0)
    secrets = {"cephx key": cephx_key(), "B2 key": os.environ["B2_APPLICATION_KEY"],
               "seed": "#cloud-config rel-%s $6$rounds=4096$secret" % uuid.uuid4().hex[:12]}
    with tempfile.TemporaryDirectory() as tmp:
        extra = {"cephx_key": secrets["cephx key"], "b2_key": secrets["B2 key"], "seed": secrets["seed"]}
        vars_file = Path(tmp) / "vars.yml"
        vars_file.write_text("".join("%s: %r\n" % kv for kv in extra.items()))
        vars_file.chmod(0o600)
        for fail in (False, True):
            play = Path(tmp) / ("play-%s.yml" % fail)
            play.write_text(PLAY.format(fail=str(fail).lower()))
            for mode in ("normal", "check", "diff"):
                log_path = Path(tmp) / ("ansible-%s-%s.log" % (fail, mode))
                rc, output = playbook(play, verbosity=4, check=mode == "check", diff=mode == "diff",
                                      env={"ANSIBLE_DEBUG": "1", "ANSIBLE_LOG_PATH": str(log_path),
                                           "ANSIBLE_KEEP_REMOTE_FILES": "0"},
                                      extra_vars_file=vars_file)
                figures.add("runs")
                if rc is None:
                    figures.add("hangs")
                text = output + (log_path.read_text(errors="replace") if log_path.exists() else "")
                figures.add("bytes_searched", len(text))
                # ansible-core's own ANSIBLE_DEBUG lines ("<pid> <time>: ...") print module arguments whatever
                # no_log says, as its documentation warns: counted apart, they are not the collection's to hide.
                core_debug = [line for line in text.splitlines() if DEBUG_LINE.match(line)]
                figures.add("ansible_debug_lines_with_secrets",
                            sum(1 for line in core_debug if any(v in line for v in secrets.values())))
                text = "\n".join(line for line in text.splitlines() if not DEBUG_LINE.match(line))
                for what, value in secrets.items():
                    count = text.count(value)
                    if count:
                        figures.add("leaks", count)
                        where = text.index(value)
                        log("secrets: the %s appears %d times (fail=%s, %s): ...%s..." % (
                            what, count, fail, mode, text[max(0, where - 300):where].replace(value, "<SECRET>")[-300:]))
    for path in Path(os.environ["CEPH_KEYRING_ANSIBLE"]).parent.glob("*.keyring"):
        figures.add("files_checked")
        if stat.S_IMODE(path.stat().st_mode) != 0o600:
            figures.add("bad_modes")
            log("secrets: %s is %o, not 0600" % (path, stat.S_IMODE(path.stat().st_mode)))
    return figures
