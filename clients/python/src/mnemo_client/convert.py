"""Dataclasses to protobuf messages and back; vectors travel as little-endian float32 bytes."""

from __future__ import annotations

import array
import sys
from typing import Any, Optional

from ._pb.mnemo.v1 import audit_pb2, memory_pb2, session_pb2, signal_pb2
from .types import (
    AuditEntry,
    AuditRecord,
    EpisodicFilter,
    EpisodicHit,
    EpisodicMemory,
    EpisodicSearch,
    IndexInfo,
    Info,
    MemoryType,
    Range,
    Ranking,
    ScoreTerm,
    SemanticFilter,
    SemanticHit,
    SemanticRanking,
    SemanticMemory,
    SemanticSearch,
    Session,
    SessionChange,
    SessionStatus,
    Signal,
    SignalMessage,
    SignalSide,
    VectorLike,
)

try:  # numpy is optional: vectors come back as float32 arrays with it, lists without
    import numpy as _np
except ImportError:  # pragma: no cover - depends on the machine
    _np = None


def encode_vector(vector: VectorLike) -> memory_pb2.Vector:
    """A Vector message holding ``vector`` as f32le bytes."""
    if isinstance(vector, (bytes, bytearray, memoryview)):
        raise TypeError("a vector is a sequence of floats, not bytes")
    if _np is not None and hasattr(vector, "__array__"):
        data = _np.asarray(vector, dtype="<f4")
        if data.ndim != 1:
            raise ValueError(f"a vector has one dimension, this one has {data.ndim}")
        return memory_pb2.Vector(f32le=data.tobytes())
    values = array.array("f", vector)
    if sys.byteorder == "big":
        values.byteswap()
    return memory_pb2.Vector(f32le=values.tobytes())


def decode_vector(message: memory_pb2.Vector) -> Any:
    """The floats of a Vector message (either encoding)."""
    if message.f32le:
        if _np is not None:
            return _np.frombuffer(message.f32le, dtype="<f4").copy()
        values = array.array("f")
        values.frombytes(message.f32le)
        if sys.byteorder == "big":
            values.byteswap()
        return values.tolist()
    if _np is not None:
        return _np.asarray(message.values, dtype=_np.float32)
    return list(message.values)


def encode_range(target: memory_pb2.NumericRange, bounds: Optional[Range]) -> None:
    if bounds is None:
        return
    target.SetInParent()
    if bounds.min is not None:
        target.min = bounds.min
    if bounds.max is not None:
        target.max = bounds.max
    target.min_exclusive = bounds.min_exclusive
    target.max_exclusive = bounds.max_exclusive


def encode_episodic_filter(target: memory_pb2.EpisodicFilter, f: Optional[EpisodicFilter]) -> None:
    if f is None:
        return
    target.SetInParent()
    target.agent_ids.extend(f.agent_ids)
    target.product_ids.extend(f.product_ids)
    target.regimes.extend(f.regimes)
    encode_range(target.reward, f.reward)
    encode_range(target.timestamp, f.timestamp)
    if f.terminal is not None:
        target.terminal = f.terminal


def encode_semantic_filter(target: memory_pb2.SemanticFilter, f: Optional[SemanticFilter]) -> None:
    if f is None:
        return
    target.SetInParent()
    kinds = [memory_pb2.MemoryType.Value(MemoryType(t).value) for t in f.memory_types]
    target.memory_types.extend(kinds)
    target.regime_names.extend(f.regime_names)
    encode_range(target.sharpe_ratio, f.sharpe_ratio)
    encode_range(target.win_rate, f.win_rate)
    encode_range(target.access_count, f.access_count)
    encode_range(target.last_accessed, f.last_accessed)


def encode_episodic(memory: EpisodicMemory) -> memory_pb2.EpisodicMemory:
    message = memory_pb2.EpisodicMemory(
        id=memory.id,
        agent_id=memory.agent_id,
        product_id=memory.product_id,
        regime=memory.regime,
        reward=memory.reward,
        timestamp=memory.timestamp,
        terminal=memory.terminal,
        payload=memory.payload,
    )
    if memory.outcome_known_at is not None:
        message.outcome_known_at = memory.outcome_known_at
    if memory.state_vector is not None:
        message.state_vector.CopyFrom(encode_vector(memory.state_vector))
    return message


def decode_episodic(message: memory_pb2.EpisodicMemory) -> EpisodicMemory:
    return EpisodicMemory(
        id=message.id,
        agent_id=message.agent_id,
        product_id=message.product_id,
        regime=message.regime,
        state_vector=decode_vector(message.state_vector)
        if message.HasField("state_vector")
        else None,
        reward=message.reward,
        timestamp=message.timestamp,
        terminal=message.terminal,
        payload=message.payload,
        outcome_known_at=message.outcome_known_at
        if message.HasField("outcome_known_at")
        else None,
    )


def encode_semantic(memory: SemanticMemory) -> memory_pb2.SemanticMemory:
    message = memory_pb2.SemanticMemory(
        id=memory.id,
        regime_name=memory.regime_name,
        sharpe_ratio=memory.sharpe_ratio,
        win_rate=memory.win_rate,
        access_count=memory.access_count,
        last_accessed=memory.last_accessed,
        payload=memory.payload,
    )
    if memory.memory_type is not None:
        message.memory_type = memory_pb2.MemoryType.Value(MemoryType(memory.memory_type).value)
    if memory.concept_vector is not None:
        message.concept_vector.CopyFrom(encode_vector(memory.concept_vector))
    return message


