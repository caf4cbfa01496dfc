"""The services' methods, written once for both flavours.

Every method builds its request and hands it to the client's invoker: ``MnemoClient``'s returns
the result, ``AsyncMnemoClient``'s a coroutine of it (streams: an iterator, an async iterator).
The return annotations name the result; the asyncio client's methods are awaited for it.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable, Iterable, Iterator, List, Mapping, Optional, Sequence, Union

from . import convert
from .errors import from_message_status
from ._pb.mnemo.v1 import (
    audit_pb2,
    cache_pb2,
    memory_pb2,
    rate_limit_pb2,
    session_pb2,
    signal_pb2,
)
from .types import (
    Acquired,
    Appended,
    AuditEntry,
    AuditRecord,
    CacheHash,
    CacheValue,
    EpisodicFilter,
    EpisodicHit,
    EpisodicMemory,
    EpisodicSearch,
    Info,
    Page,
    PnlTotal,
    Ranking,
    RecentOrder,
    SemanticFilter,
    SemanticHit,
    SemanticMemory,
    SemanticOrder,
    SemanticSearch,
    SemanticRanking,
    Session,
    SessionChange,
    SessionStatus,
    Published,
    Signal,
    SignalMessage,
    Started,
    StreamAnswer,
    Traded,
    VectorLike,
)

Timeout = Optional[float]


class _Api:
    def __init__(self, stub: Any, invoker: Any) -> None:
        self._stub = stub
        self._invoker = invoker

    def _unary(self, method: str, request: Any, parse: Any, timeout: Timeout) -> Any:
        return self._invoker.unary(getattr(self._stub, method), request, parse, timeout)

    def _stream(self, method: str, request: Any, parse: Any, timeout: Timeout) -> Any:
        return self._invoker.stream(getattr(self._stub, method), request, parse, timeout)


def _tagged(searches: Any, encode: Callable[[Any], Any], message_timeout: Timeout) -> Any:
    """The requests of a search stream: each search encoded, its position as request_id + 1."""
    timeout_ms = max(1, round(message_timeout * 1000)) if message_timeout else 0

    def tag(index: int, search: Any) -> Any:
        request = encode(search)
        request.request_id = index + 1
        request.timeout_ms = timeout_ms
        return request

    if hasattr(searches, "__aiter__"):

        async def tagged_async() -> Any:
            index = 0
            async for search in searches:
                yield tag(index, search)
                index += 1

        return tagged_async()
    return (tag(i, s) for i, s in enumerate(searches))


def _answers(decode: Callable[[Any], list]) -> Callable[[Any], StreamAnswer]:
    """Parses one response of a search stream into its StreamAnswer."""

    def parse(response: Any) -> StreamAnswer:
        index = response.request_id - 1
        if response.HasField("error"):
            return StreamAnswer(index, [], from_message_status(response.error))
        return StreamAnswer(index, decode(response))

    return parse


class MemoryApi(_Api):
    """mnemo.v1.MemoryService: episodic and semantic memories, KNN and recency queries."""

    def upsert_episodic(
        self,
        memories: Sequence[EpisodicMemory],
        request_id: Optional[str] = None,
        timeout: Timeout = None,
    ) -> List[str]:
        """Stores memories (an empty id gets one); returns their ids in order.

        Every upsert carries a request id (a random one unless given), so a retry is applied once.
        """
        request = memory_pb2.UpsertEpisodicRequest(
            memories=[convert.encode_episodic(m) for m in memories],
            request_id=request_id or uuid.uuid4().hex,
        )
        return self._unary("UpsertEpisodic", request, lambda r: list(r.ids), timeout)

    def upsert_semantic(
        self,
        memories: Sequence[SemanticMemory],
        request_id: Optional[str] = None,
        timeout: Timeout = None,
    ) -> List[str]:
        """Stores semantic memories; returns their ids in order (retry-safe, as upsert_episodic)."""
        request = memory_pb2.UpsertSemanticRequest(
            memories=[convert.encode_semantic(m) for m in memories],
            request_id=request_id or uuid.uuid4().hex,
        )
        return self._unary("UpsertSemantic", request, lambda r: list(r.ids), timeout)

    def get_episodic(
        self, ids: Sequence[str], include_vectors: bool = False, timeout: Timeout = None
    ) -> List[EpisodicMemory]:
        """The memories of ``ids`` that exist, in the order asked."""
        request = memory_pb2.GetEpisodicRequest(ids=ids, include_vectors=include_vectors)
        parse = lambda r: [convert.decode_episodic(m) for m in r.memories]  # noqa: E731
        return self._unary("GetEpisodic", request, parse, timeout)

    def get_semantic(
        self, ids: Sequence[str], include_vectors: bool = False, timeout: Timeout = None
    ) -> List[SemanticMemory]:
        request = memory_pb2.GetSemanticRequest(ids=ids, include_vectors=include_vectors)
        parse = lambda r: [convert.decode_semantic(m) for m in r.memories]  # noqa: E731
        return self._unary("GetSemantic", request, parse, timeout)

    def delete_episodic(self, ids: Sequence[str], timeout: Timeout = None) -> int:
        """Deletes memories; returns how many existed."""
        request = memory_pb2.DeleteEpisodicRequest(ids=ids)
        return self._unary("DeleteEpisodic", request, lambda r: r.deleted, timeout)

    def delete_semantic(self, ids: Sequence[str], timeout: Timeout = None) -> int:
        request = memory_pb2.DeleteSemanticRequest(ids=ids)
        return self._unary("DeleteSemantic", request, lambda r: r.deleted, timeout)

    def delete_episodic_by_filter(
        self,
        filter: EpisodicFilter,
        allow_match_all: bool = False,
        dry_run: bool = False,
        timeout: Timeout = None,
    ) -> int:
        """Deletes every memory the filter matches (or counts them with ``dry_run``)."""
        request = memory_pb2.DeleteEpisodicByFilterRequest(
            allow_match_all=allow_match_all, dry_run=dry_run
        )
        convert.encode_episodic_filter(request.filter, filter)
        return self._unary("DeleteEpisodicByFilter", request, lambda r: r.deleted, timeout)

    def search_episodic(
        self,
        vector: VectorLike,
        k: int = 10,
        filter: Optional[EpisodicFilter] = None,
        ef_runtime: int = 0,
        exact: bool = False,
        include_vectors: bool = False,
        ranking: Optional[Ranking] = None,
        explain: bool = False,
        timeout: Timeout = None,
        as_of: Optional[float] = None,
    ) -> List[EpisodicHit]:
        """The k nearest memories by cosine distance that pass ``filter``, nearest first; with
        ``ranking``, the k best by its score, highest first (``explain``: with their terms).

        With ``as_of`` (unix seconds), answered as it would have been then: memories stamped
        later are absent, outcomes known later are unset and their hits ``outcome_pending``.
        """
        search = EpisodicSearch(
            vector,
            k,
            filter,
            ef_runtime,
            exact,
            include_vectors,
            as_of=as_of,
            ranking=ranking,
            explain=explain,
        )
        request = convert.encode_episodic_search(search)
        return self._unary("SearchEpisodic", request, convert.decode_episodic_hits, timeout)

    def search_semantic(
        self,
        vector: VectorLike,
        k: int = 10,
        filter: Optional[SemanticFilter] = None,
        ef_runtime: int = 0,
        exact: bool = False,
        include_vectors: bool = False,
        touch: bool = False,
        ranking: Optional[SemanticRanking] = None,
        explain: bool = False,
        timeout: Timeout = None,
    ) -> List[SemanticHit]:
        """The k nearest semantic memories; ``touch`` counts an access of each hit. With
        ``ranking``, the k best by its score, highest first (``explain``: with their terms)."""
        request = memory_pb2.SearchSemanticRequest(
            vector=convert.encode_vector(vector),
            k=k,
            ef_runtime=ef_runtime,
            exact=exact,
            include_vectors=include_vectors,
            touch=touch,
            explain=explain,
        )
        convert.encode_semantic_filter(request.filter, filter)
        convert.encode_ranking(request, ranking)
        return self._unary("SearchSemantic", request, convert.decode_semantic_hits, timeout)

    def search_episodic_stream(
        self,
        searches: Iterable[EpisodicSearch],
        message_timeout: Timeout = None,
        timeout: Timeout = None,
    ) -> Iterator[StreamAnswer[EpisodicHit]]:
        """High-rate recall over one stream (SearchEpisodicStream), far cheaper per search.

        Every search of ``searches`` (sent as it is iterated: a generator may feed it live; an
        async iterable too with AsyncMnemoClient) gets exactly one StreamAnswer, in the order the
        server answers; its ``index`` is the search's position. A search that fails has its
        ``error`` (the MnemoError the unary call would raise) and the stream goes on.
        ``message_timeout`` (s) bounds each search, ``timeout`` the whole stream (default: none).
        """
        requests = _tagged(searches, convert.encode_episodic_search, message_timeout)
        parse = _answers(convert.decode_episodic_hits)
        return self._invoker.bidi(self._stub.SearchEpisodicStream, requests, parse, timeout)

    def search_semantic_stream(
        self,
        searches: Iterable[SemanticSearch],
        message_timeout: Timeout = None,
        timeout: Timeout = None,
    ) -> Iterator[StreamAnswer[SemanticHit]]:
        """Semantic searches over one stream (SearchSemanticStream), as search_episodic_stream."""
        requests = _tagged(searches, convert.encode_semantic_search, message_timeout)
        parse = _answers(convert.decode_semantic_hits)
        return self._invoker.bidi(self._stub.SearchSemanticStream, requests, parse, timeout)

    def batch_search_episodic(
        self, searches: Sequence[EpisodicSearch], timeout: Timeout = None
    ) -> List[List[EpisodicHit]]:
        """Several searches in one call; one list of hits per search, in order."""
        request = memory_pb2.BatchSearchEpisodicRequest(
            searches=[convert.encode_episodic_search(s) for s in searches]
        )
        parse = lambda r: [convert.decode_episodic_hits(x) for x in r.results]  # noqa: E731
        return self._unary("BatchSearchEpisodic", request, parse, timeout)

    def recent_episodic(
        self,
        filter: Optional[EpisodicFilter] = None,
        order: RecentOrder = RecentOrder.TIMESTAMP_DESC,
        page_size: int = 0,
        page_token: str = "",
        timeout: Timeout = None,
        as_of: Optional[float] = None,
    ) -> Page[EpisodicMemory]:
        """One page of the newest (or best-rewarded) memories passing ``filter``.

        With ``as_of``, as search_episodic; the page's ``outcome_pending_ids`` name the memories
        whose outcome was not known then (ordered by reward, they come last).
        """
        request = memory_pb2.RecentEpisodicRequest(
            order=memory_pb2.RecentOrder.Value(RecentOrder(order).value),
            page_size=page_size,
            page_token=page_token,
        )
        if as_of is not None:
            request.as_of = as_of
        convert.encode_episodic_filter(request.filter, filter)
        parse = lambda r: Page(  # noqa: E731
            [convert.decode_episodic(m) for m in r.memories],
            r.next_page_token,
            list(r.outcome_pending_ids),
        )
        return self._unary("RecentEpisodic", request, parse, timeout)

    def list_semantic(
        self,
        filter: Optional[SemanticFilter] = None,
        order: SemanticOrder = SemanticOrder.SHARPE_RATIO_DESC,
        page_size: int = 0,
        page_token: str = "",
        include_vectors: bool = False,
        timeout: Timeout = None,
    ) -> Page[SemanticMemory]:
        """One page of the semantic memories passing ``filter``, best first by ``order``."""
        request = memory_pb2.ListSemanticRequest(
            order=memory_pb2.SemanticOrder.Value(SemanticOrder(order).value),
            page_size=page_size,
            page_token=page_token,
            include_vectors=include_vectors,
        )
        convert.encode_semantic_filter(request.filter, filter)
        parse = lambda r: Page(  # noqa: E731
            [convert.decode_semantic(m) for m in r.memories], r.next_page_token
        )
        return self._unary("ListSemantic", request, parse, timeout)

    def get_info(self, timeout: Timeout = None) -> Info:
        """The server's dimension, distance, limits and index state."""
        request = memory_pb2.GetInfoRequest()
        return self._unary("GetInfo", request, convert.decode_info, timeout)


