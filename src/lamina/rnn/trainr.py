"""``trainr``: the rnn package's training function on lamina's layers and autodiff.

The network is the package's: one or more recurrent layers (``hidden_dim`` gives their
sizes), each fed the sequence below it, then a dense output layer applied at every time
step; targets are (samples, time, variables) arrays. Training minimizes the half squared
error summed over time steps and output variables, by SGD (the learning rate applied by
``loss_function``, plus momentum) or Adagrad, on batches of ``batch_size`` samples. The
gradients are lamina's true gradients, for ``"rnn"``, ``"lstm"`` and ``"gru"`` alike.

>>> from lamina.rnn import int2bin, trainr, predictr
>>> model = trainr(Y=Y, X=X, learningrate=1, hidden_dim=16)   # doctest: +SKIP
Trained epoch: 1 - Learning rate: 1
Epoch error: 0.4213377
"""
import difflib
import warnings

import numpy as np

from lamina import backend
from lamina.autodiff.tensor import Function, Tensor
from lamina.ops.activations import Kernel, activate
from lamina.rnn.utils import epoch_annealing, epoch_print, loss_L1, r_format

__all__ = ["RNNModel", "trainr"]

NETWORK_TYPES = ("rnn", "lstm", "gru")
SIGMOIDS = ("logistic", "Gompertz", "tanh")
UPDATE_RULES = ("sgd", "adagrad")


class _Default:
    """A default value that trainr can tell apart from the same value passed explicitly
    (needed when retraining: only the options a caller gives override the model's)."""

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        def name(v):
            return getattr(v, "__name__", None) or repr(v)
        if isinstance(self.value, list):
            return "[" + ", ".join(name(v) for v in self.value) + "]"
        return name(self.value) if callable(self.value) else repr(self.value)


def _given(value):
    return not isinstance(value, _Default)


def _value(value):
    return value.value if isinstance(value, _Default) else value


# --- the Gompertz activation as a fusable kernel ----------------------------------------
class GompertzKernel(Kernel):
    """``exp(-exp(-x))`` (the sigmoid package's Gompertz with a = b = c = 1)."""

    name = "gompertz"

    def forward(self, x):
        with np.errstate(over="ignore"):
            return np.exp(-np.exp(-x)).astype(x.dtype, copy=False)

    def backward(self, x, y, g):
        # d/dx exp(-exp(-x)) = exp(-x - exp(-x)): written so that it cannot overflow to inf*0
        with np.errstate(over="ignore"):
            return g * np.exp(-x - np.exp(-x)).astype(x.dtype, copy=False)


def gompertz(x):
    """The Gompertz sigmoid ``exp(-exp(-x))`` as a lamina activation."""
    return activate(x if isinstance(x, Tensor) else Tensor(x), gompertz.kernel)


gompertz.kernel = GompertzKernel()


def _activation(sigmoid):
    return {"logistic": "sigmoid", "tanh": "tanh", "Gompertz": gompertz}[sigmoid]


# --- the loss: half the squared error, per time step weighted (seq_to_seq_unsync) -----------
class HalfSquaredError(Function):
    """``0.5 * sum(w * (out - y)**2)``: the error whose gradient the rnn package follows.

    ``y`` and the per-time-step weights ``w`` (broadcast as (time, 1)) are constants.
    """

    def forward(self, out, y, w):
        d = out - y
        if w is not None:
            d = d * w
        self.d = d
        return np.asarray(0.5 * np.vdot(d, out - y), dtype=out.dtype)

    def backward(self, g):
        return (g * self.d).astype(self.d.dtype, copy=False), None, None


