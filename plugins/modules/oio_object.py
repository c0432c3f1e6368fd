#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

from ansible_collections.datacenter.storage.plugins.module_utils.common.checks import check_header, max_bytes
from ansible_collections.datacenter.storage.plugins.module_utils.common.errors import ParamError
from ansible_collections.datacenter.storage.plugins.module_utils.common.list_form import STATE, inherited, key_values, list_form_spec
from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.oio import BACKEND, NAME_LIMITS
from ansible_collections.datacenter.storage.plugins.module_utils.common.oio_plan import (
    describe_object as describe, merged_properties, properties_option)
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import NoSuchContainer, NoSuchObject


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


# The options an item of ``objects`` takes from the task when it does not set them: (spec, default of the task's).
INHERITED = dict(
    container=(dict(type="str"), None),
    state=STATE,
    policy=(dict(type="str"), None),
    mime_type=(dict(type="str"), None),
    **key_values("properties"),
)
# The options each item sets for itself.
OWN = dict(
    name=dict(type="str"),
    src=dict(type="path"),
    prefix=dict(type="str"),
    content=dict(type="str", no_log=True),
)


def needs_upload(before, local_hash, item):
    return (before is None or before["hash"] != local_hash
            or (item["policy"] is not None and before["policy"] != item["policy"])
            or (item["mime_type"] is not None and before["mime_type"] != item["mime_type"]))


class ObjectTask:
    """What one task does to one container of one account."""

    def __init__(self, module, client, container):
        self.module = module
        self.params = module.params
        self.account = self.params["account"]
        self.container = container
        self.client = client
        self.client.autocreate = False

    def key(self, name):
        """The object's diff key."""
        return "%s/%s" % (self.container, name)

    def current(self, name):
        try:
            return describe(self.client.object_get_properties(self.account, self.container, name))
        except NoSuchObject:
            return None

    def delete(self):
        name, prefix = self.params["name"], self.params["prefix"]
        if name is not None:
            self.remove(name, self.current(name))
            self.module.exit(object={})
        self.module.exit(object={}, objects=self.delete_prefix(prefix))

    def delete_prefix(self, prefix):
        """Delete every object whose name starts with ``prefix``; returns one entry per object."""
        results = []
        for entry in self.client.object_list_all(self.account, self.container, prefix=prefix):
            self.module.tracker.mark(self.key(entry["name"]), describe(entry), {})
            results.append({"name": entry["name"], "action": "deleted", "size": entry["size"], "hash": entry["hash"]})
        if results and not self.module.check_mode:
            failed = [n for n, ok in self.client.object_delete_many(self.account, self.container, [r["name"] for r in results]) if not ok]
            if failed:
                self.module.fail("could not delete %s from %s/%s" % (", ".join(failed), self.account, self.container), objects=results)
        return results

    def remove(self, name, before):
        """Delete one object if it exists; returns its action."""
        if before is None:
            return "absent"
        self.module.tracker.mark(self.key(name), before, {})
        if not self.module.check_mode:
            self.client.object_delete(self.account, self.container, name)
        return "deleted"

    def upload(self, name, before, local_hash, size, data=None, path=None, item=None, pool=None):
        """Upload if the stored object differs, else reconcile its properties; returns (object after, action).

        ``item``: the options (policy, mime_type, properties, purge_properties), the task's by default.
        ``pool``: (executor, futures): the upload is submitted there and the object after is the one planned."""
        item = item or self.params
        props = merged_properties(before["properties"] if before else {}, properties_option(item["properties"]),
                                  item["purge_properties"])
        after = {"name": name, "size": size, "hash": local_hash, "properties": props, "version": None,
                 "policy": item["policy"] or (before or {}).get("policy"),
                 "mime_type": item["mime_type"] or (before or {}).get("mime_type") or "application/octet-stream"}
        if needs_upload(before, local_hash, item):
            self.module.tracker.mark(self.key(name), before or {}, after)
            if not self.module.check_mode:
                create = partial(self.client.object_create_ext, self.account, self.container, file_or_path=path,
                                 data=data, obj_name=name, policy=item["policy"], mime_type=item["mime_type"],
                                 properties=props)
                if pool is not None:
                    pool[1].append(pool[0].submit(create))
                else:
                    create()
                    after = self.current(name)
            return after, "uploaded"
        after = dict(before, properties=props)
        if not self.module.tracker.compare(self.key(name), before, after):
            return after, "unchanged"
        if not self.module.check_mode:
            removed = [k for k in before["properties"] if k not in props]
            if removed:
                self.client.object_del_properties(self.account, self.container, name, removed)
            if props:
                self.client.object_set_properties(self.account, self.container, name, props)
            after = self.current(name)
        return after, "properties"

    def upload_tree(self, root, prefix, item=None):
        """Upload every file under ``root`` as ``prefix`` + its relative path; returns one entry per file.

        The container is listed once; the uploads run TREE_WORKERS at a time over the one client (its HTTP pool
        is shared), and the first failure cancels those not started."""
        prefix = prefix or ""
        listing = {e["name"]: describe(e) for e in self.client.object_list_all(self.account, self.container, prefix=prefix, properties=True)}
        results, pending = [], []
        with ThreadPoolExecutor(TREE_WORKERS) as pool:
            try:
                for top, dirs, files in os.walk(root):
                    dirs.sort()
                    for filename in sorted(files):
                        path = os.path.join(top, filename)
                        name = prefix + os.path.relpath(path, root).replace(os.sep, "/")
                        after, action = self.upload(name, listing.get(name), file_md5(path), os.path.getsize(path),
                                                    path=path, item=item, pool=(pool, pending))
                        results.append({"name": name, "action": action, "size": after["size"], "hash": after["hash"]})
                for upload in pending:
                    upload.result()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        return results

    def download(self, name, dest):
        """Write the object to ``dest`` if its MD5 differs, then apply the file options; returns the object."""
        before = self.current(name)
        if before is None:
            self.module.fail("object name=%s in account=%s container=%s does not exist: nothing to download to dest=%s"
                             % (name, self.account, self.container, dest))
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


