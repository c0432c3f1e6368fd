# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fuzzing with hypothesis (atheris cannot be installed for this Python): the parsers that read what a peer sent.

Targets: the XenStore packet decoder and permission parser, the OpenIO error-answer and header parsers, the
range mappers, the B2 error-answer parser. A crash is any exception other than the documented ones (PyXSError
and its subclasses; OioException and its subclasses). The corpus in
tests/reliability/corpus/ is replayed first, then ``examples`` generated inputs per target.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from harness import Figures

CORPUS = Path(__file__).resolve().parent / "corpus"


def _targets():
    from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import wire
    from ansible_collections.datacenter.storage.plugins.module_utils.xenstore.exceptions import PyXSError
    from ansible_collections.datacenter.storage.plugins.module_utils.oio.common import exceptions as oio_exc
    from ansible_collections.datacenter.storage.plugins.module_utils.oio.common import utils as oio_utils
    from ansible_collections.datacenter.storage.plugins.module_utils.oio.common import storage_functions
    from ansible_collections.datacenter.storage.plugins.module_utils.oio.api import ec, backblaze_http as _b2

    def xs_decoder(data):
        buffer = bytearray()
        for i in range(0, len(data), 7):
            buffer += data[i:i + 7]
            for _op, _rq, _tx, payload in wire.take_packets(buffer):
                payload.split(b"\0")

    def xs_perm(text):
        try:
            wire.Perm.parse(text)
        except PyXSError:
            pass

    def oio_answer(status, body):
        exc = oio_exc.error_from_answer(status, body)
        assert isinstance(exc, oio_exc.OioException), type(exc)

    def oio_headers(headers):
        oio_utils.content_meta_from_headers(headers)
        oio_utils.container_meta_from_headers(headers)

    def ranges(start, end, sizes, seg, frag):
        try:
            result = storage_functions.obj_range_to_meta_chunk_range(start, end, sizes)
        except oio_exc.OioException:
            return
        for pos, (a, b) in result.items():
            assert 0 <= a <= b < sizes[pos], (start, end, sizes, result)
            s0, s1 = ec.meta_chunk_range_to_segment_range(a, b, seg)
            ec.segment_range_to_fragment_range(s0, s1, seg, frag)

    class Pool:
        def __init__(self, status, body, headers):
            self.answer = (status, body, headers)

        def request(self, *args, **kwargs):
            status, body, headers = self.answer

            class Resp:
                reason = "fuzz"

                def read(self):
                    return body

                def release_conn(self):
                    pass
            resp = Resp()
            resp.status, resp.data, resp.headers = status, body, headers
            return resp

    class Http:
        def __init__(self, pool):
            self.pool = pool

        def timeout(self):
            return None

    def b2_answer(status, body, headers):
        b2 = _b2.B2Bucket("acct", "key", "bucket", api_url="http://127.0.0.1:9", http=Http(Pool(status, body, headers)),
                          max_retries=0, backoff=0)
        try:
            b2._request("GET", "http://127.0.0.1:9/b2api/v2/b2_list_buckets")
        except oio_exc.OioException:
            pass

    return {
        "xenstore_packet_decoder": (xs_decoder, st.binary(max_size=512)),
        "xenstore_perm_parser": (xs_perm, st.one_of(st.text(max_size=12), st.binary(max_size=12))),
        "oio_error_answer": (oio_answer, st.tuples(st.integers(100, 599), st.one_of(
            st.binary(max_size=200), st.text(max_size=200),
            st.dictionaries(st.sampled_from(["status", "message", "x"]), st.one_of(st.none(), st.integers(), st.text(max_size=20)))
            .map(lambda d: json.dumps(d).encode())))),
        "oio_headers": (oio_headers, st.dictionaries(st.one_of(
            st.text(max_size=30), st.sampled_from(["x-oio-content-meta-size", "x-oio-content-meta-x-prop",
                                                   "x-oio-container-meta-sys-m2-usage", "x-oio-content-meta-version"])),
            st.text(max_size=40), max_size=6)),
        "range_mappers": (ranges, st.tuples(st.one_of(st.none(), st.integers(-10, 5000)), st.one_of(st.none(), st.integers(-10, 5000)),
                                            st.lists(st.integers(0, 2000), min_size=1, max_size=5),
                                            st.integers(1, 1024), st.integers(1, 1024))),
        "b2_error_answer": (b2_answer, st.tuples(st.integers(400, 599), st.binary(max_size=200),
                                                 st.dictionaries(st.sampled_from(["Retry-After", "Content-Type"]),
                                                                 st.text(max_size=12), max_size=2))),
    }


def _star(fn, value):
    return fn(*value) if isinstance(value, tuple) else fn(value)


def _fuzz(fn, strategy, examples, seen):
    """A hypothesis test of ``fn`` over ``strategy``; it raises AssertionError on the first (shrunk) crash."""
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def target(value):
        seen.append(1)
        try:
            _star(fn, value)
        except Exception as exc:
            raise AssertionError("%r on %r" % (exc, value)) from exc
    return target


def run(examples, log):
    figures = Figures(targets=0, inputs=0, crashes=0, corpus_inputs=0)
    for name, (fn, strategy) in sorted(_targets().items()):
        figures.add("targets")
        for path in sorted((CORPUS / name).glob("*.json")) if (CORPUS / name).is_dir() else []:
            value = _decode(json.loads(path.read_text()))
            figures.add("corpus_inputs")
            try:
                _star(fn, value)
            except Exception as exc:  # a crash is what we count
                figures.add("crashes")
                log("fuzz: %s crashed on corpus %s: %r" % (name, path.name, exc))
        seen = []
        try:
            _fuzz(fn, strategy, examples, seen)()
        except Exception as exc:  # hypothesis raises an ExceptionGroup for several distinct crashes
            for one in getattr(exc, "exceptions", [exc]):
                figures.add("crashes")
                log("fuzz: %s: %s" % (name, str(one)[:600]))
        figures.add("inputs", len(seen))
    return figures


def _decode(value):
    """Corpus files are JSON: {"b": "hex"} stands for bytes, lists for tuples."""
    if isinstance(value, dict) and set(value) == {"b"}:
        return bytes.fromhex(value["b"])
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    return value