# --- the model object ---------------------------------------------------------------------
class RNNModel:
    """What ``trainr`` returns: the network, its settings and its error history.

    Read it as the R package's model list: ``model.error`` is the (samples, epochs) matrix
    of per-sample errors (the sum of absolute output errors over time and variables),
    ``model.hidden_dim``, ``model.learningrate``, ``model.current_epoch``, ... are the
    settings, and ``model["error"]`` works too. ``model.epoch_error`` is R's
    ``colMeans(model$error)``. The lamina network is ``model.network`` (a
    ``lamina.Sequential``); ``time_synapse``, ``recurrent_synapse`` and ``bias_synapse``
    give its weights in the package's names (in Keras's layouts).

    Epoch functions may read and set any attribute; during training ``model.gradients``
    holds the current batch's gradients (see ``loss_L1``).
    """

    def __init__(self, **settings):
        self.__dict__.update(settings)

    # R-list style access
    def __getitem__(self, name):
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def __setitem__(self, name, value):
        setattr(self, name, value)

    def __contains__(self, name):
        return hasattr(self, name)

    def keys(self):
        """The names of the model's entries, as R's ``names(model)``."""
        return [k for k in self.__dict__ if not k.startswith("_")]

    names = keys

    def __getstate__(self):
        # pickle (R's saveRDS) keeps the network, the settings and the errors; the
        # optimizer's state (momentum, Adagrad's sums) is not saved and starts afresh
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_train_vars")}
        state["optimizer_rule"] = None
        return state

    @property
    def epoch_error(self):
        """The mean error of each epoch (R's ``colMeans(model$error)``)."""
        return self.error.mean(axis=0)

    @property
    def gradients(self):
        """The gradients of the current batch, one array per weight (only during training).

        They are views into the optimizer's gradient buffer: scale them in place.
        """
        weights = self.__dict__.get("_train_vars") or self.network.trainable_weights
        return [v.grad for v in weights]

    def _layers(self):
        return self.network.layers

    @property
    def time_synapse(self):
        """Input-to-layer kernels: each recurrent layer's input kernel, then the output
        layer's kernel (Keras layouts: LSTM (in, 4*units) gates i, f, c, o)."""
        return [layer.get_weights()[0] for layer in self._layers()]

    @property
    def recurrent_synapse(self):
        """Each recurrent layer's recurrent kernel."""
        return [layer.get_weights()[1] for layer in self._layers()[:-1]]

    @property
    def bias_synapse(self):
        """Each layer's bias (empty list when ``use_bias`` is False)."""
        if not self.use_bias:
            return []
        return [layer.get_weights()[-1] for layer in self._layers()]

    def __repr__(self):
        epochs = self.error.shape[1] if getattr(self, "error", None) is not None else 0
        last = (f", last epoch error {r_format(self.epoch_error[-1])}"
                if epochs and getattr(self, "current_epoch", 0) else "")
        return (f"<RNNModel {self.network_type}: {self.input_dim} -> "
                f"{'/'.join(map(str, self.hidden_dim))} -> {self.output_dim}, "
                f"time_dim {self.time_dim}, sigmoid {self.sigmoid!r}, "
                f"{epochs} epoch(s) trained{last}>")


# --- argument checks ----------------------------------------------------------------------
def as_data(x, name, who):
    """``x`` as a float (samples, time, variables) array; a matrix is one variable."""
    if isinstance(x, Tensor):
        x = x.data
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):  # pandas
        x = x.to_numpy()
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{who}: argument `{name}` must be a numeric array, got "
                        f"{type(x).__name__} ({e})") from None
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"{who}: argument `{name}` must be numeric, got an array of dtype "
                        f"{arr.dtype}")
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3:
        raise ValueError(f"{who}: argument `{name}` must be a 3-D (samples, time, variables) "
                         f"array, or a 2-D (samples, time) matrix for one variable; got a "
                         f"{arr.ndim}-D array of shape {arr.shape}")
    if 0 in arr.shape:
        raise ValueError(f"{who}: argument `{name}` is empty (shape {arr.shape})")
    arr = arr.astype(backend.floatx(), copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{who}: argument `{name}` contains NaN or infinite values")
    return arr


def _positive_int(value, name):
    if isinstance(value, bool):
        ok = False
    elif isinstance(value, (int, np.integer)):
        ok = True
    else:
        try:
            ok = float(value).is_integer()
        except (TypeError, ValueError):
            ok = False
    if not ok or int(value) < 1:
        raise ValueError(f"trainr: argument `{name}` must be a positive integer, got {value!r}")
    return int(value)


def _number(value, name, low=None, low_open=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"trainr: argument `{name}` must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"trainr: argument `{name}` must be finite, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"trainr: argument `{name}` must be {'>' if low_open else '>='} "
                         f"{low}, got {value}")
    return value


def _hidden_dim(value):
    sizes = [value] if np.ndim(value) == 0 else list(np.ravel(np.asarray(value, dtype=object)))
    if not sizes:
        raise ValueError("trainr: argument `hidden_dim` must give at least one layer size, "
                         "got an empty list")
    out = []
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, float, np.integer, np.floating)) \
                or not float(s).is_integer() or s < 1:
            raise ValueError(f"trainr: argument `hidden_dim` must hold positive integers "
                             f"(one size per hidden layer), got {value!r}")
        out.append(int(s))
    return out


