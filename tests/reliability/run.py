# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reliability stage: run each family against the lab, print one line per family, write the figures as JSON.

    python tests/reliability/run.py --out tests/output/reliability.json [--families badinput,fuzz,...]

Counts are sized for the CI budget (the whole stage about 11 minutes on 2 cores); REL_SCALE multiplies them.
Exit status 1 if any family counted a hang, traceback, corruption, leak or other must-be-zero figure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from harness import REPO, load_lab_env

SCALE = float(os.environ.get("REL_SCALE", "1"))
FAMILIES = ["badinput", "fuzz", "secrets", "races", "load", "faults"]


def _count(n):
    return max(1, int(n * SCALE))


def _commit():
    """The checkout's commit, "+changes" if tracked files differ from it."""
    def git(*args):
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False).stdout.strip()
    head = git("rev-parse", "--short=12", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def run_family(name, log):
    if name == "badinput":
        import badinput
        return badinput.run(_count(200), os.environ.get("REL_SEED", "17"), log)
    if name == "fuzz":
        import fuzz
        return fuzz.run(_count(400), log)
    if name == "secrets":
        import secrets_check
        return secrets_check.run(log)
    if name == "races":
        import races
        return races.run(_count(1), log)
    if name == "faults":
        import faults
        return faults.run(_count(20), log, seed=os.environ.get("REL_SEED", "17"))
    if name == "load":
        import load
        return load.run(_count(10000), _count(200), _count(10000), log)
    raise SystemExit("unknown family %r (known: %s)" % (name, ", ".join(FAMILIES)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(REPO / "tests" / "output" / "reliability.json"))
    parser.add_argument("--families", default=os.environ.get("REL_FAMILIES", ",".join(FAMILIES)))
    args = parser.parse_args()
    load_lab_env()
    report = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "scale": SCALE, "commit": _commit(),
              "families": {}}
    problems = []
    bad_total = 0
    for name in [f for f in args.families.split(",") if f]:
        start = time.monotonic()
        found = []
        try:
            figures = run_family(name, found.append)
        except Exception as exc:  # the family itself broke: that is a failure of the stage, with its reason
            import traceback
            from harness import Figures
            figures = Figures(errors=1)
            found.append("%s: the family stopped: %s" % (name, traceback.format_exc()))
            del exc
        figures["seconds"] = round(time.monotonic() - start, 1)
        figures["bad"] = figures.bad()
        bad_total += figures["bad"]
        report["families"][name] = dict(figures)
        problems += found
        status = "FAIL" if figures["bad"] else "TODO" if figures.get("not_implemented") else "ok  "
        print("reliability %-9s %s %s" % (name, status,
                                          " ".join("%s=%s" % kv for kv in sorted(figures.items()) if not isinstance(kv[1], dict))), flush=True)
    report["problems"] = [p[:3000] for p in problems]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    for line in problems[:40]:
        print("  " + line.replace("\n", "\n    "))
    return 1 if bad_total else 0


if __name__ == "__main__":
    sys.exit(main())
