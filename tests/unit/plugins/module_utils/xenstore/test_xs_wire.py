# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the XenStore client: framing, path and permission validation, errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.datacenter.storage.plugins.module_utils.common.xenstore import perms_from_option, perms_to_dict
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import (
    InvalidOperation, InvalidPath, InvalidPayload, InvalidPermission, Perm, PyXSError)
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore._internal import Op, Packet
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore.helpers import (
    check_path, check_perms, check_watch_path, error)
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore.wire import HEADER, join, take_packets

packets = st.lists(st.tuples(st.sampled_from(list(Op)), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1),
                             st.binary(max_size=300)), max_size=20)


@given(packets, st.lists(st.integers(1, 50), min_size=1))
def test_packets_are_reassembled_when_split_anywhere(items, cuts):
    stream = b"".join(HEADER.pack(op, req, tx, len(body)) + body for op, req, tx, body in items)
    buffer, got, pos, i = bytearray(), [], 0, 0
    while pos < len(stream):
        step = cuts[i % len(cuts)]
        buffer += stream[pos:pos + step]
        got += take_packets(buffer)
        pos += step
        i += 1
    assert got == [(int(o), r, t, b) for o, r, t, b in items]
    assert take_packets(buffer) == [] and buffer == bytearray()


def test_an_incomplete_packet_is_kept():
    buffer = bytearray(HEADER.pack(Op.READ, 7, 0, 3) + b"ab")
    assert take_packets(buffer) == []
    buffer += b"c"
    assert take_packets(buffer) == [(Op.READ, 7, 0, b"abc")]


def test_join():
    assert join("/a", b"tok") == b"/a\0tok\0"


@pytest.mark.parametrize("path", ["/", "/a", "/a/b-c_d@e/9", "rel", "rel/x", "@foo", "/a\0", "/" + "a" * 3071])
def test_valid_paths(path):
    assert check_path(path) == path
    assert check_path(path.encode()) == path.encode()


@pytest.mark.parametrize("path,why", [
    ("", "empty"), ("/t/", "segment"), ("//t", "segment"), ("a//b", "segment"), ("/t x", "' '"), ("/t/a.b", "'.'"),
    ("/t/a:b", "':'"), ("/\u00e9", "'\u00e9'"), (b"/\xff", "'\u00ff'"), ("/" + "a" * 3072, "longer"),
])
def test_invalid_paths_say_why(path, why):
    with pytest.raises(InvalidPath) as info:
        check_path(path)
    assert info.value.args == (path,) and why in info.value.detail and isinstance(info.value, ValueError)


def test_a_trailing_newline_is_a_plain_value_error_as_in_pyxs():
    with pytest.raises(ValueError) as info:
        check_path(b"/a\n")
    assert info.value.__class__ is ValueError


def test_special_paths_only_for_watches():
    assert check_watch_path(b"@releaseDomain") == b"@releaseDomain"
    assert check_watch_path("@introduceDomain") == "@introduceDomain"
    for wpath in (b"@", b"@foo", b"@releaseDomainX"):
        with pytest.raises(InvalidPath):
            check_watch_path(wpath)


def test_permissions_check():
    assert check_perms([b"n0", "r5", Perm(3, "both")])
    for bad in (b"x0", b"r", b"rx", b"", b"5r", b"r-1"):
        with pytest.raises(InvalidPermission) as info:
            check_perms([b"n0", bad])
        assert info.value.args == (bad,)


def test_packet_validation():
    assert Packet(Op.WRITE, b"x" * 4096, 1).size == 4096
    with pytest.raises(InvalidPayload):
        Packet(Op.WRITE, b"x" * 4097, 1)
    with pytest.raises(InvalidOperation):
        Packet(99, b"", 1)


@pytest.mark.parametrize("text,perm", [("n0", Perm(0, "none")), ("r5", Perm(5, "read")), ("w12", Perm(12, "write")),
                                       (b"b7", Perm(7, "both"))])
def test_perm_parse_and_format(text, perm):
    assert Perm.parse(text) == perm
    assert str(perm) == (text.decode() if isinstance(text, bytes) else text)


@pytest.mark.parametrize("text", ["x0", "r", "rx", "", "5r", None])
def test_bad_perms(text):
    with pytest.raises(InvalidPermission):
        Perm.parse(text)


def test_errors_carry_errno_in_args_and_context_in_str():
    exc = error(b"EACCES")
    assert exc.__class__ is PyXSError and exc.args == (13, "Permission denied") and exc.name == "EACCES"
    assert str(exc) == "(13, 'Permission denied') (EACCES)"
    exc.op, exc.path = "READ", b"/tool"
    assert str(exc) == "(13, 'Permission denied') (EACCES on READ /tool)"
    assert error(22).args == (22, "Invalid argument") and error(b"EBOGUS").args[0] == 0
    assert str(PyXSError("uncommitted transaction")) == "uncommitted transaction"


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
