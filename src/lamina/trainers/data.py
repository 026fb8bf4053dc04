"""A model's data in the form the loop takes: one array, or ``Arrays`` in the model's input
(output) order for several; the model is built from the data's shape on the way.

The model is duck-typed (``lamina.models`` sits above this package): ``input_names`` for a
functional model, ``_output_names_for_logs()``, ``_n_outputs()``, ``output_shape``,
``_check_input_array``, ``_maybe_build``, ``_resolve_metrics``.
"""
import numpy as np

from lamina.trainers.data_adapters.arrays import (
    Arrays,
    align_target,
    check_lengths,
    structure_to_list,
    to_array,
    unwrap_single,
)


def standardizer(model, what):
    """``standardize(x, y, sample_weight)`` for a data adapter."""
    return lambda x, y, sw: standardize_data(model, x, y, sw, what)


def standardize_data(model, x, y, sample_weight, what):
    """x, y and sample weights as arrays (``Arrays`` for several inputs or outputs); builds
    the model and resolves the compiled losses and metrics on the way."""
    x = standardize_x(model, x, what)
    model._check_input_array(x)
    if not model.built:
        model._maybe_build([(None,) + s[1:] for s in x.shape] if isinstance(x, Arrays)
                           else (None,) + x.shape[1:])
    if model.compiled:
        model._resolve_metrics()
    return x, standardize_y(model, y, what), standardize_sample_weight(model, sample_weight,
                                                                       what)


def standardize_x(model, x, what):
    names = getattr(model, "input_names", None)  # a functional model's inputs
    if names is not None and len(names) > 1:
        xs = structure_to_list(x, names, f"{what}: x")
        out = Arrays([to_array(a, f"{what}: x[{k!r}]") for a, k in zip(xs, names)])
        check_lengths(out, f"{what}: x")
        return out
    if names is not None:
        return to_array(unwrap_single(x, names, f"{what}: x"), f"{what}: x")
    if (type(model)._auto_track and isinstance(x, (list, tuple)) and len(x) > 1
            and all(getattr(a, "ndim", 0) >= 1 for a in x)):  # a subclassed model's inputs
        out = Arrays([to_array(a, f"{what}: x[{i}]") for i, a in enumerate(x)])
        check_lengths(out, f"{what}: x")
        return out
    return to_array(x, f"{what}: x")


def standardize_y(model, y, what):
    if y is None:  # a model compiled without a loss (trainer._check_xy lets only it pass)
        return None
    if model._n_outputs() == 1:
        y = unwrap_single(y, model._output_names_for_logs(), f"{what}: y")
        return align_target(to_array(y, f"{what}: y"), model.output_shape)
    names = model._output_names_for_logs()
    ys = structure_to_list(y, names, f"{what}: y", allow_missing=True)
    fns = getattr(getattr(model, "_loss_fn", None), "fns", [True] * len(names))
    arrays = []
    for name, yi, fn, shape in zip(names, ys, fns, model.output_shape):
        if yi is None:
            if fn is not None:
                raise ValueError(f"{what}: y has no target for output {name!r}, which has a "
                                 f"loss; the model's outputs are {names}")
            arrays.append(None)
            continue
        arrays.append(align_target(to_array(yi, f"{what}: y[{name!r}]"), shape))
    out = Arrays(arrays)
    check_lengths(out, f"{what}: y")
    return out


def standardize_sample_weight(model, sample_weight, what):
    if sample_weight is None:
        return None
    if isinstance(sample_weight, (list, tuple, dict)) and model._n_outputs() > 1:
        parts = structure_to_list(sample_weight, model._output_names_for_logs(),
                                  f"{what}: sample_weight", allow_missing=True)
        return Arrays([None if p is None else np.asarray(p, dtype=np.float64) for p in parts])
    try:
        return np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{what}: sample_weight must be an array of numbers (one weight per "
                         f"sample), got {type(sample_weight).__name__} ({e})") from None


def for_loss(model, y, y_pred, sample_weight):
    """Targets, predictions and weights of a custom step in the form the losses take."""
    if isinstance(y_pred, dict):
        y_pred = [y_pred[k] for k in model._output_names_for_logs()]
    if isinstance(y_pred, tuple):
        y_pred = list(y_pred)
    if isinstance(y_pred, list) and len(y_pred) > 1:
        names = model._output_names_for_logs()
        if not isinstance(y, Arrays):
            y = Arrays([None if a is None else to_array(a, "y") for a in
                        structure_to_list(y, names, "y", allow_missing=True)])
        if isinstance(sample_weight, (list, tuple, dict)):
            sample_weight = Arrays(structure_to_list(
                sample_weight, names, "sample_weight", allow_missing=True))
    else:
        if isinstance(y_pred, list):
            y_pred = y_pred[0]
        if isinstance(y, (list, tuple)) and len(y) == 1:
            y = y[0]
        y = to_array(y, "y") if y is not None else y
    return y, y_pred, sample_weight
