# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Watches against the real C xenstored: initial events, children, relative paths, demultiplexing."""

import threading

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Event, XenStoreError

from xs_peers import xenstore_tool


def test_initial_event_then_children(client, other, base):
    with client.monitor() as m:
        m.watch(base, "tok")
        assert m.next_event(5) == Event(base, "tok")
        other.write(base + "/x/y", "1")
        assert m.next_event(5) == Event(base + "/x/y", "tok")
        xenstore_tool("write", base + "/z", "2")
        assert m.next_event(5) == Event(base + "/z", "tok")
        assert m.next_event(0.2) is None  # nothing else


def test_relative_watch_gives_relative_paths(client, other):
    with client.monitor() as m:
        m.watch("ftest-rw", "rel")
        assert m.next_event(5) == Event("ftest-rw", "rel")
        other.write("/local/domain/0/ftest-rw/c", "1")
        assert m.next_event(5) == Event("ftest-rw/c", "rel")
    client.rm("ftest-rw")


def test_own_writes_events_arrive_around_replies(client, base):
    """The C daemon sends the event before the WRITE reply: both must land where they belong."""
    with client.monitor() as m:
        m.watch(base)
        m.next_event(5)
        client.write_many({"%s/%d" % (base, i): "v" for i in range(50)})
        events = [m.next_event(5) for _event in range(50)]
        assert [e.path for e in events] == ["%s/%d" % (base, i) for i in range(50)]
        assert {e.token for e in events} == {base}


def test_monitors_on_one_connection_only_see_their_own(client, other, base):
    with client.monitor() as m1, client.monitor() as m2:
        m1.watch(base + "/one", "same-token")
        m2.watch(base + "/two", "same-token")
        assert m1.next_event(5).path == base + "/one" and m2.next_event(5).path == base + "/two"
        other.write(base + "/two/x", "1")
        assert m2.next_event(5).path == base + "/two/x"
        assert m1.next_event(0.2) is None


def test_unwatch_and_duplicate_watch(client, other, base):
    with client.monitor() as m:
        m.watch(base)
        with pytest.raises(XenStoreError) as info:
            m.watch(base)
        assert info.value.name == "EEXIST" and info.value.op == "WATCH"
        m.next_event(5)
        m.unwatch(base)
        other.write(base + "/after", "1")
        assert m.next_event(0.3) is None
        with pytest.raises(XenStoreError) as info:
            m.unwatch(base)
        assert info.value.name == "ENOENT"


def test_waiting_thread_gets_events_caused_by_another(client, other, base):
    seen = []
    with client.monitor() as m:
        m.watch(base)
        m.next_event(5)
        waiter = threading.Thread(target=lambda: seen.append(m.next_event(10)))
        waiter.start()
        client.write(base + "/from-main", "1")  # same connection: the waiter's read files our reply
        waiter.join()
    assert seen == [Event(base + "/from-main", base)]


def test_transaction_events_fire_at_commit(client, other, base):
    with client.monitor() as m:
        m.watch(base)
        m.next_event(5)
        tx = other.begin()
        tx.write(base + "/tx", "1")
        assert m.next_event(0.3) is None
        assert tx.commit()
        assert m.next_event(5).path == base + "/tx"


def test_special_paths_and_reset(client, guest):
    # the guest fixture introduced a domain: @introduceDomain exists; watch it and @releaseDomain
    m = client.monitor()
    m.watch("@releaseDomain", "rel")
    assert m.next_event(5) == Event("@releaseDomain", "rel")
    client.release_domain(guest.domid)
    assert m.next_event(5) == Event("@releaseDomain", "rel")
    assert not client.is_domain_introduced(guest.domid)
    client.reset_watches()
    client.write("/ftest-reset", "1")
    assert m.next_event(0.3) is None
    client.rm("/ftest-reset")


def test_wait_is_a_generator_of_bytes_events(client, other, base):
    with client.monitor() as m:
        m.watch(base.encode(), b"token")
        events = m.wait()
        assert next(events) == Event(base.encode(), b"token")
        other.write(base + "/x", "1")
        assert next(events) == (base.encode() + b"/x", b"token")
        assert list(m.wait(timeout=0.2)) == []  # the timeout extension ends the generator
        m.unwatch(base.encode(), b"token")
        for unwatched, expected in ((True, [(base.encode() + b"/y", b"token")]), (False, [])):
            m.watch(base.encode(), b"token")
            assert next(events) == (base.encode(), b"token")
            other.write(base + "/y", "1")  # its event arrives before the UNWATCH reply: queued, then unwatched
            m.unwatch(base.encode(), b"token")
            assert m.watched == set()
            assert list(m.wait(unwatched=unwatched, timeout=0.3)) == expected
