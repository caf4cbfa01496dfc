"""MnemoClient against a live mnemo: every RPC of every service, answers and errors."""

import time
import unittest

import grpc
import numpy as np

from mnemo_client import (
    AuditEntry,
    EpisodicFilter,
    EpisodicMemory,
    EpisodicSearch,
    MemoryType,
    MnemoClient,
    MnemoError,
    Range,
    RecentOrder,
    SemanticFilter,
    SemanticMemory,
    SemanticOrder,
)
from support import required, unique, vector


class SyncClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = MnemoClient(required("MNEMO_TARGET"), timeout_s=10)
        cls.dim = cls.client.memory.get_info().dimension

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_info_names_the_served_dimension_and_distance(self):
        info = self.client.memory.get_info()
        self.assertEqual(info.dimension, 8)
        self.assertEqual(info.distance, "cosine")
        self.assertIsNotNone(info.episodic)

    def test_episodic_memories_round_trip_and_are_found_within_the_filter(self):
        memory = self.client.memory
        agent = unique("agent")
        stored = [
            EpisodicMemory(
                id=unique("ep"),
                agent_id=agent,
                product_id="BTC-USD",
                regime="trending",
                state_vector=np.asarray(vector(self.dim, i), dtype=np.float32)
                if i % 2
                else vector(self.dim, i),
                reward=float(i) - 1.0,
                timestamp=1_700_000_000 + i,
                terminal=i == 2,
                payload=b"\x00\x01" + bytes([i]),
            )
            for i in range(4)
        ]
        ids = memory.upsert_episodic(stored)
        self.assertEqual(ids, [m.id for m in stored])

        got = memory.get_episodic(ids, include_vectors=True)
        self.assertEqual([m.id for m in got], ids)
        for sent, back in zip(stored, got):
            self.assertEqual(back.agent_id, agent)
            self.assertEqual(back.payload, sent.payload)
            self.assertEqual(back.terminal, sent.terminal)
            np.testing.assert_array_equal(
                back.state_vector, np.asarray(sent.state_vector, dtype=np.float32)
            )

        only_good = EpisodicFilter(agent_ids=[agent], reward=Range(min=0.0))
        hits = memory.search_episodic(vector(self.dim, 3), k=10, filter=only_good)
        self.assertEqual(sorted(h.memory.id for h in hits), sorted(ids[1:]))
        self.assertEqual(hits[0].memory.id, ids[3])
        self.assertAlmostEqual(hits[0].distance, 0.0, places=5)

        batch = memory.batch_search_episodic(
            [
                EpisodicSearch(vector(self.dim, 0), k=1, filter=EpisodicFilter(agent_ids=[agent])),
                EpisodicSearch(vector(self.dim, 2), k=2, filter=only_good, exact=True),
            ]
        )
        self.assertEqual([h.memory.id for h in batch[0]], [ids[0]])
        self.assertEqual(batch[1][0].memory.id, ids[2])

        first = memory.recent_episodic(
            EpisodicFilter(agent_ids=[agent]), RecentOrder.TIMESTAMP_DESC, page_size=3
        )
        self.assertEqual([m.id for m in first.items], [ids[3], ids[2], ids[1]])
        self.assertNotEqual(first.next_page_token, "")
        rest = memory.recent_episodic(
            EpisodicFilter(agent_ids=[agent]), page_size=3, page_token=first.next_page_token
        )
        self.assertEqual([m.id for m in rest.items], [ids[0]])
        self.assertEqual(rest.next_page_token, "")

        self.assertEqual(memory.delete_episodic([ids[0], unique("absent")]), 1)
        by_filter = EpisodicFilter(agent_ids=[agent], terminal=False)
        self.assertEqual(memory.delete_episodic_by_filter(by_filter, dry_run=True), 2)
        self.assertEqual(memory.delete_episodic_by_filter(by_filter), 2)
        self.assertEqual([m.id for m in memory.get_episodic(ids)], [ids[2]])

    def test_semantic_memories_are_recalled_and_touched(self):
        memory = self.client.memory
        regime = unique("regime")
        concept = SemanticMemory(
            id=unique("sem"),
            concept_vector=vector(self.dim, 5),
            memory_type=MemoryType.STRATEGY,
            regime_name=regime,
            sharpe_ratio=1.8,
            win_rate=0.61,
        )
        self.assertEqual(memory.upsert_semantic([concept]), [concept.id])
        hits = memory.search_semantic(
            vector(self.dim, 5),
            k=3,
            filter=SemanticFilter(regime_names=[regime], sharpe_ratio=Range(min=1.0)),
            touch=True,
        )
        self.assertEqual([h.memory.id for h in hits], [concept.id])
        self.assertEqual(hits[0].memory.memory_type, MemoryType.STRATEGY)
        [again] = memory.get_semantic([concept.id])
        self.assertEqual(again.access_count, 1)
        listed = memory.list_semantic(
            SemanticFilter(regime_names=[regime]), SemanticOrder.WIN_RATE_DESC, include_vectors=True
        )
        self.assertEqual([m.id for m in listed.items], [concept.id])
        self.assertEqual(listed.next_page_token, "")
        self.assertEqual(len(listed.items[0].concept_vector), self.dim)
        self.assertGreater(again.last_accessed, 0)
        self.assertEqual(memory.delete_semantic([concept.id]), 1)

    def test_cache_values_hashes_and_counters(self):
        cache = self.client.cache
        key = unique("price")
        self.assertTrue(cache.set(key, "64000.5", ttl_ms=60_000))
        self.assertFalse(cache.set(key, b"1", only_if_absent=True))
        value = cache.get(key)
        self.assertTrue(value.found)
        self.assertEqual(value.value, b"64000.5")
        self.assertGreater(value.ttl_ms, 0)
        self.assertFalse(cache.get(unique("absent")).found)

        book = unique("position")
        cache.set_hash(book, {"qty": "2", "side": "long"}, ttl_ms=60_000)
        self.assertEqual(cache.get_hash(book).fields, {"qty": "2", "side": "long"})
        self.assertEqual(cache.get_hash(book, ["side"]).fields, {"side": "long"})
        self.assertEqual(cache.increment_by(book, "qty", 1.5), 3.5)
        self.assertEqual(cache.delete([key, book, unique("absent")]), 2)

    def test_rate_limit_refuses_past_the_bucket_and_says_when(self):
        bucket = unique("exchange")
        answers = [
            self.client.rate_limit.acquire(bucket, capacity=3, refill_per_second=0.01)
            for _ in range(4)
        ]
        self.assertEqual([a.allowed for a in answers], [True, True, True, False])
        self.assertGreater(answers[-1].retry_after_ms, 0)

    def test_audit_appends_once_per_tx_id_and_replays_tails_and_sums(self):
        audit = self.client.audit
        agent = unique("trader")
        tx = unique("tx")
        entry = AuditEntry(agent_id=agent, action="fill", market="BTC-USD", tx_id=tx, pnl=12.5)
        first = audit.append(entry)
        again = audit.append(entry)
        self.assertFalse(first.duplicate)
        self.assertEqual((again.id, again.duplicate), (first.id, True))
        second = audit.append(AuditEntry(agent_id=agent, action="fill", tx_id=unique("tx"), pnl=-2))

        page = audit.range(agent_id=agent, page_size=1)
        self.assertEqual([r.id for r in page.items], [first.id])
        self.assertEqual(page.items[0].entry.tx_id, tx)
        rest = audit.range(agent_id=agent, page_size=1, page_token=page.next_page_token)
        self.assertEqual([r.id for r in rest.items], [second.id])

        tail = audit.tail(after_id=first.id, agent_id=agent)
        self.assertEqual(next(tail).id, second.id)
        tail.close()

        total = audit.agent_pnl(agent)
        self.assertEqual((total.total_pnl, total.entries), (10.5, 2))

    def test_bad_input_raises_one_error_naming_the_field(self):
        with self.assertRaises(MnemoError) as caught:
            self.client.memory.search_episodic([1.0, 2.0], k=5)
        error = caught.exception
        self.assertEqual(error.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(error.field, "vector")
        self.assertIn("dimension", error.message)
        self.assertEqual(error.reason, "INVALID_FIELD")

        with self.assertRaises(MnemoError) as caught:
            self.client.cache.set("", b"x")
        self.assertEqual(caught.exception.field, "key")

    def test_a_missed_deadline_is_deadline_exceeded(self):
        started = time.monotonic()
        tail = self.client.audit.tail(agent_id=unique("quiet"), timeout=0.2)
        with self.assertRaises(MnemoError) as caught:
            next(tail)
        self.assertEqual(caught.exception.code, grpc.StatusCode.DEADLINE_EXCEEDED)
        self.assertLess(time.monotonic() - started, 5)


if __name__ == "__main__":
    unittest.main()
