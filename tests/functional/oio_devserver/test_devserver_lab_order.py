# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""The BACKBLAZE policy follows the b2 lab service whichever starts first (a lab of its own, one rawx)."""

import json
import urllib.request

from oiolab import settings


def namespace_info(proxy_url):
    with urllib.request.urlopen(f"{proxy_url}/v3.0/OPENIO/conscience/info", timeout=10) as resp:
        return json.loads(resp.read())


def namespace_policies(proxy_url):
    return namespace_info(proxy_url)["storage_policy"]


def test_backblaze_appears_when_b2_starts_after_oio(own_lab):
    run, lab_dir = own_lab
    run("up", "oio")
    proxy = settings(lab_dir, "oio")["OIO_PROXY_URL"]
    pid = (lab_dir / "oio" / "oio.pid").read_text()
    assert "BACKBLAZE" not in namespace_policies(proxy)
    run("up", "b2")
    assert namespace_policies(proxy)["BACKBLAZE"] == "NONE:BACKBLAZE"
    assert (lab_dir / "oio" / "oio.pid").read_text() == pid, "oio was not restarted"
    run("down", "b2")
    assert "BACKBLAZE" not in namespace_policies(proxy)


def test_backblaze_there_when_b2_starts_first(own_lab):
    run, lab_dir = own_lab
    run("up", "b2", "oio")
    b2 = settings(lab_dir, "b2")
    info = namespace_info(settings(lab_dir, "oio")["OIO_PROXY_URL"])
    assert info["storage_policy"]["BACKBLAZE"] == "NONE:BACKBLAZE"
    assert info["data_security"]["BACKBLAZE"].startswith(f"backblaze/account_id={b2['B2_ACCOUNT_ID']},bucket_name={b2['B2_BUCKET']},")
