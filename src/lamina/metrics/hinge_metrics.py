"""Hinge metrics: the mean hinge, squared hinge and categorical hinge losses.

The functions are ``lamina.losses``'s on arrays; the classes average them over batches.
"""
from lamina import losses as _losses
from lamina.metrics.metric import _from_loss, _Wrapped

hinge = _from_loss(_losses.hinge)
squared_hinge = _from_loss(_losses.squared_hinge)
categorical_hinge = _from_loss(_losses.categorical_hinge)


class Hinge(_Wrapped):
    """Mean hinge loss."""

    _fn_static = staticmethod(hinge)

    def __init__(self, name="hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class SquaredHinge(_Wrapped):
    """Mean squared hinge loss."""

    _fn_static = staticmethod(squared_hinge)

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class CategoricalHinge(_Wrapped):
    """Mean categorical hinge loss."""

    _fn_static = staticmethod(categorical_hinge)

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)
