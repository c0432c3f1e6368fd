#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oio_object
short_description: Upload, download and delete OpenIO SDS objects
version_added: 1.0.0
description:
  - Upload a file or a string as an object of an OpenIO SDS container, only when the stored MD5 differs.
  - Upload a whole directory tree under a prefix in one task.
  - Download an object to a file on the target, only when the local file differs.
  - Set the properties of an object, or delete it.
author:
  - datacenter.storage contributors (@datacenter-storage)
options:
  container:
    description: Name of the container. It must exist (see M(datacenter.storage.oio_container)).
    type: str
    required: true
  name:
    description:
      - Name of the object.
      - Required unless O(src) is a directory.
    type: str
  state:
    description:
      - V(present) uploads (O(src), O(content)), downloads (O(dest)) or only sets properties of an existing object.
      - V(absent) deletes the object O(name), or every object whose name starts with O(prefix).
    type: str
    choices: [present, absent]
    default: present
  src:
    description:
      - A file on the target to upload as O(name).
      - A directory on the target - every file under it is uploaded as O(prefix) followed by its relative path.
      - Mutually exclusive with O(content) and O(dest).
    type: path
  content:
    description:
      - The data of the object, as a string (stored UTF-8 encoded).
      - Mutually exclusive with O(src) and O(dest).
      - Like M(ansible.builtin.copy)'s, it is never logged nor shown in the task's result.
    type: str
  dest:
    description:
      - Download the object to this file on the target. The file is replaced only when its MD5 differs.
      - The file is written next to O(dest) and moved into place, like M(ansible.builtin.copy) does - an existing
        file keeps its mode, owner and group, a new one gets the usual mode for the umask - then O(mode),
        O(owner), O(group) and the SELinux options apply.
      - Its directory must exist.
      - Mutually exclusive with O(src) and O(content).
    type: path
  prefix:
    description:
      - With a directory O(src), the prefix of the object names.
      - With O(state=absent) and no O(name), delete every object whose name starts with it.
    type: str
  policy:
    description:
      - Storage policy of uploaded objects, for example C(SINGLE), C(THREECOPIES) or C(EC).
      - An existing object with another policy is uploaded again.
    type: str
  mime_type:
    description: MIME type of uploaded objects. An existing object with another type is uploaded again.
    type: str
  properties:
    description: User properties of the object (of every object, with a directory O(src)). Values are stored as strings.
    type: dict
  purge_properties:
    description: Remove the properties not listed in O(properties).
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.files
  - datacenter.storage.oio
  - datacenter.storage.attributes
notes:
  - O(src) and O(dest) are paths on the target host, where the module runs.
  - O(mode), O(owner), O(group) and the other file options apply to the O(dest) of a download only.
"""

EXAMPLES = r"""
- name: Upload a file with erasure coding
  datacenter.storage.oio_object:
    namespace: OPENIO
    account: my_account
    container: backups
    name: db/2026-11-23.dump
    src: /var/backups/db.dump
    policy: EC
    properties:
      origin: db1

- name: Upload a directory tree under a prefix in one task
  datacenter.storage.oio_object:
    namespace: OPENIO
    account: my_account
    container: www
    src: /srv/www/
    prefix: site/

- name: Download an object
  datacenter.storage.oio_object:
    namespace: OPENIO
    account: my_account
    container: backups
    name: db/2026-11-23.dump
    dest: /srv/restore/db.dump
    owner: postgres
    mode: "0640"

- name: Delete an object
  datacenter.storage.oio_object:
    namespace: OPENIO
    account: my_account
    container: backups
    name: db/2026-11-23.dump
    state: absent
"""

RETURN = r"""
object:
  description: The object after the task (as it would be, in check mode); empty when absent or with a directory O(src).
  returned: always
  type: dict
  contains:
    name:
      description: Object name.
      type: str
    size:
      description: Size in bytes.
      type: int
    hash:
      description: MD5 of the data, uppercase hex.
      type: str
    policy:
      description: Storage policy.
      type: str
    mime_type:
      description: MIME type.
      type: str
    version:
      description: Version of the object (null in check mode before an upload).
      type: int
    properties:
      description: User properties.
      type: dict
  sample:
    name: db/2026-11-23.dump
    size: 1048576
    hash: 5F363E0E58A95F06CBE9BBC662C5DFB6
    policy: EC
    mime_type: application/octet-stream
    version: 1763892000000000
    properties: {origin: db1}
objects:
  description: With a directory O(src) or a O(prefix) deletion, one entry per object and what happened to it.
  returned: when O(src) is a directory or O(state=absent) with O(prefix)
  type: list
  elements: dict
  sample:
    - {name: site/index.html, action: uploaded, size: 512, hash: 0CC175B9C0F1B6A831C399E269772661}
    - {name: site/logo.png, action: unchanged, size: 4096, hash: 92EB5FFEE6AE2FEC3AD71C777531578F}
