# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A job run as AWX runs it: `ansible-runner run` with process isolation in the collection's EE image (EE_IMAGE,
built by tests/ee/stage), on the lab's three SSH target hosts.

The private data directory holds what AWX writes for a job: a project (one playbook), an inventory, extra vars,
the machine credential's SSH key (env/ssh_key, loaded into ssh-agent inside the container) and the vault
credential's password (answered at the `--ask-vault-pass` prompt through env/passwords). The cephx key, the
B2 key and a cloud-init seed are vault-encrypted variables of the inventory. The job runs three times: it
creates (each host changed), again (nothing changed), then removes (each host changed). The events and the
artifacts are read as AWX reads them, checked against independent readers (the `rbd` and `xenstore-read`
tools, the keyring on the Ceph client host), and searched for every secret.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
from secrets_check import cephx_key

REPO = Path(__file__).resolve().parents[2]

HOSTS = {name: os.environ["LAB_HOST_" + name.upper().replace("-", "_")] for name in ("dom0", "ceph-client", "oio-client")}
JOB = "ee-" + uuid.uuid4().hex[:8]
CONTAINER = "ee-job"
PLAYBOOK = """
- name: The Ceph client host
  hosts: ceph_clients
  gather_facts: false
  roles:
    - role: datacenter.storage.ceph_client
  tasks:
    - name: The job's image
      datacenter.storage.rbd_image:
        ceph_conf: /etc/ceph/ceph.conf
        client_name: "{{ ceph_client_name }}"
        keyring: /etc/ceph/ceph.{{ ceph_client_name }}.keyring
        pool: "{{ ceph_client_check_pool }}"
        name: "{{ ee_job }}"
        size: 4M
        state: "{{ ee_state }}"

- name: The OpenIO client host
  hosts: oio_clients
  gather_facts: false
  module_defaults:
    group/datacenter.storage.oio:
      namespace: "{{ ee_oio_ns }}"
      endpoint: "{{ ee_oio_proxy }}"
      account_url: "{{ ee_oio_account_url }}"
      account: ee-job
      b2_application_key: "{{ ee_b2_key }}"
      b2_api_url: "{{ ee_b2_url }}"
  tasks:
    - name: The job's container
      datacenter.storage.oio_container:
        name: ee-job
    - name: The job's seed
      datacenter.storage.oio_object:
        container: ee-job
        name: "{{ ee_job }}"
        content: "{{ ee_seed }}"
        state: "{{ ee_state }}"

- name: The Xen dom0
  hosts: xen_hosts
  gather_facts: false
  tasks:
    - name: The job's XenStore key
      datacenter.storage.xenstore_key:
        socket_path: /run/xenstored/socket
        path: /local/domain/0/{{ ee_job }}
        value: "{{ ee_job if ee_state == 'present' else omit }}"
        state: "{{ ee_state }}"
"""


def _vault(secrets, password, tmp):
    """group_vars with each secret as a !vault value, encrypted by ansible-vault with the credential's password."""
    pw_file = tmp / "vault-password"
    pw_file.write_text(password)
    out = []
    for name, value in secrets.items():
        proc = subprocess.run([shutil.which("ansible-vault") or "ansible-vault", "encrypt_string", "--vault-password-file",
                               str(pw_file), "--name", name, "--stdin-name", name], input=value, text=True,
                              capture_output=True, check=True)
        out.append(proc.stdout)
    pw_file.unlink()
    return "".join(out)


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """The private data directory, and a function that runs the job in it with ee_state=STATE."""
    tmp = tmp_path_factory.mktemp("ee")
    pdd = tmp / "job"
    for d in ("project", "inventory/group_vars", "env"):
        (pdd / d).mkdir(parents=True)
    secrets = {"ceph_client_key": cephx_key(), "ee_b2_key": os.environ["B2_APPLICATION_KEY"],
               "ee_seed": "#cloud-config %s $6$rounds=4096$ee-secret" % uuid.uuid4().hex}
    password = "vault-" + uuid.uuid4().hex
    (pdd / "project" / "job.yml").write_text(PLAYBOOK)
    inventory = {"all": {"children": {
        group: {"hosts": {host: {"ansible_host": HOSTS[host]}}}
        for group, host in (("xen_hosts", "dom0"), ("ceph_clients", "ceph-client"), ("oio_clients", "oio-client"))}}}
    (pdd / "inventory" / "hosts.yml").write_text(yaml.safe_dump(inventory))
    (pdd / "inventory" / "group_vars" / "all.yml").write_text(
        yaml.safe_dump({"ansible_user": "root", "ansible_python_interpreter": "/usr/bin/python3",
                        "ansible_ssh_common_args": "-o UserKnownHostsFile=/runner/known_hosts -o StrictHostKeyChecking=yes"})
        + _vault(secrets, password, tmp))
    shutil.copy(os.environ["LAB_HOSTS_KNOWN_HOSTS"], pdd / "known_hosts")
    (pdd / "env" / "ssh_key").write_text(Path(os.environ["LAB_HOSTS_KEY"]).read_text())
    (pdd / "env" / "passwords").write_text(json.dumps({r"^Vault password:\s*?$": password}))
    (pdd / "env" / "cmdline").write_text("--ask-vault-pass")
    conf = Path(os.environ["CEPH_CONF"]).read_text()
    settings = dict(line.split("=", 1) for line in conf.splitlines() if "=" in line)
    settings = {k.strip(): v.strip() for k, v in settings.items()}
    extravars = {"ee_job": JOB, "ceph_client_name": os.environ["CEPH_CLIENT_NAME"],
                 "ceph_client_mon_host": settings["mon host"], "ceph_client_fsid": settings["fsid"],
                 "ceph_client_check_pool": os.environ["CEPH_POOL"], "ceph_client_install": False,
                 "ee_oio_ns": os.environ["OIO_NS"], "ee_oio_proxy": os.environ["OIO_PROXY_URL"],
                 "ee_oio_account_url": os.environ["OIO_ACCOUNT_URL"], "ee_b2_url": os.environ["B2_URL"]}
    runs = {}

    def run(label):
        """The run LABEL (create, again, remove), once."""
        if label in runs:
            return runs[label]
        state = "absent" if label == "remove" else "present"
        (pdd / "env" / "extravars").write_text(yaml.safe_dump(dict(extravars, ee_state=state)))
        ident = "%s-%d-%s" % (JOB, len(runs), label)  # also the container's name: unique per job
        proc = subprocess.run(
            ["ansible-runner", "run", str(pdd), "-p", "job.yml", "--ident", ident,
             "--process-isolation", "--process-isolation-executable", "podman",
             "--container-image", os.environ["EE_IMAGE"], "--container-option=--network=host",
             # as ansible-runner does for docker: the container's user reads the files runner writes for ours
             "--container-option=--user=%d" % os.getuid()],
            capture_output=True, text=True, timeout=900, check=False)
        artifacts = pdd / "artifacts" / ident
        events = [json.loads(p.read_text()) for p in sorted((artifacts / "job_events").glob("*.json"),
                                                            key=lambda p: int(p.name.split("-", 1)[0]))]
        runs[label] = {"proc": proc, "artifacts": artifacts, "events": events,
                       "status": (artifacts / "status").read_text().strip(), "rc": int((artifacts / "rc").read_text())}
        return runs[label]

    run.pdd, run.secrets, run.password = pdd, secrets, password
    yield run
    run("create")
    run("remove")