# Uploads of a tree at once (src a directory): each waits mostly on the proxy and the rawx services.
TREE_WORKERS = 4

# The file modes ansible.builtin.file takes: octal, or symbolic clauses such as u+rwx,g-w.
FILE_MODE = re.compile(r"^(0?[0-7]{3,4}|[ugoa]*[-+=][rwxXstugo]*(,[ugoa]*[-+=][rwxXstugo]*)*)$")


def _items(params):
    """The items of ``objects`` with the task's options as defaults, checked; raises ParamError naming the item."""
    items, seen = [], {}
    for index, entry in enumerate(params["objects"]):
        label = "objects[%d]." % index
        item = inherited(params, entry, INHERITED)
        item.update((key, entry[key]) for key in OWN)
        if not item["container"]:
            raise ParamError(label + "container", item["container"], "required here or as the task's container")
        if item["src"] is not None and not os.path.exists(item["src"]):
            raise ParamError(label + "src", item["src"], "no such file or directory on the target")
        item["tree"] = item["name"] is None and (item["state"] == "absent" or item["src"] is not None)
        if item["tree"]:
            if item["state"] == "absent" and not item["prefix"]:
                raise ParamError(label + "prefix", item["prefix"], "state=absent needs the object name, or a prefix")
            if item["state"] == "present" and not os.path.isdir(item["src"]):
                raise ParamError(label + "name", item["name"], "the object name is required unless src is a directory")
        else:
            if not item["name"] or "\0" in item["name"]:
                raise ParamError(label + "name", item["name"], "an object name must be a non-empty string without NUL")
            if item["src"] is not None and not os.path.isfile(item["src"]):
                raise ParamError(label + "src", item["src"], "not a regular file (a directory goes without name)")
            key = "%s/%s" % (item["container"], item["name"])
            if key in seen:
                raise ParamError(label + "name", item["name"], "%s is already objects[%d]" % (key, seen[key]))
            seen[key] = index
        for option in ("policy", "mime_type"):
            check_header(item[option], label + option)
        max_bytes(item, NAME_LIMITS, label)
        items.append((item, label))
    return items


