# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""The proxy's own routes (configuration, status, cache) as the 7.3.0 proxy answers them: one test per behaviour
the dev server did not share."""


def error(resp, http, status, message):
    assert (resp.status, resp.json()) == (http, {"status": status, "message": message}), resp


def test_config_applies_known_variables_only(lab):
    before = lab.px("GET", "config").json()
    resp = lab.px("POST", "config", body={"lab.unknown.key": "v", "meta2.max_versions": "many",
                                          "proxy.bulk.max.create_many": 50})
    try:
        assert resp.status == 200
        assert resp.json() == {"lab.unknown.key": False, "meta2.max_versions": False,
                               "proxy.bulk.max.create_many": True}
        after = lab.px("GET", "config").json()
        assert "lab.unknown.key" not in after and after["meta2.max_versions"] == before["meta2.max_versions"]
        assert after["proxy.bulk.max.create_many"] == "50"
    finally:
        lab.px("POST", "config", body={"proxy.bulk.max.create_many": before["proxy.bulk.max.create_many"]})
    assert lab.px("GET", "config").json() == before


def test_config_body_checks(lab):
    error(lab.px("POST", "config", body=["a"]), 400, 400, "Object argument expected")
    error(lab.px("POST", "config", body={}), 400, 400, "Empty object argument")


def test_status_is_java_properties(lab):
    resp = lab.request("GET", f"{lab.proxy}/v3.0/status")
    assert resp.status == 200 and resp.headers["Content-Type"] == "text/x-java-properties"
    lines = resp.data.decode().splitlines()
    assert "gauge cache.dir.count = 0" in lines
    known = int(next(line for line in lines if line.startswith("gauge known.srv = ")).rsplit(" ", 1)[1])
    assert known >= len(lab.px("GET", "conscience/list", {"type": "rawx"}).json())


def test_cache_routes(lab):
    status = lab.request("GET", f"{lab.proxy}/v3.0/cache/status")
    assert status.status == 200 and set(status.json()) == {"csm0", "meta1"}
    for which in ("local", "low", "high"):
        assert lab.request("POST", f"{lab.proxy}/v3.0/cache/flush/{which}").status == 204
    shown = lab.request("GET", f"{lab.proxy}/v3.0/cache/show").json()
    rawx = lab.px("GET", "conscience/list", {"type": "rawx"}).json()[0]["addr"]
    assert {"addr": rawx, "id": f"{lab.ns}|rawx|{rawx}"} in shown
    error(lab.request("GET", f"{lab.proxy}/v3.0/cache/flush/local"), 404, 404, "No handler found")