class CacheApi(_Api):
    """mnemo.v1.CacheService: a TTL cache of values and hashes (prices, balances, positions)."""

    def get(self, key: str, timeout: Timeout = None) -> CacheValue:
        request = cache_pb2.CacheServiceGetRequest(key=key)
        parse = lambda r: CacheValue(r.found, r.value, r.ttl_ms)  # noqa: E731
        return self._unary("Get", request, parse, timeout)

    def set(
        self,
        key: str,
        value: Union[bytes, str],
        ttl_ms: int = 0,
        only_if_absent: bool = False,
        timeout: Timeout = None,
    ) -> bool:
        """Stores a value (str is sent as UTF-8); returns whether it was stored."""
        data = value.encode() if isinstance(value, str) else value
        request = cache_pb2.CacheServiceSetRequest(
            key=key, value=data, ttl_ms=ttl_ms, only_if_absent=only_if_absent
        )
        return self._unary("Set", request, lambda r: r.stored, timeout)

    def delete(self, keys: Sequence[str], timeout: Timeout = None) -> int:
        request = cache_pb2.CacheServiceDeleteRequest(keys=keys)
        return self._unary("Delete", request, lambda r: r.deleted, timeout)

    def get_hash(self, key: str, fields: Sequence[str] = (), timeout: Timeout = None) -> CacheHash:
        request = cache_pb2.CacheServiceGetHashRequest(key=key, fields=fields)
        parse = lambda r: CacheHash(r.found, dict(r.fields), r.ttl_ms)  # noqa: E731
        return self._unary("GetHash", request, parse, timeout)

    def set_hash(
        self, key: str, fields: Mapping[str, str], ttl_ms: int = 0, timeout: Timeout = None
    ) -> None:
        request = cache_pb2.CacheServiceSetHashRequest(key=key, fields=fields, ttl_ms=ttl_ms)
        return self._unary("SetHash", request, lambda r: None, timeout)

    def increment_by(
        self, key: str, field: str, delta: float, ttl_ms: int = 0, timeout: Timeout = None
    ) -> float:
        """Adds ``delta`` to a hash field atomically; returns the new value."""
        request = cache_pb2.CacheServiceIncrementByRequest(
            key=key, field=field, delta=delta, ttl_ms=ttl_ms
        )
        return self._unary("IncrementBy", request, lambda r: r.value, timeout)


