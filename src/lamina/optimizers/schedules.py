"""Learning-rate schedules (Keras 3 ``keras.optimizers.schedules``).

A schedule maps the optimizer's step count to a learning rate; pass one as an
optimizer's ``learning_rate``::

    lr = ExponentialDecay(1e-2, decay_steps=10000, decay_rate=0.9)
    opt = lamina.optimizers.SGD(learning_rate=lr)

A scalar step gives a float (computed with ``math``: the optimizer calls its schedule
every step), an array of steps an array.
"""
import bisect
import itertools
import math

import numpy as np

from lamina.utils.serialization import object_config


class _ScalarMath:
    """The few NumPy functions the formulas use, for one Python float (much faster)."""
    floor, ceil, cos, log = math.floor, math.ceil, math.cos, math.log
    minimum, power = staticmethod(min), staticmethod(pow)

    @staticmethod
    def where(cond, a, b):
        return a if cond else b


def _evaluate(formula, step):
    """Run ``formula(step, xp)`` with ``math`` for a scalar step, NumPy for an array."""
    if isinstance(step, (int, float)) or np.ndim(step) == 0:
        return float(formula(float(step), _ScalarMath))
    return np.asarray(formula(np.asarray(step, np.float64), np), np.float64)


def _positive(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or value <= 0:
        raise ValueError(f"{owner}: argument `{name}` must be > 0. Received: {name}={value!r}")


class LearningRateSchedule:
    """Base class: implement ``__call__(self, step)`` (and ``get_config`` to be saved).

    >>> class Halving(LearningRateSchedule):
    ...     def __init__(self, lr): self.lr = lr
    ...     def __call__(self, step): return self.lr * 0.5 ** (step // 100)
    ...     def get_config(self): return {"lr": self.lr}
    >>> Halving(0.1)(250)
    0.025
    """

    def __call__(self, step):
        if type(self)._formula is LearningRateSchedule._formula:
            raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must "
                                      "override `__call__(self, step)`.")
        return _evaluate(self._formula, step)

    def _formula(self, step, xp):
        """The built-in schedules' rate at ``step`` (a float or array), with ``xp`` the math
        module (math or numpy) that suits ``step``."""
        raise NotImplementedError

    def get_config(self):
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must "
                                  "override `get_config()` in order to be serializable.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _RateDecay(LearningRateSchedule):
    """Shared by the schedules driven by ``decay_rate`` over ``step / decay_steps``."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        _positive(type(self).__name__, "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name or type(self).__name__

    def _progress(self, step, xp):
        p = step / self.decay_steps
        return xp.floor(p) if self.staircase else p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RateDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (integer division
    when ``staircase``).

    >>> ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20)
    0.025
    """

    def _formula(self, step, xp):
        return self.initial_learning_rate * xp.power(float(self.decay_rate),
                                                     self._progress(step, xp))


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after the last boundary.

    >>> s = PiecewiseConstantDecay([100, 110], [1.0, 0.5, 0.1])
    >>> s(100), s(101), s(111)
    (1.0, 0.5, 0.1)
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) != len(values) - 1:
            raise ValueError("PiecewiseConstantDecay: the length of boundaries should be 1 less "
                             f"than the length of values. Received: boundaries={boundaries} of "
                             f"length {len(boundaries)}, and values={values} of length "
                             f"{len(values)}.")
        if any(b >= c for b, c in itertools.pairwise(boundaries)):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must be strictly increasing, "
                             f"got {boundaries}")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        # bisect_left / side="left": i with boundaries[i-1] < step <= boundaries[i]
        if isinstance(step, (int, float)) or np.ndim(step) == 0:
            return float(self.values[bisect.bisect_left(self.boundaries, float(step))])
        i = np.searchsorted(np.asarray(self.boundaries, np.float64),
                            np.asarray(step, np.float64), side="left")
        return np.asarray(self.values, np.float64)[i]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps``:
    ``(initial - end) * (1 - min(step, decay_steps) / decay_steps) ** power + end``; with
    ``cycle``, ``decay_steps`` grows to the first multiple at or above ``step``.

    >>> PolynomialDecay(0.1, 10, end_learning_rate=0.0)(5)
    0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        _positive("PolynomialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def _formula(self, step, xp):
        decay_steps = float(self.decay_steps)
        if self.cycle:
            decay_steps = decay_steps * xp.where(step == 0, 1.0, xp.ceil(step / decay_steps))
        else:
            step = xp.minimum(step, decay_steps)
        p = step / decay_steps
        return ((self.initial_learning_rate - self.end_learning_rate)
                * xp.power(1.0 - p, self.power) + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(_RateDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (integer division
    when ``staircase``).

    >>> InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)(2)
    0.05
    """

    def _formula(self, step, xp):
        return self.initial_learning_rate / (1.0 + self.decay_rate * self._progress(step, xp))


class CosineDecay(LearningRateSchedule):
    """Cosine decay with optional linear warmup.

    Without ``warmup_target``: ``initial * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps))
    + alpha)`` with ``s = min(step, decay_steps)``. With it: a linear ramp from
    ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``, then that decay
    from ``warmup_target``.

    >>> CosineDecay(0.1, decay_steps=10)(5)
    0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        _positive("CosineDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, step, lr0, xp):
        cosine = 0.5 * (1.0 + xp.cos(math.pi * step / self.decay_steps))
        return lr0 * ((1.0 - self.alpha) * cosine + self.alpha)

    def _formula(self, step, xp):
        if self.warmup_target is None:
            return self._decay(xp.minimum(step, self.decay_steps), self.initial_learning_rate,
                               xp)
        step = xp.minimum(step, self.decay_steps + self.warmup_steps)
        w = float(self.warmup_steps)
        warm = ((self.warmup_target - self.initial_learning_rate) * (step / w if w else 0.0)
                + self.initial_learning_rate)
        return xp.where(step < w, warm, self._decay(step - w, self.warmup_target, xp))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): each period is ``t_mul`` times longer than
    the last and starts at ``m_mul`` times its learning rate.

    >>> CosineDecayRestarts(0.1, first_decay_steps=10)(10)  # a restart
    0.1
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        _positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def _formula(self, step, xp):
        frac = step / self.first_decay_steps
        t_mul, m_mul = float(self._t_mul), float(self._m_mul)
        if t_mul == 1.0:
            i = xp.floor(frac)
            frac = frac - i
        else:
            i = xp.floor(xp.log(1.0 - frac * (1.0 - t_mul)) / math.log(t_mul))
            sum_r = (1.0 - t_mul ** i) / (1.0 - t_mul)
            frac = (frac - sum_r) / t_mul ** i
        cosine = 0.5 * m_mul ** i * (1.0 + xp.cos(math.pi * frac))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


ALL_OBJECTS = {c.__name__: c for c in (
    LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
    InverseTimeDecay, CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule):
    """The schedule as a Keras 3 config dict (``module``, ``class_name``, ``config``,
    ``registered_name``)."""
    cls = type(learning_rate_schedule)
    builtin = ALL_OBJECTS.get(cls.__name__) is cls
    return object_config(learning_rate_schedule, "keras.optimizers.schedules", builtin)


def deserialize(config, custom_objects=None):
    """A schedule from ``serialize``'s dict (``{'class_name': ..., 'config': {...}}``)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"schedules.deserialize: expected a dict with 'class_name' and "
                         f"'config', got {config!r}")
    name = config["class_name"]
    custom_objects = custom_objects or {}
    cls = custom_objects.get(name) or custom_objects.get(config.get("registered_name")) \
        or ALL_OBJECTS.get(name)
    if cls is None:
        raise ValueError(f"Unknown learning rate schedule {name!r}. Valid names: "
                         f"{', '.join(sorted(ALL_OBJECTS))} (or pass custom_objects)")
    return cls.from_config(dict(config.get("config", {})))
