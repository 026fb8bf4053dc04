"""Array utilities for preparing data: ``normalize`` and ``to_categorical`` (keras.utils).

They live on the ground floor (utils) so every floor may use them; ``lamina.preprocessing
.numerical`` re-exports them (Keras 2's path)."""
import numbers

import numpy as np

from lamina import backend


def normalize(x, axis=-1, order=2):
    """Divide ``x`` by its L``order`` norm along ``axis``; all-zero slices stay zero.

    Args:
        x: array-like of numbers.
        axis: the axis along which to normalize (an int).
        order: the norm's order, an int >= 1 (2: Euclidean, 1: sum of absolute values).

    Returns:
        A normalized copy of ``x`` as a NumPy array of the same shape.

    Example:
        >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
        array([[0.6, 0.8],
               [0. , 0. ]])
    """
    if isinstance(order, bool) or not isinstance(order, numbers.Integral) or order < 1:
        raise ValueError(f"normalize: `order` must be an int >= 1, got {order!r}")
    x = np.asarray(x)
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise ValueError(f"normalize: `x` must hold numbers, got an array of dtype {x.dtype}")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) \
            or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"normalize: `axis` must be an int in [{-x.ndim}, {x.ndim}) for an "
                         f"input of shape {x.shape}, got {axis!r}")
    norm = np.linalg.norm(x, ord=int(order), axis=int(axis), keepdims=True)
    norm[norm == 0] = 1  # a zero vector has no direction: leave it as zeros
    return x / norm


def to_categorical(x, num_classes=None):
    """Convert integer class labels to one-hot rows (the class axis is added last).

    Args:
        x: array-like of integer labels in ``[0, num_classes)``; a trailing axis
            of size 1, as in labels of shape (n, 1), is dropped.
        num_classes: total number of classes; default ``max(x) + 1``.

    Returns:
        A ``floatx`` (float32) array of shape ``x.shape + (num_classes,)``.

    Example:
        >>> to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    labels = np.asarray(x)
    if labels.dtype == object or not (np.issubdtype(labels.dtype, np.number)
                                      or labels.dtype == bool):
        raise ValueError(f"to_categorical: `x` must hold integer class labels, got dtype "
                         f"{labels.dtype}")
    # Keras would silently truncate 1.5 to 1; a fractional label is a bug upstream.
    if np.issubdtype(labels.dtype, np.inexact) and (
            not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels))):
        raise ValueError("to_categorical: `x` must hold whole-number class labels, got "
                         "non-integer values")
    labels = labels.astype("int64")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if num_classes is None:
        if labels.size == 0:
            raise ValueError("to_categorical: `x` is empty, so `num_classes` cannot be inferred;"
                             " pass num_classes=")
        num_classes = int(labels.max()) + 1
    elif isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) \
            or num_classes < 1:
        raise ValueError(f"to_categorical: `num_classes` must be a positive int or None, got "
                         f"{num_classes!r}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"to_categorical: labels must lie in [0, {num_classes}), got values "
                         f"from {labels.min()} to {labels.max()}")
    out = np.zeros((labels.size, int(num_classes)), dtype=backend.floatx())
    out[np.arange(labels.size), labels] = 1
    return out.reshape(shape + (int(num_classes),))
