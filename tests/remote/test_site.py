# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""playbooks/site.yml over SSH on the lab's three hosts: the clients made, two guests provisioned on the dom0.

One sequence, in order: reset, check mode on fresh client hosts, the clients, check mode of the storage, a
real run with --diff (changed), a second run (nothing changed), --limit, check and diff mode once done.
"""

import os
import subprocess
from pathlib import Path

import pytest

from remote_lab import ENV, HOSTS, PLAYBOOKS, REPO, ansible_playbook, cephx_key, host_layer, ssh

SITE = REPO / "playbooks" / "site.yml"
FORKS = ("--forks", "3")
GUESTS = {"web21": 21, "db21": 22}


def rbd_images():
    out = subprocess.run(["rbd", "ls", ENV["CEPH_POOL"]], env=ENV, stdout=subprocess.PIPE, text=True, check=True).stdout
    return set(out.split())


def xenstore_exists(path):
    return subprocess.run(["xenstore-exists", path], env=ENV, check=False).returncode == 0


def assert_no_secret(run):
    key = cephx_key()
    assert key not in run.out
    assert all(key not in str(r) for r in run.records)


def test_hosts_are_their_own_machines():
    for host in HOSTS:
        out = ssh(host, "hostname; readlink -f /usr/bin/python3; test ! -e %s && echo no-venv; "
                        "python3 -c 'import ansible' 2>/dev/null || echo no-ansible" % REPO)
        assert out.split() == [host, "/usr/bin/python3.11", "no-venv", "no-ansible"]
    # The roles' packages: only the Ceph client has librbd, only the OpenIO client has pyeclib.
    assert ssh("ceph-client", "python3 -c 'import _cffi_backend, ctypes.util; print(ctypes.util.find_library(\"rbd\"))'").strip() == "librbd.so.1"
    assert ssh("dom0", "python3 -c 'import ctypes.util; print(ctypes.util.find_library(\"rbd\"))'").strip() == "None"
    assert ssh("oio-client", "python3 -c 'import urllib3, pyeclib.ec_iface; print(1)'").strip() == "1"
    # Debian's pyeclib encodes ISA-L policies (isa_l_rs_vand) only with libisal2 beside it.
    isal = ("from pyeclib.ec_iface import ECDriver as D; d = D(k=2, m=1, ec_type=\"isa_l_rs_vand\"); "
            "print(d.decode(d.encode(b\"ab\" * 999)[1:]) == b\"ab\" * 999)")
    assert ssh("oio-client", "python3 -c '%s'" % isal).strip() == "True"
    # The dom0 reaches the lab's xenstored through its own /run/xenstored/socket.
    assert ssh("dom0", "test -S /run/xenstored/socket && echo socket").strip() == "socket"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """Nothing of site.yml's on the clusters, client hosts without configuration, the guests' domains."""
    tmp = tmp_path_factory.mktemp("site")
    ansible_playbook(PLAYBOOKS / "site_reset.yml", tmp_path=tmp)
    ssh("ceph-client", "rm -rf /etc/ceph")
    ssh("oio-client", "rm -rf /etc/oio")
    ansible_playbook(PLAYBOOKS / "lab_domains.yml", tmp_path=tmp)
    return tmp


def test_client_roles_check_mode_then_real(fresh):
    check = ansible_playbook(PLAYBOOKS / "clients.yml", "--check", "--diff", *FORKS, tmp_path=fresh)
    assert check.recap["ceph-client"]["changed"] > 0 and check.recap["oio-client"]["changed"] > 0
    assert not (host_layer("ceph-client") / "etc" / "ceph").exists()
    assert not (host_layer("oio-client") / "etc" / "oio").exists()
    assert '-    "state": "absent"' in check.out and '+    "state": "directory"' in check.out
    assert_no_secret(check)

    real = ansible_playbook(PLAYBOOKS / "clients.yml", *FORKS, tmp_path=fresh)
    assert real.recap["ceph-client"]["changed"] > 0 and real.recap["oio-client"]["changed"] > 0
    keyring = host_layer("ceph-client") / "etc" / "ceph" / ("ceph.%s.keyring" % ENV["CEPH_CLIENT_NAME"])
    assert keyring.stat().st_mode & 0o777 == 0o600
    assert (host_layer("oio-client") / "etc" / "oio" / "sds.conf.d" / ENV["OIO_NS"]).read_text().count("proxy=127.0.0.1:") == 1
    # The reachability check ran on the client host and listed the pool.
    check_results = [r for r in real.results("rbd_image_info") if r["host"] == "ceph-client"]
    assert check_results and check_results[0]["status"] == "ok"
    assert_no_secret(real)

    again = ansible_playbook(PLAYBOOKS / "clients.yml", *FORKS, tmp_path=fresh)
    assert again.recap["ceph-client"]["changed"] == 0 and again.recap["oio-client"]["changed"] == 0


def test_site_check_mode_changes_nothing(fresh):
    run = ansible_playbook(SITE, "--check", *FORKS, tmp_path=fresh)
    assert set(run.recap) == set(HOSTS)
    assert run.recap["dom0"]["changed"] > 0 and run.recap["ceph-client"]["changed"] > 0
    assert not {"site-golden-debian12", "web21-disk", "db21-disk"} & rbd_images()
    assert not xenstore_exists("/local/domain/21/device/vbd/51712")


def test_site_changed_then_not(fresh):
    # The guests acknowledge their disks within their own time limit: start them right before the run.
    ansible_playbook(PLAYBOOKS / "lab_domains.yml", tmp_path=fresh)
    first = ansible_playbook(SITE, "--diff", *FORKS, tmp_path=fresh)
    assert all(first.recap[h]["changed"] > 0 for h in HOSTS), first.recap
    assert {"site-golden-debian12", "web21-disk", "db21-disk"} <= rbd_images()
    for domid in GUESTS.values():
        assert xenstore_exists("/local/domain/0/backend/vbd/%d/51712" % domid)
    # Diff mode: each guest's XenStore entries before and after.
    assert "/local/domain/21/device/vbd/51712" in first.out and "+++ after" in first.out
    # The guests' RBD and OpenIO work ran on the client hosts (delegated from the dom0).
    disks = [r for r in first.results("rbd_image") if r["host"] == "dom0"]
    assert disks and {r["delegated_to"] for r in disks} == {"ceph-client"}
    seeds = [r for r in first.results("oio_object") if r["host"] == "dom0"]
    assert seeds and {r["delegated_to"] for r in seeds} == {"oio-client"}
    assert_no_secret(first)

    # The second run, keeping the modules' files on the hosts: each module ran there, under Debian's python3.
    second = ansible_playbook(SITE, *FORKS, tmp_path=fresh, env={"ANSIBLE_KEEP_REMOTE_FILES": "1"})
    assert {h: second.recap[h]["changed"] for h in HOSTS} == dict.fromkeys(HOSTS, 0)
    for host, module in (("dom0", "xenstore_key"), ("ceph-client", "rbd_image"), ("oio-client", "oio_object")):
        kept = list((host_layer(host) / "root" / ".ansible" / "tmp").glob("ansible-tmp-*/AnsiballZ_%s.py" % module))
        assert kept, "no %s module file on %s" % (module, host)
        assert kept[0].read_text().startswith("#!/usr/bin/python3")
        ssh(host, "rm -rf /root/.ansible/tmp/ansible-tmp-*")
    assert not list(Path(os.path.expanduser("~/.ansible/tmp")).glob("ansible-tmp-*/AnsiballZ_rbd_image.py"))


def test_site_limit_and_check_diff_once_done(fresh):
    limited = ansible_playbook(SITE, "--limit", "oio-client", *FORKS, tmp_path=fresh)
    assert set(limited.recap) == {"oio-client"} and limited.recap["oio-client"]["changed"] == 0
    assert limited.recap["oio-client"]["ok"] > 0
    dom0_only = ansible_playbook(SITE, "--limit", "dom0,ceph-client", *FORKS, tmp_path=fresh)
    assert set(dom0_only.recap) == {"dom0", "ceph-client"}
    # Without the OpenIO client in the limit, the delegated seed upload still runs there and changes nothing.
    seeds = dom0_only.results("oio_object")
    assert seeds and all(r["delegated_to"] == "oio-client" and not r["changed"] for r in seeds)
    done = ansible_playbook(SITE, "--check", "--diff", *FORKS, tmp_path=fresh)
    assert {h: done.recap[h]["changed"] for h in HOSTS} == dict.fromkeys(HOSTS, 0)
    assert "+++ after" not in done.out
