"""The xen.lowlevel.xs compatible API, against the real daemon and cross-checked with the tools."""

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore.xs import xs

from xs_peers import xenstore_tool


def test_xs_api(socket_path, base):
    h = xs(unix_socket_path=socket_path)
    try:
        h.write("", base + "/a", b"1")
        assert xenstore_tool("read", base + "/a") == "1\n"
        assert h.read("", base + "/a") == b"1"
        assert h.ls("", base) == ["a"] and h.ls("", base + "/none") is None
        h.mkdir("", base + "/dir")
        h.set_permissions("", base + "/a", [{"dom": 0}, {"dom": 3, "read": True}])
        assert h.get_permissions("", base + "/a") == [
            {"dom": 0, "read": False, "write": False}, {"dom": 3, "read": True, "write": False}]
        t = h.transaction_start()
        h.write(t, base + "/t", b"tx")
        assert h.transaction_end(t)
        t = h.transaction_start()
        h.read(t, base + "/a")
        h.write(t, base + "/u", b"x")
        xenstore_tool("write", base + "/a", "2")
        assert h.transaction_end(t) is False
        t = h.transaction_start()
        h.write(t, base + "/aborted", b"x")
        assert h.transaction_end(t, abort=True)
        assert sorted(h.ls("", base)) == ["a", "dir", "t"]
        h.watch(base, "tok")
        assert h.read_watch() == [base, "tok"]
        xenstore_tool("write", base + "/w", "1")
        assert h.read_watch() == [base + "/w", "tok"]
        h.unwatch(base, "tok")
        assert h.get_domain_path(3) == "/local/domain/3"
        h.rm("", base + "/dir")
        assert "dir" not in h.ls("", base)
    finally:
        h.close()