class RateLimitApi(_Api):
    """mnemo.v1.RateLimitService: atomic token buckets shared by every agent and instance."""

    def acquire(
        self,
        bucket: str,
        capacity: float,
        refill_per_second: float,
        tokens: float = 1.0,
        timeout: Timeout = None,
    ) -> Acquired:
        request = rate_limit_pb2.RateLimitServiceAcquireRequest(
            bucket=bucket, capacity=capacity, refill_per_second=refill_per_second, tokens=tokens
        )
        parse = lambda r: Acquired(r.allowed, r.remaining, r.retry_after_ms)  # noqa: E731
        return self._unary("Acquire", request, parse, timeout)


class AuditApi(_Api):
    """mnemo.v1.AuditService: the append-only log of agents' actions, with replay and P&L."""

    def append(self, entry: AuditEntry, timeout: Timeout = None) -> Appended:
        """Logs one entry; a retry with a tx_id already logged returns the original, duplicate."""
        request = audit_pb2.AuditServiceAppendRequest(entry=convert.encode_audit_entry(entry))
        return self._unary("Append", request, lambda r: Appended(r.id, r.duplicate), timeout)

    def range(
        self,
        start_id: str = "",
        end_id: str = "",
        from_time: float = 0.0,
        to_time: float = 0.0,
        agent_id: str = "",
        action: str = "",
        page_size: int = 0,
        page_token: str = "",
        timeout: Timeout = None,
    ) -> Page[AuditRecord]:
        request = audit_pb2.AuditServiceRangeRequest(
            start_id=start_id,
            end_id=end_id,
            from_time=from_time,
            to_time=to_time,
            agent_id=agent_id,
            action=action,
            page_size=page_size,
            page_token=page_token,
        )
        parse = lambda r: Page(  # noqa: E731
            [convert.decode_audit_record(x) for x in r.records], r.next_page_token
        )
        return self._unary("Range", request, parse, timeout)

    def tail(
        self, after_id: str = "", agent_id: str = "", timeout: Timeout = None
    ) -> Iterator[AuditRecord]:
        """Follows the log live after ``after_id`` ('' = from now); resume with the last id seen."""
        request = audit_pb2.AuditServiceTailRequest(after_id=after_id, agent_id=agent_id)
        parse = lambda r: convert.decode_audit_record(r.record)  # noqa: E731
        return self._stream("Tail", request, parse, timeout)

    def agent_pnl(
        self, agent_id: str, from_time: float = 0.0, to_time: float = 0.0, timeout: Timeout = None
    ) -> PnlTotal:
        request = audit_pb2.AuditServiceAgentPnlRequest(
            agent_id=agent_id, from_time=from_time, to_time=to_time
        )
        return self._unary("AgentPnl", request, lambda r: PnlTotal(r.total_pnl, r.entries), timeout)


