"""Weight initializers with Keras 3's names, arguments, defaults and formulas.

An initializer is called with a shape (and optional dtype) and returns a NumPy
array; layers wrap it in a Variable. Seeded initializers give the same values on
every call (``np.random.default_rng(seed)``); unseeded ones draw from
``lamina.backend.rng()``, so ``lamina.backend.set_random_seed`` makes a whole
model reproducible.

>>> from lamina import initializers
>>> w = initializers.get("glorot_uniform")((3, 4))
>>> w.shape, w.dtype
((3, 4), dtype('float32'))
>>> initializers.serialize(initializers.HeNormal(seed=1))["config"]
{'seed': 1}
"""
import inspect
import math
import numbers
import re

import numpy as np

from lamina import backend

__all__ = [
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
    "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "RandomNormal",
    "RandomUniform", "TruncatedNormal", "VarianceScaling", "Zeros", "compute_fans", "deserialize",
    "get", "serialize",
]


# --- helpers ---------------------------------------------------------------------------

def _shape(shape, who):
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"{who}: expected `shape` to be a tuple of ints, got {shape!r}") from None
    if not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d >= 0
               for d in dims):
        raise ValueError(f"{who}: expected `shape` to be a tuple of non-negative ints, "
                         f"got {shape!r}")
    return tuple(int(d) for d in dims)


def _dtype(dtype, who, float_only=False):
    dt = np.dtype(dtype or backend.floatx())
    if float_only and dt.kind != "f":
        raise ValueError(f"{who}: expected a float dtype, got {dt.name!r}")
    return dt


def _number(value, name, who, positive=False):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{who}: expected `{name}` to be a finite number, got {value!r}")
    if positive and value <= 0:
        raise ValueError(f"{who}: expected `{name}` to be positive, got {value!r}")
    return value


def _seed(seed, who):
    if seed is not None and (not isinstance(seed, numbers.Integral) or isinstance(seed, bool)):
        raise ValueError(f"{who}: expected `seed` to be an integer or None, got {seed!r}")
    return None if seed is None else int(seed)


def compute_fans(shape):
    """``(fan_in, fan_out)`` of a weight shape, as Keras computes them.

    Dense kernels are ``(in, out)``; convolution kernels ``(*window, in, out)``
    count every position of the window, so both fans are multiplied by the
    receptive field size.

    >>> compute_fans((3, 3, 8, 16))
    (72, 144)
    """
    shape = tuple(shape)
    if len(shape) < 1:  # a scalar weight: avoid dividing by zero
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive_field = int(np.prod(shape[:-2]))
    return int(shape[-2]) * receptive_field, int(shape[-1]) * receptive_field


def _truncated_standard_normal(rng, shape):
    """Standard normal draws, each one beyond 2 redrawn until it falls inside [-2, 2]."""
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2.0
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2.0
    return z


