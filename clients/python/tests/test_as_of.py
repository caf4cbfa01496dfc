"""As-of queries through MnemoClient: a backtest sees only what was known at each moment."""

import math
import time
import unittest

from mnemo_client import (
    EpisodicFilter,
    EpisodicMemory,
    EpisodicSearch,
    MnemoClient,
    Range,
    Ranking,
    RecentOrder,
)
from support import required, unique, vector


class AsOfTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = MnemoClient(required("MNEMO_TARGET"), timeout_s=10)
        cls.dim = cls.client.memory.get_info().dimension
        cls.agent = unique("backtest")
        cls.t = float(int(time.time()) - 10_000)
        cls.client.memory.upsert_episodic(
            [
                EpisodicMemory(
                    id=unique("known"),
                    agent_id=cls.agent,
                    state_vector=vector(cls.dim, 1),
                    reward=1.5,
                    timestamp=cls.t,
                ),
                EpisodicMemory(
                    id=unique("late"),
                    agent_id=cls.agent,
                    state_vector=vector(cls.dim, 2),
                    reward=3.0,
                    terminal=True,
                    timestamp=cls.t + 10,
                    outcome_known_at=cls.t + 1000,
                ),
            ]
        )

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_a_search_as_of_a_time_sees_outcomes_known_then_only(self):
        memory = self.client.memory
        mine = EpisodicFilter(agent_ids=[self.agent])
        hits = memory.search_episodic(vector(self.dim, 2), k=5, filter=mine, as_of=self.t + 100)
        late = [h for h in hits if h.memory.id.startswith("late")]
        self.assertEqual(len(hits), 2)
        self.assertTrue(late[0].outcome_pending)
        self.assertEqual((late[0].memory.reward, late[0].memory.terminal), (0.0, False))
        self.assertIsNone(late[0].memory.outcome_known_at)
        rewarded = EpisodicFilter(agent_ids=[self.agent], reward=Range(min=0))
        before = memory.search_episodic(vector(self.dim, 2), k=5, filter=rewarded, as_of=self.t + 100)
        self.assertEqual([h.memory.reward for h in before], [1.5])
        [[after]] = memory.batch_search_episodic(
            [EpisodicSearch(vector(self.dim, 2), k=1, filter=rewarded, as_of=self.t + 1000)]
        )
        self.assertEqual((after.memory.reward, after.outcome_pending), (3.0, False))
        self.assertEqual(after.memory.outcome_known_at, self.t + 1000)

    def test_a_recency_query_as_of_a_time_names_pending_outcomes(self):
        page = self.client.memory.recent_episodic(
            EpisodicFilter(agent_ids=[self.agent]),
            order=RecentOrder.REWARD_DESC,
            as_of=self.t + 100,
        )
        self.assertEqual([m.reward for m in page.items], [1.5, 0.0])
        self.assertEqual(page.outcome_pending_ids, [page.items[1].id])
        early = self.client.memory.recent_episodic(
            EpisodicFilter(agent_ids=[self.agent]), as_of=self.t + 5
        )
        self.assertEqual(len(early.items), 1)

    def test_a_revised_outcome_is_seen_only_from_its_outcome_known_at(self):
        memory = self.client.memory
        agent = unique("revising")
        revised = EpisodicMemory(
            id=unique("revised"),
            agent_id=agent,
            state_vector=vector(self.dim, 3),
            reward=-1.0,
            timestamp=self.t + 20,
        )
        memory.upsert_episodic([revised])
        revised.reward, revised.outcome_known_at = 2.0, self.t + 500
        memory.upsert_episodic([revised])
        mine = EpisodicFilter(agent_ids=[agent])
        rewards = {}
        for as_of in (self.t + 100, self.t + 600):
            hits = memory.search_episodic(vector(self.dim, 3), k=5, filter=mine, as_of=as_of)
            rewards[as_of] = [h.memory.reward for h in hits if h.memory.id == revised.id]
        self.assertEqual(rewards, {self.t + 100: [-1.0], self.t + 600: [2.0]})

    def test_a_ranked_search_as_of_a_time_scores_the_outcomes_known_then(self):
        by_outcome = Ranking(w_similarity=0, w_outcome=1, w_recency=0, w_regime=0)
        mine = EpisodicFilter(agent_ids=[self.agent])

        def outcomes(as_of):
            hits = self.client.memory.search_episodic(
                vector(self.dim, 2), k=5, filter=mine, ranking=by_outcome, explain=True, as_of=as_of
            )
            return {
                h.memory.id.split("-")[0]: next(t for t in h.explanation if t.name == "outcome")
                for h in hits
            }

        then = outcomes(self.t + 100)
        self.assertEqual((then["late"].normalized, then["known"].normalized), (0.5, 0.5))
        self.assertTrue(math.isnan(then["late"].value))
        later = outcomes(self.t + 1000)
        self.assertEqual((later["late"].normalized, later["known"].normalized), (1.0, 0.0))
        self.assertEqual(later["late"].value, 3.0)


if __name__ == "__main__":
    unittest.main()