def _session(response: Any) -> Session:
    return convert.decode_session(response.session)


class SessionApi(_Api):
    """mnemo.v1.SessionService: one trading session per agent, with heartbeats and a drawdown
    guard that halts the session (and alerts) when crossed."""

    def start_session(
        self,
        agent_id: str,
        start_capital: float,
        max_drawdown: float,
        ttl_ms: int = 0,
        timeout: Timeout = None,
    ) -> Started:
        """Starts the agent's session, or returns the one it has (``created`` False)."""
        request = session_pb2.SessionServiceStartSessionRequest(
            agent_id=agent_id,
            start_capital=start_capital,
            max_drawdown=max_drawdown,
            ttl_ms=ttl_ms,
        )
        parse = lambda r: Started(convert.decode_session(r.session), r.created)  # noqa: E731
        return self._unary("StartSession", request, parse, timeout)

    def get_session(self, agent_id: str, timeout: Timeout = None) -> Session:
        request = session_pb2.SessionServiceGetSessionRequest(agent_id=agent_id)
        return self._unary("GetSession", request, _session, timeout)

    def end_session(self, agent_id: str, timeout: Timeout = None) -> Session:
        request = session_pb2.SessionServiceEndSessionRequest(agent_id=agent_id)
        return self._unary("EndSession", request, _session, timeout)

    def heartbeat(self, agent_id: str, interval_ms: int = 0, timeout: Timeout = None) -> Session:
        """Keeps the session live for ``interval_ms`` (0: its own ttl)."""
        request = session_pb2.SessionServiceHeartbeatRequest(
            agent_id=agent_id, interval_ms=interval_ms
        )
        return self._unary("Heartbeat", request, _session, timeout)

    def record_trade(
        self, agent_id: str, pnl: float, tx_id: str = "", timeout: Timeout = None
    ) -> Traded:
        """Adds a trade's P&L atomically; a tx_id recorded before counts once."""
        request = session_pb2.SessionServiceRecordTradeRequest(
            agent_id=agent_id, pnl=pnl, tx_id=tx_id
        )
        parse = lambda r: Traded(  # noqa: E731
            convert.decode_session(r.session), r.over_drawdown, r.duplicate
        )
        return self._unary("RecordTrade", request, parse, timeout)

    def resume_session(self, agent_id: str, timeout: Timeout = None) -> Session:
        """Resumes a halted session (an admin token's call)."""
        request = session_pb2.SessionServiceResumeSessionRequest(agent_id=agent_id)
        return self._unary("ResumeSession", request, _session, timeout)

    def list_sessions(
        self,
        status: Optional[SessionStatus] = None,
        page_size: int = 0,
        page_token: str = "",
        timeout: Timeout = None,
    ) -> Page[Session]:
        request = session_pb2.SessionServiceListSessionsRequest(
            status=session_pb2.SessionStatus.Value(SessionStatus(status).value) if status else 0,
            page_size=page_size,
            page_token=page_token,
        )
        parse = lambda r: Page(  # noqa: E731
            [convert.decode_session(s) for s in r.sessions], r.next_page_token
        )
        return self._unary("ListSessions", request, parse, timeout)

    def watch_sessions(
        self, agent_ids: Sequence[str] = (), after_id: str = "", timeout: Timeout = None
    ) -> Iterator[SessionChange]:
        """Follows session changes live after ``after_id`` ('' = from now)."""
        request = session_pb2.SessionServiceWatchSessionsRequest(
            agent_ids=agent_ids, after_id=after_id
        )
        return self._stream("WatchSessions", request, convert.decode_session_change, timeout)


