#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import errno
import os
import time

from ansible_collections.datacenter.storage.plugins.module_utils.common.list_form import STATE, inherited, key_values, list_form_spec
from ansible_collections.datacenter.storage.plugins.module_utils.common.module import ParamError, StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.rbd import (
    BACKEND, CONFIG_PREFIX, ERRORS, MIRROR_MODES, POOL_MIRROR_MODES, Bounded, Pools, check_names, full_cause,
    image_facts, image_spec,
    plan_keys,
)
from ansible_collections.datacenter.storage.plugins.module_utils.common.rbd_publish import publish
from ansible_collections.datacenter.storage.plugins.module_utils.common.units import parse_size
from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rbd as librbd
from ansible_collections.datacenter.storage.plugins.module_utils.rbd.features import (
    FEATURE_NAMES, RBD_FEATURE_JOURNALING, RBD_FEATURE_OBJECT_MAP, RBD_FEATURES_IMPLICIT, RBD_FEATURES_MUTABLE,
    RBD_FEATURE_DEEP_FLATTEN,
    features_from_names, features_to_names, missing_dependencies, with_implied,
)
from ansible_collections.datacenter.storage.plugins.module_utils.rbd.transfer import import_file

CLONE_FROM = dict(
    pool=dict(type="str"),
    namespace=dict(type="str"),
    image=dict(type="str", required=True),
    snapshot=dict(type="str", required=True),
)

# Per image: (argument spec, default at the top level).
STAGING = ".rbd_image-incomplete"  # the suffix of an image being created, renamed when complete
STALE_WATCH_WAIT = 55  # seconds: past osd_client_watch_timeout (30 s), a dead run's watch is gone (40 s was once not enough)
IMAGE_OPTIONS = dict(
    pool=(dict(type="str"), "rbd"),
    namespace=(dict(type="str"), ""),
    state=STATE,
    size=(dict(type="str"), None),
    allow_shrink=(dict(type="bool"), False),
    features=(dict(type="list", elements="str"), None),
    object_size=(dict(type="str"), None),
    stripe_unit=(dict(type="str"), None),
    stripe_count=(dict(type="int"), None),
    data_pool=(dict(type="str"), None),
    clone_from=(dict(type="dict", options=CLONE_FROM), None),
    flatten=(dict(type="bool"), False),
    **key_values("metadata"),
    src=(dict(type="path"), None),
    trash=(dict(type="bool"), False),
    **key_values("config"),
    mirror=(dict(type="str", choices=["disabled", "journal", "snapshot"]), None),
    group=(dict(type="str"), None),
)
CHANGEABLE_FEATURES = RBD_FEATURES_MUTABLE | RBD_FEATURE_DEEP_FLATTEN


def _state(facts):
    """The comparable part of an image's facts."""
    if facts is None:
        return {}
    keys = ("size", "object_size", "stripe_unit", "stripe_count", "data_pool", "parent", "metadata", "config", "mirror",
            "group")
    state = {key: facts[key] for key in keys}
    state["features"] = [name for name in facts["features"]
                         if not FEATURE_NAMES.get(name, 0) & RBD_FEATURES_IMPLICIT]
    return state


def _parent_spec(parent):
    return image_spec(parent["pool"], parent["namespace"], parent["image"], parent["snapshot"])


def _size(option, value):
    try:
        size = parse_size(value)
    except ValueError as exc:
        raise ParamError(option, value, str(exc)) from None
    if size >= 1 << 64:
        raise ParamError(option, value, "more than librbd can address (2^64 bytes)")
    return size


