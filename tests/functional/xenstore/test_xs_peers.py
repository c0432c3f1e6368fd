# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Cross-checks with independent peers: Debian's xenstore-* tools and pyxs read what we write, and the reverse."""

from xs_peers import pyxs, xenstore_tool


def test_tools_and_pyxs_read_what_we_write(client, base):
    client.write_many({base + "/a": "alpha", base + "/d/e": "deep"})
    client.set_perms(base + "/a", ["n0", "r3", "w4"])
    assert xenstore_tool("read", base + "/a") == "alpha\n"
    assert sorted(xenstore_tool("list", base).split()) == ["a", "d"]
    got = pyxs("result = [c[v['a'].encode()].decode(), [p.decode() for p in c.get_perms(v['a'].encode())],"
               " sorted(x.decode() for x in c.list(v['d'].encode()))]", a=base + "/a", d=base + "/d")
    assert got == ["alpha", ["n0", "r3", "w4"], ["e"]]


def test_we_read_what_tools_and_pyxs_write(client, base):
    xenstore_tool("write", base + "/tool", "from-tool")
    xenstore_tool("chmod", base + "/tool", "n0", "b2")
    pyxs("c[v['p'].encode()] = b'from-pyxs'\nc.set_perms(v['p'].encode(), [b'n0', b'r1'])\nresult = None", p=base + "/pyxs")
    assert client.read(base + "/tool") == b"from-tool"
    assert client.get_perms(base + "/tool") == ["n0", "b2"]
    assert client.read(base + "/pyxs") == b"from-pyxs"
    assert client.get_perms(base + "/pyxs") == ["n0", "r1"]
    assert sorted(client.ls(base)) == ["pyxs", "tool"]


def test_rm_is_seen_by_the_tools(client, base):
    client.write(base + "/gone/x", "1")
    client.rm(base + "/gone")
    assert xenstore_tool("exists", base + "/gone", check=False) == ""
    assert "gone" not in xenstore_tool("list", base)


def test_pyxs_transaction_conflicts_with_our_write(client, base):
    client.write(base + "/k", "0")
    got = pyxs("""
c.transaction()
c[v['k'].encode()] = b'pyxs'
import subprocess
subprocess.run(['xenstore-write', v['k'], 'tool'], check=True)
try:
    result = repr(c.commit())
except pyxs.PyXSError as exc:
    result = str(exc)
""", k=base + "/k")
    assert got in ("False",) or "EAGAIN" in got  # pyxs saw the conflict the tool's write caused
    assert client.read(base + "/k") == b"tool"
