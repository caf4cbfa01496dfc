"""Retries through the service config, against a stand-in gRPC server that refuses on cue."""

import unittest
from concurrent import futures

import grpc

from mnemo_client import MnemoClient, MnemoError
from mnemo_client._pb.mnemo.v1 import cache_pb2, memory_pb2


class Refusing(grpc.GenericRpcHandler):
    """Answers GetInfo and IncrementBy UNAVAILABLE `refusals` times, with `pushback_ms`."""

    def __init__(self, refusals: int, pushback_ms: str):
        self.refusals = refusals
        self.pushback_ms = pushback_ms
        self.attempts = {"GetInfo": 0, "IncrementBy": 0}

    def _refuse_or(self, name, answer):
        def handle(request, context):
            self.attempts[name] += 1
            if self.attempts[name] <= self.refusals:
                context.set_trailing_metadata((("grpc-retry-pushback-ms", self.pushback_ms),))
                context.abort(grpc.StatusCode.UNAVAILABLE, "index rebuilding")
            return answer

        return handle

    def service(self, details):
        if details.method == "/mnemo.v1.MemoryService/GetInfo":
            return grpc.unary_unary_rpc_method_handler(
                self._refuse_or("GetInfo", memory_pb2.GetInfoResponse(dimension=8)),
                request_deserializer=memory_pb2.GetInfoRequest.FromString,
                response_serializer=memory_pb2.GetInfoResponse.SerializeToString,
            )
        if details.method == "/mnemo.v1.CacheService/IncrementBy":
            return grpc.unary_unary_rpc_method_handler(
                self._refuse_or("IncrementBy", cache_pb2.CacheServiceIncrementByResponse(value=1)),
                request_deserializer=cache_pb2.CacheServiceIncrementByRequest.FromString,
                response_serializer=cache_pb2.CacheServiceIncrementByResponse.SerializeToString,
            )
        return None


class RetryTest(unittest.TestCase):
    def serve(self, refusals, pushback_ms):
        handler = Refusing(refusals, pushback_ms)
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), handlers=[handler])
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self.addCleanup(server.stop, None)
        return handler, f"127.0.0.1:{port}"

    def test_an_idempotent_call_refused_unavailable_is_retried_after_the_pushback(self):
        handler, target = self.serve(refusals=2, pushback_ms="20")
        with MnemoClient(target, max_attempts=4) as client:
            self.assertEqual(client.memory.get_info().dimension, 8)
        self.assertEqual(handler.attempts["GetInfo"], 3)

    def test_a_call_that_is_not_idempotent_is_never_retried(self):
        handler, target = self.serve(refusals=1, pushback_ms="20")
        with MnemoClient(target, max_attempts=4) as client:
            with self.assertRaises(MnemoError) as caught:
                client.cache.increment_by("k", "f", 1)
        self.assertEqual(caught.exception.code, grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(handler.attempts["IncrementBy"], 1)

    def test_a_server_that_says_do_not_retry_is_obeyed(self):
        # A negative pushback tells the client not to retry (gRFC A6).
        handler, target = self.serve(refusals=1, pushback_ms="-1")
        with MnemoClient(target, max_attempts=4) as client:
            with self.assertRaises(MnemoError):
                client.memory.get_info()
        self.assertEqual(handler.attempts["GetInfo"], 1)

    def test_attempts_stop_at_max_attempts(self):
        handler, target = self.serve(refusals=10, pushback_ms="1")
        with MnemoClient(target, max_attempts=3) as client:
            with self.assertRaises(MnemoError):
                client.memory.get_info()
        self.assertEqual(handler.attempts["GetInfo"], 3)


if __name__ == "__main__":
    unittest.main()