dest:
  description: The file written by a download.
  returned: when O(dest) is set
  type: str
  sample: /tmp/restore.dump
"""

import hashlib  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule  # noqa: E402
from ansible_collections.datacenter.storage.plugins.module_utils.common.oio import (  # noqa: E402
    BACKEND, merged_properties, properties_option,
)
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import NoSuchContainer, NoSuchObject  # noqa: E402


@contextmanager
def local_files(module, param):
    """Fail naming ``param`` when a file on the target cannot be read or written."""
    try:
        yield
    except OSError as exc:
        where = exc.filename if exc.filename not in (None, module.params[param]) else None
        module.fail_param(param, module.params[param], "%s%s" % (exc.strerror or exc, " (%s)" % where if where else ""))


def file_md5(path):
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1048576), b""):
            digest.update(block)
    return digest.hexdigest().upper()


def describe(meta):
    """An object as the module returns it, from ``object_get_properties`` or a listing entry."""
    return {
        "name": meta["name"],
        "size": int(meta.get("size") or meta.get("length") or 0),
        "hash": (meta.get("hash") or "").upper(),
        "policy": meta.get("policy"),
        "mime_type": meta.get("mime_type"),
        "version": int(meta["version"]) if meta.get("version") is not None else None,
        "properties": dict(meta.get("properties") or {}),
    }


def needs_upload(before, local_hash, params):
    return (before is None or before["hash"] != local_hash
            or (params["policy"] is not None and before["policy"] != params["policy"])
            or (params["mime_type"] is not None and before["mime_type"] != params["mime_type"]))


class ObjectTask:
    """What one task does to one container of one account."""

    def __init__(self, module, client):
        self.module = module
        self.params = module.params
        self.account = self.params["account"]
        self.container = self.params["container"]
        self.client = client
        self.client.autocreate = False
        self.wanted_props = properties_option(self.params["properties"])

    def current(self, name):
        try:
            return describe(self.client.object_get_properties(self.account, self.container, name))
        except NoSuchObject:
            return None

    def delete(self):
        name, prefix = self.params["name"], self.params["prefix"]
        if name is not None:
            before = self.current(name)
            if before is not None:
                self.module.tracker.mark(name, before, None)
                if not self.module.check_mode:
                    self.client.object_delete(self.account, self.container, name)
            self.module.exit(object={})
        results = []
        for entry in self.client.object_list_all(self.account, self.container, prefix=prefix):
            self.module.tracker.mark(entry["name"], describe(entry), None)
            results.append({"name": entry["name"], "action": "deleted", "size": entry["size"], "hash": entry["hash"]})
        if results and not self.module.check_mode:
            failed = [n for n, ok in self.client.object_delete_many(self.account, self.container, [r["name"] for r in results]) if not ok]
            if failed:
                self.module.fail("could not delete %s from %s/%s" % (", ".join(failed), self.account, self.container), objects=results)
        self.module.exit(object={}, objects=results)

    def upload(self, name, before, local_hash, size, data=None, path=None):
        """Upload if the stored object differs, else reconcile its properties; returns (object after, action)."""
        props = merged_properties(before["properties"] if before else {}, self.wanted_props, self.params["purge_properties"])
        after = {"name": name, "size": size, "hash": local_hash, "properties": props, "version": None,
                 "policy": self.params["policy"] or (before or {}).get("policy"),
                 "mime_type": self.params["mime_type"] or (before or {}).get("mime_type") or "application/octet-stream"}
        if needs_upload(before, local_hash, self.params):
            self.module.tracker.mark(name, before, after)
            if not self.module.check_mode:
                self.client.object_create_ext(self.account, self.container, file_or_path=path, data=data, obj_name=name,
                                              policy=self.params["policy"], mime_type=self.params["mime_type"], properties=props)
                after = self.current(name)
            return after, "uploaded"
        after = dict(before, properties=props)
        if not self.module.tracker.compare(name, before, after):
            return after, "unchanged"
        if not self.module.check_mode:
            removed = [k for k in before["properties"] if k not in props]
            if removed:
                self.client.object_del_properties(self.account, self.container, name, removed)
            if props:
                self.client.object_set_properties(self.account, self.container, name, props)
            after = self.current(name)
        return after, "properties"

    def upload_tree(self, root):
        prefix = self.params["prefix"] or ""
        listing = {e["name"]: describe(e) for e in self.client.object_list_all(self.account, self.container, prefix=prefix, properties=True)}
        results = []
        for top, dirs, files in os.walk(root):
            dirs.sort()
            for filename in sorted(files):
                path = os.path.join(top, filename)
                name = prefix + os.path.relpath(path, root).replace(os.sep, "/")
                after, action = self.upload(name, listing.get(name), file_md5(path), os.path.getsize(path), path=path)
                results.append({"name": name, "action": action, "size": after["size"], "hash": after["hash"]})
        return results

    def download(self, name, dest):
        """Write the object to ``dest`` if its MD5 differs, then apply the file options; returns the object."""
        before = self.current(name)
        if before is None:
            self.module.fail("object %s/%s/%s does not exist: nothing to download to %s" % (self.account, self.container, name, dest))
        with local_files(self.module, "dest"):
            local = file_md5(dest) if os.path.isfile(dest) else None
            if self.module.tracker.compare(dest, {"hash": local}, {"hash": before["hash"]}) and not self.module.check_mode:
                self._fetch_to(name, dest, before["hash"])
            ansible = self.module.module
            file_args = ansible.load_file_common_arguments(ansible.params, path=dest)
            if os.path.exists(dest) or not self.module.check_mode:
                diff = {"before": {}, "after": {}}
                if ansible.set_fs_attributes_if_different(file_args, False, diff):
                    self.module.tracker.mark(dest + " (attributes)", diff["before"], diff["after"])
        return before

    def _fetch_to(self, name, dest, stored_hash):
        """Download into a file next to ``dest``, check its MD5, move it into place as ``copy`` does."""
        handle, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(dest)), prefix=".oio_object.")
        try:
            digest = hashlib.md5()
            with os.fdopen(handle, "wb") as out:
                for data in self.client.object_fetch(self.account, self.container, name)[1]:
                    digest.update(data)
                    out.write(data)
            if stored_hash and digest.hexdigest().upper() != stored_hash:
                self.module.fail("object %s/%s/%s: downloaded MD5 %s differs from the stored %s"
                                 % (self.account, self.container, name, digest.hexdigest().upper(), stored_hash))
            self.module.module.atomic_move(tmp, dest)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def main():
    module = StorageModule(
        dict(
            container=dict(type="str", required=True),
            name=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            src=dict(type="path"),
            content=dict(type="str", no_log=True),
            dest=dict(type="path"),
            prefix=dict(type="str"),
            policy=dict(type="str"),
            mime_type=dict(type="str"),
            properties=dict(type="dict"),
            purge_properties=dict(type="bool", default=False),
        ),
        backend=BACKEND, supports_check_mode=True,
        mutually_exclusive=[("src", "content", "dest")], add_file_common_args=True,
    )
    params = module.params
    name, src = params["name"], params["src"]
    is_tree = src is not None and os.path.isdir(src)
    if params["state"] == "absent" and name is None and not params["prefix"]:
        module.fail_param("name", name, "state=absent needs the object name, or a prefix of the objects to delete")
    if params["state"] == "present" and name is None and not is_tree:
        module.fail_param("name", name, "the object name is required unless src is a directory")
    if src is not None and not os.path.exists(src):
        module.fail_param("src", src, "no such file or directory on the target")
    for option in ("policy", "mime_type"):  # sent as HTTP headers
        if params[option] is not None and any(ord(c) < 32 or ord(c) == 127 for c in params[option]):
            module.fail_param(option, params[option], "control characters are not allowed")
    if params["dest"] is not None and os.path.isdir(params["dest"]):
        module.fail_param("dest", params["dest"], "is a directory; give the path of the file to write")
    where = "%s/%s" % (params["account"], params["container"])
    with module.handle_errors("object %s/%s" % (where, name or params["prefix"] or "")), module.open() as client:
        task = ObjectTask(module, client)
        try:
            if params["state"] == "absent":
                task.delete()
            if is_tree:
                with local_files(module, "src"):
                    module.exit(object={}, objects=task.upload_tree(src))
            if params["dest"] is not None:
                module.exit(object=task.download(name, params["dest"]), dest=params["dest"])
            before = task.current(name)
            if src is not None:
                with local_files(module, "src"):
                    result = task.upload(name, before, file_md5(src), os.path.getsize(src), path=src)[0]
            elif params["content"] is not None:
                data = params["content"].encode("utf-8")
                result = task.upload(name, before, hashlib.md5(data).hexdigest().upper(), len(data), data=data)[0]
            elif before is None:
                module.fail("object %s/%s does not exist: give src or content to upload it" % (where, name))
            else:
                result = task.upload(name, before, before["hash"], before["size"])[0]
            module.exit(object=result)
        except NoSuchContainer:
            module.fail("container %s does not exist: create it first (datacenter.storage.oio_container)" % where)


if __name__ == "__main__":
    main()