class SignalApi(_Api):
    """mnemo.v1.SignalService: trade signals and alerts, live fan-out and durable replay."""

    def publish(
        self,
        channel: str,
        payload: Optional[bytes] = None,
        signal: Optional[Signal] = None,
        durable: bool = False,
        timeout: Timeout = None,
    ) -> Published:
        """Publishes raw ``payload`` or a typed ``signal`` (one of them) on ``signals:{market}``,
        ``alerts:{agent_id}`` or ``broadcast``; ``durable`` keeps it for resuming subscribers."""
        if (payload is None) == (signal is None):
            raise ValueError("publish takes a payload or a signal, exactly one")
        request = signal_pb2.SignalServicePublishRequest(channel=channel, durable=durable)
        if signal is not None:
            request.signal.CopyFrom(convert.encode_signal(signal))
        else:
            request.payload = payload
        return self._unary("Publish", request, lambda r: Published(r.receivers, r.id), timeout)

    def subscribe(
        self,
        channels: Sequence[str] = (),
        patterns: Sequence[str] = (),
        resume_from: str = "",
        min_confidence: float = 0.0,
        timeout: Timeout = None,
    ) -> Iterator[SignalMessage]:
        """Follows channels (and ``prefix*`` patterns) live; with ``resume_from`` (the last id
        seen) first what was missed of the durable messages, in order, without gap."""
        request = signal_pb2.SignalServiceSubscribeRequest(
            channels=channels,
            patterns=patterns,
            resume_from=resume_from,
            min_confidence=min_confidence,
        )
        return self._stream("Subscribe", request, convert.decode_signal_message, timeout)
