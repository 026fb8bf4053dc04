"""The rnn package's helpers: binary coding, sigmoid functions, epoch functions, R idioms.

Everything here works on plain NumPy arrays (no autodiff), as in R:

>>> int2bin([5, 6], length=4)            # least significant bit first, as R's intToBits
array([[1., 0., 1., 0.],
       [0., 1., 1., 0.]])
>>> bin2int([[0.9, 0.2, 0.7, 0.1]])      # rounded first
array([5])
>>> X = array(c(X1, X2), dim=c(dim(X1), 2))   # R's array(c(X1, X2), dim=c(dim(X1), 2))
"""
import numpy as np

from lamina import backend

__all__ = [
    "Gompertz", "array", "b2i", "bin2int", "c", "dim", "epoch_annealing", "epoch_print", "i2b",
    "int2bin", "inverse_Gompertz", "leakyrelu", "logistic", "logit", "loss_L1", "relu",
    "relu_output_to_derivative", "sample", "sigmoid", "sigmoid_output_to_derivative", "tanh",
    "tanh_output_to_derivative",
]

_MAX_BITS = 64


# --- numbers printed as R's paste0 prints them -------------------------------------------
def r_format(x):
    """A number as R's ``paste0`` writes it: up to 7 significant digits, no trailing zeros."""
    x = float(x)
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Inf" if x > 0 else "-Inf"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return format(x, ".7g")


# --- binary coding ----------------------------------------------------------------------
def _check_length(length, who):
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)):
        try:
            ok = float(length).is_integer()
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise TypeError(f"{who}: argument `length` must be an integer, got {length!r}")
    length = int(length)
    if not 1 <= length <= _MAX_BITS:
        raise ValueError(f"{who}: argument `length` must be between 1 and {_MAX_BITS}, "
                         f"got {length}")
    return length


def _integers(values, who):
    arr = np.asarray(values)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"{who}: argument `integer` must hold integers, got an array of dtype "
                        f"{arr.dtype}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{who}: argument `integer` contains NaN or infinite values")
        if not np.all(arr == np.trunc(arr)):
            bad = arr[arr != np.trunc(arr)].ravel()[0]
            raise ValueError(f"{who}: argument `integer` must hold whole numbers, got {bad!r} "
                             "(R's intToBits would silently truncate it)")
    return arr.astype(np.int64)


def i2b(integer, length=8):
    """One integer as ``length`` bits, least significant first (R's ``intToBits``).

    Negative numbers come out in two's complement, as in R.

    >>> i2b(6, length=4)
    array([0., 1., 1., 0.])
    """
    length = _check_length(length, "i2b")
    arr = _integers(integer, "i2b")
    if arr.ndim != 0:
        raise ValueError(f"i2b: argument `integer` must be a single integer, got shape "
                         f"{arr.shape}; use int2bin for several")
    return int2bin(arr.reshape(1), length)[0]


def int2bin(integer, length=8):
    """Integers as a (numbers, length) matrix of bits, least significant bit first.

    As the rnn package's ``int2bin`` (``t(sapply(integer, i2b))``), a single number gives a
    1-row matrix. Bits are float64 0/1, ready to be network inputs or targets.

    Args:
        integer: an integer or a sequence/array of integers (whole-valued floats are fine).
        length: number of bits kept, 1 to 64 (R: up to 32).

    >>> int2bin(6, length=4)
    array([[0., 1., 1., 0.]])
    """
    length = _check_length(length, "int2bin")
    arr = _integers(integer, "int2bin").reshape(-1)
    # an arithmetic right shift of int64 gives two's complement bits for negative numbers
    bits = (arr[:, None] >> np.arange(length, dtype=np.int64)) & 1
    return bits.astype(np.float64)


def b2i(binary):
    """One vector of bits (least significant first) as an integer; see ``bin2int``.

    >>> b2i([0, 1, 1])
    6
    """
    arr = np.asarray(binary)
    if arr.ndim != 1:
        raise ValueError(f"b2i: argument `binary` must be one vector of bits, got shape "
                         f"{arr.shape}; use bin2int for a matrix")
    return int(bin2int(arr.reshape(1, -1))[0])


