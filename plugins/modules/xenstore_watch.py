#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import time

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.xenstore import (
    BACKEND, text)
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import XenStoreError, check_path


DEFAULT_WAIT = 300.0


def _satisfied(state, wanted, current, events):
    if state == "absent":
        return current is None
    if state == "changed":
        return bool(events)
    return current is not None and (wanted is None or current == wanted)


def wait_timeout(module):
    """Seconds to wait: O(wait_timeout), or the deprecated use of O(timeout) for long waits."""
    params = module.params
    if params["wait_timeout"] is not None:
        if params["wait_timeout"] <= 0:
            module.fail_param("wait_timeout", params["wait_timeout"], "must be a positive number of seconds")
        return params["wait_timeout"]
    if params["op_timeout"] > DEFAULT_WAIT:
        module.module.deprecate("xenstore_watch: timeout=%s as the time to wait is deprecated; set wait_timeout"
                                % params["op_timeout"], version="1.0.0", collection_name="datacenter.storage")
        return params["op_timeout"]
    return DEFAULT_WAIT


def main():
    module = StorageModule(
        argument_spec=dict(
            path=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent", "changed"]),
            value=dict(type="str"),
            wait_timeout=dict(type="float"),
        ),
        backend=BACKEND,
        binary=("value",),
        supports_check_mode=True,
    )
    params = module.params
    path, state = params["path"], params["state"]
    timeout = wait_timeout(module)
    wanted = None if params["value"] is None else params["value"].encode("utf-8")
    if wanted is not None and state != "present":
        module.fail_param("value", params["value"], "is only valid with state=present")
    try:
        check_path(path)
    except XenStoreError as exc:
        module.fail_param("path", path, exc.detail)

    start = time.monotonic()
    events = []
    with module.handle_errors("xenstore_watch %s" % path):
        with module.open() as client, client.monitor() as monitor:
            monitor.watch(path)
            monitor.next_event(timeout)  # the watch's initial event
            current = client.read_many([path], default=None)[0]
            while not _satisfied(state, wanted, current, events):
                remaining = timeout - (time.monotonic() - start)
                event = monitor.next_event(remaining) if remaining > 0 else None
                if event is None:
                    module.fail("timed out after %.1f s (wait_timeout) waiting for path=%s to be %s" % (
                        timeout, path, "value=%r" % params["value"] if wanted is not None else "state=" + state),
                        exists=current is not None, value=text(current), events=events,
                        elapsed=round(time.monotonic() - start, 3))
                events.append(event.path)
                current = client.read_many([path], default=None)[0]
    module.exit(changed=False, exists=current is not None, value=text(current), events=events,
                elapsed=round(time.monotonic() - start, 3))


if __name__ == "__main__":
    main()
