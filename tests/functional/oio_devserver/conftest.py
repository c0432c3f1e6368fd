# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Conformance tests of the OpenIO dev namespace (tests/lab/oio), in raw HTTP with urllib3.

Written from the protocol notes of docs/oio-devserver.md; settings come from the lab (`tests/lab/lab up oio`).
"""

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from oiolab import Lab

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def lab():
    return Lab()


@pytest.fixture
def names():
    """Fresh account and container names for one test."""
    tag = uuid.uuid4().hex[:10]
    return f"acct-{tag}", f"ct-{tag}"


@pytest.fixture
def own_lab(tmp_path):
    """`tests/lab/lab` on a lab directory of this test's own; everything is stopped and purged afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAB_", "OIO_LAB_"))}
    env.update(LAB_DIR=str(tmp_path / "lab"), OIO_LAB_RAWX="1")

    def run(*args):
        return subprocess.run([str(REPO / "tests" / "lab" / "lab"), *args], check=True, capture_output=True,
                              text=True, env=env)

    yield run, tmp_path / "lab"
    run("down", "--purge", "oio", "b2")


@pytest.fixture(autouse=True)
def leaves_no_trace():
    """Each test leaves the central configuration and the registered services as it found them."""
    if not os.environ.get("OIO_PROXY_URL"):
        yield
        return
    lab = Lab()

    def state():
        return lab.px("GET", "config").json(), lab.px("GET", "conscience/list", {"type": "echo"}).json()

    before = state()
    yield
    assert state() == before, "the test changed the namespace's configuration or registered services"