def bin2int(binary):
    """Rows of bits (least significant first) as integers, rounding the bits first.

    As in R, each value is rounded (half to even) and only its lowest bit counts, so network
    outputs between 0 and 1 can be passed directly. With 32 bits the result is a signed
    32-bit integer as R's ``packBits(..., 'integer')`` gives (64 bits: signed 64-bit).

    Args:
        binary: a (numbers, bits) matrix (one 1-D vector of bits is taken as one number,
            and a (numbers, bits, 1) array as its matrix).

    Returns:
        an int64 array with one integer per row.

    >>> bin2int(np.array([[0.2, 0.9, 0.6], [1, 0, 0]]))
    array([6, 1])
    """
    arr = np.asarray(binary)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"bin2int: argument `binary` must be numeric, got an array of dtype "
                        f"{arr.dtype}")
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2:
        raise ValueError(f"bin2int: argument `binary` must be a (numbers, bits) matrix, got "
                         f"shape {arr.shape}")
    nbits = arr.shape[1]
    if not 1 <= nbits <= _MAX_BITS:
        raise ValueError(f"bin2int: between 1 and {_MAX_BITS} bits per number are supported, "
                         f"got {nbits}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError("bin2int: argument `binary` contains NaN or infinite values")
    bits = (np.round(arr).astype(np.int64) & 1).astype(np.uint64)
    values = (bits << np.arange(nbits, dtype=np.uint64)).sum(axis=1, dtype=np.uint64)
    if nbits == 32:
        return values.astype(np.uint32).view(np.int32).astype(np.int64)
    return values.view(np.int64)


# --- R idioms for building arrays -----------------------------------------------------------
def c(*values):
    """R's ``c()``: concatenate values into one vector, matrices read column by column.

    R stores arrays column-major, so ``c(X1, X2)`` of two matrices lists X1's first column,
    then its second, ..., then X2's. Use it with ``array`` to translate
    ``array(c(X1, X2), dim=c(dim(X1), 2))`` verbatim.

    >>> c(np.array([[1, 2], [3, 4]]), 5)
    array([1, 3, 2, 4, 5])
    """
    parts = [np.ravel(np.asarray(v), order="F") for v in values]
    return np.concatenate(parts) if parts else np.array([], dtype=np.float64)


def dim(x):
    """R's ``dim()``: the shape of an array, as a tuple."""
    return np.shape(x)


def array(data, dim):
    """R's ``array(data, dim)``: fill an array of shape ``dim`` column-major (R's order).

    As in R, data shorter than the array is recycled and longer data is cut. Together with
    ``c`` this turns R's ``X <- array(c(X1, X2), dim=c(dim(X1), 2))`` into
    ``X = array(c(X1, X2), dim=c(dim(X1), 2))``: X[:, :, 0] is X1 and X[:, :, 1] is X2,
    the same as ``np.stack([X1, X2], axis=2)``.

    >>> array(c(np.zeros((3, 8)), np.ones((3, 8))), dim=(3, 8, 2)).shape
    (3, 8, 2)
    """
    shape = tuple(int(d) for d in np.ravel(np.asarray(dim)))
    if any(d < 0 for d in shape):
        raise ValueError(f"array: argument `dim` must hold non-negative sizes, got {shape}")
    flat = np.ravel(np.asarray(data), order="F")
    size = int(np.prod(shape, dtype=np.int64))
    if flat.size == 0 and size > 0:
        raise ValueError("array: argument `data` is empty")
    return np.reshape(np.resize(flat, size), shape, order="F")


def sample(x, size=None, replace=False):
    """R's ``sample(x, size, replace)``, drawing from lamina's random generator.

    ``x`` is a sequence (``range(0, 128)`` for R's ``0:127``) or, as in R, a positive integer
    n meaning 1..n. Seed with ``lamina.backend.set_random_seed``.

    >>> X1 = sample(range(0, 128), 10000, replace=True)
    """
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        if x < 1:
            raise ValueError(f"sample: an integer `x` must be >= 1 (R samples from 1:x), got {x}")
        pool = np.arange(1, int(x) + 1)
    else:
        pool = np.asarray(list(x) if isinstance(x, range) else x)
        if pool.ndim != 1:
            raise ValueError(f"sample: argument `x` must be one-dimensional, got shape "
                             f"{pool.shape}")
    size = len(pool) if size is None else int(size)
    if not replace and size > len(pool):
        raise ValueError(f"sample: cannot take a sample of {size} from {len(pool)} values "
                         "without replacement; pass replace=True")
    return backend.rng().choice(pool, size=size, replace=bool(replace))


# --- sigmoid helpers (the `sigmoid` R package the rnn package imports) --------------------
def _float(x):
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"expected numeric input, got an array of dtype {arr.dtype}")
    return arr.astype(np.float64) if arr.dtype.kind != "f" else arr


