# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Every file git tracks carries an SPDX license line.

  python scripts/spdx.py          list the files that lack one; exit 1 if any
  python scripts/spdx.py --fix    add it where the file's syntax allows a comment

Files that cannot hold a comment (JSON, the license texts, generated change logs) are covered by
REUSE.toml instead; they are listed there and not here.
"""

import fnmatch
import os
import re
import subprocess
import sys

TAG = "SPDX-License-Identifier: GPL-3.0-or-later"
COPYRIGHT = "SPDX-FileCopyrightText: 2026 datacenter.storage contributors"
# Comment syntax by file name pattern; the first match wins.
STYLES = [
    ("*.md", ("<!-- ", " -->")),
    ("*.c", ("/* ", " */")),
    ("*.h", ("/* ", " */")),
    ("*.j2", ("{# ", " #}")),
    ("*.rst", (".. ", "")),
    ("*.py", ("# ", "")),
    ("*.sh", ("# ", "")),
    ("*.yml", ("# ", "")),
    ("*.yaml", ("# ", "")),
    ("*.toml", ("# ", "")),
    ("*.cfg", ("# ", "")),
    ("*.ini", ("# ", "")),
    ("*.txt", ("# ", "")),
    ("*.lock", ("# ", "")),
    ("*.conf", ("# ", "")),
    ("Makefile", ("# ", "")),
    (".gitignore", ("# ", "")),
    (".ansible-lint", ("# ", "")),
    (".shellcheckrc", ("# ", "")),
]
REUSE_TOML = "REUSE.toml"


def tracked():
    out = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], check=True,
                         capture_output=True).stdout
    return [p for p in out.decode().split("\0") if p and os.path.isfile(p)]


def reuse_covered():
    """The path patterns REUSE.toml annotates."""
    try:
        with open(REUSE_TOML, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return []
    return re.findall(r'"([^"]+)"', "".join(re.findall(r"path\s*=\s*\[([^\]]*)\]", text, re.S)))


def style_of(path, head):
    name = os.path.basename(path)
    for pattern, style in STYLES:
        if fnmatch.fnmatch(name, pattern):
            return style
    if head.startswith("#!"):
        return ("# ", "")
    return None


def insert_at(lines, path):
    """Where the SPDX lines go: after a shebang and a coding line (Python), else first."""
    i = 0
    if lines and lines[0].startswith("#!"):
        i = 1
    if path.endswith(".py") and len(lines) > i and re.match(r"#.*coding[:=]", lines[i]):
        i += 1
    return i


def main(argv):
    fix = "--fix" in argv
    covered = reuse_covered()
    missing = []
    for path in tracked():
        if any(fnmatch.fnmatch(path, pattern) for pattern in covered):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if b"\0" in data:
            missing.append(path + " (binary: annotate it in REUSE.toml)")
            continue
        text = data.decode("utf-8", "replace")
        if TAG in text:
            continue
        style = style_of(path, text)
        if not fix or style is None:
            missing.append(path if style else path + " (no comment syntax known: annotate it in REUSE.toml)")
            continue
        lines = text.splitlines(keepends=True)
        i = insert_at(lines, path)
        start, end = style
        lines[i:i] = ["%s%s%s\n" % (start, TAG, end), "%s%s%s\n" % (start, COPYRIGHT, end)]
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(lines))
    for path in missing:
        print("no SPDX line: %s" % path)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