def _choice(value, name, options):
    if isinstance(value, (list, tuple, np.ndarray)) and len(value) and name == "sigmoid":
        value = value[0]  # R's match.arg: the vector default means its first entry
    if isinstance(value, str):
        for opt in options:
            if value.lower() == opt.lower():
                return opt
    raise ValueError(f"trainr: argument `{name}` must be one of "
                     f"{', '.join(repr(o) for o in options)}, got {value!r}")


def _functions(value, name):
    if value is None:
        return []
    fns = [value] if callable(value) else list(value)
    for f in fns:
        if not callable(f):
            raise TypeError(f"trainr: argument `{name}` must be a function or a list of "
                            f"functions, got an element {f!r}")
    return fns


def _check_function(fn, name):
    if not callable(fn):
        raise TypeError(f"trainr: argument `{name}` must be a function taking and returning "
                        f"the model, got {fn!r}")
    return fn


_TRAINING = ("learningrate", "learningrate_decay", "momentum", "numepochs", "batch_size",
             "update_rule", "epoch_function", "loss_function")
_ARCHITECTURE = ("hidden_dim", "network_type", "sigmoid", "use_bias", "seq_to_seq_unsync")


def _settings(args):
    """Validate every option up front (nothing is built or trained on bad input)."""
    s = {}
    lr = _value(args["learningrate"])
    s["learningrate"] = None if lr is None else _number(lr, "learningrate", 0, low_open=True)
    s["learningrate_decay"] = _number(_value(args["learningrate_decay"]), "learningrate_decay", 0)
    s["momentum"] = _number(_value(args["momentum"]), "momentum", 0)
    if s["momentum"] >= 1:
        raise ValueError(f"trainr: argument `momentum` must be below 1, got {s['momentum']}")
    s["hidden_dim"] = _hidden_dim(_value(args["hidden_dim"]))
    s["network_type"] = _choice(_value(args["network_type"]), "network_type", NETWORK_TYPES)
    s["numepochs"] = _positive_int(_value(args["numepochs"]), "numepochs")
    s["sigmoid"] = _choice(_value(args["sigmoid"]), "sigmoid", SIGMOIDS)
    s["use_bias"] = bool(_value(args["use_bias"]))
    s["batch_size"] = _positive_int(_value(args["batch_size"]), "batch_size")
    s["seq_to_seq_unsync"] = bool(_value(args["seq_to_seq_unsync"]))
    s["update_rule"] = _choice(_value(args["update_rule"]), "update_rule", UPDATE_RULES)
    s["epoch_function"] = _functions(_value(args["epoch_function"]), "epoch_function")
    s["loss_function"] = _check_function(_value(args["loss_function"]), "loss_function")
    return s


def _check_extra(kwargs):
    """Extra keyword arguments are kept on the model (R's ``...``), but a near-miss of a
    real argument name is a typo, not a setting."""
    names = ("Y", "X", "model") + _TRAINING + _ARCHITECTURE
    for key in kwargs:
        close = difflib.get_close_matches(key.lower().replace("_", ""),
                                          [n.lower().replace("_", "") for n in names], n=1,
                                          cutoff=0.8)
        alias = {"epochs": "numepochs", "lr": "learningrate", "units": "hidden_dim",
                 "activation": "sigmoid"}.get(key)
        if close or alias:
            real = alias or next(n for n in names if n.lower().replace("_", "") == close[0])
            raise TypeError(f"trainr: unexpected argument {key!r}; did you mean `{real}`?")
        if key in ("error", "network", "gradients", "current_epoch", "optimizer"):
            raise TypeError(f"trainr: argument name {key!r} is reserved for the model")


