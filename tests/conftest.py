import numpy as np
import pytest

from lamina import backend


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same random state and the default float type."""
    backend.set_random_seed(1234)
    backend.set_floatx("float32")
    yield
    backend.set_floatx("float32")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
