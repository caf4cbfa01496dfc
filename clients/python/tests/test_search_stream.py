"""The search streams against a live mnemo: one answer per search, errors apart, sync, asyncio."""

import unittest

import grpc

from mnemo_client import (
    AsyncMnemoClient,
    EpisodicFilter,
    EpisodicMemory,
    EpisodicSearch,
    MemoryType,
    MnemoClient,
    MnemoError,
    SemanticFilter,
    SemanticMemory,
    SemanticSearch,
)
from support import required, unique, vector


class SearchStreamTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = MnemoClient(required("MNEMO_TARGET"), timeout_s=10)
        cls.dim = cls.client.memory.get_info().dimension
        cls.agent = unique("streamer")
        cls.ids = cls.client.memory.upsert_episodic(
            [
                EpisodicMemory(
                    id=unique("s"), agent_id=cls.agent, state_vector=vector(cls.dim, i), reward=i
                )
                for i in range(4)
            ]
        )

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_answers_every_search_once_as_the_unary_call(self):
        only_agent = EpisodicFilter(agent_ids=[self.agent])
        searches = [
            EpisodicSearch(vector(self.dim, i % 4), k=2, filter=only_agent) for i in range(40)
        ]
        answers = list(self.client.memory.search_episodic_stream(iter(searches)))
        self.assertEqual(sorted(a.index for a in answers), list(range(40)))
        for answer in answers:
            self.assertIsNone(answer.error)
            search = searches[answer.index]
            unary = self.client.memory.search_episodic(search.vector, k=2, filter=only_agent)
            self.assertEqual([h.memory.id for h in answer.hits], [h.memory.id for h in unary])

    def test_a_failed_search_has_its_error_and_the_stream_goes_on(self):
        searches = [
            EpisodicSearch(vector(self.dim, 0), k=1),
            EpisodicSearch([1.0, 2.0], k=1),
            EpisodicSearch(vector(self.dim, 1), k=0),
            EpisodicSearch(vector(self.dim, 2), k=1),
        ]
        answers = {a.index: a for a in self.client.memory.search_episodic_stream(searches)}
        self.assertEqual(sorted(answers), [0, 1, 2, 3])
        self.assertEqual(len(answers[0].hits), 1)
        self.assertEqual(len(answers[3].hits), 1)
        for index, field in ((1, "vector"), (2, "k")):
            error = answers[index].error
            self.assertIsInstance(error, MnemoError)
            self.assertEqual(error.code, grpc.StatusCode.INVALID_ARGUMENT)
            self.assertEqual(error.field, field)
            self.assertEqual(answers[index].hits, [])

    def test_semantic_searches_over_a_stream(self):
        regime = unique("regime")
        [concept] = self.client.memory.upsert_semantic(
            [
                SemanticMemory(
                    concept_vector=vector(self.dim, 5),
                    memory_type=MemoryType.PATTERN,
                    regime_name=regime,
                )
            ]
        )
        only_regime = SemanticFilter(regime_names=[regime])
        [answer] = self.client.memory.search_semantic_stream(
            [SemanticSearch(vector(self.dim, 5), k=3, filter=only_regime)], message_timeout=5
        )
        self.assertEqual([h.memory.id for h in answer.hits], [concept])


class AsyncSearchStreamTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.client = AsyncMnemoClient(required("MNEMO_TARGET"))
        await self.client.wait_ready()
        self.dim = (await self.client.memory.get_info()).dimension

    async def asyncTearDown(self):
        await self.client.close()

    async def test_feeds_the_stream_from_an_async_generator(self):
        agent = unique("async-streamer")
        ids = await self.client.memory.upsert_episodic(
            [
                EpisodicMemory(id=unique("a"), agent_id=agent, state_vector=vector(self.dim, i))
                for i in range(3)
            ]
        )
        only_agent = EpisodicFilter(agent_ids=[agent])

        async def searches():
            for i in range(30):
                yield EpisodicSearch(vector(self.dim, i % 3), k=1, filter=only_agent)

        answers = [a async for a in self.client.memory.search_episodic_stream(searches())]
        self.assertEqual(sorted(a.index for a in answers), list(range(30)))
        for answer in answers:
            self.assertEqual([h.memory.id for h in answer.hits], [ids[answer.index % 3]])


if __name__ == "__main__":
    unittest.main()
