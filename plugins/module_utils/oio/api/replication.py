# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replication helpers of ``oio.api.replication`` (7.x)."""

from __future__ import annotations

from ._chunkio import Source
from .io import MetachunkWriter, WriteHandler


class FakeChecksum:
    """A checksum object that returns a hash already computed elsewhere."""

    def __init__(self, actual_checksum):
        self.checksum = actual_checksum

    def update(self, *_args, **_kwargs):
        """Ignore the data: the hash is known."""

    def hexdigest(self):
        return self.checksum


class ReplicatedMetachunkWriter(MetachunkWriter):
    """Writes one replicated metachunk to its copies in parallel, each chunk's MD5 computed once."""

    def __init__(self, sysmeta, meta_chunk, checksum, storage_method, quorum=None, connection_timeout=None,
                 write_timeout=None, read_timeout=None, headers=None, **kwargs):
        super().__init__(storage_method=storage_method, quorum=quorum, **kwargs)
        self.sysmeta = sysmeta
        self.meta_chunk = meta_chunk
        self.checksum = checksum
        self._engine(meta_chunk, sysmeta, headers, kwargs.get("reqid"), connection_timeout, write_timeout, kwargs)

    def stream(self, source, size=None):
        """Write up to ``size`` bytes of ``source``: ``(bytes written, MD5 of the metachunk, chunk entries)``."""
        self.start(source if isinstance(source, Source) else Source(source), float("inf") if size is None else size, self.checksum)
        return self.finish()


class ReplicatedWriteHandler(WriteHandler):
    """Uploads an object with a replicated (``plain/nb_copy=N``) storage method."""

    metachunk_writer_class = ReplicatedMetachunkWriter
