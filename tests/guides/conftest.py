"""The Keras guides draw their dummy data from ``np.random``: seed it so each test sees the
same arrays (lamina's own generator is seeded by tests/conftest.py)."""
import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _seed_numpy_global():
    np.random.seed(0)
    yield
