"""TLS and agent-scoped tokens: the client's options reach a server that requires them."""

import unittest

import grpc

from mnemo_client import EpisodicFilter, EpisodicMemory, MnemoClient, MnemoError
from support import required, unique, vector


class SecureClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.target = required("MNEMO_TLS_TARGET")
        with open(required("MNEMO_TLS_CA_FILE"), "rb") as file:
            cls.ca = file.read()
        cls.token = required("MNEMO_AGENT_TOKEN")
        cls.agent = required("MNEMO_AGENT_ID")

    def client(self, **settings):
        return MnemoClient(self.target, tls=True, root_certificates=self.ca, **settings)

    def test_a_token_scoped_to_an_agent_works_for_it_and_no_other(self):
        with self.client(token=self.token) as client:
            dim = client.memory.get_info().dimension
            memory = EpisodicMemory(
                id=unique("s"), agent_id=self.agent, state_vector=vector(dim, 1)
            )
            self.assertEqual(client.memory.upsert_episodic([memory]), [memory.id])
            mine = EpisodicFilter(agent_ids=[self.agent])
            hits = client.memory.search_episodic(vector(dim, 1), k=1, filter=mine)
            self.assertEqual([h.memory.id for h in hits], [memory.id])
            with self.assertRaises(MnemoError) as caught:
                client.memory.search_episodic(
                    vector(dim, 1), k=1, filter=EpisodicFilter(agent_ids=[unique("other")])
                )
            self.assertEqual(caught.exception.code, grpc.StatusCode.PERMISSION_DENIED)

    def test_without_a_token_the_call_is_unauthenticated(self):
        with self.client() as client:
            with self.assertRaises(MnemoError) as caught:
                client.memory.get_info()
            self.assertEqual(caught.exception.code, grpc.StatusCode.UNAUTHENTICATED)

    def test_a_server_not_signed_by_the_trusted_ca_is_refused(self):
        with MnemoClient(self.target, tls=True, token=self.token, max_attempts=1) as client:
            with self.assertRaises(MnemoError) as caught:
                client.memory.get_info(timeout=5)
            self.assertEqual(caught.exception.code, grpc.StatusCode.UNAVAILABLE)


if __name__ == "__main__":
    unittest.main()
