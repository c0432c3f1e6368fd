# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""StorageModule.handle_errors: which exceptions become a clean failure, and which keep their traceback."""

from __future__ import annotations

import json

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.common.backend import Backend
from ansible_collections.datacenter.storage.plugins.module_utils.common.module import ParamError, StorageModule
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.utils import patch_module_args


class BackendError(Exception):
    pass


@pytest.fixture
def module():
    with patch_module_args({"name": "x"}):
        yield StorageModule(dict(name=dict(type="str")), backend=Backend("test", {}, (BackendError,), open=None))


def failure(module, exc, capsys):
    with pytest.raises(SystemExit):
        with module.handle_errors("doing x"):
            raise exc
    return json.loads(capsys.readouterr().out)


def test_backend_errors_fail_cleanly(module, capsys):
    result = failure(module, BackendError("no such pool"), capsys)
    assert result["failed"] and result["msg"] == "doing x: no such pool"


def test_param_errors_name_the_parameter(module, capsys):
    result = failure(module, ParamError("size", "-1", "must be positive"), capsys)
    assert result["failed"] and result["msg"] == "size='-1': must be positive"


@pytest.mark.parametrize("exc", [ValueError("a bug"), KeyError("a bug"), UnicodeEncodeError("utf-8", "\ud800", 0, 1, "x")])
def test_unexpected_errors_keep_their_traceback(module, exc):
    with pytest.raises(type(exc)):
        with module.handle_errors("doing x"):
            raise exc
