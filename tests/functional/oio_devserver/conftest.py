"""Conformance tests of the OpenIO dev namespace (tests/lab/oio), in raw HTTP with urllib3.

Written from the protocol notes of docs/oio-devserver.md; settings come from the lab (`tests/lab/lab up oio`).
"""

import uuid

import pytest
from oiolab import Lab


@pytest.fixture(scope="session")
def lab():
    return Lab()


@pytest.fixture
def names():
    """Fresh account and container names for one test."""
    tag = uuid.uuid4().hex[:10]
    return f"acct-{tag}", f"ct-{tag}"
