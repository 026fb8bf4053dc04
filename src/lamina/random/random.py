"""Keras 3's ``keras.random``: random tensors from a seed, on lamina Tensors.

Every function takes ``seed``: an int (the same numbers on every call), a
``SeedGenerator`` (new numbers on each call, in a repeatable sequence) or None (lamina's
global generator, seeded by ``lamina.backend.set_random_seed``). For int seeds and
SeedGenerators the numbers are those of Keras's NumPy backend (``np.random.default_rng``
on the ``[seed, counter]`` pair), except ``shuffle`` and ``categorical`` (see there).
The results are constant Tensors; ``dropout`` and ``shuffle`` pass gradients to their input.

>>> from lamina import random
>>> random.normal((2, 3), seed=1).shape
(2, 3)
"""
import numbers

import numpy as np

from lamina import ops
from lamina.autodiff.tensor import Tensor
from lamina.backend import floatx
from lamina.ops.nn import DropoutFn
from lamina.random.seed_generator import generator

# --- argument checks ------------------------------------------------------------------------

def _shape(shape, where):
    """``shape`` (an int, a list or tuple of ints, or a 1-D integer array) as a tuple."""
    shape = _raw(shape)
    if isinstance(shape, np.ndarray):
        shape = shape.tolist()
    dims = (shape,) if isinstance(shape, numbers.Integral) else shape
    if not isinstance(dims, (tuple, list)) or any(
            isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 0 for d in dims):
        raise ValueError(f"{where}: `shape` must be a tuple of non-negative ints (all known, "
                         f"e.g. from ops.shape(x)), got {shape!r}")
    return tuple(int(d) for d in dims)


def _dtype(dtype, where, kind, default):
    """``dtype`` as a NumPy dtype of ``kind`` ('f' float, 'i' integer)."""
    try:
        dt = np.dtype(default if dtype is None else getattr(dtype, "name", dtype))
    except TypeError:
        raise ValueError(f"{where}: invalid `dtype` {dtype!r}") from None
    if dt.kind not in ({"i", "u"} if kind == "i" else {"f"}):
        what = "an integer" if kind == "i" else "a floating point"
        raise ValueError(f"{where} requires {what} `dtype`, got dtype={dtype!r}")
    return dt


def _raw(x):
    return x.data if isinstance(x, Tensor) else x


def _const(array):
    return Tensor(np.asarray(array))


# --- continuous distributions ---------------------------------------------------------------

