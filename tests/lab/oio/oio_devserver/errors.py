# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""The OpenIO error model: internal status codes and their HTTP statuses (docs/oio-devserver.md, "Errors")."""

NOT_FOUND_FAMILY = {404, 406, 409, 420, 426, 431, 454, 418, 453}
BUSY_FAMILY = set(range(0, 10)) | {305, 503, 504, 509, 511, 436}
CONFLICT_FAMILY = {433, 421, 424, 438}
SAME_HTTP = {400, 403, 405}


def http_status(code):
    """HTTP status the proxy answers for an internal status code."""
    if code in NOT_FOUND_FAMILY:
        return 404
    if code in BUSY_FAMILY:
        return 503
    if code in CONFLICT_FAMILY:
        return 409
    if code in SAME_HTTP:
        return code
    if code == 413:
        return 413
    if code == 427:
        return 410
    if code == 501:
        return 501
    return 500


class OioError(Exception):
    """An error with an internal status code; http overrides the derived HTTP status."""

    def __init__(self, status, message, http=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.http = http if http is not None else http_status(status)


def bad_request(message):
    return OioError(400, message)


def container_not_found():
    return OioError(431, "Container not found")


def reference_not_found():
    return OioError(406, "Reference not found")


def content_not_found(name=None):
    return OioError(420, "Content not found" + (f" ({name})" if name else ""))