class ImagePlan:
    """What one image needs: computed from what the cluster reports, then applied."""

    def __init__(self, cluster, pools, item, label):
        self.cluster = cluster
        self.bounded = Bounded(cluster)  # the calls that wait for a stopped OSD past the op timeout
        self.pools = pools
        self.item = item
        self.label = label  # "images[3]." for bulk items, "" otherwise
        self.pool = item["pool"]
        self.namespace = item["namespace"] or ""
        self.name = item["name"]
        self.spec = image_spec(self.pool, self.namespace, self.name)
        self.steps = []  # (description, callable taking the open image or None)
        self.create = None  # callable creating the image, if it must be created
        self.remove = None
        self.applied = []  # the steps done on an existing image, for a failure to report
        self.failing = None  # the step being made, for a failure to name
        self.left = None  # what a failed creation could not remove
        self.named = False  # a created image has its name: never discarded after that
        self.warnings = []
        self.before = {}
        self.after = {}

    def fail(self, option, value, why):
        raise ParamError(self.label + option, value, "%s: %s" % (self.spec, why))

    def plan(self):
        item = self.item
        self.features = None
        if item["features"] is not None:
            try:
                self.features = features_from_names(item["features"])
            except ValueError as exc:
                self.fail("features", item["features"], str(exc))
            for feature, needed in missing_dependencies(self.features):
                self.fail("features", item["features"], "%s needs %s" % (feature, needed))
            self.features = with_implied(self.features)
        ioctx = self.pools.get(self.pool, self.namespace)
        try:
            with librbd.Image(ioctx, self.name, read_only=True) as image:
                facts = image_facts(self.cluster, image)
        except librbd.ImageNotFound:
            facts = None
        self.before = _state(facts)
        if item["state"] == "absent":
            if facts is not None:
                self._plan_removal(facts)
            return
        if facts is None:
            self._plan_creation()
        else:
            self.after = dict(self.before, metadata=dict(self.before["metadata"]))
            self._plan_changes(facts)

    def _plan_removal(self, facts):
        if facts["snapshots"]:
            self.fail("state", "absent", "the image has snapshots (%s): remove them first (rbd_snapshot state=absent),"
                      " after flattening or removing their clones" % ", ".join(s["name"] for s in facts["snapshots"]))
        self.after = {}
        drop = librbd.RBD().trash_move if self.item["trash"] else librbd.RBD().remove

        def remove():
            ioctx = self.pools.get(self.pool, self.namespace)
            if facts["group"]:  # librbd refuses to remove a group's member
                librbd.Group(ioctx, facts["group"]).remove_image(ioctx, self.name)
            drop(ioctx, self.name)

        self.remove = remove

    def _parent(self):
        clone = self.item["clone_from"]
        return {"pool": clone["pool"] or self.pool,
                "namespace": self.namespace if clone["namespace"] is None else clone["namespace"],
                "image": clone["image"], "snapshot": clone["snapshot"]}

    def _plan_creation(self):
        item = self.item
        order = None
        if item["object_size"] is not None:
            object_size = _size("object_size", item["object_size"])
            if object_size < 4096 or object_size > (32 << 20) or object_size & (object_size - 1):
                self.fail("object_size", item["object_size"], "must be a power of two between 4K and 32M")
            order = object_size.bit_length() - 1
        stripe_unit = _size("stripe_unit", item["stripe_unit"]) if item["stripe_unit"] is not None else None
        if (stripe_unit is None) != (item["stripe_count"] is None):
            self.fail("stripe_unit", item["stripe_unit"], "stripe_unit and stripe_count go together")
        if item["data_pool"] and not self.cluster.pool_exists(item["data_pool"]):
            self.fail("data_pool", item["data_pool"], "no such pool")
        size = _size("size", item["size"]) if item["size"] is not None else None
        options = dict(features=self.features, order=order, stripe_unit=stripe_unit,
                       stripe_count=item["stripe_count"], data_pool=item["data_pool"])
        parent = None
        if item["clone_from"]:
            parent = self._parent()
            parent_size = self._check_parent(parent)
            if size is None:
                size = parent_size
        elif item["src"]:
            try:
                src_size = os.path.getsize(item["src"])
            except OSError as exc:
                self.fail("src", item["src"], "cannot read the file: %s" % exc.strerror)
            if not os.path.isfile(item["src"]):
                self.fail("src", item["src"], "not a regular file")
            if size is None:
                size = src_size
            elif size < src_size:
                self.fail("size", item["size"], "smaller than src (%d bytes)" % src_size)
        elif size is None:
            self.fail("size", None, "required to create the image (or clone_from, or src)")
        self.after = {
            "size": size, "features": features_to_names(self.features & ~RBD_FEATURES_IMPLICIT)
            if self.features is not None else None,
            "object_size": 1 << order if order else None, "stripe_unit": stripe_unit,
            "stripe_count": item["stripe_count"], "data_pool": item["data_pool"],
            "parent": None if item["flatten"] else parent,
        }
        if parent:
            self.create = lambda ioctx, name: librbd.RBD().clone(
                self.pools.get(parent["pool"], parent["namespace"]), parent["image"], parent["snapshot"], ioctx,
                name, **options)
            self.steps.append(("resize to size=%s" % size, lambda image: image.size() != size and image.resize(
                size, on_progress=self.bounded.progress)))
            if item["flatten"]:
                self.steps.append(("flatten", lambda image: image.flatten(on_progress=self.bounded.progress)))
        else:
            self.create = lambda ioctx, name: librbd.RBD().create(ioctx, name, size, **options)
            if item["src"]:
                self.steps.append(("import %s" % item["src"], self._import))
        self.after.update(config={}, mirror="disabled", group=None)
        self._plan_metadata()
        self._plan_extras()

    def _import(self, image):
        try:
            with open(self.item["src"], "rb") as fileobj:
                import_file(image, fileobj)
        except OSError as exc:  # the file, not the cluster: still a clean failure (and a rollback)
            raise librbd.IOError("read src %s: %s" % (self.item["src"], exc.strerror), errno=exc.errno) from None

    def _check_parent(self, parent):
        try:
            ioctx = self.pools.get(parent["pool"], parent["namespace"])
            with librbd.Image(ioctx, parent["image"], snapshot=parent["snapshot"], read_only=True) as image:
                if not image.is_protected_snap(parent["snapshot"]):
                    self.fail("clone_from", parent, "snapshot %s is not protected: protect it first "
                              "(rbd_snapshot protected=true)" % _parent_spec(parent))
                return image.size()
        except librbd.ImageNotFound:
            self.fail("clone_from", parent, "no such image or snapshot %s" % _parent_spec(parent))

    def _plan_changes(self, facts):
        item, before, after = self.item, self.before, self.after
        for option, key, parse in (("object_size", "object_size", True), ("stripe_unit", "stripe_unit", True),
                                   ("stripe_count", "stripe_count", False), ("data_pool", "data_pool", False)):
            if item[option] is not None:
                wanted = _size(option, item[option]) if parse else item[option]
                if wanted != before[key]:
                    self.fail(option, item[option], "cannot be changed on an existing image (it is %s)" % before[key])
        if item["clone_from"]:
            parent = self._parent()
            if before["parent"] is None and not item["flatten"]:
                self.fail("clone_from", parent, "the image exists and is not a clone")
            if before["parent"] is not None and before["parent"] != parent:
                self.fail("clone_from", parent, "the image is a clone of %s" % _parent_spec(before["parent"]))
        if item["size"] is not None:
            size = _size("size", item["size"])
            if size < before["size"] and not item["allow_shrink"]:
                self.fail("size", item["size"], "smaller than the current size (%d bytes): set allow_shrink=true to "
                          "shrink (data beyond the new size is lost)" % before["size"])
            if size != before["size"]:
                after["size"] = size
                self.steps.append(("resize to size=%s" % size,
                                   lambda image: image.resize(size, allow_shrink=item["allow_shrink"],
                                                              on_progress=self.bounded.progress)))
        if self.features is not None:
            self._plan_features(facts)
        if item["flatten"] and before["parent"] is not None:
            after["parent"] = None
            self.steps.append(("flatten", lambda image: image.flatten()))
        self._plan_metadata()
        self._plan_extras()

    def _plan_features(self, facts):
        have = features_from_names(facts["features"]) & ~RBD_FEATURES_IMPLICIT
        want = self.features & ~RBD_FEATURES_IMPLICIT
        enable, disable = want & ~have, have & ~want
        fixed = (enable & ~RBD_FEATURES_MUTABLE) | (disable & ~CHANGEABLE_FEATURES)
        if fixed:
            self.fail("features", self.item["features"], "cannot change %s on an existing image (only %s)" % (
                ", ".join(features_to_names(fixed)), ", ".join(features_to_names(RBD_FEATURES_MUTABLE))))
        self.after["features"] = features_to_names(want)
        if disable:
            self.steps.append(("disable features", lambda image: image.update_features(disable, False)))
        if enable:
            self.steps.append(("enable features", lambda image: image.update_features(enable, True)))
            if enable & RBD_FEATURE_OBJECT_MAP:
                self.steps.append(("rebuild object map", self._rebuild_object_map))

    @staticmethod
    def _rebuild_object_map(image):
        if image.flags() & librbd.RBD_FLAG_OBJECT_MAP_INVALID:
            image.rebuild_object_map()

    def _plan_metadata(self):
        for key in self.item["metadata"] or {}:
            if key.startswith(CONFIG_PREFIX):
                self.fail("metadata", self.item["metadata"], "%s: keys %s... are configuration overrides: set them "
                          "with the config option" % (key, CONFIG_PREFIX))
        self._plan_keys("metadata", lambda image, k, v: image.metadata_set(k, v),
                        lambda image, k: image.metadata_remove(k))

    def _plan_extras(self):
        """Per-image configuration overrides, mirroring and group membership."""
        for key in self.item["config"] or {}:
            if not key.startswith("rbd_"):
                self.fail("config", self.item["config"], "%s is not an RBD option (rbd_qos_iops_limit, "
                          "rbd_cache, ...)" % key)
        self._plan_keys("config", lambda image, k, v: image.config_set(k, v), lambda image, k: image.config_remove(k))
        self._plan_mirror()
        self._plan_group()

    def _plan_keys(self, option, set_key, remove_key):
        """Keys and values of ``option`` (metadata, config) to set; with ``purge_<option>``, the others to remove."""
        steps, self.after[option] = plan_keys(self.item[option] or {}, self.before.get(option, {}),
                                              self.item["purge_" + option], set_key, remove_key)
        self.steps.extend(("%s %s" % (option, description), step) for description, step in steps)

    def _plan_mirror(self):
        wanted, current = self.item["mirror"], self.before.get("mirror", "disabled")
        if wanted is None or wanted == current:
            return
        if wanted != "disabled":
            pool_mode = librbd.RBD().mirror_mode_get(self.pools.get(self.pool, self.namespace))
            if pool_mode != librbd.RBD_MIRROR_MODE_IMAGE:
                self.fail("mirror", wanted, "pool %s has mirror mode %s: per-image mirroring needs mirror mode "
                          "image (rbd_pool mirror_mode=image)" % (self.pool, POOL_MIRROR_MODES[pool_mode]))
            if wanted == "journal" and "journaling" not in (self.after["features"] or []):
                self.fail("mirror", wanted, "journal mirroring needs the journaling feature")
        if current != "disabled":
            self.steps.append(("disable mirroring", lambda image: image.mirror_image_disable(False)))
        if wanted != "disabled":
            mode = {name: mode for mode, name in MIRROR_MODES.items()}[wanted]
            self.steps.append(("enable %s mirroring" % wanted, lambda image: image.mirror_image_enable(mode)))
        self.after["mirror"] = wanted

    def _plan_group(self):
        wanted, current = self.item["group"], self.before.get("group")
        if wanted is None or (wanted or None) == current:
            return
        api = librbd.RBD()
        if current:
            self.steps.append(("leave group %s" % current, lambda image: librbd.Group(
                image.ioctx, current).remove_image(image.ioctx, self.name)))
        if wanted:
            def join(image):
                if wanted not in api.group_list(image.ioctx):
                    api.group_create(image.ioctx, wanted)
                librbd.Group(image.ioctx, wanted).add_image(image.ioctx, image.get_name())

            self.steps.append(("join group %s" % wanted, join))
        self.after["group"] = wanted or None

    def apply(self):
        """Make the changes; an image created here is built under a staging name and given its name when complete."""
        ioctx = self.pools.get(self.pool, self.namespace)
        if self.remove:
            self.remove()
            return
        name = self.name
        if self.create:
            name = self.name + STAGING
            try:  # left by a run that failed and could not remove it (a read first: a full cluster pauses writes)
                librbd.Image(ioctx, name, read_only=True).close()
            except librbd.ImageNotFound:
                pass
            else:
                _remove_stale(ioctx, name)
        try:
            if self.create:
                self.failing = "create with size=%s" % self.after["size"]
                try:
                    self.create(ioctx, name)
                except librbd.ImageExists:  # half made by a run whose create timed out: no image to open, removed
                    _remove_stale(ioctx, name)
                    self.create(ioctx, name)
                self.failing = None
            if self.steps or self.create:
                self._apply_steps(ioctx, name)
        except BaseException as exc:
            if self.create and not self.named:
                self._discard(ioctx, name, exc)
            raise

    def _apply_steps(self, ioctx, name):
        """The steps, then for a created image its name, given while the image is open (a concurrent run that
        finds the staging image sees it busy); once it has its name, a failure to close it is only a warning.
        A journaled image is named by librbd's own rename, after it is closed: the journal records that rename,
        and journal-based mirroring gives the peer's copy the same name. Opening, each step and the close are
        :class:`Bounded`: a step given up is reported with the image's state read back."""
        bounded = self.bounded
        image = bounded("open %s" % name, librbd.Image, ioctx, name)
        journaled = False
        try:
            for description, step in self.steps:
                self.failing = description
                try:
                    bounded(description, step, image, image=image)
                except librbd.Timeout:
                    if getattr(self.cluster, "abandoned", False) and not self.create:
                        self.left = "%s may or may not have taken effect: %s" % (description, self._read_back(ioctx))
                    raise
                self.applied.append(description)
            journaled = self.create and bool(image.features() & RBD_FEATURE_JOURNALING)
            if self.create and not journaled:
                self.failing = "give it its name"
                self.warnings += publish(ioctx, image.id(), name, self.name, bounded.op_timeout)
                self.named = True
            self.failing = None
        finally:
            try:
                bounded("close %s" % name, image.close, image=image)
            except ERRORS as exc:
                if not self.named:
                    raise
                self.warnings.append("%s is made; closing it failed (%s)" % (self.spec, exc))
        if journaled:
            self.failing = "rename the journaled image"
            bounded("rename %s" % name, librbd.RBD().rename, ioctx, name, self.name)
            self.named = True
            self.failing = None

    def _read_back(self, ioctx):
        """The image's size and features as read now (read-only: bounded by the op timeout), or why not."""
        try:
            with librbd.Image(ioctx, self.name, read_only=True) as image:
                return "read back: size=%d, features %s" % (image.size(), ",".join(features_to_names(image.features())))
        except ERRORS as exc:
            return "its state could not be read back (%s)" % exc

    def _discard(self, ioctx, name, exc):
        """Remove the staging image of a failed creation; if the cluster does not answer, leave it to the next run."""
        if getattr(exc, "errno", None) != errno.ETIMEDOUT:
            try:
                librbd.RBD().remove(ioctx, name)
                return
            except librbd.ImageNotFound:  # its creation itself failed
                return
            except ERRORS:
                pass
        self.left = "the incomplete image %s may be left (never visible as %s; the next run removes it)" % (
            image_spec(self.pool, self.namespace, name), self.name)

    def result(self):
        if not self.after:
            return {}
        ioctx = self.pools.get(self.pool, self.namespace)
        with librbd.Image(ioctx, self.name, read_only=True) as image:
            return _state(image_facts(self.cluster, image))