def logistic(x, k=1, x0=0):
    """Standard logistic ``1 / (1 + exp(-k * (x - x0)))``, computed without overflow.

    >>> round(float(logistic(3)), 7)
    0.9525741
    """
    z = -k * (_float(x) - x0)
    e = np.exp(-np.abs(z))
    return np.where(z <= 0, 1 / (1 + e), e / (1 + e))


def Gompertz(x, a=1, b=1, c=1):  # noqa: N802 - the R package's name
    """Gompertz function ``a * exp(-b * exp(-c * x))``."""
    with np.errstate(over="ignore"):
        return a * np.exp(-b * np.exp(-c * _float(x)))


def tanh(x):
    """Hyperbolic tangent."""
    return np.tanh(_float(x))


def relu(x):
    """Rectified linear unit ``max(0, x)``."""
    x = _float(x)
    return np.maximum(x, 0.0)


def leakyrelu(x):
    """Leaky ReLU: ``x`` where positive, ``0.01 * x`` elsewhere (the sigmoid package's slope)."""
    x = _float(x)
    return np.where(x > 0, x, 0.01 * x)


def logit(x):
    """Inverse of the logistic: ``log(x / (1 - x))``."""
    x = _float(x)
    return np.log(x / (1 - x))


def inverse_Gompertz(x):  # noqa: N802
    """Inverse of the standard Gompertz function: ``-log(-log(x))``."""
    return -np.log(-np.log(_float(x)))


def sigmoid(x, method="logistic", inverse=False, **kwargs):
    """The sigmoid package's wrapper: ``method`` one of 'logistic', 'Gompertz', 'tanh',
    'ReLU', 'leakyReLU'; ``inverse=True`` gives logit / inverse Gompertz.

    >>> sigmoid(0.0)
    0.5
    """
    methods = {"logistic": logistic, "gompertz": Gompertz, "tanh": tanh, "relu": relu,
               "leakyrelu": leakyrelu}
    key = str(method).lower()
    if key not in methods:
        raise ValueError(f"sigmoid: argument `method` must be one of 'logistic', 'Gompertz', "
                         f"'tanh', 'ReLU', 'leakyReLU', got {method!r}")
    if inverse:
        if key == "logistic":
            return logit(x)
        if key == "gompertz":
            return inverse_Gompertz(x)
        if key == "tanh":
            return np.arctanh(_float(x))
        raise ValueError(f"sigmoid: method {method!r} has no inverse")
    out = methods[key](x, **kwargs)
    return float(out) if np.ndim(out) == 0 else out


def sigmoid_output_to_derivative(x):
    """The logistic's derivative from its output ``s``: ``s * (1 - s)``.

    >>> sigmoid_output_to_derivative(0.5)
    0.25
    """
    x = _float(x)
    out = x * (1 - x)
    return float(out) if np.ndim(out) == 0 else out


def tanh_output_to_derivative(x):
    """tanh's derivative from its output ``t``: ``1 - t**2``."""
    x = _float(x)
    out = 1 - x * x
    return float(out) if np.ndim(out) == 0 else out


def relu_output_to_derivative(x):
    """ReLU's derivative from its output: 1 where positive, else 0."""
    x = _float(x)
    out = (x > 0).astype(np.float64)
    return float(out) if np.ndim(out) == 0 else out


# --- epoch functions and the loss function: called by trainr --------------------------------
def epoch_print(model):
    """Print the epoch just trained, its learning rate and its mean error; return the model.

    The package's format::

        Trained epoch: 1 - Learning rate: 1
        Epoch error: 0.3541
    """
    print(f"Trained epoch: {model.current_epoch} - Learning rate: {r_format(model.learningrate)}",
          flush=True)
    print(f"Epoch error: {r_format(model.epoch_error[model.current_epoch - 1])}", flush=True)
    return model


def epoch_annealing(model):
    """Multiply the learning rate by ``learningrate_decay``; return the model."""
    model.learningrate = model.learningrate * model.learningrate_decay
    return model


def loss_L1(model):  # noqa: N802 - the R package's name
    """Turn the batch's gradients into the weight update by applying the learning rate.

    The rnn package calls this its "L1" loss function; what it does is scale the update by
    the learning rate (the error it reports is L1: the sum of absolute output errors).
    trainr calls it once per batch with ``model.gradients`` holding the true gradients of
    the batch's half squared error; it scales them in place and returns the model, after
    which the update rule applies ``w -= gradient`` (plus momentum).
    """
    lr = model.learningrate
    for g in model.gradients:
        g *= lr
    return model
