"""What the client tests share: the server under test, from the environment the runner sets."""

import os
import uuid


def required(name: str) -> str:
    """An environment variable the runner (test/clients/python.test.ts) must set."""
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run the tests through test/clients/python.test.ts")
    return value


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def vector(dimension: int, seed: int) -> list:
    """A deterministic non-zero vector."""
    return [float(((seed * 31 + i * 7) % 17) - 8) or 0.5 for i in range(dimension)]
