# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two forms of a bulk module: one object from top-level options, or a list of items whose unset options
take the task's values (``images:``, ``containers:``, ``objects:``)."""

from __future__ import annotations

# ``state``, as every module that creates and deletes takes it: (spec, default), as ``list_form_spec`` takes options.
STATE = (dict(type="str", choices=["present", "absent"]), "present")


def key_values(option):
    """``option`` (a dict of keys to set) and ``purge_<option>`` (remove the keys it does not name), as
    ``list_form_spec`` takes options: an RBD image's ``metadata`` and ``config``, OpenIO's ``properties``."""
    return {option: (dict(type="dict"), None), "purge_" + option: (dict(type="bool"), False)}


def list_form_spec(shared, own, list_option, item_required=(), **list_kwargs):
    """The argument spec of both forms.

    ``shared``: option -> (spec, default) for the options an item takes from the task when it does not set them
    (the default applies to the task's option only); ``own``: option -> spec for those each item sets for itself
    (``item_required``: those an item must set); ``list_kwargs``: more keys of the list option's spec.
    """
    item_spec = dict((key, dict(spec)) for key, (spec, _default) in shared.items())
    item_spec.update((key, dict(spec, required=True) if key in item_required else dict(spec)) for key, spec in own.items())
    spec = dict((key, dict(spec, default=default) if default is not None else dict(spec)) for key, (spec, default) in shared.items())
    spec.update((key, dict(spec)) for key, spec in own.items())
    spec[list_option] = dict(type="list", elements="dict", options=item_spec, **list_kwargs)
    return spec


def inherited(params, item, keys):
    """The values of ``keys`` for one item of the list form: the item's own where set, else the task's."""
    return dict((key, params[key] if item.get(key) is None else item[key]) for key in keys)
