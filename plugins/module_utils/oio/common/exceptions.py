# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The exceptions of ``oio.common.exceptions`` (7.x): same names, bases and constructors."""

from __future__ import annotations

import json


class OioException(Exception):
    """Base of the client's errors."""


class ConfigurationException(OioException):
    """Namespace configuration missing or invalid."""


class MissingAttribute(OioException):
    """A chunk lacks an attribute."""

    def __init__(self, attribute):
        super().__init__(attribute)
        self.attribute = attribute

    def __str__(self):
        return "%s" % self.attribute

    def __repr__(self):
        return "%s(%r)" % (self.__class__.__name__, self.attribute)


class ChunkException(OioException):
    """A chunk could not be read or written."""


class CorruptedChunk(ChunkException):
    """A chunk's data does not match its hash."""


class FaultyChunk(ChunkException):
    """A chunk misses attributes, or they have invalid values."""

    def __repr__(self):
        if len(self.args) > 1:
            return "%s%r" % (self.__class__.__name__, self.args)
        return super().__repr__()


class OrphanChunk(ChunkException):
    """A chunk no object references."""


class ServerException(OioException):
    """A service failed."""


class Meta2Exception(OioException):
    """A meta2 service failed."""


class SpareChunkException(Meta2Exception):
    """No spare chunk matching the criteria was found."""


class ContentException(OioException):
    """An object's content is damaged or missing."""


class ContentNotFound(ContentException):
    """The content is not found."""


class UnrecoverableContent(ContentException):
    """Too few chunks are left to read or rebuild the content."""


class ServiceUnavailable(OioException):
    """Some services are temporarily unavailable (no data lost)."""


class CommandError(Exception):
    """A command line tool failed."""


class ExplicitBury(OioException):
    """A worker buries its job."""


class RetryLater(OioException):
    """A worker wants its task rescheduled later."""


class ECError(Exception):
    """Erasure coding failed."""


class EmptyByteRange(Exception):
    """A byte range selects nothing."""


class InvalidStorageMethod(OioException):
    """A chunk method is not understood."""


class PreconditionFailed(OioException):
    """A precondition of the request does not hold."""


class EtagMismatch(OioException):
    """The data does not match the expected MD5."""


class MissingContentLength(OioException):
    """The size of the data is needed and unknown."""


class MissingData(OioException):
    """No data was given to upload."""


class MissingName(OioException):
    """No object name was given and none could be guessed."""


class FileNotFound(OioException):
    """The file to upload does not exist."""


class LifecycleNotFound(OioException):
    """The container has no lifecycle configuration."""


class ContainerNotEmpty(OioException):
    """The container still holds objects."""


class NoSuchAccount(OioException):
    """The account does not exist."""


class NoSuchContainer(OioException):
    """The container does not exist."""


class NoSuchObject(OioException):
    """The object does not exist."""


class NoSuchReference(OioException):
    """The reference does not exist."""


class SourceReadError(OioException):
    """The data source could not be read."""


class OioNetworkException(OioException):
    """Network related exception (connection, timeout...)."""


class OioTimeout(OioNetworkException):
    """A network operation timed out."""


class SourceReadTimeout(OioTimeout):
    """Reading the client's data source timed out."""


class DeadlineReached(OioException):
    """The deadline of the request is reached: the operation will not complete in the background."""

    def __str__(self):
        if not self.args:
            return "Deadline reached"
        return super().__str__()


class VolumeException(OioException):
    """No rdir service is assigned to the rawx."""


class StatusMessageException(OioException):
    """Error carrying an HTTP status, an OIO status and a message."""

    def __init__(self, http_status, status=None, message=None):
        super().__init__(http_status, status, message)
        self.http_status = http_status
        self.message = message or "n/a"
        self.status = status

    def __str__(self):
        text = "%s (HTTP %s)" % (self.message, self.http_status)
        if self.status:
            text += " (STATUS %s)" % self.status
        return text


class UnfinishedUploadException(OioException):
    """An upload failed after some chunks were stored."""

    def __init__(self, exception, chunks_already_uploaded):
        super().__init__(exception, chunks_already_uploaded)
        self.exception = exception
        self.chunks_already_uploaded = chunks_already_uploaded

    def reraise(self):
        """Raise the wrapped exception again."""
        raise self.exception


class ClientException(StatusMessageException):
    """An error answer of a service."""


def _with_status(name, code, doc):
    def __init__(self, http_status=code, status=None, message=None):
        ClientException.__init__(self, http_status, status, message)
    return type(name, (ClientException,), {"__init__": __init__, "__doc__": doc})


BadRequest = _with_status("BadRequest", 400, "The request is invalid.")
Forbidden = _with_status("Forbidden", 403, "Operation is forbidden.")
NotFound = _with_status("NotFound", 404, "Resource was not found.")
MethodNotAllowed = _with_status("MethodNotAllowed", 405, "Request method is not allowed.")
Conflict = _with_status("Conflict", 409, "The request conflicts with the resource's state.")
ClientPreconditionFailed = _with_status("ClientPreconditionFailed", 412, "A precondition of the request failed.")
TooLarge = _with_status("TooLarge", 413, "The request is too large.")
UnsatisfiableRange = _with_status("UnsatisfiableRange", 416, "The byte range cannot be satisfied.")
ServiceBusy = _with_status("ServiceBusy", 503, "The service is busy: try again later.")

_http_status_map = {
    400: BadRequest,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    412: ClientPreconditionFailed,
    413: TooLarge,
    416: UnsatisfiableRange,
    503: ServiceBusy,
}


def from_status(status, reason="n/a"):
    """The exception for an HTTP status."""
    cls = _http_status_map.get(status, ClientException)
    return cls(status, None, reason)


def from_response(resp, body=None):
    """The exception for an error response (``status`` or ``status_code``) and its decoded body."""
    try:
        http_status = resp.status
    except AttributeError:
        http_status = resp.status_code
    cls = _http_status_map.get(http_status, ClientException)
    if body:
        try:
            return cls(http_status, body.get("status"), body.get("message"))
        except AttributeError:
            return cls(http_status, None, body)
    return cls(http_status, resp.reason)


def error_from_answer(http_status, body, reason=None):
    """The exception for an error answer given its status and raw body (JSON or text)."""
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
    return _http_status_map.get(http_status, ClientException)(http_status, status, message)


def reraise(exc_type, exc_value, extra_message=None):
    """Raise ``exc_type`` with the arguments of ``exc_value``, ``extra_message`` first."""
    args = exc_value.args
    if extra_message:
        args = (extra_message,) + args
    raise exc_type(*args).with_traceback(exc_value.__traceback__)
