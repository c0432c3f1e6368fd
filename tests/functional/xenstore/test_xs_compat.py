# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""pyxs's xs compatibility handle, against the real daemon and cross-checked with the tools."""

import errno

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Error, xs

from xs_peers import xenstore_tool


def test_xs_api(socket_path, base):
    h = xs(unix_socket_path=socket_path)
    b = base.encode()
    try:
        h.write("", b + b"/a", b"1")
        assert xenstore_tool("read", base + "/a") == "1\n"
        assert h.read("0", b + b"/a") == b"1"
        assert h.ls("", b) == [b"a"] and h.ls("", b + b"/none") is None
        h.mkdir("", b + b"/dir")
        h.set_permissions("", b + b"/a", [b"n0", b"r3"])
        assert h.get_permissions("", b + b"/a") == [b"n0", b"r3"]
        t = h.transaction_start()
        assert isinstance(t, bytes)
        h.write(t, b + b"/t", b"tx")
        assert h.transaction_end(t)
        t = h.transaction_start()
        h.read(t, b + b"/a")
        h.write(t, b + b"/u", b"x")
        xenstore_tool("write", base + "/a", "2")
        assert h.transaction_end(t) is False
        t = h.transaction_start()
        h.write(t, b + b"/aborted", b"x")
        assert h.transaction_end(t, abort=True)
        assert sorted(h.ls("", b)) == [b"a", b"dir", b"t"]
        token = object()  # any object is a token
        h.watch(b, token)
        assert h.read_watch() == (b, token)
        xenstore_tool("write", base + "/w", "1")
        assert h.read_watch() == (b + b"/w", token)
        h.unwatch(b, token)
        assert h.get_domain_path(3) == b"/local/domain/3"
        h.rm("", b + b"/dir")
        assert b"dir" not in h.ls("", b)
        with pytest.raises(Error) as info:
            h.read("", b + b"/none")
        assert info.value.args[0] == errno.ENOENT
    finally:
        h.close()
