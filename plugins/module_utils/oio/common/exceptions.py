# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions of the OpenIO SDS client, named as in ``oio.common.exceptions``."""

from __future__ import annotations

import json


class OioException(Exception):
    """Base of every error raised by this client."""


class ConfigurationException(OioException):
    """The namespace configuration is missing or incomplete."""


class OioNetworkException(OioException):
    """A service could not be reached or the connection broke."""


class OioTimeout(OioNetworkException):
    """A service did not answer in time."""


class SourceReadTimeout(OioTimeout):
    """The data source of an upload did not deliver in time."""


class DeadlineReached(OioException):
    """The caller's deadline elapsed before the request was sent."""


class ClientException(OioException):
    """An HTTP error answer: ``http_status``, internal ``status`` and ``message``."""

    def __init__(self, http_status, status=None, message=None):
        super().__init__(http_status, status, message)
        self.http_status = http_status
        self.status = status
        self.message = message or "n/a"

    def __str__(self):
        text = "%s (HTTP %s)" % (self.message, self.http_status)
        if self.status:
            text += " (STATUS %s)" % self.status
        return text


class BadRequest(ClientException):
    pass


class Forbidden(ClientException):
    pass


class NotFound(ClientException):
    pass


class MethodNotAllowed(ClientException):
    pass


class Conflict(ClientException):
    pass


class ClientPreconditionFailed(ClientException):
    pass


class TooLarge(ClientException):
    pass


class UnsatisfiableRange(ClientException):
    pass


class ServiceBusy(ClientException):
    pass


class Gone(ClientException):
    pass


_BY_HTTP_STATUS = {
    400: BadRequest,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    410: Gone,
    412: ClientPreconditionFailed,
    413: TooLarge,
    416: UnsatisfiableRange,
    503: ServiceBusy,
}


def from_response(http_status, body, reason=None):
    """Build the exception for an error answer from its status and body bytes."""
    status, message = None, None
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if isinstance(doc, dict):
        status, message = doc.get("status"), doc.get("message")
    if not message:
        message = text.strip() or reason
    return _BY_HTTP_STATUS.get(http_status, ClientException)(http_status, status, message)


class NoSuchAccount(NotFound):
    pass


class NoSuchContainer(NotFound):
    pass


class NoSuchObject(NotFound):
    pass


class NoSuchReference(NotFound):
    pass


class ContainerNotEmpty(Conflict):
    pass


class EtagMismatch(OioException):
    """The etag given by the caller differs from the MD5 of the uploaded data."""


class MissingData(OioException):
    pass


class MissingName(OioException):
    pass


class FileNotFound(OioException):
    pass


class InvalidStorageMethod(OioException):
    """A chunk method string that cannot be parsed or is not supported."""


class ServiceUnavailable(OioException):
    """Not enough readable chunks to serve a read."""


class UnrecoverableContent(OioException):
    """A metachunk has no readable copy left."""


class ChunkException(OioException):
    pass


class CorruptedChunk(ChunkException):
    pass


class FaultyChunk(ChunkException):
    pass


class OrphanChunk(ChunkException):
    pass


class SpareChunkException(ChunkException):
    pass


class SourceReadError(OioException):
    """The data source of an upload failed."""


class ECError(OioException):
    """pyeclib refused to encode, decode or reconstruct."""


class EmptyByteRange(OioException):
    pass


class PreconditionFailed(OioException):
    pass


class MissingContentLength(OioException):
    pass


class UnfinishedUploadException(OioException):
    """An upload failed after some chunks were stored."""

    def __init__(self, exception, chunks_already_uploaded):
        super().__init__(str(exception))
        self.exception = exception
        self.chunks_already_uploaded = chunks_already_uploaded
