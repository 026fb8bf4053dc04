"""Several inputs and outputs in compile / fit / evaluate / predict.

Data for a model with several inputs (or outputs) travels as ``Arrays`` (one array per
input, sliced and shuffled together; see ``lamina.trainers.data_adapters``). Losses and
metrics per output are wrapped so that the loop's calls ``loss_fn(y, out, sw)`` and
``metric.update_state(y, out, sw)`` stay as they are.

Log names follow Keras 3: ``loss`` (the weighted sum), ``<output>_loss`` (unweighted,
when more than one output has a loss), ``<output>_<metric>``.

>>> model.compile("adam", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
...               loss_weights={"reg": 1.0, "cls": 0.5}, metrics={"cls": ["accuracy"]})
>>> model.fit({"a": xa, "b": xb}, {"reg": y1, "cls": y2}).history.keys()
dict_keys(['loss', 'cls_loss', 'reg_loss', 'cls_accuracy'])
"""
from lamina.trainers.data_adapters.arrays import (  # noqa: F401 (recorded public paths)
    Arrays,
    check_lengths,
    concat_outputs,
    part,
    structure_to_list,
)
from lamina.trainers.steps import RunningMean  # noqa: F401 (a recorded public path)


# --- losses ------------------------------------------------------------------------------
class MultiLoss:
    """The total loss of several outputs: sum of ``weight_i * loss_i(y_i, out_i, sw_i)``.

    The unweighted value of each output's loss on the last batch stays in ``last`` for the
    ``<output>_loss`` logs.
    """

    def __init__(self, fns, weights):
        self.fns = fns
        self.weights = weights
        self.last = [0.0] * len(fns)

    def __call__(self, y, out, sample_weight=None):
        total = None
        for i, (fn, w) in enumerate(zip(self.fns, self.weights)):
            if fn is None:
                continue
            value = fn(part(y, i), out[i], part(sample_weight, i))
            self.last[i] = float(value.data)
            if w != 1.0:
                value = value * w
            total = value if total is None else total + value
        return total


class ScaledLoss:
    """A single output's loss times its ``loss_weights`` entry."""

    def __init__(self, fn, weight):
        self.fn, self.weight = fn, weight

    def __call__(self, y, out, sample_weight=None):
        return self.fn(y, out, sample_weight) * self.weight


class OutputLoss:
    """A log entry ``<output>_loss``: the mean over samples of one output's loss."""

    def __init__(self, multi, index, name):
        self.multi, self.index, self.name = multi, index, name
        self.reset_state()

    def update_state(self, y, out, sample_weight=None):
        n = len(out[self.index])
        self.total += self.multi.last[self.index] * n
        self.count += n

    def result(self):
        return self.total / max(self.count, 1)

    def reset_state(self):
        self.total, self.count, self.counted = 0.0, 0, None


class OutputMetric:
    """A metric of one output, logged as ``<output>_<metric name>``."""

    def __init__(self, metric, index, name):
        self.metric, self.index, self.name = metric, index, name

    def update_state(self, y, out, sample_weight=None):
        self.metric.update_state(part(y, self.index), out[self.index],
                                 sample_weight=part(sample_weight, self.index))

    def result(self):
        return self.metric.result()

    def reset_state(self):
        self.metric.reset_state()


def _per_output(spec, names, what, default=None):
    """A loss / weight / metrics spec as one entry per output."""
    n = len(names)
    if isinstance(spec, dict):
        extra = [k for k in spec if k not in names]
        if extra:
            raise ValueError(f"compile: {what} has keys {extra} that are not outputs of the "
                             f"model; its outputs are {names}")
        return [spec.get(k, default) for k in names]
    if isinstance(spec, (list, tuple)):
        if len(spec) != n:
            raise ValueError(f"compile: {what} has {len(spec)} entries but the model has {n} "
                             f"outputs {names}; give one per output (or a dict keyed by name)")
        return list(spec)
    return [spec] * n


def _metrics_per_output(spec, names):
    if not spec:
        return [[] for _ in names]
    if isinstance(spec, dict):
        per = _per_output(spec, names, "metrics", default=[])
    elif isinstance(spec, (list, tuple)) and len(spec) == len(names):
        per = list(spec)  # Keras 3: a list with one entry per output
    elif isinstance(spec, (list, tuple)) and any(isinstance(m, (list, tuple)) for m in spec):
        raise ValueError(f"compile: metrics is a list of {len(spec)} lists but the model has "
                         f"{len(names)} outputs {names}; give one list per output (or a dict "
                         "keyed by output name)")
    else:
        per = [list(spec)] * len(names)  # Keras 2's reading: every metric for every output
    return [[] if m is None else list(m) if isinstance(m, (list, tuple)) else [m] for m in per]


def resolve(model, names, shapes):
    """(loss function, metrics, weighted flags) for a model with outputs ``names``."""
    from lamina import losses
    from lamina import metrics as metrics_mod
    loss_ids = _per_output(model._loss_spec, names, "loss")
    # no loss for any output: the add_loss terms are the loss (Model._loss_value checks)
    weights = _per_output(model._loss_weights_spec, names, "loss_weights", default=1.0)
    weights = [1.0 if w is None else float(w) for w in weights]
    fns = [None if lid is None else losses.resolve(lid) for lid in loss_ids]
    loss_fn = MultiLoss(fns, weights)
    trackers = []
    if sum(fn is not None for fn in fns) > 1:
        trackers = [OutputLoss(loss_fn, i, f"{name}_loss")
                    for i, (name, fn) in enumerate(zip(names, fns)) if fn is not None]
    found, taken = [], {}
    for spec, weighted in ((model._metrics_spec, False), (model._weighted_metrics_spec, True)):
        for i, ms in enumerate(_metrics_per_output(spec, names)):
            for m in ms:
                metric = metrics_mod.get(m, loss=loss_ids[i], output_shape=shapes[i])
                name = f"{names[i]}_{metric.name}"
                if name in taken:
                    taken[name] += 1
                    name = f"{name}_{taken[name] - 1}"
                else:
                    taken[name] = 1
                found.append((OutputMetric(metric, i, name), weighted))
    found.sort(key=lambda mw: mw[0].name)  # as Keras lists them after the losses
    metrics = trackers + [m for m, _ in found]
    flags = [False] * len(trackers) + [w for _, w in found]
    return loss_fn, metrics, flags
