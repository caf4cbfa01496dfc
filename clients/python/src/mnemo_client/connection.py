"""How a client connects: target, TLS, token, deadlines, retries and keepalive."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import grpc

#: Methods safe to send again when the server was UNAVAILABLE: reads, deletes, sets, and upserts
#: (the client gives every upsert a request_id, so the server applies a retried one once).
IDEMPOTENT = {
    "mnemo.v1.MemoryService": [
        "UpsertEpisodic",
        "UpsertSemantic",
        "GetEpisodic",
        "GetSemantic",
        "DeleteEpisodic",
        "DeleteSemantic",
        "SearchEpisodic",
        "SearchSemantic",
        "BatchSearchEpisodic",
        "RecentEpisodic",
        "GetInfo",
    ],
    "mnemo.v1.CacheService": ["Get", "GetHash", "Set", "SetHash", "Delete"],
    "mnemo.v1.AuditService": ["Range", "AgentPnl"],
    "mnemo.v1.SessionService": [
        "GetSession",
        "ListSessions",
        "Heartbeat",
        "EndSession",
        "ResumeSession",
    ],
}


@dataclass(frozen=True)
class ConnectOptions:
    """Connection settings shared by the sync and asyncio clients.

    ``target`` is host:port. ``token`` is sent as ``authorization: Bearer <token>``. With
    ``tls``, ``root_certificates`` (PEM bytes; None = the system's) verify the server, and
    ``server_name`` overrides the name checked. ``timeout_s`` is every unary call's deadline
    unless a call passes its own (streams have none by default). ``max_attempts`` bounds the
    attempts of an idempotent call refused UNAVAILABLE; the waits back off exponentially from
    ``initial_backoff_s`` and honour the server's ``grpc-retry-pushback-ms``.
    """

    target: str
    token: Optional[str] = None
    tls: bool = False
    root_certificates: Optional[bytes] = None
    server_name: Optional[str] = None
    timeout_s: float = 10.0
    max_attempts: int = 4
    initial_backoff_s: float = 0.1
    max_backoff_s: float = 2.0
    keepalive_time_ms: int = 60_000
    keepalive_timeout_ms: int = 20_000
    max_message_bytes: int = 64 * 1024 * 1024

    def validate(self) -> None:
        if not self.target or ":" not in self.target:
            raise ValueError(f"target must be host:port, got {self.target!r}")
        if self.timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        if not 1 <= self.max_attempts <= 5:
            raise ValueError("max_attempts must be in [1, 5] (gRPC caps retries at 5 attempts)")


def service_config(options: ConnectOptions) -> str:
    """The gRPC service config: retries of the idempotent methods on UNAVAILABLE."""
    names = [
        {"service": service, "method": method}
        for service, methods in IDEMPOTENT.items()
        for method in methods
    ]
    config = {"methodConfig": []}
    if options.max_attempts > 1:
        config["methodConfig"].append(
            {
                "name": names,
                "retryPolicy": {
                    "maxAttempts": options.max_attempts,
                    "initialBackoff": f"{options.initial_backoff_s}s",
                    "maxBackoff": f"{options.max_backoff_s}s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        )
    return json.dumps(config)


def channel_arguments(options: ConnectOptions) -> Sequence[Tuple[str, object]]:
    arguments = [
        ("grpc.enable_retries", 1),
        ("grpc.service_config", service_config(options)),
        ("grpc.keepalive_time_ms", options.keepalive_time_ms),
        ("grpc.keepalive_timeout_ms", options.keepalive_timeout_ms),
        ("grpc.max_receive_message_length", options.max_message_bytes),
        ("grpc.max_send_message_length", options.max_message_bytes),
    ]
    if options.server_name:
        arguments.append(("grpc.ssl_target_name_override", options.server_name))
    return arguments


def credentials(options: ConnectOptions) -> Optional[grpc.ChannelCredentials]:
    """TLS credentials, or None for a plaintext channel."""
    if not options.tls:
        return None
    return grpc.ssl_channel_credentials(root_certificates=options.root_certificates)


def call_metadata(options: ConnectOptions) -> Tuple[Tuple[str, str], ...]:
    if options.token is None:
        return ()
    return (("authorization", f"Bearer {options.token}"),)
