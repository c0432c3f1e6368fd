# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Throughput of ObjectStorageApi against the limits of its own pipeline, measured in the same run.

For each policy: our upload and download of one object, then
* EC only: pyeclib's encode rate alone (the same segments, no network);
* plain urllib3: the very chunks of the upload (fragments for EC, replicas for
  plain) PUT again to fresh chunk IDs on the same rawx, one thread per chunk
  of a metachunk, metachunk after metachunk; and GET back the same way (K
  fragments, or one replica, per metachunk).
The ratio compares our rate with the slower of the limits that apply. The
CPU seconds this process spent (all threads) are printed beside: on a loaded
machine the rates follow them.

Those limits leave out the CPU work every client must do, which competes for
the same cores as the servers here. So each line also gets an *overlap
reference* ("ref"): the same urllib3 transfers while that work
(``client_work``) runs beside them in processes of their own, overlapped and
spread over the cores with no GIL in the way. Where ours is near it, the
machine, not our pipeline, sets the pace ("vs ref" is ours against it; the
target for every EC line, liberasurecode_rs_vand (EC) and ISA-L
(ECISAL63D1), upload and download, is 0.90).

Every measurement is the best of ``--repeat`` runs, ours and the urllib3
ones taken in turn, so that a load that comes and goes on a shared machine
weighs on both sides alike. The figures mean something only on a quiet
machine: with other work running, the CPU share each side gets from the
kernel, not the pipeline, decides them.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import threading
import time
import uuid

import urllib3

from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.object_storage import ObjectStorageApi
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.storage_method import storage_method
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.utils import chunk_put_headers, random_chunk_id

MIB = 1048576


def rate(size, seconds):
    return size / MIB / seconds


def parallel(jobs):
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def best_of(repeat, func):
    """The fastest of ``repeat`` runs of ``func`` (which returns ``timed``'s pair)."""
    return min(func() for _unused in range(repeat))


def timed(func):
    """``(wall seconds, CPU seconds of this process)`` of one call of ``func``."""
    start, before = time.perf_counter(), os.times()
    func()
    after = os.times()
    return time.perf_counter() - start, after.user + after.system - before.user - before.system


def encode_limit(method, data):
    """``timed`` pair of pyeclib alone encoding every segment of ``data`` (EC metachunk by metachunk)."""
    def run():
        for offset in range(0, len(data), method.segment_size):
            method.driver.encode(data[offset:offset + method.segment_size])
    return timed(run)


def client_work(method, size, metachunk, upload, chunk_hashes):
    """The CPU work any client does to move ``size`` bytes with ``method`` (on random data), as streams that
    may run side by side: the object's MD5 (one stream), and the work of each ``metachunk`` bytes, split
    between two streams. Per metachunk: its MD5 (upload) and, for EC, the encoding (with the fragments'
    MD5s when the client checks chunk hashes); for a download, the MD5 ChunkReader checks, or the EC
    decoding."""
    data = os.urandom(size)
    step = method.segment_size if method.ec else metachunk
    driver = method.driver if method.ec else None  # built here; the forked processes use their copies
    encoded = {}
    if method.ec and not upload:
        encoded = {offset: driver.encode(data[offset:offset + step])[:method.k] for offset in range(0, size, step)}

    def object_md5():
        digest = hashlib.md5()
        for offset in range(0, size, step):
            digest.update(data[offset:offset + step])

    def metachunks(first):
        for start in range(first * metachunk, size, 2 * metachunk):
            whole = hashlib.md5()
            hash_fragments = method.ec and upload and chunk_hashes
            fragment_md5s = [hashlib.md5() for _unused in range(method.expected_chunks)] if hash_fragments else ()
            for offset in range(start, min(start + metachunk, size), step):
                if not method.ec:
                    whole.update(data[offset:offset + step])
                elif not upload:
                    driver.decode(encoded[offset])
                else:
                    segment = data[offset:offset + step]
                    whole.update(segment)
                    for digest, fragment in zip(fragment_md5s, driver.encode(segment)):
                        digest.update(fragment)

    halves = [lambda: metachunks(0), lambda: metachunks(1)]
    return [object_md5] + halves if upload else halves


def _work_process(work, ready, go):
    ready.set()
    go.wait()
    work()


def overlapped(func, works):
    """``timed`` pair of ``func()`` here while each of ``works`` runs in a process of its own; until all end."""
    context = multiprocessing.get_context("fork")
    go, processes = context.Event(), []
    for work in works:
        ready = context.Event()
        processes.append(context.Process(target=_work_process, args=(work, ready, go)))
        processes[-1].start()
        ready.wait()

    def all_of_them():
        go.set()
        func()
        for process in processes:
            process.join()
    return timed(all_of_them)


