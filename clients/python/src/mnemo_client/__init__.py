"""mnemo_client: the Python client of mnemo, the memory service of trading agents.

    from mnemo_client import MnemoClient, EpisodicMemory, EpisodicFilter, Range

    with MnemoClient("localhost:50051") as mnemo:
        hits = mnemo.memory.search_episodic(state, k=5, filter=EpisodicFilter(agent_ids=["a1"]))
"""

from .client import AsyncMnemoClient, MnemoClient
from .connection import ConnectOptions
from .errors import FieldViolation, MnemoError
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
    IndexInfo,
    Info,
    MemoryType,
    Page,
    PnlTotal,
    Range,
    Ranking,
    RecentOrder,
    ScoreTerm,
    SemanticFilter,
    SemanticHit,
    SemanticMemory,
    SemanticOrder,
    SemanticSearch,
    SemanticRanking,
    Published,
    Session,
    SessionChange,
    SessionStatus,
    Signal,
    SignalMessage,
    SignalSide,
    Started,
    StreamAnswer,
    Traded,
)

__version__ = "0.1.0"

__all__ = [
    "Acquired",
    "Appended",
    "AsyncMnemoClient",
    "AuditEntry",
    "AuditRecord",
    "CacheHash",
    "CacheValue",
    "ConnectOptions",
    "EpisodicFilter",
    "EpisodicHit",
    "EpisodicMemory",
    "EpisodicSearch",
    "FieldViolation",
    "IndexInfo",
    "Info",
    "MemoryType",
    "MnemoError",
    "MnemoClient",
    "Page",
    "PnlTotal",
    "Range",
    "Ranking",
    "RecentOrder",
    "ScoreTerm",
    "SemanticFilter",
    "SemanticHit",
    "SemanticMemory",
    "SemanticOrder",
    "SemanticSearch",
    "StreamAnswer",
    "SemanticRanking",
    "Published",
    "Session",
    "SessionChange",
    "SessionStatus",
    "Signal",
    "SignalMessage",
    "SignalSide",
    "Started",
    "Traded",
]
