"""Loss functions and ``Loss`` classes with Keras 3 names, defaults and reductions.

A loss *function* maps ``(y_true, y_pred)`` to per-sample losses (a Tensor of shape
``(batch,)`` or ``(batch, ...)``); a ``Loss`` *instance* also applies ``sample_weight`` and
reduces to a scalar Tensor that ``backward()`` can start from::

    from lamina import losses
    loss = losses.MeanSquaredError()
    value = loss(y_true, y_pred)          # scalar Tensor; y_pred is a Tensor in the graph
    value.backward()

Each per-sample loss is one fused op (``lamina.ops.losses``), followed by one
``weighted_mean``. Cross-entropies on the output of a softmax or sigmoid use the logits that
output remembers (``y_pred._logits``), which is exact and stable.

Layout (as Keras 3): ``loss.py`` holds the ``Loss`` base, reductions and
``LossFunctionWrapper``; ``losses.py`` the built-in functions and classes; this module
their aliases and the lookup by name (get / serialize / deserialize / resolve).
"""
import inspect

from lamina.autodiff.tensor import Tensor  # noqa: F401 - importable here, as before
from lamina.backend import floatx  # noqa: F401 - importable here, as before
from lamina.losses import loss as _loss_module
from lamina.losses.loss import (  # noqa: F401 - the base and its helpers, as before
    Loss,
    LossFunctionWrapper,
    _snake,
    reduce_weighted_values,
    squeeze_or_expand_to_same_rank,
    standardize_reduction,
)
from lamina.losses.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from lamina.ops.activations import LogSoftmax, activate  # noqa: F401 - as before
from lamina.utils.serialization import function_config, object_config

# aliases (Keras 3 and legacy names)
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
bce = BCE = binary_crossentropy


# --- lookup and serialization ------------------------------------------------------------------

ALL_OBJECTS = (
    Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, Huber, LogCosh, Hinge, SquaredHinge,
    CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, mean_squared_error, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_logarithmic_error, cosine_similarity, huber,
    log_cosh, hinge, squared_hinge, categorical_hinge, kl_divergence, poisson,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy,
)
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "kld": kl_divergence, "KLD": kl_divergence, "kullback_leibler_divergence": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
    "logcosh": log_cosh, "huber_loss": huber,
})


def _lookup(name, custom_objects=None):
    obj = (custom_objects or {}).get(name, ALL_OBJECTS_DICT.get(name))
    if obj is None:
        valid = ", ".join(sorted(k for k in ALL_OBJECTS_DICT if k not in ("Loss",)))
        raise ValueError(f"Unknown loss {name!r}. Valid names are: {valid}")
    return obj


def serialize(loss):
    """A loss function or ``Loss`` as a Keras 3 config dict (what model files store)."""
    if loss is None:
        return None
    if isinstance(loss, Loss):
        return object_config(loss, "keras.losses")
    name = getattr(loss, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize loss {loss!r}: expected a Loss or a named function")
    return function_config("keras.losses", name)


def deserialize(config, custom_objects=None):
    """Inverse of ``serialize``; also accepts a plain name and Keras 2 style dicts."""
    if isinstance(config, str):
        return _lookup(config, custom_objects)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Cannot deserialize loss from {config!r}: expected a name or a dict "
                         "with 'class_name' and 'config'")
    if config["class_name"] == "function":
        return _lookup(config["config"], custom_objects)
    cls = _lookup(config["class_name"], custom_objects)
    inner = config.get("config") or {}
    if inspect.isclass(cls):
        return cls.from_config(inner)
    return cls


def get(identifier):
    """Resolve a loss as Keras 3 does: a function name (``"mse"``, ``"binary_crossentropy"``)
    gives the function, a class name (``"MeanSquaredError"``) or class an instance; dicts are
    deserialized; instances and callables are returned as given.

    >>> get("mse") is mean_squared_error
    True
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _lookup(identifier)
    else:
        obj = identifier
    if inspect.isclass(obj):
        if not issubclass(obj, Loss):
            raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
        return obj()
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


def resolve(identifier):
    """A ``Loss`` instance for any identifier ``get`` accepts: what ``compile`` needs.

    Functions are wrapped in ``LossFunctionWrapper`` named as written (``"mse"`` stays
    ``"mse"``), so ``resolve(x)(y_true, y_pred, sample_weight)`` is always a scalar Tensor.

    >>> resolve("mse").name
    'mse'
    """
    obj = get(identifier)
    if obj is None or isinstance(obj, Loss):
        return obj
    name = identifier if isinstance(identifier, str) else getattr(obj, "__name__", None)
    return LossFunctionWrapper(obj, name=name)


# the wrapper's config looks functions up by name through these (see loss.CODEC)
_loss_module.CODEC.update(serialize=serialize, deserialize=deserialize)