def urllib3_limits(api, account, container, name, method, works):
    """``timed`` pairs of plain urllib3 PUTting the object's chunks in parallel per metachunk and GETting them,
    alone and overlapped with the client's work (``works``: upload and download lists for ``overlapped``)."""
    meta, chunks = api.object_locate(account, container, name)
    pool = urllib3.PoolManager(maxsize=16)
    groups = {}
    for chunk in chunks:
        groups.setdefault(int(chunk["pos"].split(".")[0]), []).append(chunk)
    bodies = {}
    for group in groups.values():
        for chunk in group:
            bodies[chunk["url"]] = pool.request("GET", chunk["url"]).data
    headers = chunk_put_headers(account, container, name, meta, "bench-" + uuid.uuid4().hex)
    if method.ec:
        headers["x-oio-chunk-meta-metachunk-size"] = "0"
        headers["x-oio-chunk-meta-metachunk-hash"] = "0" * 32
    copies = []

    def put(chunk, url):
        hdrs = dict(headers, **{"x-oio-chunk-meta-chunk-pos": chunk["pos"], "x-oio-chunk-meta-chunk-id": url.rsplit("/", 1)[1]})
        body = bodies[chunk["url"]]
        pieces = (body[i:i + 262144] for i in range(0, len(body), 262144))
        resp = pool.request("PUT", url, body=pieces, headers=hdrs, chunked=True)
        assert resp.status == 201, (resp.status, resp.data)
        copies.append(url)

    def put_all():
        for pos in sorted(groups):
            jobs = []
            for chunk in groups[pos]:
                url = chunk["url"].rsplit("/", 1)[0] + "/" + random_chunk_id()
                jobs.append(lambda c=chunk, u=url: put(c, u))
            parallel(jobs)

    def delete_copies():
        for url in copies:
            pool.request("DELETE", url)
        copies.clear()

    put_timing = timed(put_all)
    delete_copies()
    put_ref = overlapped(put_all, works[0])
    delete_copies()

    def get(url):
        resp = pool.request("GET", url, preload_content=False)
        for _unused in resp.stream(262144):
            pass
        resp.release_conn()

    def get_all():
        for pos in sorted(groups):
            wanted = sorted(groups[pos], key=lambda c: c["pos"])[:method.min_chunks_to_read]
            parallel([lambda u=c["url"]: get(u) for c in wanted])

    return put_timing, put_ref, timed(get_all), overlapped(get_all, works[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--policies", default="THREECOPIES,EC,ECISAL63D1")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs for every measurement (default 3)")
    parser.add_argument("--no-chunk-checksum", action="store_true", help="chunk_checksum_algo=None: trust the rawx's chunk MD5")
    args = parser.parse_args()
    size = args.size_mib * MIB
    api = ObjectStorageApi(os.environ["OIO_NS"], endpoint=os.environ["OIO_PROXY_URL"], account_url=os.environ.get("OIO_ACCOUNT_URL"),
                           chunk_checksum_algo=None if args.no_chunk_checksum else "md5")
    account, container = "bench", "bench-" + uuid.uuid4().hex[:8]
    api.container_create(account, container)
    data = os.urandom(size)
    print("object size: %d MiB, namespace %s, chunk_checksum_algo=%s" % (args.size_mib, os.environ["OIO_NS"], api.chunk_checksum_algo))
    print("%-12s %-10s %10s %10s %10s %10s %7s %9s %11s %9s %7s" % (
        "policy", "direction", "ours MB/s", "encode", "urllib3", "limit", "ratio", "ours cpu", "urllib3 cpu", "ref", "vs ref"))
    worst = None
    try:
        for policy in args.policies.split(","):
            name = "obj-" + policy
            ups, downs, limits, works = [], [], [], None
            for _unused in range(args.repeat):  # ours and the limits in turn: a load that changes hits both alike
                ups.append(timed(lambda n=name, p=policy: api.object_create(account, container, data=data, obj_name=n, policy=p)))
                downs.append(timed(lambda n=name: sum(len(b) for b in api.object_fetch(account, container, n)[1])))
                if works is None:
                    method = storage_method(api.object_get_properties(account, container, name)["chunk_method"])
                    metachunk = max(int(c["size"]) for c in api.object_locate(account, container, name)[1])
                    works = [client_work(method, size, metachunk, upload, api.chunk_checksum_algo is not None) for upload in (True, False)]
                limits.append(urllib3_limits(api, account, container, name, method, works))
            up, down = min(ups), min(downs)
            put, put_ref, get, get_ref = (min(x[i] for x in limits) for i in range(4))
            enc = rate(size, best_of(args.repeat, lambda m=method: encode_limit(m, data))[0]) if method.ec else None
            rows = [("upload", up, enc, put, put_ref), ("download", down, None, get, get_ref)]
            for direction, ours, encode, http, overlap in rows:
                limit = min(x for x in (encode, rate(size, http[0])) if x is not None)
                ratio = rate(size, ours[0]) / limit
                if method.ec:
                    worst = min(worst or 9.0, overlap[0] / ours[0])
                encode_text = "-" if encode is None else f"{encode:.1f}"
                print("%-12s %-10s %10.1f %10s %10.1f %10.1f %7.2f %9.2f %11.2f %9.1f %7.2f" % (
                    policy, direction, rate(size, ours[0]), encode_text, rate(size, http[0]), limit, ratio, ours[1], http[1],
                    rate(size, overlap[0]), overlap[0] / ours[0]))
            api.object_delete(account, container, name)
    finally:
        api.container_flush(account, container)
        api.container_delete(account, container)
    if worst is not None:
        print("lowest EC vs ref: %.2f (target >= 0.90)" % worst)


if __name__ == "__main__":
    main()
