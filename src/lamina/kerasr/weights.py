"""kerasR's initializers, regularizers and constraints, on lamina's.

kerasR's names are Keras 2's: classes (``RandomNormal()``) and lower-case functions
(``glorot_uniform()``, ``l2()``, ``max_norm()``). Each returns the lamina object, to pass
to a layer: ``Dense(units = 3, kernel_initializer = Zeros(), kernel_regularizer = l2())``.
``Identity`` is the identity-matrix *initializer*, as in kerasR (not the Identity layer).
"""
from lamina.kerasr._coerce import _int


def _seed(seed, who):
    return None if seed is None else _int(seed, f"{who}: seed")


# --- initializers ----------------------------------------------------------------------------
def Zeros():
    """All zeros.

    >>> Zeros()((2, 2)).sum()
    np.float32(0.0)
    """
    from lamina import initializers
    return initializers.Zeros()


def Ones():
    """All ones.

    >>> Ones()((2, 2)).sum()
    np.float32(4.0)
    """
    from lamina import initializers
    return initializers.Ones()


def Constant(value=0.0):
    """Every weight equal to ``value``.

    >>> float(Constant(value=0.5)((3,))[0])
    0.5
    """
    from lamina import initializers
    return initializers.Constant(value=value)


def RandomNormal(mean=0.0, stddev=0.05, seed=None):
    """Normal draws with the given mean and standard deviation.

    >>> init = RandomNormal(stddev=0.1, seed=1)
    """
    from lamina import initializers
    return initializers.RandomNormal(mean=mean, stddev=stddev, seed=_seed(seed, "RandomNormal"))


def RandomUniform(minval=-0.05, maxval=0.05, seed=None):
    """Uniform draws in [minval, maxval).

    >>> init = RandomUniform(minval=0, maxval=1)
    """
    from lamina import initializers
    return initializers.RandomUniform(minval=minval, maxval=maxval,
                                      seed=_seed(seed, "RandomUniform"))


def TruncatedNormal(mean=0.0, stddev=0.05, seed=None):
    """Normal draws, redrawn when more than two standard deviations from the mean.

    >>> init = TruncatedNormal(seed=0)
    """
    from lamina import initializers
    return initializers.TruncatedNormal(mean=mean, stddev=stddev,
                                        seed=_seed(seed, "TruncatedNormal"))


def VarianceScaling(scale=1.0, mode="fan_in", distribution="normal", seed=None):
    """Variance ``scale / n`` with n = fan_in, fan_out or their mean.

    kerasR's ``distribution = 'normal'`` is a truncated normal (Keras 3's
    'truncated_normal', whose stddev is corrected for the truncation).

    >>> init = VarianceScaling(scale=2, mode="fan_in", distribution="uniform")
    """
    from lamina import initializers
    return initializers.VarianceScaling(scale=scale, mode=mode, distribution=distribution,
                                        seed=_seed(seed, "VarianceScaling"))


def Orthogonal(gain=1.0, seed=None):
    """A random orthogonal matrix times ``gain``.

    >>> init = Orthogonal(gain=1)
    """
    from lamina import initializers
    return initializers.Orthogonal(gain=gain, seed=_seed(seed, "Orthogonal"))


def Identity(gain=1.0):
    """The identity matrix times ``gain`` (for square 2D weights).

    >>> Identity()((2, 2)).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    from lamina import initializers
    return initializers.Identity(gain=gain)


def lecun_uniform(seed=None):
    """Uniform in +-sqrt(3 / fan_in).

    >>> init = lecun_uniform(seed=0)
    """
    from lamina import initializers
    return initializers.LecunUniform(seed=_seed(seed, "lecun_uniform"))


def glorot_normal(seed=None):
    """Truncated normal with variance 2 / (fan_in + fan_out).

    >>> init = glorot_normal()
    """
    from lamina import initializers
    return initializers.GlorotNormal(seed=_seed(seed, "glorot_normal"))


def glorot_uniform(seed=None):
    """Uniform in +-sqrt(6 / (fan_in + fan_out)), Keras's default for kernels.

    >>> init = glorot_uniform()
    """
    from lamina import initializers
    return initializers.GlorotUniform(seed=_seed(seed, "glorot_uniform"))


def he_normal(seed=None):
    """Truncated normal with variance 2 / fan_in.

    >>> init = he_normal()
    """
    from lamina import initializers
    return initializers.HeNormal(seed=_seed(seed, "he_normal"))


def he_uniform(seed=None):
    """Uniform in +-sqrt(6 / fan_in).

    >>> init = he_uniform()
    """
    from lamina import initializers
    return initializers.HeUniform(seed=_seed(seed, "he_uniform"))


# --- regularizers ----------------------------------------------------------------------------
def l1(l=0.01):
    """Penalty ``l * sum(|w|)``.

    >>> l1(l=0.1)
    L1(l1=0.1)
    """
    from lamina import regularizers
    return regularizers.L1(l)


def l2(l=0.01):
    """Penalty ``l * sum(w^2)``.

    >>> l2()
    L2(l2=0.01)
    """
    from lamina import regularizers
    return regularizers.L2(l)


def l1_l2(l1=0.01, l2=0.01):
    """Penalty ``l1 * sum(|w|) + l2 * sum(w^2)``.

    >>> l1_l2(l1=0.01, l2=0.02)
    L1L2(l1=0.01, l2=0.02)
    """
    from lamina import regularizers
    return regularizers.L1L2(l1=l1, l2=l2)


# --- constraints -----------------------------------------------------------------------------
def max_norm(max_value=2.0, axis=0):
    """Rescales each incoming weight vector (along ``axis``) to norm at most ``max_value``.

    >>> c = max_norm(max_value=3)
    """
    from lamina import constraints
    return constraints.MaxNorm(max_value=max_value, axis=_int(axis, "max_norm: axis"))


def non_neg():
    """Sets negative weights to 0.

    >>> c = non_neg()
    """
    from lamina import constraints
    return constraints.NonNeg()


def unit_norm():
    """Rescales each incoming weight vector (axis 0) to norm 1.

    >>> c = unit_norm()
    """
    from lamina import constraints
    return constraints.UnitNorm()