def _remove_stale(ioctx, name):
    """Remove the staging image a failed run left. Its watch outlives a run that lost the cluster by up to
    ``osd_client_watch_timeout`` (30 s): while the image is busy, try again until that has passed (still busy
    after it: another task is building it right now, ImageBusy)."""
    deadline = time.monotonic() + STALE_WATCH_WAIT
    while True:
        try:
            librbd.RBD().remove(ioctx, name)
            return
        except librbd.ImageNotFound:  # the task that was building it is done with it
            return
        except librbd.ImageBusy:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def _check_src(item, label):
    """``src``, even for an image that exists (it is read only to create one), must be a file to read."""
    if item["src"] and not os.path.isfile(item["src"]):
        raise ParamError(label + "src", item["src"], "no such regular file on the target")


def _items(params):
    """The images to manage: the top-level one, or each of ``images`` with top-level defaults; names checked."""
    if params["images"] is None:
        item = dict((key, params[key]) for key in IMAGE_OPTIONS)
        check_names(item["clone_from"] or {}, "clone_from.")
        _check_src(item, "")
        return [(item, "", params["name"])]
    items, seen = [], {}
    for index, item in enumerate(params["images"]):
        merged = inherited(params, item, IMAGE_OPTIONS)
        merged["name"] = item["name"]
        check_names(dict(item, clone_from=None), "images[%d]." % index)
        check_names(merged["clone_from"] or {}, "images[%d].clone_from." % index)
        _check_src(merged, "images[%d]." % index)
        spec = image_spec(merged["pool"], merged["namespace"] or "", item["name"])
        if spec in seen:
            raise ParamError("images[%d].name" % index, item["name"], "%s is already images[%d]" % (spec, seen[spec]))
        seen[spec] = index
        items.append((merged, "images[%d]." % index, item["name"]))
    return items


