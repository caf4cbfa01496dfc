"""The one exception the client raises: a failed call's status, message and wrong field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

import grpc

from ._pb.mnemo_client import rpc_status_pb2

_DETAILS_KEY = "grpc-status-details-bin"
_TYPE_PREFIX = "type.googleapis.com/google.rpc."


@dataclass(frozen=True)
class FieldViolation:
    """One wrong field of a request (google.rpc.BadRequest)."""

    field: str
    description: str


class MnemoError(Exception):
    """A call that failed.

    ``code`` is the gRPC status (``grpc.StatusCode``), ``message`` the server's message,
    ``field`` the request field that was wrong (BadRequest) or failed a precondition
    (PreconditionFailure), else None; ``violations`` every such field, ``reason`` the stable
    ErrorInfo reason
    (e.g. ``INVALID_ARGUMENT``, ``NOT_FOUND``), ``metadata`` ErrorInfo's metadata, and
    ``retry_after_s`` when the server said a retry may succeed (RetryInfo).
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        field: Optional[str] = None,
        violations: Tuple[FieldViolation, ...] = (),
        reason: Optional[str] = None,
        metadata: Optional[Dict[str, str]] = None,
        retry_after_s: Optional[float] = None,
    ) -> None:
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.field = field
        self.violations = violations
        self.reason = reason
        self.metadata = dict(metadata or {})
        self.retry_after_s = retry_after_s


@dataclass
class _Details:
    violations: Tuple[FieldViolation, ...] = ()
    reason: Optional[str] = None
    metadata: Dict[str, str] = field(default_factory=dict)
    retry_after_s: Optional[float] = None


def _parse_details(raw: Optional[bytes]) -> _Details:
    details = _Details()
    if not raw:
        return details
    status = rpc_status_pb2.Status.FromString(raw)
    violations = []
    for any_ in status.details:
        name = any_.type_url[len(_TYPE_PREFIX) :] if any_.type_url.startswith(_TYPE_PREFIX) else ""
        if name == "BadRequest":
            bad = rpc_status_pb2.BadRequest.FromString(any_.value)
            violations += [FieldViolation(v.field, v.description) for v in bad.field_violations]
        elif name == "ErrorInfo":
            info = rpc_status_pb2.ErrorInfo.FromString(any_.value)
            details.reason = info.reason
            details.metadata = dict(info.metadata)
        elif name == "PreconditionFailure":
            failure = rpc_status_pb2.PreconditionFailure.FromString(any_.value)
            violations += [FieldViolation(v.subject, v.description) for v in failure.violations]
        elif name == "RetryInfo":
            delay = rpc_status_pb2.RetryInfo.FromString(any_.value).retry_delay
            details.retry_after_s = delay.seconds + delay.nanos / 1e9
    details.violations = tuple(violations)
    return details


def _metadata_value(metadata, key: str):
    for item in metadata or ():
        if item[0] == key:
            return item[1]
    return None


def _field_of(violations: Tuple[FieldViolation, ...]) -> Optional[str]:
    return violations[0].field if violations else None


def error_from(code, details_text, trailing_metadata) -> MnemoError:
    """The MnemoError of a failed call's code, details text and trailing metadata."""
    try:
        parsed = _parse_details(_metadata_value(trailing_metadata, _DETAILS_KEY))
    except Exception:  # a malformed trailer must not hide the status itself
        parsed = _Details()
    return MnemoError(
        code,
        details_text or "",
        field=_field_of(parsed.violations),
        violations=parsed.violations,
        reason=parsed.reason,
        metadata=parsed.metadata,
        retry_after_s=parsed.retry_after_s,
    )


_CODES = {code.value[0]: code for code in grpc.StatusCode}


def from_message_status(status) -> MnemoError:
    """The MnemoError of one search stream message's ``error`` (a google.rpc.Status's fields)."""
    try:
        parsed = _parse_details(status.SerializeToString())
    except Exception:  # malformed details must not hide the status itself
        parsed = _Details()
    return MnemoError(
        _CODES.get(status.code, grpc.StatusCode.UNKNOWN),
        status.message,
        field=_field_of(parsed.violations),
        violations=parsed.violations,
        reason=parsed.reason,
        metadata=parsed.metadata,
        retry_after_s=parsed.retry_after_s,
    )


def from_rpc_error(error: grpc.RpcError) -> MnemoError:
    """The MnemoError of a grpc.RpcError raised by a sync call or stream."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    text = error.details() if hasattr(error, "details") else str(error)
    trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    return error_from(code, text, trailers)
