"""What the client takes and returns: plain dataclasses, vectors as numpy arrays or lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Dict, Generic, List, Optional, Sequence, TypeVar

#: A vector in: a numpy array, an array.array('f'), or any sequence of floats. Vectors out are
#: numpy float32 arrays when numpy is installed, else lists of floats.
VectorLike = Any

T = TypeVar("T")


class MemoryType(str, Enum):
    """What a semantic memory is about."""

    PATTERN = "MEMORY_TYPE_PATTERN"
    REGIME = "MEMORY_TYPE_REGIME"
    STRATEGY = "MEMORY_TYPE_STRATEGY"


class RecentOrder(str, Enum):
    """How RecentEpisodic orders its memories."""

    TIMESTAMP_DESC = "RECENT_ORDER_TIMESTAMP_DESC"
    REWARD_DESC = "RECENT_ORDER_REWARD_DESC"


class SemanticOrder(str, Enum):
    """How ListSemantic orders its memories (highest first, ties by id)."""

    SHARPE_RATIO_DESC = "SEMANTIC_ORDER_SHARPE_RATIO_DESC"
    WIN_RATE_DESC = "SEMANTIC_ORDER_WIN_RATE_DESC"
    ACCESS_COUNT_DESC = "SEMANTIC_ORDER_ACCESS_COUNT_DESC"
    LAST_ACCESSED_DESC = "SEMANTIC_ORDER_LAST_ACCESSED_DESC"


@dataclass
class EpisodicMemory:
    """One experience of one agent: the state it saw, what it got, when."""

    id: str = ""
    agent_id: str = ""
    product_id: str = ""
    regime: str = ""
    state_vector: Optional[VectorLike] = None
    reward: float = 0.0
    timestamp: float = 0.0
    terminal: bool = False
    payload: bytes = b""
    #: When the outcome (reward, terminal) became known, unix seconds; None on upsert = timestamp.
    #: None in an answer whose outcome was pending at the query's ``as_of``.
    outcome_known_at: Optional[float] = None


@dataclass
class SemanticMemory:
    """A concept learned across experiences, with its track record."""

    id: str = ""
    concept_vector: Optional[VectorLike] = None
    memory_type: Optional[MemoryType] = None
    regime_name: str = ""
    sharpe_ratio: float = 0.0
    win_rate: float = 0.0
    access_count: int = 0
    last_accessed: float = 0.0
    payload: bytes = b""


@dataclass(frozen=True)
class Range:
    """Bounds of a numeric filter; None = unbounded on that side."""

    min: Optional[float] = None
    max: Optional[float] = None
    min_exclusive: bool = False
    max_exclusive: bool = False


@dataclass(frozen=True)
class EpisodicFilter:
    """Exact filters of an episodic search; every given condition must hold."""

    agent_ids: Sequence[str] = ()
    product_ids: Sequence[str] = ()
    regimes: Sequence[str] = ()
    reward: Optional[Range] = None
    timestamp: Optional[Range] = None
    terminal: Optional[bool] = None


@dataclass(frozen=True)
class SemanticFilter:
    """Exact filters of a semantic search; every given condition must hold."""

    memory_types: Sequence[MemoryType] = ()
    regime_names: Sequence[str] = ()
    sharpe_ratio: Optional[Range] = None
    win_rate: Optional[Range] = None
    access_count: Optional[Range] = None
    last_accessed: Optional[Range] = None


@dataclass(frozen=True)
class Ranking:
    """Ranks an episodic search by ``w_similarity·similarity + w_outcome·outcome +
    w_recency·recency + w_regime·regime`` (every term in [0, 1]: see the proto's Ranking);
    hits then come by score, highest first. ``None`` takes the server's default."""

    w_similarity: Optional[float] = None
    w_outcome: Optional[float] = None
    w_recency: Optional[float] = None
    recency_half_life_s: Optional[float] = None
    w_regime: Optional[float] = None
    regime: str = ""


@dataclass(frozen=True)
class SemanticRanking:
    """Ranks a semantic search by similarity, Sharpe ratio (normalised), win rate and access
    recency (see the proto's SemanticRanking). ``None`` takes the server's default."""

    w_similarity: Optional[float] = None
    w_sharpe: Optional[float] = None
    w_win_rate: Optional[float] = None
    w_recency: Optional[float] = None
    recency_half_life_s: Optional[float] = None


@dataclass(frozen=True)
class ScoreTerm:
    """One term of a ranked hit's score; the contributions of a hit's terms sum to its score."""

    name: str
    value: float
    normalized: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class EpisodicSearch:
    """One search of a batch (BatchSearchEpisodic)."""

    vector: VectorLike
    k: int = 10
    filter: Optional[EpisodicFilter] = None
    ef_runtime: int = 0
    exact: bool = False
    include_vectors: bool = False
    #: Answer as of this unix time (a look-ahead-free backtest); None = now.
    as_of: Optional[float] = None
    ranking: Optional[Ranking] = None
    explain: bool = False


@dataclass(frozen=True)
class SemanticSearch:
    """One search of a semantic search stream (search_semantic_stream)."""

    vector: VectorLike
    k: int = 10
    filter: Optional[SemanticFilter] = None
    ef_runtime: int = 0
    exact: bool = False
    include_vectors: bool = False
    touch: bool = False
    ranking: Optional[SemanticRanking] = None
    explain: bool = False


@dataclass
class EpisodicHit:
    memory: EpisodicMemory
    distance: float
    #: The outcome was not known at the search's ``as_of``: reward and terminal are unset.
    outcome_pending: bool = False
    #: The ranking score (ranked searches; 0 otherwise).
    score: float = 0.0
    #: The terms of the score (ranked searches with ``explain``).
    explanation: List[ScoreTerm] = field(default_factory=list)


@dataclass
class SemanticHit:
    memory: SemanticMemory
    distance: float
    #: The ranking score (ranked searches; 0 otherwise).
    score: float = 0.0
    #: The terms of the score (ranked searches with ``explain``).
    explanation: List[ScoreTerm] = field(default_factory=list)


@dataclass
class StreamAnswer(Generic[T]):
    """The answer to one search of a search stream, in the order the server answered.

    ``index`` is the search's position among those sent; ``hits`` its hits, or ``error`` (a
    MnemoError, as the unary call would raise) when this search failed — the stream goes on.
    """

    index: int
    hits: List[T]
    error: Optional[Exception] = None


@dataclass
class Page(Generic[T]):
    """One page; pass ``next_page_token`` back for the next ('' = no more)."""

    items: List[T]
    next_page_token: str
    #: RecentEpisodic: ids of the page's memories whose outcome was pending at ``as_of``.
    outcome_pending_ids: List[str] = field(default_factory=list)


@dataclass
class IndexInfo:
    memories: int
    ef_default: int
    filtered_ef_scale: float
    recall_estimate: float
    hnsw_m: int
    hnsw_ef_construction: int
    exact_search_max_candidates: int


@dataclass
class Info:
    """What the server serves (GetInfo): dimension, distance, limits and index state."""

    dimension: int
    vector_precision: str
    distance: str
    index_engine: str
    version: str
    max_k: int
    max_batch: int
    target_recall: float
    episodic: Optional[IndexInfo]
    semantic: Optional[IndexInfo]


@dataclass
class CacheValue:
    found: bool
    value: bytes
    ttl_ms: int


@dataclass
class CacheHash:
    found: bool
    fields: Dict[str, str]
    ttl_ms: int


@dataclass
class Acquired:
    """A token-bucket answer: allowed, tokens left, and when to retry if refused."""

    allowed: bool
    remaining: float
    retry_after_ms: int


@dataclass
class AuditEntry:
    agent_id: str = ""
    action: str = ""
    market: str = ""
    amount: float = 0.0
    status: str = ""
    tx_id: str = ""
    pnl: float = 0.0
    wall_time: float = 0.0
    meta: str = ""


@dataclass
class AuditRecord:
    id: str
    entry: AuditEntry


@dataclass
class Appended:
    id: str
    duplicate: bool


@dataclass
class PnlTotal:
    total_pnl: float
    entries: int


class SessionStatus(str, Enum):
    """Where a trading session stands (STALE: active, but its heartbeat lapsed)."""

    ACTIVE = "SESSION_STATUS_ACTIVE"
    STALE = "SESSION_STATUS_STALE"
    HALTED = "SESSION_STATUS_HALTED"
    ENDED = "SESSION_STATUS_ENDED"


@dataclass
class Session:
    """One agent's trading session: capital, P&L, trades, drawdown limit and liveness."""

    agent_id: str
    start_capital: float
    current_capital: float
    total_pnl: float
    trades: int
    max_drawdown: float
    status: Optional[SessionStatus]
    started_at: float
    last_heartbeat: float
    ttl_ms: int


@dataclass
class Started:
    session: Session
    created: bool


@dataclass
class Traded:
    """A recorded trade: the session after it, whether it crossed the drawdown limit, and
    whether its tx_id had been recorded before (then nothing changed)."""

    session: Session
    over_drawdown: bool
    duplicate: bool


@dataclass
class SessionChange:
    """One change of a session, as WatchSessions streams it; resume after ``id``."""

    id: str
    event: str
    session: Optional[Session]


class SignalSide(str, Enum):
    LONG = "SIGNAL_SIDE_LONG"
    SHORT = "SIGNAL_SIDE_SHORT"
    CLOSE = "SIGNAL_SIDE_CLOSE"


@dataclass
class Signal:
    """A typed trade signal: market, side, confidence in [0, 1], source, time (unix seconds)."""

    market: str
    side: SignalSide
    confidence: float
    source: str = ""
    ts: float = 0.0


@dataclass
class Published:
    """Redis subscribers reached (about one per subscribed instance) and the durable id."""

    receivers: int
    id: str


@dataclass
class SignalMessage:
    """One message of a subscription: a typed ``signal`` or raw ``payload``; resume after ``id``
    (durable messages only have one)."""

    channel: str
    payload: bytes
    id: str
    ts: int
    signal: Optional[Signal]
