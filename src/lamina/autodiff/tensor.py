"""Tensor, Function and the reverse graph walk.

A ``Function`` keeps forward and backward side by side on raw NumPy arrays.
``Function.apply`` runs ``forward`` and, when gradients are being recorded and
some input needs one, links the output ``Tensor`` to the function so that
``Tensor.backward`` can walk the graph once in reverse topological order.
"""
import numpy as np

_grad_enabled = True


class no_grad:
    """Context manager (and decorator) under which no graph is recorded."""

    def __enter__(self):
        global _grad_enabled
        self._prev = _grad_enabled
        _grad_enabled = False

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self._prev

    def __call__(self, fn):
        def wrapper(*args, **kwargs):
            with no_grad():
                return fn(*args, **kwargs)
        wrapper.__name__ = fn.__name__
        wrapper.__doc__ = fn.__doc__
        return wrapper


class enable_grad(no_grad):
    """Context manager under which the graph is recorded again."""

    def __enter__(self):
        global _grad_enabled
        self._prev = _grad_enabled
        _grad_enabled = True


def is_grad_enabled():
    return _grad_enabled


_new = object.__new__


class Tensor:
    """An n-dimensional array that remembers how it was computed.

    ``data`` is the NumPy array; ``grad`` receives the gradient of a scalar
    that ``backward()`` was called on. Leaves created by the user have no
    ``_ctx``; results of a recorded ``Function`` point to it.

    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    array([2., 4.], dtype=float32)
    """

    __slots__ = ("__dict__", "__weakref__", "_ctx", "data", "grad", "requires_grad")
    __array_priority__ = 1000
    # rarely set, so class-level defaults (an instance sets its own when it needs one)
    _index = 0          # which output of its Function this tensor is
    _logits = None      # (logits tensor, kernel) behind a softmax/sigmoid output
    _keras_mask = None  # boolean (batch, timesteps) mask of padded steps

    def __init__(self, data, requires_grad=False, dtype=None):
        if isinstance(data, Tensor):
            data = data.data
        if dtype is not None:
            data = np.asarray(data, dtype=dtype)
        elif not isinstance(data, np.ndarray):
            data = np.asarray(data)
            if data.dtype == np.float64:  # Python floats become floatx, as in Keras
                from lamina.backend import floatx
                data = data.astype(floatx())
        self.data = data
        self.grad = None
        self.requires_grad = requires_grad
        self._ctx = None

    @classmethod
    def _wrap(cls, data, ctx, index=0):
        t = _new(cls)
        t.data = data
        t.grad = None
        t.requires_grad = ctx is not None
        t._ctx = ctx
        if index:
            t._index = index
        return t

    # array-like facts -------------------------------------------------
    shape = property(lambda self: self.data.shape)
    dtype = property(lambda self: self.data.dtype)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)

    def __len__(self):
        return len(self.data)

    def numpy(self):
        return self.data

    def item(self):
        return self.data.item()

    def __array__(self, dtype=None, copy=None):
        a = self.data if dtype is None else self.data.astype(dtype)
        return a if type(a) is np.ndarray else np.asarray(a)  # a full reduction's NumPy scalar

    def __repr__(self):
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({np.array2string(self.data, prefix='Tensor(')}{grad})"

    def detach(self):
        return Tensor(self.data)

    def zero_grad(self):
        self.grad = None

    # the graph walk ----------------------------------------------------
    def backward(self, grad=None, retain_graph=False):
        """Accumulate d(self)/d(leaf) into ``leaf.grad`` for every leaf that needs it."""
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() without a gradient needs a scalar tensor; this one has shape "
                    f"{self.shape}. Pass grad= of that shape or reduce it (e.g. .sum()) first.")
            grad = _ones(self.data.dtype)
            if self.data.ndim:
                grad = np.broadcast_to(grad, self.data.shape)
        else:
            grad = np.asarray(grad, dtype=self.data.dtype)
            if grad.shape != self.data.shape:
                raise ValueError(f"backward(grad): grad has shape {grad.shape}, "
                                 f"the tensor {self.shape}")
        if self._ctx is None:
            if self.requires_grad:
                _accumulate_leaf(self, grad)
            return
        run_backward(self, grad, retain_graph)

    # operators: defined in lamina.ops.math and attached there ----------
    def __hash__(self):
        return id(self)


_ONES = {}


def _ones(dtype):
    """A read-only scalar 1 of ``dtype``: the seed gradient of a scalar loss, made once."""
    one = _ONES.get(dtype)
    if one is None:
        one = _ONES[dtype] = np.ones((), dtype=dtype)
        one.flags.writeable = False
    return one


def _accumulate_leaf(t, g):
    if g.shape != t.data.shape:
        g = np.broadcast_to(g, t.data.shape)
    if t.grad is None:
        t.grad = np.array(g, dtype=t.data.dtype)
    else:
        np.add(t.grad, g, out=t.grad, casting="unsafe")


