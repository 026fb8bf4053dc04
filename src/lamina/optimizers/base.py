"""The Optimizer base: flat parameter buffers and the shared update machinery.

Why flat buffers: a model has many small weight arrays, and a per-array Python
loop makes the optimizer's cost grow with their number. ``build`` packs every
trainable Variable of one dtype into ONE contiguous buffer and rebinds
``var.data`` (and ``var.grad``) to reshaped views into it, so an update is a
handful of in-place NumPy calls on whole buffers, whatever the number of
arrays. The optimizer is the one place allowed to rebind ``.data``.

A training step::

    opt.build(model.trainable_variables)   # once (again whenever that list may change)
    opt.zero_grad()                        # one fill of the flat gradient buffer
    loss.backward()                        # the engine adds into var.grad in place
    opt.step()                             # clip, decay, update, constraints, iterations += 1

Keras's ``apply_gradients(zip(grads, variables))`` and ``apply(grads, variables)``
work too (they copy the gradients into the flat buffer, then step).
"""
import operator
import re
import sys
import warnings
import weakref

import numpy as np

from lamina.autodiff import Variable
from lamina.optimizers.schedules import LearningRateSchedule

# Bumped whenever any optimizer packs variables: another optimizer may have
# rebound ``.data`` of ours, so every optimizer re-checks its views (once).
_pack_generation = [0]


def _is_number(x):
    if isinstance(x, np.ndarray):
        return x.ndim == 0 and x.dtype.kind in "iuf"
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


_trainable = operator.attrgetter("trainable")


def _grad_refs(G):
    # one helper for both the baseline and the check, so temporaries count the same
    return sys.getrefcount(G.g)


def _check_number(owner, name, value, low=None, high=None, allow_none=False, low_open=False):
    """Validate a hyperparameter up front, naming it in the error."""
    if value is None and allow_none:
        return None
    if not _is_number(value):
        raise ValueError(f"{owner}: argument `{name}` must be a number, got {value!r}")
    value = float(value)
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{owner}: argument `{name}` must be {'>' if low_open else '>='} {low}, "
                         f"got {value}")
    if high is not None and value > high:
        raise ValueError(f"{owner}: argument `{name}` must be <= {high}, got {value}")
    return value


class _Group:
    """The variables of one dtype, packed: flat params, grads, slots and scratch."""

    __slots__ = (
        "acc",
        "dtype",
        "ema",
        "g",
        "gref",
        "grefs",
        "k",
        "offsets",
        "p",
        "p_decay",
        "pviews",
        "sizes",
        "slots",
        "tmp",
        "total",
        "vars",
    )

    def put(self, name, value):
        """A 0-d array of this dtype holding ``value``: ufuncs take it much faster than a
        Python float, and it keeps the arithmetic in the variables' dtype, as Keras casts."""
        a = self.k.get(name)
        if a is None:
            a = self.k[name] = np.empty((), self.dtype)
        a[()] = value
        return a

    def segment(self, flat, var_index):
        o, s = self.offsets[var_index], self.sizes[var_index]
        return flat[o:o + s].reshape(self.vars[var_index].data.shape)


