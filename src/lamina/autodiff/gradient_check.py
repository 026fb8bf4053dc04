"""Finite-difference gradient checking in float64: one checker serves every op.

Written against Tensor, Function and raw arrays only: autodiff is the floor below
``lamina.ops``, so the checker reaches no op of it (the ops' own tests use it).
"""
import numpy as np

from lamina.autodiff.tensor import Function, Tensor


class _Contraction(Function):
    """sum_k sum(outputs[k] * weights[k]): one scalar whose backward seeds every output with
    its fixed random weights, so a single backward pass checks every output element."""

    def forward(self, *outputs):
        total = 0.0
        for o, w in zip(outputs, self.weights):
            total = total + np.sum(o * w)
        return np.asarray(total, dtype=np.float64)

    def backward(self, g):
        return tuple(g * w for w in self.weights)


def numerical_gradient(f, arrays, index, eps=1e-6):
    """Central-difference gradient of scalar ``f(*arrays)`` with respect to ``arrays[index]``."""
    x = arrays[index]
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        orig = flat[i]
        flat[i] = orig + eps
        plus = f(*arrays)
        flat[i] = orig - eps
        minus = f(*arrays)
        flat[i] = orig
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def gradient_check(fn, *inputs, wrt=None, eps=1e-6, atol=1e-6, rtol=1e-5, seed=0):
    """Compare ``fn``'s backward pass with central finite differences, in float64.

    ``fn`` maps Tensors to a Tensor (or a tuple of Tensors). Each output is
    contracted with a fixed random array so every output element is checked.
    ``wrt`` lists the input indices to check (default: every float input).
    Returns True, or raises AssertionError naming the input and the worst element.

    >>> from lamina import ops
    >>> gradient_check(lambda a, b: ops.multiply(a, b), np.ones((2, 3)), np.ones(3))
    True
    """
    # contiguous copies: the finite differences perturb elements through a flat view
    arrays = [np.array(x, dtype=np.float64, order="C") if np.asarray(x).dtype.kind == "f"
              else np.asarray(x) for x in inputs]
    if wrt is None:
        wrt = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]
    rng = np.random.default_rng(seed)
    weights = None

    def outputs_of(*arrs):
        outs = fn(*[Tensor(a, requires_grad=(i in wrt)) for i, a in enumerate(arrs)])
        return outs if isinstance(outs, (tuple, list)) else (outs,)

    def scalar(*arrs):
        total = 0.0
        for o, w in zip(outputs_of(*arrs), weights):
            total += float(np.sum(np.asarray(o.data, dtype=np.float64) * w))
        return total

    tensors = [Tensor(a.copy(), requires_grad=(i in wrt)) for i, a in enumerate(arrays)]
    outs = fn(*tensors)
    outs = outs if isinstance(outs, (tuple, list)) else (outs,)
    weights = [rng.standard_normal(o.shape) for o in outs]
    for o in outs:
        if o.data.dtype != np.float64:
            raise AssertionError(f"gradient_check: output dtype is {o.data.dtype}, expected "
                                 "float64 (the op must keep its inputs' precision)")
    traced = [(o, w) for o, w in zip(outs, weights) if o.requires_grad]
    if traced:
        _Contraction.apply(*[o for o, _ in traced], weights=[w for _, w in traced]).backward()
    for i in wrt:
        analytic = tensors[i].grad
        if analytic is None:
            analytic = np.zeros_like(arrays[i])
        numeric = numerical_gradient(scalar, arrays, i, eps)
        err = np.abs(analytic - numeric)
        tol = atol + rtol * np.abs(numeric)
        if not np.all(err <= tol):
            j = np.unravel_index(np.argmax(err - tol), err.shape)
            raise AssertionError(
                f"gradient_check: input {i} (shape {arrays[i].shape}) "
                f"element {tuple(map(int, j))}: "
                f"backward gives {analytic[j]:.8g}, finite differences {numeric[j]:.8g} "
                f"(max abs error {err.max():.3g})")
    return True
