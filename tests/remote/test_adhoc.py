# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Every module from an ad hoc command over SSH: `ansible HOST -m datacenter.storage.MODULE -a ARGS`.

key=value arguments for the single forms, JSON for the bulk forms; each change twice (changed, then not),
check mode first (predicts the change, makes none). The modules run on the lab's hosts with Debian's python3.
"""

import json
import uuid

import pytest

from remote_lab import ENV, ansible_adhoc, cephx_key, ssh

RUN = uuid.uuid4().hex[:8]
RBD = "ceph_conf=/etc/ceph/ceph.conf client_name={0} keyring=/etc/ceph/ceph.{0}.keyring pool={1}".format(ENV.get("CEPH_CLIENT_NAME"), ENV.get("CEPH_POOL"))
RBD_JSON = {"ceph_conf": "/etc/ceph/ceph.conf", "client_name": ENV.get("CEPH_CLIENT_NAME"),
            "keyring": "/etc/ceph/ceph.%s.keyring" % ENV.get("CEPH_CLIENT_NAME"), "pool": ENV.get("CEPH_POOL")}
OIO = "namespace=%s account=adhoc-%s" % (ENV.get("OIO_NS"), RUN)
XS = "socket_path=/run/xenstored/socket"


def module(host, name, args, *extra):
    rc, out, results = ansible_adhoc(host, "datacenter.storage." + name, args if isinstance(args, str) else json.dumps(args), *extra)
    assert cephx_key() not in out
    return rc, out, results.get(host)


def changed_then_not(host, name, args):
    """Check mode predicts the change; the change; the same again changes nothing. Returns the first real result."""
    rc, out, checked = module(host, name, args, "--check")
    assert rc == 0 and checked["changed"] is True, out
    rc, out, first = module(host, name, args)
    assert rc == 0 and first["changed"] is True, out
    rc, out, second = module(host, name, args)
    assert rc == 0 and second["changed"] is False, out
    return first


@pytest.fixture(scope="module", autouse=True)
def made_clients(clients):
    return clients


def test_xenstore_modules_on_the_dom0():
    base = "/tool/adhoc-%s" % RUN
    changed_then_not("dom0", "xenstore_key", "%s path=%s/name value=dom0-adhoc" % (XS, base))
    bulk = {"socket_path": "/run/xenstored/socket", "keys": [{"path": base + "/a", "value": "1"}, {"path": base + "/b", "value": "2"}]}
    changed_then_not("dom0", "xenstore_key", bulk)
    rc, out, info = module("dom0", "xenstore_info", "%s path=%s depth=-1" % (XS, base))
    assert rc == 0 and sorted(info["tree"]) == ["a", "b", "name"] and info["tree"]["b"]["value"] == "2", out
    rc, out, watched = module("dom0", "xenstore_watch", "%s path=%s/a value=1 timeout=5" % (XS, base))
    assert rc == 0 and watched["changed"] is False, out
    changed_then_not("dom0", "xenstore_key", "%s path=%s state=absent" % (XS, base))


def test_rbd_modules_on_the_ceph_client():
    image = "adhoc-%s" % RUN
    changed_then_not("ceph-client", "rbd_image", "%s name=%s size=64M" % (RBD, image))
    changed_then_not("ceph-client", "rbd_snapshot", "%s image=%s name=s1" % (RBD, image))
    bulk = dict(RBD_JSON, images=[{"name": image + "-b1", "size": "8M"}, {"name": image + "-b2", "size": "16M"}])
    changed_then_not("ceph-client", "rbd_image", bulk)
    rc, out, info = module("ceph-client", "rbd_image_info", dict(RBD_JSON, name=[image, image + "-b1", image + "-b2"]))
    assert rc == 0 and sorted(i["name"] for i in info["images"]) == [image, image + "-b1", image + "-b2"], out
    assert {i["name"]: i["size"] for i in info["images"]}[image + "-b2"] == 16 << 20
    changed_then_not("ceph-client", "rbd_snapshot", "%s image=%s name=s1 state=absent" % (RBD, image))
    cleanup = dict(RBD_JSON, images=[{"name": n, "state": "absent"} for n in (image, image + "-b1", image + "-b2")])
    changed_then_not("ceph-client", "rbd_image", cleanup)


def test_rbd_module_runs_on_the_target_not_the_controller():
    """The dom0 host has no Ceph client packages (the controller has): the module fails there, naming the host's
    own Python and what it lacks."""
    rc, out, result = module("dom0", "rbd_image_info", RBD)
    assert rc != 0
    assert "(cffi) on dom0's Python /usr/bin/python3" in result["msg"], result
    assert "Traceback" not in out


def test_oio_modules_on_the_oio_client():
    container = "adhoc-%s" % RUN
    changed_then_not("oio-client", "oio_container", "%s name=%s policy=SINGLE max_versions=2" % (OIO, container))
    changed_then_not("oio-client", "oio_object", "%s container=%s name=hello content='hello from the oio client'" % (OIO, container))
    # The tree form uploads a directory of the OpenIO client host itself.
    ssh("oio-client", "rm -rf /root/adhoc && mkdir -p /root/adhoc/sub && printf 1 >/root/adhoc/one && printf 22 >/root/adhoc/sub/two")
    tree = {"namespace": ENV.get("OIO_NS"), "account": "adhoc-" + RUN, "container": container,
            "src": "/root/adhoc/", "prefix": "tree/", "properties": {"from": "ad hoc"}}
    first = changed_then_not("oio-client", "oio_object", tree)
    assert sorted(o["name"] for o in first["objects"]) == ["tree/one", "tree/sub/two"]
    rc, out, info = module("oio-client", "oio_object_info", "%s container=%s" % (OIO, container))
    assert rc == 0 and sorted(o["name"] for o in info["objects"]) == ["hello", "tree/one", "tree/sub/two"], out
    assert {o["name"]: o["size"] for o in info["objects"]}["tree/sub/two"] == 2
    changed_then_not("oio-client", "oio_container", "%s name=%s state=absent force=true" % (OIO, container))