class Optimizer:
    """Base class of lamina's optimizers (Keras 3 ``keras.optimizers.Optimizer``).

    Subclasses describe their per-variable state with ``_slot_spec`` and update
    the flat buffers of a dtype group in ``_update(group, lr, t)``. A user's own
    optimizer may instead implement Keras's per-variable
    ``update_step(gradient, variable, learning_rate)`` (slower: a Python loop).

    Common arguments (as in Keras): ``learning_rate`` (float,
    ``LearningRateSchedule`` or a no-argument callable), ``weight_decay``,
    ``clipnorm`` (each variable's gradient clipped to this norm), ``clipvalue``,
    ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
    ``ema_overwrite_frequency``, ``loss_scale_factor``,
    ``gradient_accumulation_steps``, ``name``.

    >>> from lamina.autodiff import Variable
    >>> from lamina.optimizers import SGD
    >>> w = Variable(np.ones(3, "float32"))
    >>> opt = SGD(learning_rate=0.1); opt.build([w])
    >>> opt.zero_grad(); w.grad[...] = 1.0; opt.step()
    >>> w.numpy()
    array([0.9, 0.9, 0.9], dtype=float32)
    """

    _n_tmp = 1            # scratch buffers per group that _update needs

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        owner = type(self).__name__
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.",
                          stacklevel=2)
        for legacy in ("is_legacy_optimizer", "jit_compile"):  # found in some saved configs
            kwargs.pop(legacy, None)
        if kwargs:
            raise ValueError(f"{owner}: argument(s) not recognized: {sorted(kwargs)}")
        self.name = name if name is not None else owner.lower()
        self.weight_decay = _check_number(owner, "weight_decay", weight_decay, 0, allow_none=True)
        self.clipnorm = _check_number(owner, "clipnorm", clipnorm, 0, allow_none=True,
                                      low_open=True)
        self.clipvalue = _check_number(owner, "clipvalue", clipvalue, 0, allow_none=True,
                                       low_open=True)
        self.global_clipnorm = _check_number(owner, "global_clipnorm", global_clipnorm, 0,
                                             allow_none=True, low_open=True)
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"{owner}: only one of `clipnorm`, `clipvalue` and "
                             f"`global_clipnorm` can be set. Received: clipnorm={clipnorm}, "
                             f"clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        self.use_ema = bool(use_ema)
        self.ema_momentum = _check_number(owner, "ema_momentum", ema_momentum, 0, 1)
        if ema_overwrite_frequency is not None and (
                not isinstance(ema_overwrite_frequency, (int, np.integer))
                or ema_overwrite_frequency < 1):
            raise ValueError(f"{owner}: `ema_overwrite_frequency` must be an integer >= 1 or "
                             f"None, got {ema_overwrite_frequency!r}")
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = _check_number(owner, "loss_scale_factor", loss_scale_factor,
                                               0, allow_none=True, low_open=True)
        if gradient_accumulation_steps is not None and (
                not isinstance(gradient_accumulation_steps, (int, np.integer))
                or gradient_accumulation_steps < 2):
            raise ValueError(f"{owner}: `gradient_accumulation_steps` must be an integer >= 2 "
                             f"or None, got {gradient_accumulation_steps!r}")
        self.gradient_accumulation_steps = gradient_accumulation_steps

        # State lives in Variables so that `variables` can be saved and loaded in place.
        self._iterations = Variable(np.zeros((), np.int64), name="iteration", trainable=False)
        self._it = self._iterations.data
        self._learning_rate = None
        self._lr_var = None
        self.learning_rate = learning_rate
        self.built = False
        self._var_list = []          # what build() was given (order kept, for `variables`)
        self._index = {}             # id(var) -> index in _var_list (Keras _get_variable_index)
        self._groups = []
        self._where = {}             # id(var) -> (group, index in group)
        self._constrained = []
        self._gen = -1
        self._flags = ()
        self._state_vars = None
        self._extra_variables = []   # added by a user's own optimizer (add_variable...)
        self._exclude_ids = set()
        self._exclude_pattern = None

    # ------------------------------------------------------------------ hyperparameters
    @property
    def iterations(self):
        """Number of optimizer steps taken (of updates, under gradient accumulation)."""
        n = int(self._it)
        return n // self.gradient_accumulation_steps if self.gradient_accumulation_steps else n

    @iterations.setter
    def iterations(self, value):
        self._it[()] = int(value)

    @property
    def learning_rate(self):
        """The current learning rate as a float (a schedule is evaluated at ``iterations``)."""
        return self._current_lr(int(self._it))

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, LearningRateSchedule) or (callable(value) and not _is_number(value)):
            self._learning_rate = value
            self._lr_var = None
            self._state_vars = None
            return
        if isinstance(self._learning_rate, LearningRateSchedule):
            raise TypeError(f"{type(self).__name__}: this optimizer was created with a "
                            "LearningRateSchedule as its learning_rate, so its learning rate is "
                            "not settable. Create it with a float learning_rate to set it.")
        value = _check_number(type(self).__name__, "learning_rate", value, 0)
        if self._lr_var is None:
            # float64 so that the value reads back exactly as given
            self._lr_var = Variable(np.zeros((), np.float64), name="learning_rate",
                                    trainable=False)
            self._learning_rate = self._lr_var
            self._state_vars = None
        self._lr_var.data[()] = value

    def _current_lr(self, n):
        lr = self._learning_rate
        if lr is self._lr_var:
            return lr.data.item()
        if isinstance(lr, LearningRateSchedule):
            return float(lr(n))
        return float(lr())

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exclude variables (or those whose name contains one of ``var_names``) from
        weight decay. Call before ``build``."""
        if self.built:
            raise ValueError("exclude_from_weight_decay() can only be called before the "
                             "optimizer is built.")
        self._exclude_ids = {id(v) for v in (var_list or ())}
        self._exclude_pattern = re.compile("|".join(map(re.escape, set(var_names)))) \
            if var_names else None

    def _use_weight_decay(self, var):
        if id(var) in self._exclude_ids:
            return False
        return not (self._exclude_pattern is not None and var.name is not None
                    and self._exclude_pattern.search(var.name))

    # ------------------------------------------------------------------ packing
    def _slot_spec(self):
        """Per-variable state: a list of lists of (name, initial value). Names in one inner
        list are interleaved per variable in ``variables`` (Keras's order)."""
        return []

    def build(self, variables):
        """Pack ``variables`` (the trainable ones) into flat buffers and create the state.

        Calling it again with the same list is cheap and does nothing; with another list
        (or after a variable's ``trainable`` flag changed) it re-packs, keeping the state
        of variables it already had.
        """
        variables = self._unique(variables, "build")
        if (self.built and len(variables) == len(self._var_list)
                and all(a is b for a, b in zip(variables, self._var_list))):
            self._sync()
            return
        self._var_list = variables
        self._index = {id(v): i for i, v in enumerate(variables)}
        self._pack()
        self.built = True

    @staticmethod
    def _unique(variables, where):
        out, seen = [], set()
        for v in variables:
            if not isinstance(v, Variable):
                raise TypeError(f"Optimizer.{where}: expected lamina Variables, got "
                                f"{type(v).__name__}")
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    def _packable(self):
        out = []
        for v in self._var_list:
            if not v.trainable or v.data.size == 0:
                continue
            if not np.issubdtype(v.data.dtype, np.floating):
                raise ValueError(f"{type(self).__name__}: can only update floating-point "
                                 f"variables; '{v.name}' has dtype {v.data.dtype}")
            out.append(v)
        return out

    def _pack(self):
        """(Re)allocate one buffer per dtype and rebind every variable's data and grad to
        views into it, carrying over the state of variables packed before."""
        old = {}
        for G in self._groups:
            for i, v in enumerate(G.vars):
                state = {n: G.segment(a, i).copy() for n, a in G.slots.items()}
                if G.ema is not None:
                    state["__ema"] = G.segment(G.ema, i).copy()
                if G.acc is not None:
                    state["__acc"] = G.segment(G.acc, i).copy()
                old[id(v)] = state
        spec = [s for names in self._slot_spec() for s in names]
        by_dtype = {}
        for v in self._packable():
            by_dtype.setdefault(v.data.dtype, []).append(v)
        groups, where, constrained = [], {}, []
        for dtype, vs in by_dtype.items():
            # weight-decayed variables first: the decay is then one call on a prefix
            decayed = [v for v in vs if self._use_weight_decay(v)]
            vs = decayed + [v for v in vs if not self._use_weight_decay(v)]
            G = _Group()
            G.dtype, G.vars, G.k = dtype, vs, {}
            sizes = np.array([v.data.size for v in vs], dtype=np.intp)
            G.sizes, G.offsets = sizes, np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
            G.total = total = int(sizes.sum())
            G.p = np.empty(total, dtype)
            G.g = np.zeros(total, dtype)
            G.slots = {n: np.full(total, init, dtype) for n, init in spec}
            G.ema = np.empty(total, dtype) if self.use_ema else None
            G.acc = np.zeros(total, dtype) if self.gradient_accumulation_steps else None
            G.tmp = [np.empty(total, dtype) for _ in range(self._n_tmp)]
            G.gref, G.pviews = [None] * len(vs), []
            for i, v in enumerate(vs):
                o, s = int(G.offsets[i]), int(sizes[i])
                G.p[o:o + s] = v.data.reshape(-1)
                st = old.get(id(v))
                for n, a in G.slots.items():
                    if st is not None and n in st:
                        a[o:o + s] = st[n].reshape(-1)
                if G.ema is not None:
                    G.ema[o:o + s] = st["__ema"].reshape(-1) if st and "__ema" in st \
                        else v.data.reshape(-1)
                if G.acc is not None and st and "__acc" in st:
                    G.acc[o:o + s] = st["__acc"].reshape(-1)
                v.data = G.p[o:o + s].reshape(v.data.shape)
                G.pviews.append(v.data)
                where[id(v)] = (G, i)
                if getattr(v, "constraint", None) is not None:
                    constrained.append(v)
            nd = len(decayed)
            G.p_decay = G.p if nd == len(vs) else G.p[:int(sizes[:nd].sum())]
            groups.append(G)
        self._groups, self._where = groups, where
        self._constrained = constrained
        self._flags = tuple(map(_trainable, self._var_list))
        self._rebind_grads()
        self._state_vars = None
        _pack_generation[0] += 1
        self._gen = _pack_generation[0]

    def _rebind_grads(self):
        """Point every var.grad at its segment of the flat gradient buffer. A gradient
        array found there instead (e.g. after ``var.zero_grad()`` and ``backward``) is
        copied in; None becomes zeros."""
        for G in self._groups:
            self._attach_grads(G)
            # The only lasting references to G.g are ours and one per var.grad view: a
            # changed count tells, in O(1), that some var.grad was rebound (see _check_fast).
            G.grefs = _grad_refs(G)

    def _attach_grads(self, G):
        for i, v in enumerate(G.vars):
            self._grad_view(G, i, v, keep=True)

    @staticmethod
    def _grad_view(G, i, v, keep):
        """var.grad as its live view into ``G.g`` (re-attached if it was rebound; the old
        array's values copied in when ``keep``)."""
        cur, ref = v.grad, G.gref[i]
        if cur is not None and ref is not None and cur is ref():
            return cur
        seg = G.segment(G.g, i)
        if cur is None or not keep or np.size(cur) != seg.size:
            seg.fill(0)
        else:
            np.copyto(seg, np.reshape(cur, seg.shape), casting="unsafe")
        v.grad = seg
        G.gref[i] = weakref.ref(seg)  # weak: it must not count in _grad_refs
        return seg

    def _sync(self):
        """The full (per-variable) check: re-pack if a variable's data was rebound or its
        trainable flag changed; re-attach rebound grads. Runs only when a cheap check fails."""
        packed = [v for G in self._groups for v in G.vars]
        want = self._packable()
        if (len(want) != len(packed) or {id(v) for v in want} != {id(v) for v in packed}
                or self._data_rebound()):
            self._pack()
            return
        self._rebind_grads()
        self._gen = _pack_generation[0]

    def _data_rebound(self):
        return any(v.data is not d for G in self._groups for v, d in zip(G.vars, G.pviews))

    def _check_fast(self):
        # O(1): no optimizer packed anything since we checked, and every var.grad still
        # holds its view (same reference count on each flat gradient buffer).
        if self._gen != _pack_generation[0]:
            return False
        for G in self._groups:
            if _grad_refs(G) != G.grefs:
                return False
        return True

    # ------------------------------------------------------------------ the step
    def zero_grad(self):
        """Zero every gradient (one fill per dtype buffer), before ``backward``."""
        if not self.built:
            raise RuntimeError(f"{type(self).__name__}.zero_grad(): call "
                               "build(trainable_variables) first")
        if not self._check_fast():
            self._sync()
        for G in self._groups:
            G.g.fill(0)

    def step(self):
        """Apply one update from the gradients in ``var.grad`` (the flat buffer)."""
        if not self.built:
            raise RuntimeError(f"{type(self).__name__}.step(): call build(trainable_variables) "
                               "first (or use apply_gradients)")
        if not self._check_fast():
            self._sync()
        self._step()
        for v in self._constrained:
            self._constrain(v)

    def _step(self):
        it = self._it
        n = it.item()
        lr = self._current_lr(n)
        groups = self._groups
        scale = self.loss_scale_factor
        if scale is not None:
            for G in groups:
                np.multiply(G.g, G.put("inv_scale", 1.0 / scale), G.g)
        acc_steps = self.gradient_accumulation_steps
        if acc_steps:
            t = n // acc_steps + 1
            if (n + 1) % acc_steps:
                for G in groups:
                    np.add(G.acc, G.g, G.acc)
                if self.use_ema:
                    self._ema(t - 1)
                it[()] = n + 1
                return
            for G in groups:
                np.add(G.g, G.acc, G.g)
                np.multiply(G.g, G.put("inv_steps", 1.0 / acc_steps), G.g)
                G.acc.fill(0)
        else:
            t = n + 1
        if self.clipnorm:
            for G in groups:
                self._clip_per_variable(G)
        elif self.global_clipnorm:
            self._clip_global(groups)
        elif self.clipvalue:
            for G in groups:
                np.minimum(G.g, G.put("clip_hi", self.clipvalue), out=G.g)
                np.maximum(G.g, G.put("clip_lo", -self.clipvalue), out=G.g)
        if self.weight_decay:
            for G in groups:
                if G.p_decay.size:
                    np.multiply(G.p_decay, G.put("decay", 1.0 - lr * self.weight_decay),
                                G.p_decay)
        self._before_update(t)
        for G in groups:
            self._update(G, lr, t)
        if self.use_ema:
            self._ema(t - 1)
        it[()] = n + 1

    def _clip_per_variable(self, G):
        # Keras: g * clipnorm / max(||g||, clipnorm) per variable, all variables at once.
        sq = G.tmp[0]
        np.multiply(G.g, G.g, sq)
        norms = np.add.reduceat(sq, G.offsets)
        np.sqrt(norms, norms)
        c = G.put("clipnorm", self.clipnorm)
        np.maximum(norms, c, out=norms)
        np.divide(c, norms, norms)
        np.multiply(G.g, np.repeat(norms, G.sizes), G.g)

    def _clip_global(self, groups):
        c = self.global_clipnorm
        norm = float(np.sqrt(sum(float(np.dot(G.g, G.g)) for G in groups)))
        if not np.isfinite(norm):
            scale = float("nan")  # as Keras: a non-finite norm makes every gradient NaN
        elif norm <= c:
            return
        else:
            scale = c / norm
        for G in groups:
            np.multiply(G.g, G.put("global_clip", scale), G.g)

    def _ema(self, t_before):
        m = self.ema_momentum if t_before != 0 else 0.0
        for G in self._groups:
            tmp = G.tmp[0]
            np.multiply(G.ema, G.put("ema_m", m), G.ema)
            np.multiply(G.p, G.put("ema_1m", 1.0 - m), tmp)
            np.add(G.ema, tmp, G.ema)
        f = self.ema_overwrite_frequency
        if f and (t_before + 1) % f == 0:
            for G in self._groups:
                G.p[...] = G.ema

    @staticmethod
    def _constrain(v):
        out = v.constraint(v.data)
        out = getattr(out, "data", out)
        if out is not v.data:
            v.data[...] = out

    def _before_update(self, t):
        """Hook for state shared by all variables (Nadam's momentum-cache product)."""

    def _update(self, G, lr, t):
        """Update group ``G`` in place: ``G.p`` params, ``G.g`` grads, ``G.slots``,
        ``G.tmp`` scratch; ``lr`` the learning rate, ``t`` the 1-based step.
        The default calls a user's per-variable Keras ``update_step``."""
        if type(self).update_step is Optimizer.update_step:
            raise NotImplementedError(f"{type(self).__name__} must implement _update or "
                                      "update_step(gradient, variable, learning_rate)")
        for i, v in enumerate(G.vars):
            self.update_step(G.segment(G.g, i), v, lr)

    def update_step(self, gradient, variable, learning_rate):
        raise NotImplementedError

    # ------------------------------------------------------------------ Keras API
    def apply_gradients(self, grads_and_vars):
        """Keras: update ``variables`` from ``grads`` given as ``zip(grads, variables)``."""
        pairs = list(grads_and_vars)
        if not pairs:
            return self.iterations
        grads, variables = zip(*pairs)
        self.apply(grads, variables)
        return self.iterations

    def apply(self, grads, variables=None):
        """Keras: apply ``grads`` (arrays or Tensors, ``None`` for no gradient) to
        ``variables`` (default: those the optimizer was built with, in that order)."""
        grads = list(grads)
        if not grads:
            return
        if variables is None:
            if not self.built:
                raise ValueError("apply(grads) without variables needs a built optimizer: "
                                 "call optimizer.build(trainable_variables) first")
            variables = self._var_list
        variables = list(variables)
        if len(grads) != len(variables):
            raise ValueError(f"apply: got {len(grads)} gradients for {len(variables)} variables")
        if not self.built:
            self.build(variables)
        elif any(id(v) not in self._index for v in variables):
            self.build(self._var_list + [v for v in variables if id(v) not in self._index])
        elif (self._gen != _pack_generation[0] or self._data_rebound()
              or self._flags != tuple(map(_trainable, self._var_list))):
            self._sync()  # apply() is per-variable anyway: check each variable
        given, missing_names = set(), []
        for g, v in zip(grads, variables):
            if g is None:
                missing_names.append(v.name)
                continue
            loc = self._where.get(id(v))
            if loc is None:  # not trainable or empty: Keras would not update it either
                continue
            G, i = loc
            g = getattr(g, "data", g)
            seg = self._grad_view(G, i, v, keep=False)
            if g is not seg:
                if np.shape(g) != seg.shape:
                    raise ValueError(f"apply: the gradient for variable '{v.name}' has shape "
                                     f"{np.shape(g)}, the variable {seg.shape}")
                np.copyto(seg, g, casting="unsafe")
            given.add(id(v))
        if not given and missing_names:
            raise ValueError("No gradients provided for any variable.")
        if missing_names:
            warnings.warn(f"Gradients do not exist for variables {missing_names} when "
                          "minimizing the loss.", stacklevel=2)
        skipped = [(G, i) for G in self._groups for i, v in enumerate(G.vars)
                   if id(v) not in given]
        saved = []
        for G, i in skipped:
            # Keras leaves a variable without a gradient (and its state) untouched
            G.segment(G.g, i).fill(0)
            arrays = [G.p, *G.slots.values(), *(a for a in (G.ema, G.acc) if a is not None)]
            saved.append([(G.segment(a, i), G.segment(a, i).copy()) for a in arrays])
        self._step()
        for pairs in saved:
            for dst, src in pairs:
                dst[...] = src
        for v in variables:
            if id(v) in given and getattr(v, "constraint", None) is not None:
                self._constrain(v)

    def scale_loss(self, loss):
        """``loss * loss_scale_factor`` when one is set (gradients are unscaled in step)."""
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss

    def finalize_variable_values(self, var_list=None):
        """With ``use_ema``, overwrite the variables with their moving averages."""
        if self.use_ema and self.built:
            for G in self._groups:
                G.p[...] = G.ema

    # ------------------------------------------------------------------ state
    @property
    def variables(self):
        """The optimizer's state as Variables (iteration, learning rate, then per-variable
        slots in Keras's order). Slot Variables are live views: ``assign`` writes the state."""
        if self._state_vars is None:
            out = [self._iterations]
            if self._lr_var is not None:
                out.append(self._lr_var)
            order = [v for v in self._var_list if id(v) in self._where]
            # Keras's order: every EMA average, then every gradient accumulator
            if self.use_ema:
                for v in order:
                    G, i = self._where[id(v)]
                    out.append(self._view_var(G, G.ema, i, v, "average"))
            if self.gradient_accumulation_steps:
                for v in order:
                    G, i = self._where[id(v)]
                    out.append(self._view_var(G, G.acc, i, v, "gradient_accumulator"))
            for names in self._slot_spec():
                for v in order:
                    G, i = self._where[id(v)]
                    for n, _ in names:
                        out.append(self._view_var(G, G.slots[n], i, v, n))
            out.extend(self._extra_state())
            out.extend(self._extra_variables)
            self._state_vars = out
        return list(self._state_vars)

    @staticmethod
    def _view_var(G, flat, i, ref, slot):
        var = Variable(np.zeros(0, G.dtype), name=f"{ref.name}_{slot}", trainable=False)
        var.data = G.segment(flat, i)  # our own Variable: a live view into the slot buffer
        return var

    def _extra_state(self):
        return []

    def set_weights(self, weights):
        """Set the state from a list of arrays, in the order of ``variables``."""
        if not self.built:
            raise ValueError("set_weights() on an optimizer that is not built: call "
                             "optimizer.build(trainable_variables) first")
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(f"set_weights: the optimizer has {len(variables)} variables, "
                             f"got {len(weights)} arrays")
        for var, w in zip(variables, weights):
            w = np.asarray(w)
            if w.shape != var.data.shape:
                raise ValueError(f"set_weights: variable '{var.name}' has shape "
                                 f"{var.data.shape}, got an array of shape {w.shape}")
            var.assign(w)

    def get_weights(self):
        return [np.array(v.data) for v in self.variables]

    def save_own_variables(self, store):
        for i, v in enumerate(self.variables):
            store[str(i)] = np.array(v.data)

    def load_own_variables(self, store):
        variables = self.variables
        if len(store.keys()) != len(variables):
            warnings.warn(f"Skipping variable loading for optimizer '{self.name}', because it "
                          f"has {len(variables)} variables whereas the saved optimizer has "
                          f"{len(store.keys())} variables.", stacklevel=2)
            return
        for i, v in enumerate(variables):
            v.assign(np.asarray(store[str(i)]))

    # ------------------------------------------------------------------ for users' optimizers
    def add_variable(self, shape, initializer="zeros", dtype=None, name=None):
        from lamina.backend import floatx
        dtype = dtype or floatx()
        if initializer == "zeros":
            value = np.zeros(shape, dtype)
        elif initializer == "ones":
            value = np.ones(shape, dtype)
        elif _is_number(initializer):
            value = np.full(shape, initializer, dtype)
        else:
            value = np.asarray(initializer(shape, dtype=dtype), dtype)
        var = Variable(value, name=name, trainable=False)
        self._extra_variables.append(var)
        self._state_vars = None
        return var

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        return self.add_variable(reference_variable.data.shape, initializer,
                                 reference_variable.data.dtype,
                                 f"{reference_variable.name}_{name or 'var'}")

    def _get_variable_index(self, variable):
        return self._index[id(variable)]

    @staticmethod
    def assign(variable, value):
        variable.assign(getattr(value, "data", value))

    @staticmethod
    def assign_add(variable, value):
        variable.assign_add(getattr(value, "data", value))

    @staticmethod
    def assign_sub(variable, value):
        variable.assign_sub(getattr(value, "data", value))

    # ------------------------------------------------------------------ config
    def get_config(self):
        from lamina.optimizers import schedules
        lr = self._learning_rate
        if lr is self._lr_var:
            lr = self._lr_var.data.item()
        elif isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from lamina.optimizers import schedules
            config["learning_rate"] = schedules.deserialize(config["learning_rate"],
                                                            custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} learning_rate={self.learning_rate:g}>"