def decode_semantic(message: memory_pb2.SemanticMemory) -> SemanticMemory:
    kind = memory_pb2.MemoryType.Name(message.memory_type)
    return SemanticMemory(
        id=message.id,
        concept_vector=decode_vector(message.concept_vector)
        if message.HasField("concept_vector")
        else None,
        memory_type=MemoryType(kind) if message.memory_type else None,
        regime_name=message.regime_name,
        sharpe_ratio=message.sharpe_ratio,
        win_rate=message.win_rate,
        access_count=message.access_count,
        last_accessed=message.last_accessed,
        payload=message.payload,
    )


def encode_episodic_search(search: EpisodicSearch) -> memory_pb2.SearchEpisodicRequest:
    request = memory_pb2.SearchEpisodicRequest(
        vector=encode_vector(search.vector),
        k=search.k,
        ef_runtime=search.ef_runtime,
        exact=search.exact,
        include_vectors=search.include_vectors,
        explain=search.explain,
    )
    if search.as_of is not None:
        request.as_of = search.as_of
    encode_episodic_filter(request.filter, search.filter)
    encode_ranking(request, search.ranking)
    return request


def encode_semantic_search(search: SemanticSearch) -> memory_pb2.SearchSemanticRequest:
    request = memory_pb2.SearchSemanticRequest(
        vector=encode_vector(search.vector),
        k=search.k,
        ef_runtime=search.ef_runtime,
        exact=search.exact,
        include_vectors=search.include_vectors,
        touch=search.touch,
        explain=search.explain,
    )
    encode_semantic_filter(request.filter, search.filter)
    encode_ranking(request, search.ranking)
    return request


def encode_ranking(request: Any, ranking: Optional[Any]) -> None:
    """Sets a search request's ``ranking`` from a Ranking or SemanticRanking (None: unranked);
    fields left None stay unset, for the server's defaults."""
    if ranking is None:
        return
    message = request.ranking
    message.SetInParent()
    for name, value in vars(ranking).items():
        if value is not None:
            setattr(message, name, value)


def _terms(hit: Any) -> list:
    return [
        ScoreTerm(t.name, t.value, t.normalized, t.weight, t.contribution) for t in hit.explanation
    ]


def decode_episodic_hits(response: memory_pb2.SearchEpisodicResponse) -> list:
    return [
        EpisodicHit(decode_episodic(h.memory), h.distance, h.outcome_pending, h.score, _terms(h))
        for h in response.hits
    ]


def decode_semantic_hits(response: memory_pb2.SearchSemanticResponse) -> list:
    return [
        SemanticHit(decode_semantic(h.memory), h.distance, h.score, _terms(h))
        for h in response.hits
    ]


def _index_info(message: memory_pb2.IndexInfo) -> IndexInfo:
    return IndexInfo(
        memories=message.memories,
        ef_default=message.ef_default,
        filtered_ef_scale=message.filtered_ef_scale,
        recall_estimate=message.recall_estimate,
        hnsw_m=message.hnsw_m,
        hnsw_ef_construction=message.hnsw_ef_construction,
        exact_search_max_candidates=message.exact_search_max_candidates,
    )


def decode_info(message: memory_pb2.GetInfoResponse) -> Info:
    return Info(
        dimension=message.dimension,
        vector_precision=message.vector_precision,
        distance=message.distance,
        index_engine=message.index_engine,
        version=message.version,
        max_k=message.max_k,
        max_batch=message.max_batch,
        target_recall=message.target_recall,
        episodic=_index_info(message.episodic) if message.HasField("episodic") else None,
        semantic=_index_info(message.semantic) if message.HasField("semantic") else None,
    )


def encode_audit_entry(entry: AuditEntry) -> audit_pb2.AuditEntry:
    return audit_pb2.AuditEntry(
        agent_id=entry.agent_id,
        action=entry.action,
        market=entry.market,
        amount=entry.amount,
        status=entry.status,
        tx_id=entry.tx_id,
        pnl=entry.pnl,
        wall_time=entry.wall_time,
        meta=entry.meta,
    )


def decode_audit_record(message: audit_pb2.AuditRecord) -> AuditRecord:
    e = message.entry
    return AuditRecord(
        id=message.id,
        entry=AuditEntry(
            agent_id=e.agent_id,
            action=e.action,
            market=e.market,
            amount=e.amount,
            status=e.status,
            tx_id=e.tx_id,
            pnl=e.pnl,
            wall_time=e.wall_time,
            meta=e.meta,
        ),
    )


def decode_session(message: Any) -> Session:
    name = session_pb2.SessionStatus.Name(message.status)
    return Session(
        agent_id=message.agent_id,
        start_capital=message.start_capital,
        current_capital=message.current_capital,
        total_pnl=message.total_pnl,
        trades=message.trades,
        max_drawdown=message.max_drawdown,
        status=SessionStatus(name) if message.status else None,
        started_at=message.started_at,
        last_heartbeat=message.last_heartbeat,
        ttl_ms=message.ttl_ms,
    )


def decode_session_change(message: Any) -> SessionChange:
    return SessionChange(
        id=message.id,
        event=session_pb2.SessionEvent.Name(message.event),
        session=decode_session(message.session) if message.HasField("session") else None,
    )


def encode_signal(signal: Signal) -> Any:
    return signal_pb2.Signal(
        market=signal.market,
        side=signal_pb2.SignalSide.Value(SignalSide(signal.side).value),
        confidence=signal.confidence,
        source=signal.source,
        ts=signal.ts,
    )


def decode_signal_message(message: Any) -> SignalMessage:
    signal = None
    if message.HasField("signal"):
        s = message.signal
        side = signal_pb2.SignalSide.Name(s.side)
        kind = SignalSide(side) if s.side else None
        signal = Signal(s.market, kind, s.confidence, s.source, s.ts)
    return SignalMessage(message.channel, message.payload, message.id, message.ts, signal)
