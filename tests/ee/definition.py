# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's EE definition: meta/execution-environment.yml with what a registry-less Debian lab changes.

    python tests/ee/definition.py BASE_IMAGE DIR COLLECTION_TARBALL

Writes DIR/execution-environment.yml, DIR/meta/ (the dependency files, at the paths the definition names),
DIR/collections/ (the tarball) and DIR/key (a hash of everything the image is built from). Kept from the
collection's definition: ansible-core, ansible-runner, the Python and system dependencies. Changed: the base
image (Debian 12 from Debian's packages, not CentOS Stream from quay.io), apt-get instead of dnf (so no Ceph
repository step), a venv of Debian's python3, and the collection from the tarball just built instead of Galaxy.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tarfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
# Debian disables ensurepip (which ansible-builder runs) for its system python: a venv of it instead.
VENV = "/opt/ee"


def definition(base_image, tarball_name):
    ee = yaml.safe_load((REPO / "meta" / "execution-environment.yml").read_text())
    deps = ee["dependencies"]
    ee["images"] = {"base_image": {"name": base_image}}
    ee["options"] = {"package_manager_path": "/usr/bin/apt-get"}
    deps["python_interpreter"] = {"python_path": VENV + "/bin/python3"}
    deps["galaxy"] = {"collections": [{"name": "/build/collections/" + tarball_name, "type": "file"}]}
    ee["additional_build_files"] = [{"src": "collections", "dest": "collections"}]
    ee["additional_build_steps"] = {
        # pip inside the build trusts the CA certificates the base image took from the machine.
        "prepend_base": [
            "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt",
            "RUN /usr/bin/python3 -m venv --without-pip %s" % VENV,
            "ENV PATH=%s/bin:$PATH" % VENV,
        ],
        "prepend_galaxy": ["COPY _build/collections/ /build/collections/"],
    }
    return ee


def main():
    base_image, out, tarball = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    ee = definition(base_image, tarball.name)
    text = yaml.safe_dump(ee, sort_keys=False)
    (out / "execution-environment.yml").write_text(text)
    shutil.rmtree(out / "meta", ignore_errors=True)
    shutil.copytree(REPO / "meta", out / "meta")
    (out / "collections").mkdir(exist_ok=True)
    shutil.copy2(tarball, out / "collections" / tarball.name)
    # The tarball's bytes change with its files' times: its members' names and contents make the key.
    key = hashlib.sha256(text.encode())
    for path in sorted((REPO / "meta").iterdir()):
        key.update(path.name.encode() + path.read_bytes())
    with tarfile.open(tarball) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            key.update(member.name.encode())
            if member.isfile():
                key.update(tar.extractfile(member).read())
    (out / "key").write_text(key.hexdigest()[:12] + "\n")
    print(text)


if __name__ == "__main__":
    main()
