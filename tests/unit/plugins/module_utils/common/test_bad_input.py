# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input refused before any backend call, the failure naming the option: StorageModule's guards, the checks."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.datacenter.storage.plugins.module_utils.common import checks, oio, rbd
from ansible_collections.datacenter.storage.plugins.module_utils.common.backend import Backend
from ansible_collections.datacenter.storage.plugins.module_utils.common.errors import ParamError
from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.modules import oio_container, oio_object
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.utils import patch_module_args, run_module

# A dict option with suboptions, one of them with a fallback (as rbd_image's clone_from and the connection options).
SPEC = dict(clone=dict(type="dict", options=dict(image=dict(type="str", fallback=(env_fallback, ["NO_SUCH_VAR"])))),
            items=dict(type="list", elements="dict", options=dict(name=dict(type="str"))),
            name=dict(type="str"), data=dict(type="str"), secret=dict(type="str", no_log=True))


def storage_module(args, capsys, binary=("data",)):
    """StorageModule(SPEC) on ``args``: the failure it ends with (JSON), or None if it was built."""
    with patch_module_args(args):
        try:
            StorageModule(SPEC, backend=Backend("test", {}, (), open=None), binary=binary)
        except SystemExit:
            return json.loads(capsys.readouterr().out)
    return None


@pytest.mark.parametrize("value", [5, 1.5, True, [1, 2]])
def test_ansible_core_crashes_on_a_suboption_dict_given_a_scalar(value):
    """ansible-core's own bug, which StorageModule guards against: set_fallbacks looks the suboptions up in the
    value before the value's type is checked (``TypeError: argument of type 'int' is not iterable``)."""
    with patch_module_args({"clone": value}):
        with pytest.raises(TypeError, match="not iterable"):
            AnsibleModule(argument_spec=SPEC)


@pytest.mark.parametrize("args, option", [({"clone": 5}, "clone"), ({"clone": [1, 2]}, "clone"),
                                          ({"clone": "not=a=dict junk"}, "clone"), ({"items": 7}, "items"),
                                          ({"items": [{"name": "a"}, 3]}, "items")])
def test_a_scalar_for_suboptions_fails_naming_the_option(args, option, capsys):
    result = storage_module(args, capsys)
    assert result["failed"] and "'%s'" % option in result["msg"]


def test_nul_bytes_are_refused_where_they_cannot_be_data(capsys):
    assert "name='a\\x00b': a NUL byte" in storage_module({"name": "a\x00b"}, capsys)["msg"]
    assert "items[1].name='\\x00'" in storage_module({"items": [{"name": "a"}, {"name": "\x00"}]}, capsys)["msg"]
    assert storage_module({"data": "a\x00b"}, capsys) is None  # binary: data may hold NUL
    secret = storage_module({"secret": "s3cr\x00t"}, capsys)
    assert "secret='********'" in secret["msg"] and "s3cr" not in json.dumps(secret)


@pytest.mark.parametrize("value", ["http://a b", "http://a/../b", "-1", "1000000000000000000000000000000",
                                   "http://" + "x" * 300, "ftp://host", "http://host:99999", "http://[::1"])
def test_urls_that_no_request_can_use(value):
    with pytest.raises(ParamError, match="endpoint="):
        checks.http_urls({"endpoint": value}, "endpoint")


@pytest.mark.parametrize("value", ["http://127.0.0.1:6006", "127.0.0.1:6006", "https://api.backblazeb2.com",
                                   "http://[::1]:80/", "http://proxy.example:6006", ""])
def test_urls_accepted(value):
    checks.http_urls({"endpoint": value}, "endpoint")


@pytest.mark.parametrize("value", [0, -1, float("inf"), float("nan")])
def test_timeouts_must_be_positive_and_finite(value):
    with pytest.raises(ParamError, match="op_timeout="):
        checks.positive_seconds({"op_timeout": value}, "op_timeout")


def test_oio_connection_and_name_checks(tmp_path):
    good = dict(namespace="OPENIO", account="acct", endpoint="http://127.0.0.1:1", connect_timeout=2.0,
                op_timeout=30.0, write_timeout=60.0)
    oio.validate(good)
    for bad, option in [(dict(namespace="../../etc"), "namespace"), (dict(account=" "), "account"),
                        (dict(container="x" * 256), "container"), (dict(name="y" * 1024), "name"),
                        (dict(sds_conf=str(tmp_path / "missing.conf")), "sds_conf"), (dict(b2_key_file="/"), "b2_key_file")]:
        with pytest.raises(ParamError) as refused:
            oio.validate(dict(good, **bad))
        assert refused.value.name == option


def test_rbd_name_and_connection_checks(tmp_path):
    good = dict(client_name="client.admin", cluster="ceph", connect_timeout=10.0, op_timeout=30.0, name="img",
                namespace="")
    rbd.validate(good)
    for bad, option in [(dict(name="a/b"), "name"), (dict(name="a@b"), "name"), (dict(name=""), "name"),
                        (dict(pool="p\n"), "pool"), (dict(cluster="../x"), "cluster"),
                        (dict(ceph_conf=str(tmp_path / "none.conf")), "ceph_conf"), (dict(namespaces=["ok", "a/b"]), "namespaces[1]")]:
        with pytest.raises(ParamError) as refused:
            rbd.validate(dict(good, **bad))
        assert refused.value.name == option


class NoBackend:
    """A client that must not be called."""

    def __getattr__(self, name):
        raise AssertionError("the backend was called (%s) for a refused value" % name)


@pytest.mark.parametrize("module, args, named", [
    (oio_object, {"container": "c", "name": "o", "content": "x", "mode": "u+q"}, "mode='u+q'"),
    (oio_object, {"container": "c", "name": "o", "content": "x", "mime_type": "t" * 9000}, "mime_type="),
    (oio_object, {"container": "c", "name": "o", "content": "x", "endpoint": "http://a/../b"}, "endpoint="),
    (oio_container, {"name": "c", "quota": "9" * 40}, "quota="),
    (oio_container, {"name": "c", "policy": "A\x01"}, "policy="),
    (oio_container, {"containers": [{"name": "a"}, {"name": " "}]}, "containers[1].name"),
])
def test_oio_modules_refuse_before_the_backend(module, args, named):
    failed = run_module(module, dict({"namespace": "NS", "account": "acct", "endpoint": "http://127.0.0.1:1"}, **args),
                        NoBackend())
    assert failed.failed and named in failed.result["msg"], failed.result["msg"]
