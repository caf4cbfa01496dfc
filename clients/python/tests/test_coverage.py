"""The client has a method for every RPC of every service its stubs hold."""

import re
import unittest

import importlib
import pkgutil

from mnemo_client import MnemoClient
from mnemo_client._pb.mnemo import v1

GROUPS = {
    "MemoryService": "memory",
    "CacheService": "cache",
    "RateLimitService": "rate_limit",
    "AuditService": "audit",
    "SessionService": "sessions",
    "SignalService": "signals",
}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class CoverageTest(unittest.TestCase):
    def test_every_rpc_has_a_method(self):
        client = MnemoClient("localhost:1")
        try:
            services = {}
            for info in pkgutil.iter_modules(v1.__path__):
                if info.name.endswith("_pb2"):
                    module = importlib.import_module(f"{v1.__name__}.{info.name}")
                    services.update(module.DESCRIPTOR.services_by_name)
            self.assertEqual(sorted(services), sorted(GROUPS))
            for name, service in services.items():
                group = getattr(client, GROUPS[name])
                for method in service.methods:
                    self.assertTrue(
                        callable(getattr(group, snake(method.name), None)),
                        f"{name}.{method.name}: no {GROUPS[name]}.{snake(method.name)}",
                    )
        finally:
            client.close()


if __name__ == "__main__":
    unittest.main()