# --- building and training ----------------------------------------------------------------
def _adagrad_note(model, args):
    """As the package: Adagrad takes no momentum and does not call the loss function."""
    ignored = [k for k in ("momentum", "loss_function")
               if _given(args[k]) and not (k == "momentum" and float(args[k]) == 0)]
    if ignored:
        warnings.warn(f"trainr: update_rule='adagrad' ignores {' and '.join(ignored)} (as the "
                      "rnn package: momentum is set to 0, the loss function is not used)",
                      stacklevel=3)
    model.momentum = 0.0


def _build_network(model):
    from lamina import initializers, layers
    from lamina.models import Sequential

    def uniform(limit):
        # the rnn package's initialization: runif(-1, 1) weights, runif(-0.1, 0.1) biases
        return initializers.RandomUniform(minval=-limit, maxval=limit)

    act = _activation(model.sigmoid)
    stack = []
    for i, units in enumerate(model.hidden_dim):
        kw = dict(use_bias=model.use_bias, return_sequences=True,
                  kernel_initializer=uniform(1.0), recurrent_initializer=uniform(1.0),
                  bias_initializer=uniform(0.1))
        if i == 0:
            kw["input_shape"] = (None, model.input_dim)
        if model.network_type == "rnn":
            stack.append(layers.SimpleRNN(units, activation=act, **kw))
        elif model.network_type == "lstm":
            stack.append(layers.LSTM(units, unit_forget_bias=False, **kw))
        else:  # the package's GRU resets the state before the recurrent product
            stack.append(layers.GRU(units, reset_after=False, **kw))
    # the package's output layer: its sigmoid for "rnn", the logistic for LSTM and GRU
    out_act = act if model.network_type == "rnn" else "sigmoid"
    stack.append(layers.Dense(model.output_dim, activation=out_act, use_bias=model.use_bias,
                              kernel_initializer=uniform(1.0), bias_initializer=uniform(0.1)))
    return Sequential(stack)


def _make_optimizer(model):
    from lamina import optimizers
    if model.update_rule == "adagrad":
        return optimizers.Adagrad(learning_rate=model.learningrate)
    # loss_function applies the learning rate to the gradients; the step itself uses 1
    return optimizers.SGD(learning_rate=1.0, momentum=model.momentum)


def _seq_to_seq(X, Y):
    """The package's unsynchronized sequence-to-sequence layout: the input is followed by
    zeros, the target starts at the input's last step; earlier targets are not trained."""
    n, tx, ty = X.shape[0], X.shape[1], Y.shape[1]
    t = tx + ty - 1
    Xp = np.zeros((n, t, X.shape[2]), X.dtype)
    Xp[:, :tx] = X
    Yp = np.zeros((n, t, Y.shape[2]), Y.dtype)
    Yp[:, tx - 1:] = Y
    w = np.zeros((t, 1), X.dtype)
    w[tx - 1:] = 1
    return Xp, Yp, w


def _train(model, X, Y, w):
    net, opt = model.network, model.optimizer
    weights = net.trainable_weights
    opt.build(weights)
    model._train_vars = weights
    n = X.shape[0]
    bs = min(model.batch_size, n)
    rng = backend.rng()
    model.error = np.zeros((n, model.numepochs))
    sgd = model.update_rule == "sgd"
    for epoch in range(1, model.numepochs + 1):
        model.current_epoch = epoch
        if not sgd:
            opt.learning_rate = model.learningrate
        order = rng.permutation(n)
        errors = model.error[:, epoch - 1]
        for start in range(0, n, bs):
            idx = order[start:start + bs]
            xb, yb = X[idx], Y[idx]
            opt.zero_grad()
            out = net(Tensor(xb), training=True)
            loss = HalfSquaredError.apply(out, yb, w)
            loss.backward()
            diff = np.abs(out.data - yb)
            if w is not None:
                diff = diff * w
            errors[idx] = diff.sum(axis=(1, 2))
            if not np.isfinite(loss.data):
                raise FloatingPointError(
                    f"trainr: the error became {float(loss.data)} in epoch {epoch}; try a "
                    "lower learningrate")
            if sgd:
                returned = model.loss_function(model)
                if not isinstance(returned, RNNModel):
                    raise TypeError("trainr: the loss function must return the model, got "
                                    f"{type(returned).__name__}")
                model = returned
            opt.step()
        for fn in model.epoch_function:
            returned = fn(model)
            if not isinstance(returned, RNNModel):
                raise TypeError(f"trainr: epoch function {getattr(fn, '__name__', fn)!r} "
                                f"didn't return the model (got {type(returned).__name__})")
            model = returned
    return model


