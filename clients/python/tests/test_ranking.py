"""Ranked searches: hits by score beyond distance, with explanations that sum to the score."""

import time
import unittest

from mnemo_client import (
    EpisodicFilter,
    EpisodicMemory,
    EpisodicSearch,
    MemoryType,
    MnemoClient,
    MnemoError,
    Ranking,
    SemanticMemory,
    SemanticRanking,
)
from support import required, unique


def axis(dimension: int, second: float) -> list:
    """(1, second, 0, ...): farther from (1, 0, ...) as ``second`` grows."""
    return [1.0, second] + [0.0] * (dimension - 2)


class RankingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = MnemoClient(required("MNEMO_TARGET"), timeout_s=10)
        cls.dim = cls.client.memory.get_info().dimension

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_high_reward_neighbours_outrank_closer_low_reward_ones(self):
        memory = self.client.memory
        agent = unique("rank-agent")
        now = time.time()
        shapes = {"near": (0.05, 0.0), "mid": (0.1, 1.0), "far": (0.5, 10.0)}
        memory.upsert_episodic(
            [
                EpisodicMemory(
                    id=f"{agent}-{name}",
                    agent_id=agent,
                    state_vector=axis(self.dim, second),
                    reward=reward,
                    timestamp=now,
                )
                for name, (second, reward) in shapes.items()
            ]
        )
        only = EpisodicFilter(agent_ids=[agent])
        query = axis(self.dim, 0.0)
        plain = memory.search_episodic(query, k=3, filter=only)
        self.assertEqual([h.memory.id[-4:] for h in plain], ["near", "-mid", "-far"])
        self.assertEqual([h.score for h in plain], [0.0, 0.0, 0.0])

        ranking = Ranking(w_similarity=1, w_outcome=1, w_recency=0, w_regime=0)
        hits = memory.search_episodic(query, k=3, filter=only, ranking=ranking, explain=True)
        self.assertEqual([h.memory.id[-4:] for h in hits], ["-far", "-mid", "near"])
        for hit in hits:
            self.assertEqual([t.name for t in hit.explanation], ["similarity", "outcome"])
            self.assertAlmostEqual(sum(t.contribution for t in hit.explanation), hit.score)
        self.assertEqual(hits[0].explanation[1].normalized, 1.0)

        batch = memory.batch_search_episodic(
            [
                EpisodicSearch(query, k=1, filter=only, ranking=ranking),
                EpisodicSearch(query, k=1, filter=only),
            ]
        )
        self.assertEqual([b[0].memory.id[-4:] for b in batch], ["-far", "near"])

    def test_semantic_memories_rank_by_sharpe_ratio(self):
        memory = self.client.memory
        regime = unique("regime")
        ids = memory.upsert_semantic(
            [
                SemanticMemory(
                    id=unique("concept"),
                    concept_vector=axis(self.dim, 0.01 * i),
                    memory_type=MemoryType.PATTERN,
                    regime_name=regime,
                    sharpe_ratio=1000.0 + i,
                    win_rate=0.5,
                )
                for i in range(3)
            ]
        )
        ranking = SemanticRanking(w_similarity=0, w_sharpe=1, w_win_rate=0, w_recency=0)
        hits = self.client.memory.search_semantic(
            axis(self.dim, 0.0), k=3, ranking=ranking, explain=True
        )
        self.assertEqual([h.memory.id for h in hits], list(reversed(ids)))
        self.assertEqual(hits[0].explanation[1].name, "sharpe")

    def test_a_negative_weight_is_refused_naming_the_field(self):
        with self.assertRaises(MnemoError) as caught:
            self.client.memory.search_episodic(
                axis(self.dim, 0.0), k=1, ranking=Ranking(w_outcome=-1.0)
            )
        self.assertIn("ranking.w_outcome", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
