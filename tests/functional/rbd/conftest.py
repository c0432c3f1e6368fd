# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Fixtures for the RBD tests: the lab cluster (tests/lab/lab up ceph), our binding, and independent peers.

Peers: the ``rbd`` CLI (as client.admin, ``--format json``) and Debian's python3-rbd under /usr/bin/python3.
Every image a test creates is removed afterwards, whatever the test did to it.
"""

import json
import subprocess
import uuid

import pytest
from labenv import need

from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados, rbd


def _need(key):
    return need(key, "ceph")


class Lab:
    """Settings written by tests/lab/services/ceph.sh."""

    def __init__(self):
        self.conf = _need("CEPH_CONF")
        self.keyring = _need("CEPH_KEYRING_ANSIBLE")
        self.nocaps_keyring = _need("CEPH_KEYRING_NOCAPS")
        self.client = _need("CEPH_CLIENT_NAME")
        self.pool = _need("CEPH_POOL")
        self.data_pool = _need("CEPH_DATA_POOL")
        self.state = _need("CEPH_LAB_STATE")

    def connect(self, **conf):
        cluster = rados.Rados(conffile=self.conf, name=self.client, conf=dict({"keyring": self.keyring}, **conf))
        cluster.connect(timeout=10)
        return cluster

    def cli(self, *args, fmt=True, check=True):
        """The rbd CLI as client.admin; parsed JSON output."""
        cmd = ["rbd", "-c", self.conf] + list(args) + (["--format", "json"] if fmt else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if check and proc.returncode:
            raise AssertionError("%s failed: %s" % (" ".join(cmd), proc.stderr))
        if not fmt:
            return proc
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    def peer(self, code, **values):
        """Run ``code`` under Debian's python3 with python3-rbd; it sets ``result`` (printed as JSON)."""
        prologue = (
            "import json, rados, rbd\n"
            "values = json.loads(%r)\n"
            "cluster = rados.Rados(conffile=%r, name=%r, conf={'keyring': %r})\n"
            "cluster.connect()\n"
            "ioctx = cluster.open_ioctx(%r)\n"
        ) % (json.dumps(values), self.conf, self.client, self.keyring, self.pool)
        epilogue = "\nioctx.close()\ncluster.shutdown()\nprint(json.dumps(result))\n"
        proc = subprocess.run(["/usr/bin/python3", "-c", prologue + code + epilogue], capture_output=True, text=True,
                              timeout=120, check=False)
        if proc.returncode:
            raise AssertionError("python3-rbd peer failed: %s" % proc.stderr)
        return json.loads(proc.stdout.splitlines()[-1])

    def purge(self, spec):
        """Remove an image whatever state it is in (snapshots, protection, trash), as client.admin."""
        snaps = self.cli("snap", "ls", spec, check=False) or []
        for snap in snaps:
            self.cli("snap", "unprotect", "%s@%s" % (spec, snap["name"]), fmt=False, check=False)
        self.cli("snap", "purge", spec, fmt=False, check=False)
        self.cli("rm", spec, fmt=False, check=False)


@pytest.fixture(scope="session")
def lab():
    return Lab()


@pytest.fixture(scope="session")
def cluster(lab):
    handle = lab.connect()
    yield handle
    handle.shutdown()


@pytest.fixture
def ioctx(cluster, lab):
    with cluster.open_ioctx(lab.pool) as io:
        yield io


@pytest.fixture
def names(lab):
    """A factory of fresh image names; each is removed (with its snapshots and clones' links) after the test."""
    made = []

    def make(prefix="t"):
        name = "%s-%s" % (prefix, uuid.uuid4().hex[:10])
        made.append(name)
        return name

    yield make
    # Children first: names made later are usually clones of earlier ones.
    for name in reversed(made):
        lab.purge("%s/%s" % (lab.pool, name))
    for entry in lab.cli("trash", "ls", lab.pool) or []:
        if entry["name"] in made:
            lab.cli("trash", "rm", "%s/%s" % (lab.pool, entry["id"]), fmt=False, check=False)


@pytest.fixture
def rbd_api():
    return rbd.RBD()