def _snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class _Catalog:
    """Name lookup, ``get``, ``serialize`` and ``deserialize`` for one family of objects.

    Shared by initializers, regularizers and constraints, which resolve identifiers
    exactly alike (Keras 3's rules); ``names`` maps each accepted string to a class
    or a factory function.
    """

    def __init__(self, kind, module, names):
        self.kind, self.module, self.names = kind, module, names

    def lookup(self, name, custom_objects=None):
        if custom_objects and name in custom_objects:
            return custom_objects[name]
        if name in self.names:
            return self.names[name]
        from lamina.utils.serialization import unknown_name
        raise unknown_name(self.kind, name, self.names)

    def serialize(self, obj):
        if obj is None:
            return None
        if not hasattr(obj, "get_config"):
            if not callable(obj):
                raise TypeError(f"{self.kind} serialize: expected an object with get_config() "
                                f"or a function, got {obj!r}")
            from lamina.utils.serialization import serialize_callable
            return serialize_callable(obj)  # a user's function, as Keras 3 writes one
        from lamina.utils.serialization import object_config
        return object_config(obj, self.module, self.names.get(type(obj).__name__) is type(obj))

    def deserialize(self, config, custom_objects=None):
        if config is None:
            return None
        if isinstance(config, str):
            return self.lookup(config, custom_objects)()
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(f"{self.kind} deserialize: expected a name or a dict with "
                             f"'class_name' and 'config', got {config!r}")
        name, inner = config["class_name"], config.get("config") or {}
        if name in ("function", "__lambda__"):  # code runs only where safe_mode is off
            from lamina.utils.serialization import deserialize_callable
            return deserialize_callable(config, custom_objects=custom_objects)
        registered = config.get("registered_name")
        if custom_objects and registered in custom_objects:  # a user's class, saved by Keras 3
            name = registered
        factory = self.lookup(name, custom_objects)
        if inspect.isclass(factory) and hasattr(factory, "from_config"):
            return factory.from_config(dict(inner))
        return factory(**inner)

    def get(self, identifier):
        if identifier is None:
            return None
        if isinstance(identifier, (str, dict)):
            obj = self.deserialize(identifier)
        else:
            obj = identifier
        if inspect.isclass(obj):
            obj = obj()
        if not callable(obj):  # ValueError, not TypeError: what Keras raises here
            raise ValueError(  # noqa: TRY004
                f"Could not interpret {self.kind} identifier: {identifier!r} "
                "(expected a name, a config dict, a callable or None)")
        return obj


def _repr(obj):
    try:
        args = ", ".join(f"{k}={v!r}" for k, v in obj.get_config().items())
    except NotImplementedError:
        args = ""
    return f"{type(obj).__name__}({args})"


# --- classes --------------------------------------------------------------------------