def run_objects(module, client):
    """The ``objects`` form: every item checked and read, then each one changed in order."""
    tasks, planned = {}, []
    for item, label in _items(module.params):
        task = tasks.setdefault(item["container"], ObjectTask(module, client, item["container"]))
        try:
            before = None if item["tree"] else task.current(item["name"])
            if item["tree"]:
                client.container_get_properties(module.params["account"], item["container"])
        except NoSuchContainer:
            raise ParamError(label + "container", item["container"], "no such container in account=%s: create it "
                             "first (datacenter.storage.oio_container)" % module.params["account"]) from None
        if not item["tree"] and item["state"] == "present" and before is None and item["src"] is None \
                and item["content"] is None:
            raise ParamError(label + "name", item["name"], "the object does not exist: give src or content to upload it")
        planned.append((task, item, label, before))
    results = []
    for task, item, label, before in planned:
        name = item["name"]
        if item["tree"]:
            results.append(run_tree(task, item, label))
            continue
        if item["state"] == "absent":
            after, action = {}, task.remove(name, before)
        elif item["src"] is not None:
            try:
                after, action = task.upload(name, before, file_md5(item["src"]), os.path.getsize(item["src"]),
                                            path=item["src"], item=item)
            except OSError as exc:
                raise ParamError(label + "src", item["src"], exc.strerror or str(exc)) from None
        elif item["content"] is not None:
            data = item["content"].encode("utf-8")
            after, action = task.upload(name, before, hashlib.md5(data).hexdigest().upper(), len(data), data=data,
                                        item=item)
        else:
            after, action = task.upload(name, before, before["hash"], before["size"], item=item)
        results.append({"container": item["container"], "name": name, "changed": action not in ("unchanged", "absent"),
                        "action": action, "size": after.get("size"), "hash": after.get("hash"), "object": after})
    return results


def run_tree(task, item, label):
    """One item of ``objects`` without a name: a directory uploaded, or the objects under a prefix deleted."""
    if item["state"] == "absent":
        entries = task.delete_prefix(item["prefix"])
    else:
        try:
            entries = task.upload_tree(item["src"], item["prefix"], item)
        except OSError as exc:
            raise ParamError(label + "src", item["src"], exc.strerror or str(exc)) from None
    changed = any(entry["action"] != "unchanged" for entry in entries)
    return {"container": item["container"], "name": None, "prefix": item["prefix"], "changed": changed,
            "action": "tree", "objects": entries, "object": {}}


def main():
    argument_spec = list_form_spec(INHERITED, OWN, "objects", mutually_exclusive=[("src", "content")])
    argument_spec["dest"] = dict(type="path")
    module = StorageModule(
        argument_spec,
        backend=BACKEND, supports_check_mode=True, binary=("content",),
        mutually_exclusive=[("src", "content", "dest"), ("objects", "name"), ("objects", "src"), ("objects", "content"),
                            ("objects", "dest"), ("objects", "prefix")],
        add_file_common_args=True,
    )
    params = module.params
    if isinstance(params["mode"], str) and not FILE_MODE.match(params["mode"]):
        module.fail_param("mode", params["mode"], "expected an octal mode (0644) or a symbolic one (u=rw,g=r,o=r)")
    if params["objects"] is not None:
        with module.handle_errors("oio_object"), module.open() as client:
            results = run_objects(module, client)
        module.exit(objects=results)
    if not params["container"]:
        module.fail_param("container", params["container"], "the container is required (unless every item of objects names one)")
    name, src = params["name"], params["src"]
    is_tree = src is not None and os.path.isdir(src)
    if params["state"] == "absent" and name is None and not params["prefix"]:
        module.fail_param("name", name, "state=absent needs the object name, or a prefix of the objects to delete")
    if params["state"] == "present" and name is None and not is_tree:
        module.fail_param("name", name, "the object name is required unless src is a directory")
    if src is not None and not os.path.exists(src):
        module.fail_param("src", src, "no such file or directory on the target")
    for option in ("policy", "mime_type"):  # sent as HTTP headers
        with module.handle_errors():
            check_header(params[option], option)
    if params["dest"] is not None and os.path.isdir(params["dest"]):
        module.fail_param("dest", params["dest"], "is a directory; give the path of the file to write")
    where = "account=%s container=%s" % (params["account"], params["container"])
    with module.handle_errors("oio_object %s/%s" % (params["container"], name or params["prefix"] or "")), module.open() as client:
        task = ObjectTask(module, client, params["container"])
        try:
            if params["state"] == "absent":
                task.delete()
            if is_tree:
                with local_files(module, "src"):
                    module.exit(object={}, objects=task.upload_tree(src, params["prefix"]))
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
                module.fail("object name=%s in %s does not exist: give src or content to upload it" % (name, where))
            else:
                result = task.upload(name, before, before["hash"], before["size"])[0]
            module.exit(object=result)
        except NoSuchContainer:
            module.fail("%s: the container does not exist: create it first (datacenter.storage.oio_container)" % where)


if __name__ == "__main__":
    main()
