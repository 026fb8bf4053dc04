"""Keras 3's ``keras.random``: ``from lamina import random`` ports ``from keras import random``.

>>> import lamina
>>> gen = lamina.random.SeedGenerator(1337)
>>> lamina.random.normal((2, 2), seed=gen).shape
(2, 2)
"""
from lamina.random.random import (
                                  beta,
                                  binomial,
                                  categorical,
                                  dropout,
                                  gamma,
                                  normal,
                                  randint,
                                  shuffle,
                                  truncated_normal,
                                  uniform,
)
from lamina.random.seed_generator import SeedGenerator

__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal",
           "randint", "shuffle", "truncated_normal", "uniform"]
