"""Stateful metrics with Keras 3 names and semantics, computed on NumPy arrays outside the graph.

A metric accumulates over batches and reports the running value::

    from lamina import metrics
    m = metrics.get("accuracy", loss="binary_crossentropy")   # a BinaryAccuracy named "accuracy"
    m.update_state(y_true, y_pred)          # NumPy arrays (Tensors are read as arrays)
    m.result()                              # a Python float
    m.reset_state()

``get`` resolves ``"accuracy"``/``"acc"`` from the loss (or, failing that, from the shapes)
and names every metric as Keras reports it in logs: the string the user wrote, else the

Layout: ``metric.py`` holds the ``Metric`` base, ``Mean``, ``Sum`` and
``MeanMetricWrapper``; accuracy_metrics, regression_metrics, probabilistic_metrics,
hinge_metrics and confusion_metrics hold one family each; this module looks them up.
"""
import inspect

from lamina.autodiff.tensor import Tensor, no_grad  # noqa: F401 - importable here, as before
from lamina.backend import epsilon, floatx  # noqa: F401 - importable here, as before
from lamina.losses.loss import _snake, squeeze_or_expand_to_same_rank  # noqa: F401
from lamina.metrics import metric as _metric_module
from lamina.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    _accuracy_for,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from lamina.metrics.confusion_metrics import (  # noqa: F401 - NEG_INF, confusion_counts too
    AUC,
    NEG_INF,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
    confusion_counts,
)
from lamina.metrics.hinge_metrics import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from lamina.metrics.metric import Mean, MeanMetricWrapper, Metric, Sum
from lamina.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from lamina.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from lamina.utils.serialization import function_config, object_config

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


# --- lookup ----------------------------------------------------------------------------------

ALL_OBJECTS = (
    Metric, Mean, Sum, MeanMetricWrapper, MeanSquaredError, RootMeanSquaredError,
    MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, LogCoshError, AUC, FalseNegatives, FalsePositives, Precision, Recall,
    TrueNegatives, TruePositives, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Accuracy,
    BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({_snake(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
    "kld": KLDivergence, "KLD": KLDivergence, "kullback_leibler_divergence": KLDivergence,
    "logcosh": LogCoshError, "log_cosh": LogCoshError, "acc": Accuracy,
    "huber": huber,
})
for _k in ("Metric", "metric", "mean_metric_wrapper"):
    ALL_OBJECTS_DICT.pop(_k)
_FUNCTIONS = {fn.__name__: fn for fn in (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, mean_squared_error,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    log_cosh, huber, hinge, squared_hinge, categorical_hinge, kl_divergence, poisson,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy,
    cosine_similarity)}


def _function(name, custom_objects=None):
    fn = (custom_objects or {}).get(name, _FUNCTIONS.get(name))
    if fn is None:
        raise ValueError(f"Unknown metric function {name!r}. Valid names are: "
                         f"{', '.join(sorted(_FUNCTIONS))}")
    return fn


def _lookup(name, custom_objects=None):
    obj = (custom_objects or {}).get(name, ALL_OBJECTS_DICT.get(name))
    if obj is None:
        raise ValueError(f"Unknown metric {name!r}. Valid names are: "
                         f"{', '.join(sorted(ALL_OBJECTS_DICT))}")
    return obj


def get(identifier, loss=None, output_shape=None, y_true_shape=None):
    """A ``Metric`` instance for ``identifier``, named as it will appear in logs.

    Strings keep the name the user wrote (``"mae"`` logs as ``mae``, ``"mean_absolute_error"``
    as ``mean_absolute_error``, ``"acc"`` as ``acc``). ``"accuracy"``/``"acc"`` resolve as
    Keras does: from ``loss`` (binary / sparse categorical / categorical cross-entropy), else
    from ``output_shape`` (last dim 1: binary), else at the first batch from the shapes of
    ``y_true`` and ``y_pred``. Metric classes are instantiated; functions are wrapped in
    ``MeanMetricWrapper`` named after the function; ``Metric`` instances are returned as is.

    >>> get("accuracy", loss="sparse_categorical_crossentropy")
    <SparseCategoricalAccuracy name=accuracy>
    >>> get("mae").name
    'mae'
    """
    if identifier is None:
        return None
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier.lower() in ("accuracy", "acc"):
            return _accuracy_for(identifier, loss, output_shape, y_true_shape)
        obj = _lookup(identifier)
        if inspect.isclass(obj):
            metric = obj()
            metric.name = identifier
            return metric
        return MeanMetricWrapper(obj, name=identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=getattr(identifier, "__name__", None))
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def serialize(metric):
    """A ``Metric`` as a Keras 3 config dict."""
    if isinstance(metric, Metric):
        return object_config(metric, "keras.metrics")
    name = getattr(metric, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize metric {metric!r}")
    return function_config("keras.metrics", name)


def deserialize(config, custom_objects=None):
    """Inverse of ``serialize``; plain names are looked up."""
    if isinstance(config, str):
        obj = _lookup(config, custom_objects)
        return obj() if inspect.isclass(obj) else obj
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Cannot deserialize metric from {config!r}")
    if config["class_name"] == "function":
        return _function(config["config"], custom_objects)
    cls = _lookup(config["class_name"], custom_objects)
    return cls.from_config(config.get("config") or {})


# MeanMetricWrapper.from_config looks functions up by name through this
_metric_module.FUNCTION_BY_NAME[0] = _function
