"""SeedGenerator: the state behind reproducible random draws (Keras 3's
``keras.random.SeedGenerator``).

A draw is seeded by a pair ``[seed, counter]`` (``draw_seed``), and the numbers come from
``np.random.default_rng([seed, counter])``, as in Keras's NumPy backend: an int seed is the
pair ``[seed, 0]`` on every call; a ``SeedGenerator`` hands out its pair and then counts up,
so consecutive draws differ but the sequence repeats from the same initial seed.
"""
import itertools
import numbers

import numpy as np

from lamina import backend
from lamina.autodiff.variable import Variable

_names = itertools.count()


class _SeedError(TypeError, ValueError):
    """A ``seed`` of the wrong type: a TypeError, and a ValueError as Keras raises."""


def _check_int_seed(seed, where):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise _SeedError(f"{where}: `seed` must be an int, a "
                         "lamina.random.SeedGenerator or None, got "
                         f"{seed!r} (of type {type(seed).__name__})")
    if not 0 <= int(seed) < 2 ** 32:
        raise ValueError(f"{where}: `seed` must be in [0, 2**32), got {seed}")
    return int(seed)


def make_default_seed():
    """A seed from lamina's global generator, so ``set_random_seed`` makes it repeat."""
    return int(backend.rng().integers(1, int(1e9)))


class SeedGenerator:
    """Hands out a new seed on each random draw, in a sequence fixed by ``seed``.

    An int ``seed`` gives the same numbers on every call; a ``SeedGenerator`` gives new ones
    on each call, reproducibly. Keep one on a layer for its random ops.

    Args:
        seed: int initial seed; None draws one from lamina's global generator.
        name: optional name (default ``seed_generator``, ``seed_generator_1``, ...).

    Example:

    >>> from lamina import random
    >>> gen = random.SeedGenerator(42)
    >>> a = random.normal((2,), seed=gen); b = random.normal((2,), seed=gen)
    >>> bool((a.numpy() != b.numpy()).all())
    True
    >>> bool((random.normal((2,), seed=random.SeedGenerator(42)).numpy() == a.numpy()).all())
    True
    """

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)  # Keras's hook for another backend: one backend here
        if kwargs:
            raise ValueError(f"SeedGenerator: unrecognized keyword arguments: {kwargs}")
        n = next(_names)
        self.name = name or ("seed_generator" if n == 0 else f"seed_generator_{n}")
        self._initial_seed = seed
        seed = make_default_seed() if seed is None else _check_int_seed(seed, "SeedGenerator")
        # a non-trainable uint32 pair [seed, counter], Keras's layout of the state
        self.state = Variable(np.array([seed, 0], dtype=np.uint32), name="seed_generator_state",
                              trainable=False, dtype="uint32")

    def next(self, ordered=True):
        """The current ``[seed, counter]`` pair; the state then moves on.

        ``ordered=False`` scrambles the pair instead of counting (Keras's global generator).
        """
        value = self.state.data.copy()
        if ordered:
            self.state.assign(value + np.array([0, 1], dtype=np.uint32))
        else:
            self.state.assign(((value.astype(np.int64) + 1) * 5387 % 933199).astype(np.uint32))
        return value

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator '{self.name}' state={self.state.data.tolist()}>"


def draw_seed(seed, where="draw_seed"):
    """The ``[seed, counter]`` pair (uint32) for one draw; a SeedGenerator advances.

    ``seed`` is an int (always ``[seed, 0]``) or a ``SeedGenerator``.
    """
    if isinstance(seed, SeedGenerator):
        return seed.next()
    return np.array([_check_int_seed(seed, where), 0], dtype=np.uint32)


def generator(seed, where="generator"):
    """The NumPy Generator for one draw: lamina's global one when ``seed`` is None,
    else one seeded by ``draw_seed(seed)``."""
    if seed is None:
        return backend.rng()
    return np.random.default_rng(draw_seed(seed, where))