def _toposort(root_fn):
    """Functions reachable from ``root_fn``, each after every function that consumes it."""
    order, _ = _order(root_fn)
    return order


def _order(root_fn):
    """(the functions in backward order, whether they form a plain chain)."""
    # a plain chain (each function has at most one recorded input), the usual training graph
    order = [root_fn]
    fn = root_fn
    while True:
        parent = None
        for t in fn.inputs:
            p = getattr(t, "_ctx", None)
            if p is not None:
                if parent is not None:
                    return _toposort_dag(root_fn), False
                parent = p
        if parent is None:
            return order, True
        order.append(parent)
        fn = parent


def _toposort_dag(root_fn):
    order = []
    seen = {id(root_fn)}
    stack = [(root_fn, iter(root_fn.inputs))]
    while stack:
        fn, it = stack[-1]
        for t in it:
            parent = getattr(t, "_ctx", None)
            if parent is not None and id(parent) not in seen:
                seen.add(id(parent))
                stack.append((parent, iter(parent.inputs)))
                break
        else:
            stack.pop()
            order.append(fn)
    order.reverse()
    return order


def run_backward(root, grad, retain_graph=False):
    root_fn = root._ctx
    order, chain = _order(root_fn)
    if chain and root_fn.n_outputs == 1:
        _run_chain(order, grad, retain_graph)
        return
    pending = {root_fn: [None] * root_fn.n_outputs}
    pending[root_fn][root._index] = grad
    pop = pending.pop
    for fn in order:
        gouts = pop(fn, None)
        if gouts is None:
            continue
        gins = fn.backward(gouts[0]) if fn.n_outputs == 1 else fn.backward(*gouts)
        if type(gins) is not tuple:
            gins = (gins,)
        for t, g, need in zip(fn.inputs, gins, fn.needs_grad):
            if not need or g is None:
                continue
            parent = t._ctx
            if parent is None:
                _add_to_leaf(t, g)
                continue
            slots = pending.get(parent)
            if slots is None:
                slots = pending[parent] = [None] * parent.n_outputs
            prev = slots[t._index]
            # out of place: a backward may hand the same array to several inputs
            slots[t._index] = g if prev is None else prev + g
        if not retain_graph:
            fn.inputs = ()


def _run_chain(order, grad, retain_graph):
    """The walk for a plain chain: each function's gradient goes to its one recorded input."""
    index = 0  # which output of the next function the gradient belongs to
    for fn in order:
        if grad is None:
            return
        n = fn.n_outputs
        if n == 1:
            gins = fn.backward(grad)
        else:
            gouts = [None] * n
            gouts[index] = grad
            gins = fn.backward(*gouts)
        if type(gins) is not tuple:
            gins = (gins,)
        grad = None
        for t, g, need in zip(fn.inputs, gins, fn.needs_grad):
            if not need or g is None:
                continue
            if t._ctx is None:
                _add_to_leaf(t, g)
            else:
                grad, index = g, t._index
        if not retain_graph:
            fn.inputs = ()


def _add_to_leaf(t, g):
    buf = t.grad
    if buf is not None and g.shape == buf.shape:
        np.add(buf, g, out=buf)
    else:
        _accumulate_leaf(t, g)


class Function:
    """A differentiable operation on raw arrays.

    Subclasses define ``forward(*arrays) -> array`` (or a tuple of arrays when
    ``n_outputs > 1``) and ``backward(*grad_outputs) -> grad or tuple of grads``
    (one per input, ``None`` where an input needs none). Static arguments given to
    ``apply`` as keywords become attributes. ``self.needs_grad`` (set before ``forward``
    when the graph is recorded, empty otherwise) tells which inputs need a gradient, so
    forward can keep less and backward can skip work.
    """

    n_outputs = 1
    inputs = ()
    needs_grad = ()

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

    def forward(self, *arrays):
        raise NotImplementedError

    def backward(self, *grads):
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **kwargs):
        fn = _new(cls)  # Functions take their static arguments as attributes
        if kwargs:
            fn.__dict__.update(kwargs)
        if _grad_enabled:
            needs = tuple([isinstance(t, Tensor) and t.requires_grad for t in inputs])
            record = True in needs
            if record:
                fn.needs_grad = needs  # forward may keep less when nothing needs a gradient
        else:
            record = False
        out = fn.forward(*[t.data if isinstance(t, Tensor) else t for t in inputs])
        if not record:
            if cls.n_outputs == 1:
                return Tensor._wrap(out, None)
            return tuple([Tensor._wrap(o, None) for o in out])
        fn.inputs = inputs
        if cls.n_outputs == 1:
            return Tensor._wrap(out, fn)
        return tuple([Tensor._wrap(o, fn, i) for i, o in enumerate(out)])


def as_tensor(x, dtype=None):
    """``x`` itself if it is a Tensor, else a constant Tensor of it (floatx for Python numbers)."""
    if isinstance(x, Tensor):
        return x
    return Tensor(x, dtype=dtype)