def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal (Gaussian) distribution.

    Args:
        shape: the shape of the result.
        mean: the mean of the values (default 0).
        stddev: their standard deviation (default 1).
        dtype: a float dtype (default ``lamina.backend.floatx()``).
        seed: an int, a ``SeedGenerator`` or None (the global generator).

    >>> normal((2,), seed=3).dtype
    dtype('float32')
    """
    shape, dtype = _shape(shape, "normal"), _dtype(dtype, "normal", "f", floatx())
    rng = generator(seed, "normal")
    return _const(rng.normal(loc=_raw(mean), scale=_raw(stddev), size=shape).astype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from a uniform distribution on ``[minval, maxval)``.

    Args:
        shape: the shape of the result.
        minval: the lower bound, included (default 0).
        maxval: the upper bound, excluded (default 1).
        dtype: a float dtype (default floatx); an integer dtype raises (use ``randint``).
        seed: an int, a ``SeedGenerator`` or None.

    >>> float(uniform((1000,), 2.0, 3.0, seed=0).numpy().min()) >= 2.0
    True
    """
    shape, dtype = _shape(shape, "uniform"), _dtype(dtype, "uniform", "f", floatx())
    rng = generator(seed, "uniform")
    return _const(rng.uniform(low=_raw(minval), high=_raw(maxval), size=shape).astype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution, redrawing those beyond two standard deviations.

    Args:
        shape: the shape of the result.
        mean: the mean of the untruncated distribution (default 0).
        stddev: its standard deviation (default 1).
        dtype: a float dtype (default floatx).
        seed: an int, a ``SeedGenerator`` or None.

    >>> float(abs(truncated_normal((1000,), seed=0).numpy()).max()) <= 2.0
    True
    """
    shape = _shape(shape, "truncated_normal")
    dtype = _dtype(dtype, "truncated_normal", "f", floatx())
    rng = generator(seed, "truncated_normal")
    mean, stddev = _raw(mean), _raw(stddev)
    size = int(np.prod(shape))
    kept = np.empty(0)
    while kept.size < size:  # about 95% fall inside, so one or two rounds
        batch = rng.normal(loc=mean, scale=stddev, size=size)
        inside = (batch >= mean - 2 * stddev) & (batch <= mean + 2 * stddev)
        kept = np.append(kept, batch[inside])
    return _const(kept[:size].astype(dtype).reshape(shape))


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples from the Gamma distribution of shape ``alpha`` (scale 1).

    Args:
        shape: the shape of the result.
        alpha: the concentration (a float, or an array broadcastable to ``shape``).
        dtype: a float dtype (default floatx).
        seed: an int, a ``SeedGenerator`` or None.

    >>> gamma((3,), alpha=2.0, seed=0).shape
    (3,)
    """
    shape, dtype = _shape(shape, "gamma"), _dtype(dtype, "gamma", "f", floatx())
    rng = generator(seed, "gamma")
    return _const(rng.gamma(_raw(alpha), scale=1.0, size=shape).astype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples from the Beta(``alpha``, ``beta``) distribution, in [0, 1].

    Args:
        shape: the shape of the result.
        alpha: the first concentration (a float or an array broadcastable to ``shape``).
        beta: the second concentration.
        dtype: a float dtype (default floatx).
        seed: an int, a ``SeedGenerator`` or None.

    >>> beta((2,), alpha=2.0, beta=5.0, seed=0).shape
    (2,)
    """
    shape, dtype = _shape(shape, "beta"), _dtype(dtype, "beta", "f", floatx())
    rng = generator(seed, "beta")
    return _const(rng.beta(a=_raw(alpha), b=_raw(beta), size=shape).astype(dtype))


# --- discrete distributions -----------------------------------------------------------------

def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Random integers, uniform on ``[minval, maxval)``.

    Args:
        shape: the shape of the result.
        minval: the lowest value, included.
        maxval: the bound, excluded.
        dtype: an integer dtype (default int32).
        seed: an int, a ``SeedGenerator`` or None.

    >>> randint((4,), 0, 10, seed=0).dtype
    dtype('int32')
    """
    shape, dtype = _shape(shape, "randint"), _dtype(dtype, "randint", "i", "int32")
    rng = generator(seed, "randint")
    return _const(rng.integers(low=_raw(minval), high=_raw(maxval), size=shape, dtype=dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples from Binomial(``counts``, ``probabilities``): successes in ``counts`` trials.

    Args:
        shape: the shape of the result.
        counts: the number of trials (a number or an array broadcastable with
            ``probabilities`` and ``shape``).
        probabilities: the probability of success of one trial.
        dtype: a float dtype (default floatx), as Keras.
        seed: an int, a ``SeedGenerator`` or None.

    >>> binomial((2,), counts=10, probabilities=0.5, seed=0).dtype
    dtype('float32')
    """
    shape, dtype = _shape(shape, "binomial"), _dtype(dtype, "binomial", "f", floatx())
    rng = generator(seed, "binomial")
    return _const(rng.binomial(n=_raw(counts), p=_raw(probabilities), size=shape).astype(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from ``softmax(logits)``, row by row.

    Each row of the 2-D ``logits`` (batch_size, num_classes) is a distribution over the
    classes by unnormalized log-probabilities; the result (batch_size, num_samples) holds
    independent draws from each row. Draws as NumPy's ``Generator.choice`` (inverse CDF of
    one uniform per sample); the softmax is computed in float64.

    Args:
        logits: a 2-D tensor of unnormalized log-probabilities.
        num_samples: the number of draws per row.
        dtype: an integer dtype (default int32).
        seed: an int, a ``SeedGenerator`` or None.

    >>> categorical([[0.0, -1e9]], 3, seed=0).numpy()
    array([[0, 0, 0]], dtype=int32)
    """
    logits = np.asarray(_raw(logits), dtype=np.float64)
    if logits.ndim != 2:
        raise ValueError("categorical: `logits` must be a 2-D tensor of shape (batch_size, "
                         f"num_classes), got shape {logits.shape}")
    if isinstance(num_samples, bool) or not isinstance(num_samples, numbers.Integral) \
            or num_samples < 0:
        raise ValueError(f"categorical: `num_samples` must be a non-negative int, got "
                         f"{num_samples!r}")
    dtype = _dtype(dtype, "categorical", "i", "int32")
    rng = generator(seed, "categorical")
    cdf = np.cumsum(np.exp(logits - logits.max(axis=1, keepdims=True)), axis=1)
    cdf /= cdf[:, -1:]
    draws = rng.random((logits.shape[0], int(num_samples)))
    # per row, the first class whose cumulative probability exceeds the uniform draw
    out = np.stack([np.searchsorted(c, u, side="right") for c, u in zip(cdf, draws)]) \
        if len(cdf) else np.zeros((0, int(num_samples)))
    return _const(np.minimum(out, logits.shape[1] - 1).astype(dtype))


# --- ops on a tensor ------------------------------------------------------------------------

class _SeededDropout(DropoutFn):
    """``ops.nn.DropoutFn`` (its backward, ``g * mask``) with the mask drawn from a given
    generator, as Keras's NumPy backend draws it (uniform < keep probability)."""

    def forward(self, x):
        keep = 1.0 - self.rate
        shape = x.shape if self.noise_shape is None else self.noise_shape
        kept = self.generator.uniform(size=shape) < keep
        self.mask = kept.astype(x.dtype) * x.dtype.type(1.0 / keep)
        return x * self.mask


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Inverted dropout: each element is zeroed with probability ``rate`` and the rest are
    scaled by ``1 / (1 - rate)``; the gradient flows to ``inputs`` through the kept ones.

    Args:
        inputs: a float tensor.
        rate: the probability of dropping an element, in [0, 1].
        noise_shape: the shape of the drop mask, broadcast over ``inputs`` (None entries
            take the input's size: ``(batch, 1, features)`` drops whole features).
        seed: an int, a ``SeedGenerator`` or None.

    >>> dropout(np.ones((2, 4)), rate=0.5, seed=0).numpy()
    array([[0., 2., 2., 2.],
           [0., 0., 0., 0.]])
    """
    x = ops.convert_to_tensor(inputs)
    if isinstance(rate, bool) or not isinstance(_raw(rate), numbers.Real) \
            or not 0 <= float(_raw(rate)) <= 1:
        raise ValueError(f"dropout: `rate` must be a number in [0, 1], got {rate!r}")
    rate = float(_raw(rate))
    if x.dtype.kind != "f":
        raise ValueError(f"dropout: `inputs` must be a float tensor, got dtype {x.dtype}")
    if rate == 0.0:
        return x
    if rate == 1.0:
        return x * 0.0
    if noise_shape is not None:
        noise_shape = _noise_shape(noise_shape, x.shape)
    return _SeededDropout.apply(x, rate=rate, noise_shape=noise_shape,
                                generator=generator(seed, "dropout"))


def _noise_shape(noise_shape, shape):
    dims = tuple(shape[i] if n is None else int(n) for i, n in enumerate(noise_shape))
    if len(dims) != len(shape) or any(d not in (1, s) for d, s in zip(dims, shape)):
        raise ValueError(f"dropout: `noise_shape` {tuple(noise_shape)} does not broadcast to "
                         f"the inputs' shape {shape} (each entry must be 1, None or the "
                         "input's size)")
    return dims


def shuffle(x, axis=0, seed=None):
    """``x`` with its slices along ``axis`` in a random order (each slice stays whole, as
    Keras's TensorFlow and JAX backends; Keras's NumPy backend shuffles each lane on its own).
    The gradient flows back to ``x``.

    Args:
        x: the tensor to shuffle.
        axis: the axis to permute (default 0: the rows).
        seed: an int, a ``SeedGenerator`` or None.

    >>> sorted(shuffle(np.arange(5), seed=0).numpy().tolist())
    [0, 1, 2, 3, 4]
    """
    x = ops.convert_to_tensor(x)
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) \
            or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"shuffle: `axis` must be an int in [{-x.ndim}, {x.ndim}) for a "
                         f"tensor of shape {x.shape}, got {axis!r}")
    order = generator(seed, "shuffle").permutation(x.shape[axis])
    return ops.take(x, order, axis=int(axis))
