"""SessionService from Python: every RPC, the drawdown halt and the change stream."""

import unittest

import grpc

from mnemo_client import MnemoClient, MnemoError, SessionStatus
from support import required, unique


class SessionsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = MnemoClient(required("MNEMO_TARGET"))

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_a_session_lives_trades_halts_resumes_and_ends(self):
        sessions = self.client.sessions
        agent = unique("py-session")
        watch = sessions.watch_sessions(agent_ids=[agent], after_id="0", timeout=30)
        started = sessions.start_session(agent, start_capital=1000, max_drawdown=0.1, ttl_ms=60_000)
        self.assertTrue(started.created)
        self.assertEqual(started.session.status, SessionStatus.ACTIVE)
        again = sessions.start_session(agent, start_capital=5, max_drawdown=0.5)
        self.assertFalse(again.created)
        self.assertEqual(again.session.start_capital, 1000)

        traded = sessions.record_trade(agent, pnl=25.5, tx_id="t-1")
        self.assertEqual((traded.session.trades, traded.session.total_pnl), (1, 25.5))
        retried = sessions.record_trade(agent, pnl=25.5, tx_id="t-1")
        self.assertTrue(retried.duplicate)
        self.assertEqual(retried.session.trades, 1)

        self.assertEqual(sessions.heartbeat(agent).agent_id, agent)
        halted = sessions.record_trade(agent, pnl=-200, tx_id="t-2")
        self.assertTrue(halted.over_drawdown)
        self.assertEqual(halted.session.status, SessionStatus.HALTED)
        with self.assertRaises(MnemoError) as caught:
            sessions.record_trade(agent, pnl=1, tx_id="t-3")
        self.assertEqual(caught.exception.code, grpc.StatusCode.FAILED_PRECONDITION)
        self.assertEqual(caught.exception.field, "agent_id")

        self.assertEqual(sessions.resume_session(agent).status, SessionStatus.ACTIVE)
        self.assertEqual(sessions.get_session(agent).current_capital, 825.5)
        halted_page = sessions.list_sessions(status=SessionStatus.ACTIVE, page_size=1000)
        self.assertIn(agent, [s.agent_id for s in halted_page.items])
        self.assertEqual(sessions.end_session(agent).status, SessionStatus.ENDED)

        events = []
        for change in watch:
            events.append(change.event)
            if change.event == "SESSION_EVENT_ENDED":
                break
        self.assertEqual(events[0], "SESSION_EVENT_STARTED")
        self.assertIn("SESSION_EVENT_HALTED", events)
        self.assertIn("SESSION_EVENT_RESUMED", events)

    def test_bad_input_names_the_field(self):
        with self.assertRaises(MnemoError) as caught:
            self.client.sessions.start_session(unique("a"), start_capital=-1, max_drawdown=0.1)
        self.assertEqual(caught.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(caught.exception.field, "start_capital")


if __name__ == "__main__":
    unittest.main()