def _apply_all(module, plans, results):
    """Apply each plan in order; a cluster error fails naming what was already changed."""
    for plan in plans:
        changed = module.tracker.compare(plan.spec, plan.before, plan.after)
        if changed and not module.check_mode:
            try:
                plan.apply()
            except ERRORS as exc:
                done = [image_spec(r["pool"], r["namespace"], r["name"]) for r in results if r["changed"]]
                done += ["%s (%s)" % (plan.spec, ", ".join(plan.applied))] if plan.applied and not plan.create else []
                done += [plan.left] if plan.left else []
                left = "already changed: " + "; ".join(done) if done else "nothing was changed"
                step = " (%s)" % plan.failing if plan.failing else ""
                module.fail("rbd_image: %s%s: %s%s; %s" % (plan.spec, step, exc, full_cause(plan.cluster, plan.pool, exc), left),
                            changed=bool(done), images=results)
        for warning in plan.warnings:
            module.warn("rbd_image: %s" % warning)
        image = plan.after if module.check_mode else _read_back(module, plan, changed)
        results.append(dict(name=plan.name, pool=plan.pool, namespace=plan.namespace, changed=changed, image=image))


def _read_back(module, plan, changed):
    """The image's state after the task. Once a change is made it is made: if the cluster stops answering
    just then, the task still succeeds, with the state it made and a warning, rather than failing while the
    image it reports as unchanged is there."""
    try:
        return plan.result()
    except ERRORS as exc:
        if not changed:
            raise
        module.warn("rbd_image: %s was changed, then its state could not be read back (%s%s): the image returned "
                    "is the state asked for" % (plan.spec, exc, full_cause(plan.cluster, plan.pool, exc)))
        return plan.after


def main():
    argument_spec = list_form_spec(IMAGE_OPTIONS, dict(name=dict(type="str")), "images", item_required=("name",))
    module = StorageModule(argument_spec, backend=BACKEND, supports_check_mode=True,
                           mutually_exclusive=[("name", "images")], required_one_of=[("name", "images")])
    params = module.params
    results = []
    with module.handle_errors("rbd_image"):
        items = _items(params)
        with module.open() as cluster:
            pools = Pools(cluster)
            try:
                plans = []
                for item, label, name in items:
                    item["name"] = name
                    plan = ImagePlan(cluster, pools, item, label)
                    plan.plan()
                    plans.append(plan)
                _apply_all(module, plans, results)
            finally:
                pools.close()
    if params["images"] is None:
        module.exit(image=results[0]["image"])
    module.exit(images=results)


if __name__ == "__main__":
    main()
