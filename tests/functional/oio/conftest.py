# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the OpenIO SDS client against the lab's dev namespace (tests/lab/lab up oio)."""

from __future__ import annotations

import uuid

import pytest
from labenv import need
from oio_lab import admin, make_api

need("OIO_PROXY_URL", "oio", module_level=True)


@pytest.fixture(scope="session")
def api():
    return make_api()


@pytest.fixture(scope="session")
def account(api):
    name = "func-" + uuid.uuid4().hex[:8]
    api.account_create(name)
    return name


@pytest.fixture
def container(api, account):
    name = "ct-" + uuid.uuid4().hex[:8]
    api.container_create(account, name)
    yield name
    admin("rawx/start-all")
    api.container_flush(account, name)
    api.container_delete(account, name)
