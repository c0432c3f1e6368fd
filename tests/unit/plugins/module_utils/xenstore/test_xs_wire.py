# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the XenStore client: framing, path validation, permissions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.datacenter.storage.plugins.module_utils.common.xenstore import perms_from_option, perms_to_dict
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Perm, XenStoreError, check_path
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore.wire import (
    HEADER, Op, PacketReader, check_payload, join, split)

packets = st.lists(st.tuples(st.sampled_from(list(Op)), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1),
                             st.binary(max_size=300)), max_size=20)


@given(packets, st.lists(st.integers(1, 50), min_size=1))
def test_reader_reassembles_packets_split_anywhere(items, cuts):
    stream = b"".join(HEADER.pack(op, req, tx, len(body)) + body for op, req, tx, body in items)
    reader, got, pos, i = PacketReader(), [], 0, 0
    while pos < len(stream):
        step = cuts[i % len(cuts)]
        got += reader.feed(stream[pos:pos + step])
        pos += step
        i += 1
    assert [(p.op, p.req_id, p.tx_id, p.payload) for p in got] == [(int(o), r, t, b) for o, r, t, b in items]
    assert reader.feed(b"") == []


def test_reader_keeps_an_incomplete_packet():
    reader = PacketReader()
    data = HEADER.pack(Op.READ, 7, 0, 3) + b"abc"
    assert reader.feed(data[:-1]) == []
    assert reader.feed(data[-1:])[0].payload == b"abc"


def test_join_and_split_are_inverse():
    assert join("/a", b"tok") == b"/a\0tok\0"
    assert split(b"a\0b\0") == ["a", "b"]
    assert split(b"") == [] and split(b"x\0\0") == ["x", ""]


@pytest.mark.parametrize("path", ["/", "/a", "/a/b-c_d@e/9", "rel", "rel/x", "/" + "a" * 2047])
def test_valid_paths(path):
    assert check_path(path) == path.encode()
    assert check_path(path.encode()) == path.encode()


@pytest.mark.parametrize("path,why", [
    ("", "empty"), ("/t/", "segment"), ("//t", "segment"), ("a//b", "segment"), ("/t x", "' '"), ("/t/a.b", "'.'"),
    ("/t/a:b", "':'"), ("@foo", "watches"), ("/\u00e9", "'\u00e9'"), (b"/\xff", "ASCII"), ("/" + "a" * 2048, "longer"),
    (None, "string"),
])
def test_invalid_paths_say_why(path, why):
    with pytest.raises(XenStoreError) as info:
        check_path(path)
    assert info.value.name == "EINVAL" and why in info.value.detail


def test_special_paths_only_for_watches():
    assert check_path("@releaseDomain", watch=True) == b"@releaseDomain"
    with pytest.raises(XenStoreError):
        check_path("@", watch=True)


def test_payload_limit():
    check_payload(Op.WRITE, b"x" * 4096)
    with pytest.raises(XenStoreError) as info:
        check_payload(Op.WRITE, b"x" * 4097, "/p")
    assert info.value.name == "E2BIG" and info.value.op == "WRITE" and info.value.path == "/p"
    assert "4097" in str(info.value)


@pytest.mark.parametrize("text,perm", [("n0", Perm(0, "none")), ("r5", Perm(5, "read")), ("w12", Perm(12, "write")),
                                       (b"b7", Perm(7, "both"))])
def test_perm_parse_and_format(text, perm):
    assert Perm.parse(text) == perm
    assert str(perm) == (text.decode() if isinstance(text, bytes) else text)


@pytest.mark.parametrize("text", ["x0", "r", "rx", "", "5r", None])
def test_bad_perms(text):
    with pytest.raises(XenStoreError) as info:
        Perm.parse(text)
    assert info.value.name == "EINVAL"


def test_error_message():
    assert str(XenStoreError("EACCES", "READ", "/tool")) == "EACCES (Permission denied) on READ /tool"
    assert str(XenStoreError("EINVAL", path="/a b", detail="bad")) == "EINVAL (Invalid argument) /a b: bad"


def test_permissions_option_normalisation():
    wanted, perms = perms_from_option({"owner": 0, "others": "read", "domains": {"7": "both", 5: "none"}})
    assert wanted == {"owner": 0, "others": "read", "domains": {"5": "none", "7": "both"}}
    assert [str(p) for p in perms] == ["r0", "n5", "b7"]
    assert perms_to_dict(perms) == wanted
    # the daemon honours the first entry for a domain: later duplicates do not count
    assert perms_to_dict([Perm(0, "none"), Perm(3, "read"), Perm(3, "both")])["domains"] == {"3": "read"}
    with pytest.raises(ValueError, match="not a domain id"):
        perms_from_option({"owner": 0, "domains": {"x": "read"}})
    with pytest.raises(ValueError, match="access must be"):
        perms_from_option({"owner": 0, "domains": {"3": "rw"}})
