#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: xenstore_watch
short_description: Wait for a XenStore node to appear, disappear, take a value or change
version_added: 0.1.0
description:
  - Sets a XenStore watch on O(path) and waits, like M(ansible.builtin.wait_for), until the node exists,
    is absent, equals O(value), or changes (the node or anything below it).
  - Never changes anything and never reports C(changed).
options:
  path:
    description: The node to watch, absolute or relative to the connecting domain's home.
    type: str
    required: true
  state:
    description:
      - V(present) waits until the node exists (and equals O(value) when given); V(absent) until it does not;
        V(changed) until the node or a node below it is written, removed or has its permissions changed.
    type: str
    choices: [present, absent, changed]
    default: present
  value:
    description: With O(state=present), wait until the node's value equals this.
    type: str
  wait_timeout:
    description:
      - Seconds to wait for the condition. The task fails when the condition is not met in time.
      - O(op_timeout) (former name O(timeout)) is the connection option (each reply from xenstored) and does not cut the wait short, so a
        C(module_defaults) group that sets it leaves watches alone.
      - Earlier releases set the wait with O(timeout). That use is deprecated - when O(wait_timeout) is not set and
        O(op_timeout) is longer than 300 seconds, the wait still lasts O(op_timeout), with a deprecation warning.
      - When not set, 300 seconds.
    type: float
extends_documentation_fragment:
  - datacenter.storage.xenstore
  - datacenter.storage.attributes.info_module
"""

EXAMPLES = r"""
- name: Wait until the guest's agent reports it is ready
  datacenter.storage.xenstore_watch:
    path: /local/domain/5/data/agent/state
    value: ready
    wait_timeout: 120

- name: Wait for the next change below a directory
  datacenter.storage.xenstore_watch:
    path: /tool/myapp
    state: changed
    wait_timeout: 30
  register: change
"""

RETURN = r"""
exists:
  description: Whether the node exists when the wait ended.
  returned: always
  type: bool
value:
  description: The node's value when the wait ended, null if it does not exist.
  returned: always
  type: str
events:
  description: The paths of the watch events seen while waiting (the initial event of the watch excluded), in order.
  returned: always
  type: list
  elements: str
  sample: [/tool/myapp/state]
elapsed:
  description: Seconds waited.
  returned: always
  type: float
"""

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
