"""An example trading agent: the design documents' loop against a live mnemo, end to end.

    MNEMO_TARGET=localhost:50051 python3 trading_agent.py

Each tick it reads the price through the cache (a miss asks the "exchange", which first takes a
token from the bucket every agent shares), recalls its own profitable experiences in the current
regime (hybrid KNN: agent + regime + reward >= 0) and the regime's best strategy concept (a
semantic recall that touches it), decides, trades through the same token bucket, logs every
action in the audit log with a tx_id, and remembers the trade as an episodic memory. It ends by
checking the audit log and P&L against what it did, prints a JSON summary, and exits non-zero on
any failure.
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
import time
import uuid

from mnemo_client import (
    AuditEntry,
    EpisodicFilter,
    EpisodicMemory,
    MemoryType,
    MnemoClient,
    MnemoError,
    Range,
    SemanticFilter,
    SemanticMemory,
)

TICKS = 24
MARKETS = ("BTC-USD", "ETH-USD")
EXCHANGE_BUCKET = "exchange:example"  # shared by every agent that trades on this exchange
PRICE_TTL_MS = 60_000


class Agent:
    def __init__(self, mnemo: MnemoClient) -> None:
        self.mnemo = mnemo
        self.id = f"example-{uuid.uuid4().hex[:8]}"
        self.dimension = mnemo.memory.get_info().dimension
        self.random = random.Random(7)
        self.stats = {
            "agent": self.id,
            "ticks": 0,
            "price_cache_hits": 0,
            "price_cache_misses": 0,
            "exchange_calls": 0,
            "recalled": 0,
            "actions": 0,
            "audit_entries": 0,
            "trades": 0,
            "memories_written": 0,
            "pnl": 0.0,
        }

    def exchange_call(self) -> None:
        """Waits for a token of the shared bucket before any call to the exchange."""
        while True:
            answer = self.mnemo.rate_limit.acquire(
                EXCHANGE_BUCKET, capacity=50, refill_per_second=50
            )
            if answer.allowed:
                self.stats["exchange_calls"] += 1
                return
            time.sleep(answer.retry_after_ms / 1000)

    def price(self, market: str, tick: int) -> float:
        """The price, read through the cache: a miss asks the exchange and fills the cache."""
        key = f"{self.id}:price:{market}:{tick // 2}"
        cached = self.mnemo.cache.get(key)
        if cached.found:
            self.stats["price_cache_hits"] += 1
            return float(cached.value)
        self.stats["price_cache_misses"] += 1
        self.exchange_call()
        price = 100.0 + 10 * math.sin(tick / 3) + self.random.uniform(-1, 1)
        self.mnemo.cache.set(key, repr(price), ttl_ms=PRICE_TTL_MS)
        return price

    def state(self, price: float, tick: int) -> list:
        return [math.sin(price / 7 + i) + 0.1 * math.cos(tick + i) for i in range(self.dimension)]

    def log(self, action: str, market: str, tx_id: str, amount: float = 0.0, pnl: float = 0.0):
        appended = self.mnemo.audit.append(
            AuditEntry(
                agent_id=self.id,
                action=action,
                market=market,
                amount=amount,
                status="filled" if action == "trade" else "ok",
                tx_id=tx_id,
                pnl=pnl,
                meta=json.dumps({"example": True}),
            )
        )
        if appended.duplicate:
            raise RuntimeError(f"tx_id {tx_id} was logged twice")
        self.stats["actions"] += 1

    def tick(self, tick: int) -> None:
        market = MARKETS[tick % len(MARKETS)]
        price = self.price(market, tick)
        regime = "trending" if tick % 6 < 3 else "ranging"
        state = self.state(price, tick)

        past = self.mnemo.memory.search_episodic(
            state,
            k=5,
            filter=EpisodicFilter(agent_ids=[self.id], regimes=[regime], reward=Range(min=0.0)),
        )
        concepts = self.mnemo.memory.search_semantic(
            state, k=1, filter=SemanticFilter(regime_names=[f"{self.id}:{regime}"]), touch=True
        )
        self.stats["recalled"] += len(past) + len(concepts)
        if any(hit.memory.reward < 0 for hit in past):
            raise RuntimeError("a recall with reward >= 0 returned a losing memory")
        confidence = 0.5 + 0.1 * len(past) + (0.2 if concepts else 0.0)
        self.log("decide", market, f"{self.id}:decide:{tick}", amount=confidence)

        risk_price = self.price(market, tick)  # the risk check reads the same price: a cache hit
        if confidence < 0.6 and tick % 3:
            return
        self.exchange_call()
        exit_price = risk_price * (1 + self.random.gauss(0.001, 0.01))
        pnl = round(exit_price - risk_price, 6)
        tx_id = f"{self.id}:trade:{tick}"
        self.log("trade", market, tx_id, amount=1.0, pnl=pnl)
        self.mnemo.memory.upsert_episodic(
            [
                EpisodicMemory(
                    id=tx_id,
                    agent_id=self.id,
                    product_id=market,
                    regime=regime,
                    state_vector=state,
                    reward=pnl,
                    timestamp=time.time(),
                    terminal=tick == TICKS - 1,
                )
            ]
        )
        self.stats["trades"] += 1
        self.stats["memories_written"] += 1
        self.stats["pnl"] = round(self.stats["pnl"] + pnl, 6)

    def run(self) -> dict:
        for regime in ("trending", "ranging"):
            self.mnemo.memory.upsert_semantic(
                [
                    SemanticMemory(
                        id=f"{self.id}:{regime}",
                        concept_vector=self.state(100.0, 0 if regime == "trending" else 3),
                        memory_type=MemoryType.STRATEGY,
                        regime_name=f"{self.id}:{regime}",
                        sharpe_ratio=1.2,
                        win_rate=0.55,
                    )
                ]
            )
        for tick in range(TICKS):
            self.tick(tick)
            self.stats["ticks"] += 1
        return self.verify()

    def verify(self) -> dict:
        """The audit log and the P&L must say what the agent did."""
        logged, token = 0, ""
        while True:
            page = self.mnemo.audit.range(agent_id=self.id, page_size=100, page_token=token)
            logged += len(page.items)
            token = page.next_page_token
            if not token:
                break
        self.stats["audit_entries"] = logged
        if logged != self.stats["actions"]:
            acted = self.stats["actions"]
            raise RuntimeError(f"the audit log holds {logged} entries for {acted} actions")
        total = self.mnemo.audit.agent_pnl(self.id)
        if abs(total.total_pnl - self.stats["pnl"]) > 1e-6 * max(1, self.stats["trades"]):
            traded = self.stats["pnl"]
            raise RuntimeError(f"P&L {total.total_pnl} differs from the trades' {traded}")
        touched = self.mnemo.memory.get_semantic([f"{self.id}:trending", f"{self.id}:ranging"])
        self.stats["concept_accesses"] = sum(c.access_count for c in touched)
        memories = self.mnemo.memory.recent_episodic(
            EpisodicFilter(agent_ids=[self.id]), page_size=TICKS
        )
        if len(memories.items) != self.stats["trades"]:
            raise RuntimeError(f"{len(memories.items)} memories for {self.stats['trades']} trades")
        return self.stats


def main() -> int:
    target = os.environ.get("MNEMO_TARGET", "localhost:50051")
    try:
        with MnemoClient(target, timeout_s=10) as mnemo:
            print(json.dumps(Agent(mnemo).run()))
        return 0
    except MnemoError as error:
        print(f"trading_agent: {error} (field: {error.field})", file=sys.stderr)
    except Exception as error:  # any failure fails the run
        print(f"trading_agent: {error!r}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
