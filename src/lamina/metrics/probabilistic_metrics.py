"""Probabilistic metrics: the cross-entropies, KL divergence and Poisson.

The functions are ``lamina.losses``'s on arrays; the classes average them over batches.
"""
from lamina import losses as _losses
from lamina.metrics.metric import _from_loss, _Wrapped

kl_divergence = _from_loss(_losses.kl_divergence)
poisson = _from_loss(_losses.poisson)
binary_crossentropy = _from_loss(_losses.binary_crossentropy)
categorical_crossentropy = _from_loss(_losses.categorical_crossentropy)
sparse_categorical_crossentropy = _from_loss(_losses.sparse_categorical_crossentropy)


class KLDivergence(_Wrapped):
    """Mean Kullback-Leibler divergence."""

    _fn_static = staticmethod(kl_divergence)

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(name=name, dtype=dtype)


class Poisson(_Wrapped):
    """Mean Poisson loss."""

    _fn_static = staticmethod(poisson)

    def __init__(self, name="poisson", dtype=None):
        super().__init__(name=name, dtype=dtype)


class BinaryCrossentropy(_Wrapped):
    """Mean binary cross-entropy."""

    _fn_static = staticmethod(binary_crossentropy)
    _params = ("from_logits", "label_smoothing")

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(_Wrapped):
    """Mean categorical cross-entropy."""

    _fn_static = staticmethod(categorical_crossentropy)
    _params = ("from_logits", "label_smoothing", "axis")

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(_Wrapped):
    """Mean sparse categorical cross-entropy."""

    _fn_static = staticmethod(sparse_categorical_crossentropy)
    _params = ("from_logits", "axis")

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 axis=-1):
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, axis=axis)
