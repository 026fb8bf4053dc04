"""Data preparation utilities, as in ``keras.utils`` / ``keras.preprocessing``.

Example::

    from lamina.preprocessing import normalize, to_categorical
    y = to_categorical([0, 2, 1])          # one-hot, float32
    x = normalize(x_train, axis=-1)        # unit L2 rows
"""
from .numerical import normalize, to_categorical

__all__ = ["normalize", "to_categorical"]
