"""MnemoClient (blocking) and AsyncMnemoClient (asyncio): one channel, every mnemo service."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

import grpc
import grpc.aio

from ._pb.mnemo.v1 import (
    audit_pb2_grpc,
    cache_pb2_grpc,
    memory_pb2_grpc,
    rate_limit_pb2_grpc,
    session_pb2_grpc,
    signal_pb2_grpc,
)
from .api import AuditApi, CacheApi, MemoryApi, RateLimitApi, SessionApi, SignalApi
from .connection import ConnectOptions, channel_arguments, credentials
from .invoke import AsyncInvoker, SyncInvoker


def _options(target: str, settings: dict) -> ConnectOptions:
    options = replace(ConnectOptions(target=target), **settings)
    options.validate()
    return options


class _Services:
    memory: MemoryApi
    cache: CacheApi
    rate_limit: RateLimitApi
    audit: AuditApi
    sessions: SessionApi
    signals: SignalApi

    def _bind(self, channel: Any, invoker: Any) -> None:
        self.memory = MemoryApi(memory_pb2_grpc.MemoryServiceStub(channel), invoker)
        self.cache = CacheApi(cache_pb2_grpc.CacheServiceStub(channel), invoker)
        self.rate_limit = RateLimitApi(rate_limit_pb2_grpc.RateLimitServiceStub(channel), invoker)
        self.audit = AuditApi(audit_pb2_grpc.AuditServiceStub(channel), invoker)
        self.sessions = SessionApi(session_pb2_grpc.SessionServiceStub(channel), invoker)
        self.signals = SignalApi(signal_pb2_grpc.SignalServiceStub(channel), invoker)


class MnemoClient(_Services):
    """A blocking client: ``MnemoClient("localhost:50051")``, then ``client.memory``,
    ``client.cache``, ``client.rate_limit``, ``client.audit``, ``client.sessions``,
    ``client.signals``. Settings are those of ``ConnectOptions`` (token, tls,
    root_certificates, server_name, timeout_s, max_attempts, ...). Failed calls raise
    ``MnemoError``. Use as a context manager or call ``close()``.
    """

    def __init__(self, target: str, **settings: Any) -> None:
        self.options = _options(target, settings)
        creds = credentials(self.options)
        arguments = channel_arguments(self.options)
        if creds is None:
            self._channel = grpc.insecure_channel(self.options.target, options=arguments)
        else:
            self._channel = grpc.secure_channel(self.options.target, creds, options=arguments)
        self._bind(self._channel, SyncInvoker(self.options))

    def wait_ready(self, timeout: Optional[float] = None) -> None:
        """Blocks until the channel is connected (grpc.FutureTimeoutError after ``timeout``)."""
        grpc.channel_ready_future(self._channel).result(timeout=timeout)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "MnemoClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncMnemoClient(_Services):
    """The asyncio client: the same services and methods as MnemoClient, each awaited (streams
    are async iterators). Use as ``async with AsyncMnemoClient(target) as client`` or await
    ``close()``.
    """

    def __init__(self, target: str, **settings: Any) -> None:
        self.options = _options(target, settings)
        creds = credentials(self.options)
        arguments = channel_arguments(self.options)
        if creds is None:
            self._channel = grpc.aio.insecure_channel(self.options.target, options=arguments)
        else:
            self._channel = grpc.aio.secure_channel(self.options.target, creds, options=arguments)
        self._bind(self._channel, AsyncInvoker(self.options))

    async def wait_ready(self) -> None:
        await self._channel.channel_ready()

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> "AsyncMnemoClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()