# the package's defaults, marked so that retraining can tell them from explicit values
_D = {k: _Default(v) for k, v in dict(
    learningrate_decay=1, momentum=0, hidden_dim=[10], network_type="rnn", numepochs=1,
    sigmoid="logistic", use_bias=False, batch_size=1, seq_to_seq_unsync=False,
    update_rule="sgd", epoch_function=[epoch_print, epoch_annealing],
    loss_function=loss_L1).items()}


def trainr(Y, X, model=None, learningrate=None, learningrate_decay=_D["learningrate_decay"],
           momentum=_D["momentum"], hidden_dim=_D["hidden_dim"],
           network_type=_D["network_type"], numepochs=_D["numepochs"], sigmoid=_D["sigmoid"],
           use_bias=_D["use_bias"], batch_size=_D["batch_size"],
           seq_to_seq_unsync=_D["seq_to_seq_unsync"], update_rule=_D["update_rule"],
           epoch_function=_D["epoch_function"], loss_function=_D["loss_function"], **kwargs):
    """Train a recurrent network, as the rnn package's ``trainr``.

    Args:
        Y: targets, (samples, time, variables); a 2-D (samples, time) matrix is one variable.
        X: inputs, (samples, time, variables), or a matrix for one variable. Samples and time
            steps must match Y's (unless ``seq_to_seq_unsync``).
        model: a model returned by ``trainr`` to train further (retraining). Its weights,
            optimizer state and settings carry on; training options given here
            (learningrate, numepochs, ...) replace the model's, architecture options must
            agree with it, and X and Y must have the dimensions it was trained on.
        learningrate: the SGD step size (or Adagrad's learning rate); required for a new model.
        learningrate_decay: ``epoch_annealing`` multiplies the learning rate by it each epoch.
        momentum: the fraction of the previous update added to each update (SGD), in [0, 1).
        hidden_dim: hidden layer size, or a list of sizes for stacked layers.
        network_type: "rnn" (SimpleRNN), "lstm" or "gru".
        numepochs: passes over the data.
        sigmoid: activation of an "rnn" network's hidden and output layers: "logistic",
            "Gompertz" or "tanh" (LSTM and GRU use their own gates and a logistic output).
        use_bias: whether the layers have biases.
        batch_size: samples per weight update.
        seq_to_seq_unsync: train "read the whole input, then write the output": X is
            followed by zeros, Y starts at X's last step and the steps before are not trained.
        update_rule: "sgd" or "adagrad" (Adagrad ignores loss_function and momentum).
        epoch_function: functions called after each epoch with the model; each must return
            the model (default: print the epoch, then anneal the learning rate).
        loss_function: called after each batch's gradients with the model; turns
            ``model.gradients`` into the update in place and returns the model (default
            ``loss_L1``: scale by the learning rate).
        **kwargs: extra entries stored on the model (R's ``...``), e.g. for epoch functions.

    Returns:
        an ``RNNModel``; ``predictr(model, X)`` predicts with it.

    Raises:
        ValueError / TypeError naming the argument when the data or an option is wrong;
        nothing is trained then.

    >>> X1 = sample(range(0, 128), 10000, replace=True)
    >>> X2 = sample(range(0, 128), 10000, replace=True)
    >>> Y = int2bin(X1 + X2, length=8)
    >>> X = array(c(int2bin(X1, length=8), int2bin(X2, length=8)), dim=c(dim(Y), 2))
    >>> model = trainr(Y=Y, X=X, learningrate=1, hidden_dim=16)  # doctest: +SKIP
    """
    args = dict(learningrate=learningrate, learningrate_decay=learningrate_decay,
                momentum=momentum, hidden_dim=hidden_dim, network_type=network_type,
                numepochs=numepochs, sigmoid=sigmoid, use_bias=use_bias, batch_size=batch_size,
                seq_to_seq_unsync=seq_to_seq_unsync, update_rule=update_rule,
                epoch_function=epoch_function, loss_function=loss_function)
    _check_extra(kwargs)
    X = as_data(X, "X", "trainr")
    Y = as_data(Y, "Y", "trainr")
    if model is not None and not isinstance(model, RNNModel):
        raise TypeError(f"trainr: argument `model` must be a model returned by trainr, got "
                        f"{type(model).__name__}")
    if model is not None:
        # only the options given explicitly count: the rest come from the model
        merged = {k: (v if _given(v) or k not in model else _Default(model[k]))
                  for k, v in args.items()}
        if merged["learningrate"] is None:
            merged["learningrate"] = _Default(model.learningrate)
        s = _settings(merged)
        for key in _ARCHITECTURE:
            if _given(args[key]) and s[key] != model[key]:
                raise ValueError(f"trainr: cannot change `{key}` when retraining: the model "
                                 f"has {model[key]!r}, got {s[key]!r}. Train a new model "
                                 "(model=None) for another architecture.")
    else:
        s = _settings(args)
        if s["learningrate"] is None:
            raise TypeError("trainr: argument `learningrate` is required when training a new "
                            "model, e.g. learningrate=0.1")

    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"trainr: the sample dimension of X ({X.shape[0]}) is different from "
                         f"the sample dimension of Y ({Y.shape[0]}); dim 1 of both must match")
    time_dim_input = X.shape[1]
    if s["seq_to_seq_unsync"]:
        X, Y, w = _seq_to_seq(X, Y)
    else:
        w = None
        if X.shape[1] != Y.shape[1]:
            raise ValueError(f"trainr: the time dimension of X ({X.shape[1]}) is different from "
                             f"the time dimension of Y ({Y.shape[1]}); set "
                             "seq_to_seq_unsync=True to read X first and then write Y")

    if model is not None:
        for what, have, got in (("input dim (variables of X)", model.input_dim, X.shape[2]),
                                ("time dim", model.time_dim, X.shape[1]),
                                ("output dim (variables of Y)", model.output_dim, Y.shape[2])):
            if have != got:
                raise ValueError(f"trainr: {what} changed: the model was trained with {have}, "
                                 f"the data has {got}")
        if s["seq_to_seq_unsync"] and model.time_dim_input != time_dim_input:
            raise ValueError(f"trainr: time input dim changed: the model was trained with "
                             f"{model.time_dim_input} input steps, X has {time_dim_input}")
        for key in _TRAINING:
            model[key] = s[key]
        for key, value in kwargs.items():
            model[key] = value
        if model.update_rule == "adagrad":
            _adagrad_note(model, args)
        if (model.update_rule, model.momentum) != model.optimizer_rule:
            # another rule or momentum needs another optimizer (its state starts afresh)
            model.optimizer = _make_optimizer(model)
            model.optimizer_rule = (model.update_rule, model.momentum)
    else:
        model = RNNModel(**kwargs)
        model.input_dim = X.shape[2]
        model.hidden_dim = s["hidden_dim"]
        model.output_dim = Y.shape[2]
        model.synapse_dim = [model.input_dim, *model.hidden_dim, model.output_dim]
        model.time_dim = X.shape[1]
        if s["seq_to_seq_unsync"]:
            model.time_dim_input = time_dim_input
        for key in _TRAINING + _ARCHITECTURE:
            if key != "hidden_dim":
                model[key] = s[key]
        if model.update_rule == "adagrad":
            _adagrad_note(model, args)
        model.current_epoch = 0
        model.network = _build_network(model)
        model.optimizer = _make_optimizer(model)
        model.optimizer_rule = (model.update_rule, model.momentum)
    return _train(model, X, Y, w)
