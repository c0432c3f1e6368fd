# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""full_cause: what the OSD map says about a timeout or a refused write, from `ceph osd dump`'s JSON."""

from __future__ import annotations

import errno
import json

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.common.rbd import full_cause


class Cluster:
    """Answers `osd dump` with ``dump`` (the only call full_cause makes)."""

    def __init__(self, dump):
        self.dump = dump

    def mon_command(self, cmd, inbuf):
        assert json.loads(cmd) == {"prefix": "osd dump", "format": "json"} and inbuf == b""
        return 0, json.dumps(self.dump).encode(), ""


class Failure(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.errno = code


UP = {"osd": 0, "up": 1, "in": 1}
DOWN = {"osd": 1, "up": 0, "in": 1}


@pytest.mark.parametrize("dump, code, expected", [
    ({"flags": "full,sortbitwise", "osds": [UP]}, errno.ETIMEDOUT, " (the cluster is full: its OSD map has the full flag)"),
    ({"flags": "", "pools": [{"pool_name": "rbd", "flags_names": "hashpspool,full"}], "osds": [UP]}, errno.ETIMEDOUT,
     " (the cluster is full: pool rbd is flagged full, see ceph health)"),
    ({"flags": "", "osds": [UP, DOWN]}, errno.EROFS, " (1 of 2 OSDs are down, see ceph health)"),
    ({"flags": "", "osds": [UP, DOWN]}, errno.ETIMEDOUT, " (1 of 2 OSDs are down, see ceph health)"),
    ({"flags": "", "osds": [UP]}, errno.ETIMEDOUT, ""),
    ({"flags": "", "osds": [UP]}, errno.EROFS, " (librbd could not take the image's exclusive lock: the cluster did "
     "not answer, as after an OSD timeout; run again)"),
    ({"flags": "full", "osds": [DOWN]}, errno.ENOENT, ""),
])
def test_full_cause(dump, code, expected):
    assert full_cause(Cluster(dump), "rbd", Failure(code)) == expected