def _stats(result):
    stats = [e["event_data"] for e in result["events"] if e["event"] == "playbook_on_stats"]
    assert len(stats) == 1, result["proc"].stdout[-3000:]
    return stats[0]


def _ran_in_ee(result):
    """Hosts whose module results came back through the container's ansible (events of a runner_on_ok)."""
    return {e["event_data"]["host"] for e in result["events"] if e["event"] == "runner_on_ok"}


def test_job_creates(job):
    result = job("create")
    assert (result["status"], result["rc"]) == ("successful", 0), result["proc"].stdout[-3000:]
    stats = _stats(result)
    assert stats["failures"] == {} and stats["dark"] == {}
    assert {host: stats["changed"].get(host, 0) > 0 for host in HOSTS} == {host: True for host in HOSTS}
    assert _ran_in_ee(result) == set(HOSTS)
    # Independent readers: the image and the key exist on the lab's clusters.
    rbd = subprocess.run(["rbd", "-c", os.environ["CEPH_CONF"], "-k", os.environ["CEPH_KEYRING_ANSIBLE"],
                          "-n", os.environ["CEPH_CLIENT_NAME"], "info", "%s/%s" % (os.environ["CEPH_POOL"], JOB)],
                         capture_output=True, text=True, check=False)
    assert rbd.returncode == 0 and "size 4 MiB" in rbd.stdout, rbd.stderr
    xs = subprocess.run(["xenstore-read", "/local/domain/0/" + JOB], capture_output=True, text=True, check=False)
    assert xs.stdout.strip() == JOB, xs.stderr
    # The keyring the role wrote from the vaulted key is on the Ceph client host, 0600.
    ssh = subprocess.run(["ssh", "-i", os.environ["LAB_HOSTS_KEY"], "-o", "UserKnownHostsFile=" + os.environ["LAB_HOSTS_KNOWN_HOSTS"],
                          "-o", "BatchMode=yes", "root@" + HOSTS["ceph-client"],
                          "stat -c %%a /etc/ceph/ceph.%s.keyring" % os.environ["CEPH_CLIENT_NAME"]],
                         capture_output=True, text=True, check=False)
    assert ssh.stdout.strip() == "600", ssh.stderr


def test_job_again_changes_nothing(job):
    job("create")
    result = job("again")
    assert (result["status"], result["rc"]) == ("successful", 0), result["proc"].stdout[-3000:]
    stats = _stats(result)
    assert stats["changed"] == {} and stats["failures"] == {}
    assert set(stats["ok"]) == set(HOSTS)


def test_job_removes(job):
    job("create")
    result = job("remove")
    assert (result["status"], result["rc"]) == ("successful", 0), result["proc"].stdout[-3000:]
    stats = _stats(result)
    assert set(stats["changed"]) == {"ceph-client", "oio-client", "dom0"}
    rbd = subprocess.run(["rbd", "-c", os.environ["CEPH_CONF"], "-k", os.environ["CEPH_KEYRING_ANSIBLE"],
                          "-n", os.environ["CEPH_CLIENT_NAME"], "ls", os.environ["CEPH_POOL"]], capture_output=True, text=True, check=False)
    assert rbd.returncode == 0 and JOB not in rbd.stdout.split()


def test_no_secret_in_events_or_artifacts(job):
    for label in ("create", "again", "remove"):
        job(label)
    secrets = dict(job.secrets, vault_password=job.password)
    files = [p for p in (job.pdd / "artifacts").rglob("*") if p.is_file()]
    assert any(p.parent.name == "job_events" for p in files) and any(p.name == "stdout" for p in files)
    found = {(what, str(p.relative_to(job.pdd))) for p in files for what, value in secrets.items()
             if value in p.read_text(errors="replace")}
    assert found == set()
