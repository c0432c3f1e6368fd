# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Fixtures of the tests over SSH on the lab's target hosts; the helpers are in ``remote_lab``."""

import pytest
from remote_lab import PLAYBOOKS, ansible_playbook


@pytest.fixture(scope="session")
def clients(tmp_path_factory):
    """The client hosts made clients (roles ceph_client and oio_client), as site.yml's first plays do."""
    run = ansible_playbook(PLAYBOOKS / "clients.yml", tmp_path=tmp_path_factory.mktemp("clients"))
    return run