class Initializer:
    """Base class: ``__call__(shape, dtype=None)`` returns a NumPy array.

    Subclasses implement ``__call__`` and, if they take arguments, ``get_config``.
    Any function ``fn(shape, dtype=None)`` also works wherever an initializer does.

    >>> class Halves(Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return np.full(shape, 0.5, dtype=dtype or backend.floatx())
    >>> Halves()((2,))
    array([0.5, 0.5], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype)")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        # Keras 1/2 saved files put the dtype in initializer configs; it belongs to the layer
        config = {k: v for k, v in config.items() if k != "dtype"}
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())

    __repr__ = _repr


class Zeros(Initializer):
    """All zeros.

    >>> Zeros()((2, 2), dtype="float64")
    array([[0., 0.],
           [0., 0.]])
    """

    def __call__(self, shape, dtype=None):
        return np.zeros(_shape(shape, "Zeros"), dtype=_dtype(dtype, "Zeros"))


class Ones(Initializer):
    """All ones.

    >>> Ones()(3)
    array([1., 1., 1.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return np.ones(_shape(shape, "Ones"), dtype=_dtype(dtype, "Ones"))


class Constant(Initializer):
    """Every element equal to ``value`` (a number, or an array that broadcasts to the shape).

    >>> Constant(0.5)((2,))
    array([0.5, 0.5], dtype=float32)
    """

    def __init__(self, value=0.0):
        try:
            np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"Constant: expected `value` to be a number or numeric array, "
                             f"got {value!r}") from None
        self.value = value

    def __call__(self, shape, dtype=None):
        shape, dt = _shape(shape, "Constant"), _dtype(dtype, "Constant")
        value = np.asarray(self.value, dtype=dt)
        try:
            return np.array(np.broadcast_to(value, shape))
        except ValueError:
            raise ValueError(f"Constant: `value` of shape {value.shape} does not broadcast to "
                             f"the requested shape {shape}") from None

    def get_config(self):
        value = self.value
        if isinstance(value, np.ndarray):  # keep configs JSON-friendly
            value = value.tolist()
        elif isinstance(value, np.generic):
            value = value.item()
        return {"value": value}


class _Random(Initializer):
    """Holds the seed: fixed seed -> the same values on every call; None -> backend.rng()."""

    def __init__(self, seed=None):
        self.seed = _seed(seed, type(self).__name__)

    def _rng(self):
        return backend.rng() if self.seed is None else np.random.default_rng(self.seed)

    def _prepare(self, shape, dtype):
        who = type(self).__name__
        return _shape(shape, who), _dtype(dtype, who, float_only=True)

    def get_config(self):
        return {"seed": self.seed}


class RandomNormal(_Random):
    """Normal draws with ``mean`` and ``stddev``.

    >>> RandomNormal(stddev=1.0, seed=0)((1000,)).std().round(1)
    np.float32(1.0)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = _number(mean, "mean", "RandomNormal")
        self.stddev = _number(stddev, "stddev", "RandomNormal")
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape, dt = self._prepare(shape, dtype)
        return (self.mean + self.stddev * self._rng().standard_normal(shape)).astype(dt)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(_Random):
    """Uniform draws in ``[minval, maxval)``.

    >>> w = RandomUniform(-1.0, 1.0, seed=0)((100,)); bool(w.min() >= -1 and w.max() < 1)
    True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = _number(minval, "minval", "RandomUniform")
        self.maxval = _number(maxval, "maxval", "RandomUniform")
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape, dt = self._prepare(shape, dtype)
        return self._rng().uniform(self.minval, self.maxval, shape).astype(dt)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class TruncatedNormal(_Random):
    """Normal draws; any value more than 2 ``stddev`` from ``mean`` is drawn again.

    >>> w = TruncatedNormal(stddev=1.0, seed=0)((1000,)); bool(np.abs(w).max() <= 2)
    True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = _number(mean, "mean", "TruncatedNormal")
        self.stddev = _number(stddev, "stddev", "TruncatedNormal")
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape, dt = self._prepare(shape, dtype)
        z = _truncated_standard_normal(self._rng(), shape)
        return (self.mean + self.stddev * z).astype(dt)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class VarianceScaling(_Random):
    """Draws with variance ``scale / n``, ``n`` being fan_in, fan_out or their mean (``mode``).

    ``distribution``: 'truncated_normal' (stddev divided by 0.8796..., the stddev of
    a standard normal truncated to [-2, 2], so the result has the intended
    variance), 'untruncated_normal', or 'uniform' (limit ``sqrt(3 * scale / n)``).
    'normal' means 'truncated_normal', as in Keras.

    >>> VarianceScaling(2.0, "fan_in", "uniform", seed=0)((50, 10)).max() <= np.sqrt(6 / 50)
    np.True_
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        who = type(self).__name__
        self.scale = _number(scale, "scale", who, positive=True)
        if mode not in self._MODES:
            raise ValueError(f"{who}: expected `mode` to be one of {self._MODES}, got {mode!r}")
        dist = distribution.lower() if isinstance(distribution, str) else distribution
        dist = "truncated_normal" if dist == "normal" else dist
        if dist not in self._DISTRIBUTIONS:
            raise ValueError(f"{who}: expected `distribution` to be one of "
                             f"{self._DISTRIBUTIONS}, got {distribution!r}")
        self.mode, self.distribution = mode, dist
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape, dt = self._prepare(shape, dtype)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            w = math.sqrt(scale) / 0.87962566103423978 * _truncated_standard_normal(rng, shape)
        elif self.distribution == "untruncated_normal":
            w = math.sqrt(scale) * rng.standard_normal(shape)
        else:
            limit = math.sqrt(3.0 * scale)
            w = rng.uniform(-limit, limit, shape)
        return w.astype(dt)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution}


