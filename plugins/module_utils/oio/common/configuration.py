# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Namespace configuration files (``sds.conf``)."""

from __future__ import annotations

import configparser
import os

from .exceptions import ConfigurationException

SYSTEM_CONF = "/etc/oio/sds.conf"
SYSTEM_CONF_DIR = "/etc/oio/sds.conf.d"
USER_CONF = "~/.oio/sds.conf"


def conf_files(system_conf=SYSTEM_CONF, system_dir=SYSTEM_CONF_DIR, user_conf=USER_CONF):
    """The files to read, in order; the home file only when no system file exists."""
    files = [system_conf] if os.path.isfile(system_conf) else []
    if os.path.isdir(system_dir):
        files += sorted(os.path.join(system_dir, name) for name in os.listdir(system_dir))
    files = [path for path in files if os.path.isfile(path)]
    if not files:
        user = os.path.expanduser(user_conf)
        if os.path.isfile(user):
            files = [user]
    return files


def load_namespace_conf(namespace, files=None):
    """Return the ``[namespace]`` section as a dict, later files overriding earlier ones."""
    parser = configparser.RawConfigParser()
    parser.read(conf_files() if files is None else files)
    if not parser.has_section(namespace):
        return {}
    return dict(parser.items(namespace))


def proxy_url(conf, namespace):
    """The proxy base URL of a namespace configuration (``proxy=`` key)."""
    proxy = conf.get("proxy")
    if not proxy:
        raise ConfigurationException("namespace %s: no proxy= in its sds.conf section" % namespace)
    return proxy if "://" in proxy else "http://" + proxy
