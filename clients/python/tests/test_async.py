"""AsyncMnemoClient against a live mnemo: the same services, awaited."""

import asyncio
import unittest

import grpc

from mnemo_client import AsyncMnemoClient, AuditEntry, EpisodicFilter, EpisodicMemory, MnemoError
from support import required, unique, vector


class AsyncClientTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.client = AsyncMnemoClient(required("MNEMO_TARGET"))
        await self.client.wait_ready()
        self.dim = (await self.client.memory.get_info()).dimension

    async def asyncTearDown(self):
        await self.client.close()

    async def test_concurrent_recalls_are_answered(self):
        agent = unique("async-agent")
        memories = [
            EpisodicMemory(
                id=unique("a"), agent_id=agent, state_vector=vector(self.dim, i), reward=i
            )
            for i in range(5)
        ]
        await self.client.memory.upsert_episodic(memories)
        only_agent = EpisodicFilter(agent_ids=[agent])
        answers = await asyncio.gather(
            *(
                self.client.memory.search_episodic(vector(self.dim, i), k=1, filter=only_agent)
                for i in range(5)
            )
        )
        self.assertEqual([a[0].memory.id for a in answers], [m.id for m in memories])

    async def test_cache_rate_limit_and_errors(self):
        key = unique("k")
        self.assertTrue(await self.client.cache.set(key, b"v"))
        self.assertEqual((await self.client.cache.get(key)).value, b"v")
        self.assertTrue((await self.client.rate_limit.acquire(unique("b"), 1, 1)).allowed)
        with self.assertRaises(MnemoError) as caught:
            await self.client.memory.search_episodic([0.0] * self.dim, k=0)
        self.assertEqual(caught.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIsNotNone(caught.exception.field)

    async def test_audit_tail_is_an_async_iterator(self):
        agent = unique("tailer")
        first = await self.client.audit.append(AuditEntry(agent_id=agent, action="order"))
        tail = self.client.audit.tail(after_id=first.id, agent_id=agent)
        appended = await self.client.audit.append(AuditEntry(agent_id=agent, action="fill"))
        record = await asyncio.wait_for(tail.__anext__(), timeout=10)
        self.assertEqual((record.id, record.entry.action), (appended.id, "fill"))
        await tail.aclose()


if __name__ == "__main__":
    unittest.main()