class _Preset(VarianceScaling):
    """A VarianceScaling with fixed arguments whose config holds only the seed, as in Keras."""

    _args = ()  # (scale, mode, distribution)

    def __init__(self, seed=None):
        super().__init__(*self._args, seed=seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotNormal(_Preset):
    """Glorot (Xavier) normal: truncated normal with stddev ``sqrt(2 / (fan_in + fan_out))``.

    >>> GlorotNormal(seed=0)((4, 4)).shape
    (4, 4)
    """

    _args = (1.0, "fan_avg", "truncated_normal")


class GlorotUniform(_Preset):
    """Glorot (Xavier) uniform in ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))``.

    >>> GlorotUniform(seed=0)((4, 4)).shape
    (4, 4)
    """

    _args = (1.0, "fan_avg", "uniform")


class HeNormal(_Preset):
    """He normal: truncated normal with stddev ``sqrt(2 / fan_in)``.

    >>> HeNormal(seed=0)((4, 4)).shape
    (4, 4)
    """

    _args = (2.0, "fan_in", "truncated_normal")


class HeUniform(_Preset):
    """He uniform in ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)``.

    >>> HeUniform(seed=0)((4, 4)).shape
    (4, 4)
    """

    _args = (2.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """LeCun normal: truncated normal with stddev ``sqrt(1 / fan_in)``.

    >>> LecunNormal(seed=0)((4, 4)).shape
    (4, 4)
    """

    _args = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """LeCun uniform in ``[-limit, limit]``, ``limit = sqrt(3 / fan_in)``.

    >>> LecunUniform(seed=0)((4, 4)).shape
    (4, 4)
    """

    _args = (1.0, "fan_in", "uniform")


class Orthogonal(_Random):
    """An orthogonal matrix (times ``gain``) from the QR decomposition of normal draws.

    Shapes of rank > 2 are treated as ``(prod(shape[:-1]), shape[-1])`` matrices.
    With fewer rows than columns the rows are orthonormal, otherwise the columns.

    >>> w = Orthogonal(seed=0)((5, 3)); np.allclose(w.T @ w, np.eye(3), atol=1e-6)
    True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = _number(gain, "gain", "Orthogonal")
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape, dt = self._prepare(shape, dtype)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the shape to initialize must have rank >= 2, "
                             f"got shape={shape} of rank {len(shape)}")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))  # makes the result uniformly distributed over orthogonal matrices
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dt)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


class Identity(Initializer):
    """``gain`` times the identity matrix (rectangular shapes get ones on the main diagonal).

    >>> Identity(gain=2.0)((2, 3))
    array([[2., 0., 0.],
           [0., 2., 0.]], dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = _number(gain, "gain", "Identity")

    def __call__(self, shape, dtype=None):
        shape, dt = _shape(shape, "Identity"), _dtype(dtype, "Identity")
        if len(shape) != 2:
            raise ValueError(f"Identity: can only initialize 2D matrices, got shape={shape} "
                             f"of rank {len(shape)}")
        return (self.gain * np.eye(*shape)).astype(dt)

    def get_config(self):
        return {"gain": self.gain}


# --- lookup ---------------------------------------------------------------------------

_CLASSES = [Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Identity, LecunNormal,
            LecunUniform, Ones, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal,
            VarianceScaling, Zeros]
_NAMES = {c.__name__: c for c in _CLASSES}
_NAMES.update({_snake(c.__name__): c for c in _CLASSES})
# Keras 3's aliases (the short ones are Keras 1/2 names kept for old code and files)
_NAMES.update({"OrthogonalInitializer": Orthogonal, "IdentityInitializer": Identity,
               "uniform": RandomUniform, "normal": RandomNormal, "one": Ones, "zero": Zeros})

_catalog = _Catalog("initializer", "keras.initializers", _NAMES)


def serialize(initializer):
    """Keras 3 config dict of an initializer: module, class_name, config, registered_name.

    >>> serialize(Constant(2.0))
    {'module': 'keras.initializers', 'class_name': 'Constant', 'config': {'value': 2.0}, \
'registered_name': None}
    """
    return _catalog.serialize(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from a name or a ``{'class_name': ..., 'config': ...}`` dict.

    >>> deserialize({"class_name": "RandomUniform", "config": {"maxval": 1.0}}).maxval
    1.0
    """
    return _catalog.deserialize(config, custom_objects)


def get(identifier):
    """An initializer from None, a name, a config dict, a class, an instance or a function.

    >>> get("he_normal")
    HeNormal(seed=None)
    >>> get(None) is None
    True
    """
    return _catalog.get(identifier)
