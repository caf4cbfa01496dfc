"""SignalService from Python: publish, live fan-out, filters and durable resume."""

import threading
import time
import unittest

import grpc

from mnemo_client import MnemoClient, MnemoError, Signal, SignalSide
from support import required, unique


class SignalsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = MnemoClient(required("MNEMO_TARGET"))

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_durable_signals_are_resumed_in_order_after_a_disconnect(self):
        signals = self.client.signals
        channel = f"signals:{unique('ETH')}"
        ids = []
        for i in range(5):
            signal = Signal(channel[8:], SignalSide.LONG, confidence=0.2 * i, source="py", ts=i)
            ids.append(signals.publish(channel, signal=signal, durable=True).id)
        ids.append(signals.publish(channel, payload=b"raw", durable=True).id)
        self.assertEqual(ids, sorted(ids, key=lambda x: tuple(map(int, x.split("-")))))

        stream = signals.subscribe([channel], resume_from=ids[1], min_confidence=0.5, timeout=10)
        got = []
        for message in stream:
            got.append(message)
            if message.id == ids[-1]:
                stream.close()
                break
        self.assertEqual([m.id for m in got], [ids[3], ids[4], ids[5]])
        self.assertEqual(got[0].signal.side, SignalSide.LONG)
        self.assertEqual(got[-1].payload, b"raw")
        self.assertIsNone(got[-1].signal)

    def test_a_live_subscriber_hears_what_is_published(self):
        channel = f"alerts:{unique('agent')}"
        stream = self.client.signals.subscribe([channel], timeout=10)
        heard = []

        def listen():
            for message in stream:
                heard.append(message.payload)
                return

        listener = threading.Thread(target=listen)
        listener.start()
        deadline = time.monotonic() + 5
        while not heard and time.monotonic() < deadline:
            self.client.signals.publish(channel, payload=b"halt")
            listener.join(0.1)
        listener.join(5)
        self.assertEqual(heard, [b"halt"])

    def test_bad_input_names_the_field(self):
        with self.assertRaises(MnemoError) as caught:
            self.client.signals.publish("nowhere", payload=b"x")
        self.assertEqual(caught.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(caught.exception.field, "channel")


if __name__ == "__main__":
    unittest.main()
