"""How one call is made and its failure turned into a MnemoError, sync and asyncio."""

from __future__ import annotations

from typing import Any, AsyncIterator, Callable, Iterable, Iterator, Optional, Union

import grpc
import grpc.aio

from .connection import ConnectOptions, call_metadata
from .errors import from_rpc_error

Parse = Callable[[Any], Any]


class SyncInvoker:
    """Blocking calls: results are returned, streams are iterators."""

    def __init__(self, options: ConnectOptions) -> None:
        self._default = options.timeout_s
        self._metadata = call_metadata(options)

    def unary(self, method: Any, request: Any, parse: Parse, timeout: Optional[float]) -> Any:
        try:
            response = method(request, timeout=timeout or self._default, metadata=self._metadata)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None
        return parse(response)

    def stream(self, method: Any, request: Any, parse: Parse, timeout: Optional[float]) -> Iterator:
        call = method(request, timeout=timeout, metadata=self._metadata)

        def messages() -> Iterator:
            try:
                for message in call:
                    yield parse(message)
            except grpc.RpcError as error:
                raise from_rpc_error(error) from None
            finally:
                call.cancel()

        return messages()

    def bidi(self, method: Any, requests: Iterable, parse: Parse, timeout: Optional[float]):
        """A bidirectional stream: ``requests`` are sent as iterated, answers yielded parsed."""
        call = method(iter(requests), timeout=timeout, metadata=self._metadata)

        def messages() -> Iterator:
            try:
                for message in call:
                    yield parse(message)
            except grpc.RpcError as error:
                raise from_rpc_error(error) from None
            finally:
                call.cancel()

        return messages()


class AsyncInvoker:
    """asyncio calls: results are awaited, streams are async iterators."""

    def __init__(self, options: ConnectOptions) -> None:
        self._default = options.timeout_s
        self._metadata = call_metadata(options)

    async def unary(self, method: Any, request: Any, parse: Parse, timeout: Optional[float]) -> Any:
        try:
            response = await method(
                request, timeout=timeout or self._default, metadata=self._metadata
            )
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error) from None
        return parse(response)

    def stream(
        self, method: Any, request: Any, parse: Parse, timeout: Optional[float]
    ) -> AsyncIterator:
        return self._messages(method, request, parse, timeout)

    def bidi(
        self,
        method: Any,
        requests: Union[Iterable, AsyncIterator],
        parse: Parse,
        timeout: Optional[float],
    ) -> AsyncIterator:
        """A bidirectional stream: ``requests`` (iterable or async) sent, answers yielded parsed."""
        return self._messages(method, requests, parse, timeout)

    async def _messages(
        self, method: Any, request: Any, parse: Parse, timeout: Optional[float]
    ) -> AsyncIterator:
        """The answers of a server or bidirectional stream, parsed; cancelled when left."""
        call = method(request, timeout=timeout, metadata=self._metadata)
        try:
            async for message in call:
                yield parse(message)
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error) from None
        finally:
            call.cancel()
