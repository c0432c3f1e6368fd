# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# shellcheck shell=bash
# Shared by scripts/*: paths of the development environment.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$REPO/.venv
SANITY_VENV=$REPO/.cache/sanity-venv
# The collection as Ansible sees it: a symlink, so edits are live.
COLLECTIONS=$REPO/.lab/collections
COLLECTION_LINK=$COLLECTIONS/ansible_collections/datacenter/storage
export REPO VENV SANITY_VENV COLLECTIONS COLLECTION_LINK
export ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS
export PATH=$VENV/bin:$PATH
export PYTHONDONTWRITEBYTECODE=1

step() { printf '\n=== %s\n' "$*"; }

# Load the lab's connection settings (written by tests/lab/lab up).
load_lab_env() {
  if [ -f "$REPO/.lab/lab.env" ]; then
    set -a
    # shellcheck source=/dev/null
    . "$REPO/.lab/lab.env"
    set +a
  fi
}

# ansible-test needs the collection at a path ending in ansible_collections/datacenter/storage and
# finds its root by walking up to a .git: the copy lives outside the work tree.
TEST_COPY_ROOT=${DCS_TEST_COPY_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/datacenter.storage/$(printf %s "$REPO" | sha256sum | cut -c1-8)}
TEST_COPY=$TEST_COPY_ROOT/ansible_collections/datacenter/storage

# Mirror the files git knows (tracked and untracked, not ignored) into $TEST_COPY.
sync_test_copy() {
  rm -rf "$TEST_COPY"
  mkdir -p "$TEST_COPY"
  (cd "$REPO" && git ls-files -z -co --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) \
    | tar -xf - -C "$TEST_COPY"
  if [ -f "$REPO/tests/integration/integration_config.yml" ]; then
    mkdir -p "$TEST_COPY/tests/integration"
    cp "$REPO/tests/integration/integration_config.yml" "$TEST_COPY/tests/integration/"
  fi
  return 0
}

# tests/integration/integration_config.yml: every KEY=VALUE of the lab env file as lab_<key>.
write_integration_config() {
  "$VENV/bin/python" - "$REPO/.lab/lab.env" "$REPO/tests/integration/integration_config.yml" <<'PY'
import shlex, sys, yaml
settings = {}
try:
    lines = open(sys.argv[1]).read().splitlines()
except FileNotFoundError:
    lines = []
for line in lines:
    words = shlex.split(line)
    if len(words) == 2 and words[0] == "export" and "=" in words[1]:
        key, value = words[1].split("=", 1)
        settings["lab_" + key.lower()] = value
with open(sys.argv[2], "w") as out:
    out.write("# Written by scripts/test from .lab/lab.env: the lab's connection settings.\n")
    yaml.safe_dump(settings, out, default_flow_style=False)
PY
}
