"""Metrics: Keras docstring values, hand-computed AUC/precision/recall, sample weights,
accuracy resolution from the loss and the shapes, log names, config round trips."""
import numpy as np
import pytest

from lamina import losses, metrics
from lamina.autodiff import Tensor

rng = np.random.default_rng(1)


# --- Keras docstring examples -----------------------------------------------------------------

@pytest.mark.parametrize("metric,y_true,y_pred,sw,plain,weighted", [
    (metrics.Accuracy(), [[1], [2], [3], [4]], [[0], [2], [3], [4]], [1, 1, 0, 0], 0.75, 0.5),
    (metrics.BinaryAccuracy(), [[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], [1, 0, 0, 1],
     0.75, 0.5),
    (metrics.CategoricalAccuracy(), [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
     [0.7, 0.3], 0.5, 0.3),
    (metrics.SparseCategoricalAccuracy(), [[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]],
     [0.7, 0.3], 0.5, 0.3),
    (metrics.TopKCategoricalAccuracy(k=1), [[0, 0, 1], [0, 1, 0]],
     [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3], 0.5, 0.3),
    (metrics.SparseTopKCategoricalAccuracy(k=1), [2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
     [0.7, 0.3], 0.5, 0.3),
    (metrics.MeanSquaredError(), [[0, 1], [0, 0]], [[1, 1], [0, 0]], [1, 0], 0.25, 0.5),
    (metrics.MeanAbsoluteError(), [[0, 1], [0, 0]], [[1, 1], [0, 0]], [1, 0], 0.25, 0.5),
    (metrics.RootMeanSquaredError(), [[0, 1], [0, 0]], [[1, 1], [0, 0]], [1, 0], 0.5,
     np.sqrt(0.5)),
    (metrics.MeanAbsolutePercentageError(), [[0, 1], [0, 0]], [[1, 1], [0, 0]], [1, 0],
     2.5e8, 5e8),
    (metrics.AUC(num_thresholds=3), [0, 0, 1, 1], [0, 0.5, 0.3, 0.9], [1, 0, 0, 1], 0.75, 1.0),
    (metrics.Precision(), [0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1, 0], 2 / 3, 1.0),
    (metrics.Recall(), [0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1, 0], 2 / 3, 1.0),
])
def test_keras_examples(metric, y_true, y_pred, sw, plain, weighted):
    metric.update_state(y_true, y_pred)
    assert metric.result() == pytest.approx(plain, rel=1e-6)
    assert isinstance(metric.result(), float)
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=sw)
    assert metric.result() == pytest.approx(weighted, rel=1e-6)


def test_precision_top_k_keras_example():
    m = metrics.Precision(top_k=2)
    m.update_state([0, 0, 1, 1], [1, 1, 1, 1])  # ties: the first two are the top 2
    assert m.result() == 0.0
    m = metrics.Precision(top_k=4)
    m.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert m.result() == 0.5


def test_mean_and_sum():
    m = metrics.Mean()
    m.update_state([1, 3, 5, 7])
    assert m.result() == 4.0
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result() == pytest.approx((16 + 4) / 6)
    m.reset_state()
    assert m.result() == 0.0
    m.update_state(2.5)  # one scalar counts as one value
    assert m.result() == 2.5 and m.count == 1
    # per-timestep values with per-sample weights: mean over steps, then weighted mean
    m = metrics.Mean()
    m.update_state(np.array([[1.0, 3.0], [10.0, 20.0]]), sample_weight=[1.0, 0.0])
    assert m.result() == 2.0
    s = metrics.Sum()
    s.update_state([1, 3, 5, 7], sample_weight=[1, 0, 1, 0])
    assert s.result() == 6.0
    assert metrics.Mean(name="loss").name == "loss"


def test_loss_tracker_weighted_by_batch_size():
    # how fit should average batch losses: weight each batch by its size
    m = metrics.Mean(name="loss")
    m.update_state(2.0, sample_weight=32)
    m.update_state(5.0, sample_weight=8)
    assert m.result() == pytest.approx((2 * 32 + 5 * 8) / 40)


def test_metrics_accumulate_over_batches():
    y_true = rng.integers(0, 2, (10, 1))
    y_pred = rng.uniform(size=(10, 1))
    whole = metrics.BinaryAccuracy()
    whole.update_state(y_true, y_pred)
    parts = metrics.BinaryAccuracy()
    parts.update_state(y_true[:3], y_pred[:3])
    parts.update_state(y_true[3:], y_pred[3:])
    assert parts.result() == pytest.approx(whole.result())
    assert whole.result() == pytest.approx(np.mean((y_pred > 0.5) == y_true))
    assert whole(y_true, y_pred) == pytest.approx(whole.result())  # __call__ updates too


def test_binary_accuracy_rank_1_labels_and_threshold():
    y_true, y_pred = np.array([1, 0, 1, 0]), np.array([[0.7], [0.2], [0.4], [0.9]])
    m = metrics.BinaryAccuracy()
    m.update_state(y_true, y_pred)  # (4,) against (4, 1): per sample, never (4, 4)
    assert m.result() == 0.5 and m.count == 4
    m = metrics.BinaryAccuracy(threshold=0.3)
    m.update_state(y_true, y_pred)
    assert m.result() == 0.75
    # any threshold, as Keras: 0.0 for logits (Keras files use it; loading must not fail)
    m = metrics.BinaryAccuracy(threshold=0.0)
    m.update_state(y_true, np.array([[2.0], [-1.0], [-0.5], [0.3]]))
    assert m.result() == 0.5


def test_tensors_are_read_as_arrays():
    m = metrics.CategoricalAccuracy()
    m.update_state(Tensor([[0.0, 1.0]]), Tensor(np.array([[0.2, 0.8]]), requires_grad=True))
    assert m.result() == 1.0


def test_top_k_ties_count_as_in_top_k():
    y_pred = np.array([[0.5, 0.5, 0.1], [0.1, 0.2, 0.7]])
    np.testing.assert_array_equal(
        metrics.sparse_top_k_categorical_accuracy([1, 1], y_pred, k=1), [1.0, 0.0])
    np.testing.assert_array_equal(
        metrics.sparse_top_k_categorical_accuracy([[1], [1]], y_pred, k=2), [[1.0], [1.0]])
    m = metrics.SparseTopKCategoricalAccuracy()  # k=5 >= classes: always right
    m.update_state([0, 2], y_pred)
    assert m.result() == 1.0


def test_sparse_categorical_accuracy_over_timesteps():
    y_pred = rng.uniform(size=(3, 4, 5))
    labels = rng.integers(0, 5, (3, 4))
    m = metrics.SparseCategoricalAccuracy()
    m.update_state(labels, y_pred)
    assert m.result() == pytest.approx(np.mean(np.argmax(y_pred, -1) == labels))


# --- regression and probabilistic metrics use the loss formulas --------------------------------

@pytest.mark.parametrize("cls,fn", [
    (metrics.MeanSquaredLogarithmicError, losses.mean_squared_logarithmic_error),
    (metrics.LogCoshError, losses.log_cosh),
    (metrics.Hinge, losses.hinge),
    (metrics.SquaredHinge, losses.squared_hinge),
    (metrics.KLDivergence, losses.kl_divergence),
    (metrics.Poisson, losses.poisson),
    (metrics.BinaryCrossentropy, losses.binary_crossentropy),
])
def test_loss_based_metrics(cls, fn):
    y_true = rng.integers(0, 2, (6, 3)).astype(np.float32)
    y_pred = rng.uniform(0.05, 0.95, (6, 3)).astype(np.float32)
    m = cls()
    m.update_state(y_true, y_pred)
    assert m.result() == pytest.approx(float(np.mean(fn(y_true, y_pred).data)), rel=1e-6)


def test_cosine_similarity_metric_is_positive_similarity():
    m = metrics.CosineSimilarity()
    m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
    assert m.result() == pytest.approx(0.5, abs=1e-6)


def test_crossentropy_metrics_match_losses():
    y_pred = rng.uniform(0.05, 1, (5, 4))
    labels = rng.integers(0, 4, 5)
    expected = float(losses.SparseCategoricalCrossentropy()(labels, y_pred).data)
    m = metrics.SparseCategoricalCrossentropy()
    m.update_state(labels, y_pred)
    assert m.result() == pytest.approx(expected, rel=1e-6)
    m = metrics.CategoricalCrossentropy()
    m.update_state(np.eye(4)[labels], y_pred)
    assert m.result() == pytest.approx(expected, rel=1e-6)


# --- confusion metrics against hand computations -----------------------------------------------

def exact_roc_auc(y, s, w=None):
    """Mann-Whitney: P(score of a positive > score of a negative), ties count one half."""
    w = np.ones(len(y)) if w is None else np.asarray(w, float)
    pos, neg = y == 1, y == 0
    diff = s[pos][:, None] - s[neg][None, :]
    wins = (diff > 0) + 0.5 * (diff == 0)
    pair_w = w[pos][:, None] * w[neg][None, :]
    return (wins * pair_w).sum() / pair_w.sum()


def test_auc_matches_hand_computed_roc_auc():
    # scores on a grid coarser than the thresholds: the trapezoid rule is then exact
    y = rng.integers(0, 2, 60)
    s = (rng.integers(0, 50, 60) + 0.5) / 50
    w = rng.uniform(0.1, 2, 60)
    m = metrics.AUC(num_thresholds=201)
    m.update_state(y, s)
    assert m.result() == pytest.approx(exact_roc_auc(y, s), abs=1e-9)
    m.reset_state()
    m.update_state(y[:, None], s[:, None], sample_weight=w)
    assert m.result() == pytest.approx(exact_roc_auc(y, s, w), abs=1e-9)
    m = metrics.AUC(num_thresholds=201, from_logits=True)
    m.update_state(y, np.log(s / (1 - s)))
    assert m.result() == pytest.approx(exact_roc_auc(y, s), abs=1e-6)


def test_auc_explicit_thresholds_and_perfect_ranking():
    m = metrics.AUC(thresholds=[0.25, 0.5, 0.75])
    assert m.thresholds[1:-1] == [0.25, 0.5, 0.75] and m.num_thresholds == 5
    m.update_state([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.9])
    assert m.result() == pytest.approx(1.0)
    m = metrics.AUC(thresholds=[0.2, 0.7])  # not evenly spaced: the general path
    m.update_state([0, 1, 0, 1], [0.1, 0.5, 0.6, 0.9])
    # (fpr, tpr) at -eps, 0.2, 0.7, 1+eps: (1, 1), (0.5, 1), (0, 0.5), (0, 0); trapezoids:
    # 0.5 * (1 + 1) / 2 + 0.5 * (1 + 0.5) / 2 + 0
    assert m.result() == pytest.approx(0.5 + 0.375)


def test_pr_auc_interpolation_by_hand():
    m = metrics.AUC(num_thresholds=3, curve="PR")
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    # tp = [2, 1, 0], fp = [2, 0, 0], fn = [0, 1, 2]; Davis & Goadrich per interval:
    # slope * (dtp + intercept * log(P_A / P_B)) / (tp_B + fn_B)
    first = (1 / 3) * (1 + (2 / 3) * np.log(4)) / 2
    second = 1.0 * (1 + 0) / 2
    assert m.result() == pytest.approx(first + second, rel=1e-9)
    np.testing.assert_allclose(m.true_positives, [2, 1, 0])
    np.testing.assert_allclose(m.false_positives, [2, 0, 0])
    np.testing.assert_allclose(m.false_negatives, [0, 1, 2])
    np.testing.assert_allclose(m.true_negatives, [0, 2, 2])


def test_auc_summation_methods_and_multi_label():
    y = np.array([[0, 1], [1, 0], [1, 1], [0, 0]])
    s = np.array([[0.1, 0.8], [0.7, 0.3], [0.6, 0.9], [0.2, 0.4]])
    multi = metrics.AUC(num_thresholds=101, multi_label=True)
    multi.update_state(y, s)
    per_label = [exact_roc_auc(y[:, j], s[:, j]) for j in range(2)]
    assert multi.result() == pytest.approx(np.mean(per_label))
    weighted = metrics.AUC(num_thresholds=101, multi_label=True, label_weights=[3, 1])
    weighted.update_state(y, s)
    assert weighted.result() == pytest.approx((3 * per_label[0] + per_label[1]) / 4)
    flat = metrics.AUC(num_thresholds=101)
    flat.update_state(y, s)
    assert flat.result() == pytest.approx(exact_roc_auc(y.ravel(), s.ravel()))
    lo, hi = metrics.AUC(3, summation_method="minoring"), metrics.AUC(3, summation_method="majoring")
    for m in (lo, hi):
        m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert lo.result() == pytest.approx(0.5) and hi.result() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)


def test_precision_recall_thresholds_class_id():
    y_true = np.array([[0, 1], [1, 0], [1, 1], [0, 1]])
    y_pred = np.array([[0.3, 0.9], [0.6, 0.2], [0.8, 0.55], [0.7, 0.4]])
    p = metrics.Precision(thresholds=[0.5, 0.75])
    p.update_state(y_true, y_pred)
    # > 0.5: predicted 0.9, 0.6, 0.8, 0.55, 0.7 -> labels 1, 1, 1, 1, 0 -> 4/5
    # > 0.75: 0.9, 0.8 -> both positive -> 1
    np.testing.assert_allclose(p.result(), [0.8, 1.0])
    r = metrics.Recall(thresholds=[0.75, 0.5])  # order kept as given
    r.update_state(y_true, y_pred)
    np.testing.assert_allclose(r.result(), [2 / 5, 4 / 5])
    c = metrics.Recall(class_id=1)
    c.update_state(y_true, y_pred)  # column 1: labels 1,0,1,1; > 0.5: 0.9, 0.55 -> 2/3
    assert c.result() == pytest.approx(2 / 3)
    counts = metrics.TruePositives(), metrics.FalsePositives(), metrics.TrueNegatives(), \
        metrics.FalseNegatives()
    for m in counts:
        m.update_state(y_true, y_pred)
    assert [m.result() for m in counts] == [4.0, 1.0, 2.0, 1.0]
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.Precision(thresholds=1.5)


def test_precision_even_thresholds_use_buckets_consistently():
    y = rng.integers(0, 2, 200)
    s = rng.uniform(size=200)
    th = [0.0, 0.25, 0.5, 0.75, 1.0]  # evenly spaced: the bucketed path
    m = metrics.Precision(thresholds=th)
    m.update_state(y, s)
    expected = [((s > t) & (y == 1)).sum() / max((s > t).sum(), 1) for t in th]
    np.testing.assert_allclose(m.result(), expected)


# --- resolution and names ----------------------------------------------------------------------

@pytest.mark.parametrize("loss,cls", [
    ("binary_crossentropy", metrics.BinaryAccuracy),
    ("bce", metrics.BinaryAccuracy),
    (losses.BinaryCrossentropy(from_logits=True), metrics.BinaryAccuracy),
    (losses.binary_crossentropy, metrics.BinaryAccuracy),
    ("sparse_categorical_crossentropy", metrics.SparseCategoricalAccuracy),
    (losses.SparseCategoricalCrossentropy, metrics.SparseCategoricalAccuracy),
    ("categorical_crossentropy", metrics.CategoricalAccuracy),
    ("CategoricalCrossentropy", metrics.CategoricalAccuracy),
])
def test_accuracy_resolved_from_loss(loss, cls):
    for name in ("accuracy", "acc"):
        m = metrics.get(name, loss=loss, output_shape=(None, 1))
        assert type(m) is cls and m.name == name


def test_accuracy_resolved_from_shapes():
    m = metrics.get("accuracy", loss="mse", output_shape=(None, 1))
    assert type(m) is metrics.BinaryAccuracy
    m = metrics.get("accuracy", output_shape=(None, 3), y_true_shape=(None,))
    assert type(m) is metrics.SparseCategoricalAccuracy
    m = metrics.get("accuracy", output_shape=(None, 3), y_true_shape=(None, 3))
    assert type(m) is metrics.CategoricalAccuracy
    # not known yet: decided by the first batch, as Keras 3 does
    for y_true, expected in (([0, 2], 0.5), ([[1, 0, 0], [1, 0, 0]], 1.0)):
        lazy = metrics.get("accuracy", output_shape=(None, 3))
        lazy.update_state(y_true, [[0.8, 0.1, 0.1], [0.6, 0.3, 0.1]])
        assert lazy.result() == expected and lazy.name == "accuracy"
    lazy = metrics.get("acc")
    lazy.update_state([1, 0], [[0.9], [0.8]])
    assert lazy.result() == 0.5 and lazy.name == "acc"


def test_log_names():
    assert metrics.get("mae").name == "mae"
    assert type(metrics.get("mae")) is metrics.MeanAbsoluteError
    assert metrics.get("mean_absolute_error").name == "mean_absolute_error"
    assert metrics.get("mse").name == "mse"
    assert metrics.get("auc").name == "auc" and type(metrics.get("auc")) is metrics.AUC
    assert metrics.get("AUC").name == "AUC"
    assert metrics.get(metrics.AUC()).name == "auc"
    assert metrics.get(metrics.Precision).name == "precision"
    assert metrics.get("precision").name == "precision"
    assert metrics.get("recall").name == "recall"
    assert metrics.get(metrics.Recall(name="r")).name == "r"
    assert metrics.get("binary_accuracy").name == "binary_accuracy"
    assert metrics.get("top_k_categorical_accuracy").name == "top_k_categorical_accuracy"
    assert metrics.get("root_mean_squared_error").name == "root_mean_squared_error"
    assert metrics.get(metrics.mean_absolute_error).name == "mean_absolute_error"
    assert metrics.LogCoshError().name == "logcosh"
    assert metrics.get(None) is None

    def my_metric(y_true, y_pred):
        return np.abs(np.asarray(y_true) - np.asarray(y_pred)).max(axis=-1)

    m = metrics.get(my_metric)
    m.update_state([[0.0, 1.0]], [[0.5, 3.0]])
    assert m.name == "my_metric" and m.result() == 2.0


def test_unknown_metric_names_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown metric 'acuracy'.*binary_accuracy"):
        metrics.get("acuracy")
    with pytest.raises(ValueError):
        metrics.get(3)


@pytest.mark.parametrize("metric", [
    metrics.Accuracy(), metrics.BinaryAccuracy(threshold=0.3), metrics.CategoricalAccuracy(),
    metrics.SparseCategoricalAccuracy(), metrics.TopKCategoricalAccuracy(k=3),
    metrics.SparseTopKCategoricalAccuracy(k=2), metrics.MeanSquaredError(name="m"),
    metrics.MeanAbsoluteError(), metrics.RootMeanSquaredError(), metrics.CosineSimilarity(axis=1),
    metrics.BinaryCrossentropy(from_logits=True), metrics.CategoricalCrossentropy(axis=-1),
    metrics.SparseCategoricalCrossentropy(), metrics.Mean(), metrics.Sum(),
    metrics.AUC(num_thresholds=50, curve="PR"), metrics.AUC(thresholds=[0.3, 0.6]),
    metrics.Precision(thresholds=[0.2, 0.4], class_id=1), metrics.Recall(top_k=2),
    metrics.TruePositives(thresholds=0.3), metrics.MeanMetricWrapper(metrics.huber, delta=2.0),
])
def test_config_round_trip(metric):
    config = metric.get_config()
    assert config["name"] == metric.name
    again = type(metric).from_config(config)
    assert again.get_config() == config
    restored = metrics.deserialize(metrics.serialize(metric))
    assert type(restored) is type(metric) and restored.get_config() == config


def test_custom_metric_with_add_variable_as_in_keras_guide():
    class TruePositives(metrics.Metric):
        def __init__(self, name="categorical_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = np.argmax(np.asarray(y_pred), axis=1) == np.asarray(y_true).reshape(-1)
            self.true_positives.assign_add(hits.sum())

        def result(self):
            return self.true_positives.value

    m = TruePositives()
    m.update_state([0, 2], [[0.9, 0.1, 0.0], [0.1, 0.8, 0.1]])
    assert float(m.result()) == 1.0 and m.variables == [m.true_positives]
    m.reset_state()  # the default puts every add_variable back to its initial value
    assert float(m.result()) == 0.0
    with pytest.raises(NotImplementedError, match="add_variable"):
        metrics.Metric().reset_state()
