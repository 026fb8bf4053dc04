"""Losses: values against Keras's formulas and docstring numbers, float64 gradient checks,
reductions, sample weights, shape rules, the logits paths, lookup and serialization."""
import warnings

import numpy as np
import pytest

from lamina import losses, ops
from lamina.autodiff import Tensor, gradient_check
from lamina.ops import losses as fused
from lamina.ops.activations import Sigmoid, Softmax, activate
from lamina.ops.nn import SoftmaxCrossEntropy, SparseSoftmaxCrossEntropy, WeightedMean

EPS = 1e-7
rng = np.random.default_rng(0)


def val(t):
    return np.asarray(t.data if isinstance(t, Tensor) else t)


# --- reference formulas, transcribed from Keras's documentation ------------------------------

def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def ref_bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(-1)


def ref_cce(t, p, axis=-1):
    p = np.clip(p / p.sum(axis=axis, keepdims=True), EPS, 1 - EPS)
    return -(t * np.log(p)).sum(axis=axis)


def hinge_labels(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def ref_cos(t, p, axis=-1):
    def norm(x):
        return x / np.maximum(np.sqrt((x * x).sum(axis=axis, keepdims=True)), EPS)
    return -(norm(t) * norm(p)).sum(axis=axis)


def ref_huber(t, p, delta=1.0):
    e = p - t
    return np.where(np.abs(e) <= delta, 0.5 * e ** 2, delta * np.abs(e) - 0.5 * delta ** 2).mean(-1)


REF = {
    "mean_squared_error": lambda t, p: ((t - p) ** 2).mean(-1),
    "mean_absolute_error": lambda t, p: np.abs(t - p).mean(-1),
    "mean_absolute_percentage_error":
        lambda t, p: 100 * np.abs((t - p) / np.maximum(np.abs(t), EPS)).mean(-1),
    "mean_squared_logarithmic_error":
        lambda t, p: ((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2)
        .mean(-1),
    "cosine_similarity": ref_cos,
    "huber": ref_huber,
    "log_cosh": lambda t, p: np.log(np.cosh(p - t)).mean(-1),
    "hinge": lambda t, p: np.maximum(1 - hinge_labels(t) * p, 0).mean(-1),
    "squared_hinge": lambda t, p: (np.maximum(1 - hinge_labels(t) * p, 0) ** 2).mean(-1),
    "categorical_hinge": lambda t, p: np.maximum(
        ((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0),
    "kl_divergence": lambda t, p: (np.clip(t, EPS, 1) * np.log(
        np.clip(t, EPS, 1) / np.clip(p, EPS, 1))).sum(-1),
    "poisson": lambda t, p: (p - t * np.log(p + EPS)).mean(-1),
    "binary_crossentropy": ref_bce,
    "categorical_crossentropy": ref_cce,
}


def data_for(name, shape=(4, 3)):
    """(y_true, y_pred) in float64, away from kinks and clipping edges."""
    if name in ("binary_crossentropy", "kl_divergence", "categorical_crossentropy"):
        t = rng.uniform(0.05, 0.95, shape)
        if name == "categorical_crossentropy":
            t = np.eye(shape[-1])[rng.integers(0, shape[-1], shape[:-1])]
        return t, rng.uniform(0.05, 0.95, shape)
    if name in ("hinge", "squared_hinge"):
        t = rng.integers(0, 2, shape).astype(float)
        p = rng.uniform(-2, 2, shape)
        p[np.abs(1 - hinge_labels(t) * p) < 0.05] += 0.2
        return t, p
    if name == "categorical_hinge":
        t = np.eye(shape[-1])[rng.integers(0, shape[-1], shape[:-1])]
        return t, rng.uniform(0, 0.4, shape) + t * rng.uniform(0, 0.5, shape[:-1])[..., None]
    if name in ("mean_squared_logarithmic_error", "poisson"):
        return rng.uniform(0.1, 3, shape), rng.uniform(0.1, 3, shape)
    t = rng.uniform(0.5, 2, shape) * rng.choice([-1, 1], shape)
    p = t + rng.uniform(0.1, 2.5, shape) * rng.choice([-1, 1], shape)
    if name == "huber":
        p[np.abs(np.abs(p - t) - 1) < 0.05] += 0.2
    return t, p


NAMES = sorted(REF)


@pytest.mark.parametrize("name", NAMES)
def test_values_match_keras_formulas(name):
    t, p = data_for(name)
    got = val(getattr(losses, name)(t, p))
    np.testing.assert_allclose(got, REF[name](t, p), rtol=1e-6, atol=1e-9)
    assert got.shape == (4,)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_wrt_y_pred(name):
    t, p = data_for(name)
    fn = getattr(losses, name)
    assert gradient_check(lambda a, b: fn(a, b), t, p, wrt=[1])


@pytest.mark.parametrize("name", sorted(set(NAMES) - {"hinge", "squared_hinge"}))
def test_gradient_wrt_y_true(name):
    # a differentiable target (e.g. another network's output) gets its gradient too
    t, p = data_for(name)
    fn = getattr(losses, name)
    assert gradient_check(lambda a, b: fn(a, b), t, p, wrt=[0, 1])


def test_hinge_gradient_wrt_labels_in_minus_one_one():
    t = rng.choice([-1.0, 1.0], (4, 3)) * rng.uniform(0.5, 1.5, (4, 3))  # not binary
    p = rng.uniform(-0.3, 0.3, (4, 3))
    for fn in (losses.hinge, losses.squared_hinge):
        assert gradient_check(fn, t, p, wrt=[0, 1])


def test_per_sample_loss_is_one_fused_op():
    t, p = data_for("mean_squared_error")
    y = Tensor(p, requires_grad=True)
    out = losses.mean_squared_error(t, y)
    assert isinstance(out._ctx, fused.PointwiseLoss) and out._ctx.inputs[0] is y
    total = losses.MeanSquaredError()(t, y)  # unweighted: straight to the scalar, one op
    assert isinstance(total._ctx, fused.PointwiseLoss) and total._ctx.inputs[0] is y
    weighted = losses.MeanSquaredError()(t, y, sample_weight=np.ones(len(p)))
    assert isinstance(weighted._ctx, WeightedMean) and weighted._ctx.inputs[0]._ctx.inputs[0] is y
    total.backward()
    np.testing.assert_allclose(y.grad, 2 * (p - t) / p.size)


# --- Keras docstring examples -----------------------------------------------------------------

def test_binary_crossentropy_keras_examples():
    bce = losses.BinaryCrossentropy(from_logits=True)
    v = float(val(bce(np.array([0, 1, 0, 0]), np.array([-18.6, 0.51, 2.94, -12.8]))))
    assert v == pytest.approx(0.8654, abs=2e-4)
    y_true, y_pred = np.array([[0, 1], [0, 0]]), np.array([[-18.6, 0.51], [2.94, -12.8]])
    assert float(val(bce(y_true, y_pred))) == pytest.approx(0.8654, abs=2e-4)
    assert float(val(bce(y_true, y_pred, sample_weight=[0.8, 0.2]))) == pytest.approx(0.243, abs=1e-3)
    s = losses.BinaryCrossentropy(from_logits=True, reduction="sum")(y_true, y_pred)
    assert float(val(s)) == pytest.approx(1.730, abs=1e-3)
    n = losses.BinaryCrossentropy(from_logits=True, reduction=None)(y_true, y_pred)
    np.testing.assert_allclose(val(n), [0.235, 1.496], atol=1e-3)
    probs = losses.binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    np.testing.assert_allclose(val(probs), [0.916, 0.714], atol=1e-3)


@pytest.mark.parametrize("sparse", [False, True])
def test_categorical_crossentropy_keras_examples(sparse):
    y_true = [1, 2] if sparse else [[0, 1, 0], [0, 0, 1]]
    y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    cls = losses.SparseCategoricalCrossentropy if sparse else losses.CategoricalCrossentropy
    assert float(val(cls()(y_true, y_pred))) == pytest.approx(1.177, abs=1e-3)
    assert float(val(cls()(y_true, y_pred, sample_weight=np.array([0.3, 0.7])))) \
        == pytest.approx(0.814, abs=1e-3)
    assert float(val(cls(reduction="sum")(y_true, y_pred))) == pytest.approx(2.354, abs=1e-3)
    np.testing.assert_allclose(val(cls(reduction=None)(y_true, y_pred)), [0.0513, 2.303],
                               atol=1e-3)


def test_regression_keras_examples():
    y_true, y_pred = [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]
    assert float(val(losses.Huber()(y_true, y_pred))) == pytest.approx(0.155, abs=1e-6)
    assert float(val(losses.LogCosh()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]))) \
        == pytest.approx(np.log(np.cosh(1.0)) / 4, rel=1e-6)  # Keras shows 0.108
    cos = losses.cosine_similarity([[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]],
                                   [[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]])
    np.testing.assert_allclose(val(cos), [0.0, -1.0, 1.0], atol=1e-6)
    mse = losses.MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])
    assert float(val(mse)) == 0.5


def test_cosine_similarity_zero_vector_is_zero_and_finite_gradient():
    y = Tensor(np.zeros((1, 3)), requires_grad=True)
    out = losses.cosine_similarity(np.array([[1.0, 2.0, 3.0]]), y)
    assert float(out.data[0]) == 0.0
    out.sum().backward()
    assert np.all(np.isfinite(y.grad))


def test_cosine_similarity_other_axis():
    t, p = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 2))
    np.testing.assert_allclose(val(losses.cosine_similarity(t, p, axis=1)), ref_cos(t, p, 1),
                               rtol=1e-6)
    assert gradient_check(lambda a: losses.cosine_similarity(t, a, axis=1), p)


def test_huber_delta_and_gradient():
    t, p = data_for("huber")
    p[np.abs(np.abs(p - t) - 0.5) < 0.05] += 0.15
    np.testing.assert_allclose(val(losses.huber(t, p, delta=0.5)), ref_huber(t, p, 0.5),
                               rtol=1e-6)
    assert gradient_check(lambda a: losses.Huber(delta=0.5)(t, a), p)


def test_log_cosh_is_stable_for_large_errors():
    out = val(losses.log_cosh(np.zeros((1, 2)), np.array([[500.0, -800.0]])))
    np.testing.assert_allclose(out, [(500 + 800) / 2 - np.log(2)])


# --- label smoothing ----------------------------------------------------------------------

def test_label_smoothing_values():
    t, p = data_for("binary_crossentropy")
    t = np.round(t)
    got = val(losses.binary_crossentropy(t, p, label_smoothing=0.2))
    np.testing.assert_allclose(got, ref_bce(t * 0.8 + 0.1, p), rtol=1e-6)
    t, p = data_for("categorical_crossentropy")
    got = val(losses.categorical_crossentropy(t, p, label_smoothing=0.3))
    np.testing.assert_allclose(got, ref_cce(t * 0.7 + 0.1, p), rtol=1e-6)  # 0.3 / 3 classes


@pytest.mark.parametrize("from_logits", [False, True])
def test_label_smoothing_gradients(from_logits):
    t, p = data_for("binary_crossentropy")
    t = np.round(t)
    z = rng.normal(size=p.shape) if from_logits else p
    assert gradient_check(lambda a, b: losses.binary_crossentropy(
        a, b, from_logits=from_logits, label_smoothing=0.2), t, z, wrt=[0, 1])
    t, p = data_for("categorical_crossentropy")
    z = rng.normal(size=p.shape) if from_logits else p
    assert gradient_check(lambda a, b: losses.categorical_crossentropy(
        a, b, from_logits=from_logits, label_smoothing=0.3), t, z, wrt=[0, 1])


# --- logits paths ---------------------------------------------------------------------------

def test_softmax_output_is_scored_from_its_logits():
    z = rng.normal(size=(5, 4)) * 3
    t = np.eye(4)[rng.integers(0, 4, 5)]
    zt = Tensor(z, requires_grad=True)
    y = activate(zt, Softmax())
    out = losses.categorical_crossentropy(t, y)
    assert isinstance(out._ctx, SoftmaxCrossEntropy) and out._ctx.inputs[0] is zt
    np.testing.assert_allclose(val(out), ref_cce(t, softmax(z)), rtol=1e-6)
    out.sum().backward()
    np.testing.assert_allclose(zt.grad, softmax(z) - t, atol=1e-12)  # the exact gradient
    assert gradient_check(lambda a: losses.categorical_crossentropy(t, activate(a, Softmax())), z)
    assert gradient_check(lambda a, b: losses.categorical_crossentropy(
        a, activate(b, Softmax())), t, z, wrt=[0, 1])
    # saturated: probabilities would be clipped at epsilon, logits give the true loss
    big = np.array([[60.0, 0.0]])
    v = val(losses.categorical_crossentropy([[0.0, 1.0]], activate(Tensor(big), Softmax())))
    np.testing.assert_allclose(v, [60.0], rtol=1e-9)


def test_sparse_softmax_output_uses_logits():
    z = rng.normal(size=(6, 5))
    labels = rng.integers(0, 5, 6)
    y = activate(Tensor(z, requires_grad=True), Softmax())
    out = losses.sparse_categorical_crossentropy(labels, y)
    assert isinstance(out._ctx, SparseSoftmaxCrossEntropy)
    np.testing.assert_allclose(val(out), -np.log(softmax(z)[np.arange(6), labels]), rtol=1e-6)
    assert gradient_check(lambda a: losses.SparseCategoricalCrossentropy()(
        labels[:, None], activate(a, Softmax())), z)


def test_sigmoid_output_uses_logits_even_when_labels_are_rank_1():
    z = rng.normal(size=(6, 1)) * 4
    t = rng.integers(0, 2, 6).astype(float)  # (6,) against (6, 1)
    zt = Tensor(z, requires_grad=True)
    y = activate(zt, Sigmoid())
    out = losses.BinaryCrossentropy()(t, y)
    expected = np.mean(np.logaddexp(0, z[:, 0]) - z[:, 0] * t)
    assert float(val(out)) == pytest.approx(expected, rel=1e-9)
    out.backward()
    np.testing.assert_allclose(zt.grad[:, 0], (sigmoid(z[:, 0]) - t) / 6, atol=1e-12)
    assert gradient_check(lambda a: losses.BinaryCrossentropy()(t, activate(a, Sigmoid())), z)
    # y_pred (b,) against labels (b, 1): y_pred is expanded and keeps its logits
    y1 = activate(Tensor(z[:, 0], requires_grad=True), Sigmoid())
    assert float(val(losses.BinaryCrossentropy()(t[:, None], y1))) == pytest.approx(expected)
    # saturated: clipped probabilities would give -log(1 - eps) ~ 1e-7; the logits give ~0
    v = losses.binary_crossentropy([[1.0]], activate(Tensor([[80.0]]), Sigmoid()))
    assert 0 <= float(val(v)[0]) < 1e-30


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy"])
def test_from_logits_values_and_gradients(name):
    z = rng.normal(size=(4, 3)) * 2
    t, _ = data_for(name)
    fn = getattr(losses, name)
    probs = sigmoid(z) if name == "binary_crossentropy" else softmax(z)
    np.testing.assert_allclose(val(fn(t, z, from_logits=True)), REF[name](t, probs), rtol=1e-6)
    assert gradient_check(lambda a, b: fn(a, b, from_logits=True), t, z, wrt=[0, 1])


def test_sparse_categorical_probabilities_and_logits_gradients():
    p = rng.uniform(0.05, 1, (5, 4))
    labels = rng.integers(0, 4, 5)
    np.testing.assert_allclose(val(losses.sparse_categorical_crossentropy(labels, p)),
                               ref_cce(np.eye(4)[labels], p), rtol=1e-6)
    assert gradient_check(lambda a: losses.sparse_categorical_crossentropy(labels, a), p)
    assert gradient_check(lambda a: losses.sparse_categorical_crossentropy(
        labels, a, from_logits=True), rng.normal(size=(5, 4)))


def test_categorical_crossentropy_other_axis():
    p = rng.uniform(0.05, 1, (3, 4, 2))
    t = np.moveaxis(np.eye(4)[rng.integers(0, 4, (3, 2))], -1, 1)
    np.testing.assert_allclose(val(losses.categorical_crossentropy(t, p, axis=1)),
                               ref_cce(t, p, axis=1), rtol=1e-6)
    assert gradient_check(lambda a: losses.categorical_crossentropy(t, a, axis=1), p)
    z = rng.normal(size=(3, 4, 2))
    y = activate(Tensor(z), Softmax(axis=1))
    np.testing.assert_allclose(val(losses.categorical_crossentropy(t, y, axis=1)),
                               ref_cce(t, softmax(z, 1), 1), rtol=1e-6)
    labels = np.argmax(t, axis=1)
    np.testing.assert_allclose(val(losses.sparse_categorical_crossentropy(labels, p, axis=1)),
                               ref_cce(t, p, axis=1), rtol=1e-6)


def test_sparse_ignore_class_masks_the_mean():
    p = rng.uniform(0.05, 1, (4, 3))
    labels = np.array([0, -1, 2, -1])
    per = ref_cce(np.eye(3)[[0, 0, 2, 0]], p)
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    assert float(val(loss(labels, p))) == pytest.approx((per[0] + per[2]) / 2, rel=1e-6)
    none = losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction="none")(labels, p)
    np.testing.assert_allclose(val(none), [per[0], 0, per[2], 0], rtol=1e-6)
    assert gradient_check(lambda a: loss(labels, a), p)
    assert float(val(loss([-1, -1, -1, -1], p))) == 0.0


# --- reductions, sample weights, masks, shapes -------------------------------------------------

def test_reductions():
    t, p = data_for("mean_squared_error")
    per = REF["mean_squared_error"](t, p)
    w = np.array([1.0, 0.5, 0.0, 2.0])
    cases = {
        "sum_over_batch_size": (per.mean(), (per * w).sum() / 4),
        "mean": (per.mean(), (per * w).sum() / 4),
        "sum": (per.sum(), (per * w).sum()),
        "mean_with_sample_weight": (per.mean(), (per * w).sum() / w.sum()),
    }
    for reduction, (plain, weighted) in cases.items():
        loss = losses.MeanSquaredError(reduction=reduction)
        assert float(val(loss(t, Tensor(p)))) == pytest.approx(plain, rel=1e-12)
        assert float(val(loss(t, Tensor(p), sample_weight=w))) == pytest.approx(weighted,
                                                                               rel=1e-12)
        assert gradient_check(lambda a, f=loss: f(t, a, sample_weight=w), p)
    for reduction in ("none", None):
        loss = losses.MeanSquaredError(reduction=reduction)
        np.testing.assert_allclose(val(loss(t, Tensor(p))), per)
        np.testing.assert_allclose(val(loss(t, Tensor(p), sample_weight=w)), per * w)
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="auto")
    with pytest.raises(ValueError, match="label_smoothing"):
        losses.BinaryCrossentropy(label_smoothing=1.5)
    with pytest.raises(ValueError, match="delta"):
        losses.Huber(delta=0)


def test_small_weight_sums_are_not_floored():
    t, p = np.array([[0.0], [0.0]]), np.array([[1.0], [3.0]])
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    v = loss(t, Tensor(p), sample_weight=[0.1, 0.1])
    assert float(val(v)) == pytest.approx(5.0)
    assert float(val(loss(t, Tensor(p), sample_weight=[0.0, 0.0]))) == 0.0


def test_sample_weight_shapes():
    t, p = data_for("mean_squared_error")
    per = REF["mean_squared_error"](t, p)
    loss = losses.MeanSquaredError()
    for w in ([1.0, 2.0, 3.0, 4.0], np.array([[1.0], [2.0], [3.0], [4.0]])):
        assert float(val(loss(t, Tensor(p), sample_weight=w))) == pytest.approx(
            (per * [1, 2, 3, 4]).mean())
    assert float(val(loss(t, Tensor(p), sample_weight=2.0))) == pytest.approx(2 * per.mean())
    # per-timestep losses (b, T) with per-sample weights (b,)
    t3, p3 = rng.normal(size=(4, 5, 2)), rng.normal(size=(4, 5, 2))
    per3 = ((t3 - p3) ** 2).mean(-1)
    w = np.array([1.0, 0.0, 2.0, 1.0])
    assert float(val(loss(t3, Tensor(p3), sample_weight=w))) == pytest.approx(
        (per3 * w[:, None]).sum() / per3.size)
    with pytest.raises(ValueError, match="sample_weight"):
        loss(t, Tensor(p), sample_weight=np.ones(3))


def test_keras_mask_on_y_pred_averages_over_unmasked_steps():
    t3, p3 = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 3))
    y = Tensor(p3, requires_grad=True)
    y._keras_mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0]], bool)
    per = ((t3 - p3) ** 2).mean(-1)
    v = losses.MeanSquaredError()(t3, y)
    assert float(val(v)) == pytest.approx(per[y._keras_mask].sum() / 5)


def test_rank_1_labels_meet_column_predictions_per_sample():
    # (b,) against (b, 1) must never broadcast to (b, b)
    y_true, y_pred = np.array([0.0, 1.0, 2.0]), np.array([[0.0], [1.0], [5.0]])
    assert float(val(losses.MeanSquaredError()(y_true, y_pred))) == pytest.approx(3.0)
    assert val(losses.mean_squared_error(y_true, y_pred)).shape == (3,)
    assert float(val(losses.MeanAbsoluteError()(y_true[:, None], y_pred[:, 0]))) == 1.0
    with pytest.raises(ValueError, match=r"does not match"):
        losses.mean_squared_error(np.zeros(4), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="same shape"):
        losses.binary_crossentropy(np.zeros((4, 2)), np.full((4, 3), 0.5))
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 3\)"):
        losses.sparse_categorical_crossentropy([0, 3], np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="does not match"):
        losses.sparse_categorical_crossentropy([0, 1, 2], np.full((2, 3), 1 / 3))


def test_float32_stays_float32():
    t, p = data_for("binary_crossentropy")
    for name in NAMES:
        out = getattr(losses, name)(t.astype(np.float32), Tensor(p.astype(np.float32)))
        assert out.dtype == np.float32, name
    assert losses.MeanSquaredError()([[1]], [[2]]).dtype == np.float32
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        assert losses.categorical_crossentropy([[1.0]], [[1.0]]).dtype == np.float32


def test_categorical_crossentropy_warns_on_single_class():
    with pytest.warns(SyntaxWarning, match="binary_crossentropy"):
        losses.categorical_crossentropy([[1.0]], [[0.7]])


# --- custom losses, lookup, config ------------------------------------------------------------

def test_custom_loss_subclass_and_function():
    class Cube(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.abs(y_pred - y_true) ** 3, axis=-1)

    t, p = data_for("mean_squared_error")
    assert float(val(Cube()(t, Tensor(p)))) == pytest.approx((np.abs(p - t) ** 3).mean())
    assert Cube().name == "cube"

    def my_loss(y_true, y_pred):
        return ops.mean(ops.square(y_pred - y_true), axis=-1)

    wrapped = losses.resolve(my_loss)
    assert wrapped.name == "my_loss"
    assert float(val(wrapped(t, Tensor(p)))) == pytest.approx(((p - t) ** 2).mean())
    assert losses.get(my_loss) is my_loss


def test_get_names_and_aliases():
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("mean_squared_error") is losses.mean_squared_error
    assert losses.get("mae") is losses.mean_absolute_error
    assert losses.get("kld") is losses.kl_divergence is losses.kullback_leibler_divergence
    assert losses.get("huber") is losses.huber
    assert losses.get("log_cosh") is losses.log_cosh
    for name in ("binary_crossentropy", "categorical_crossentropy",
                 "sparse_categorical_crossentropy", "mape", "msle", "hinge", "poisson"):
        assert callable(losses.get(name))
    assert isinstance(losses.get("MeanSquaredError"), losses.MeanSquaredError)
    assert isinstance(losses.get(losses.Huber), losses.Huber)
    inst = losses.BinaryCrossentropy(from_logits=True)
    assert losses.get(inst) is inst
    assert losses.get(None) is None
    cfg = {"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}}
    assert losses.get(cfg).from_logits is True
    with pytest.raises(ValueError, match="Unknown loss 'msqe'.*mean_squared_error"):
        losses.get("msqe")
    with pytest.raises(ValueError):
        losses.get(42)
    resolved = losses.resolve("binary_crossentropy")
    assert isinstance(resolved, losses.Loss) and resolved.name == "binary_crossentropy"
    assert losses.resolve("mse").name == "mse"
    assert losses.resolve(losses.Huber).name == "huber_loss"


CLASSES = [
    (losses.MeanSquaredError, {}), (losses.MeanAbsoluteError, {}),
    (losses.MeanAbsolutePercentageError, {}), (losses.MeanSquaredLogarithmicError, {}),
    (losses.CosineSimilarity, {"axis": 1}), (losses.Huber, {"delta": 2.0}), (losses.LogCosh, {}),
    (losses.Hinge, {}), (losses.SquaredHinge, {}), (losses.CategoricalHinge, {}),
    (losses.KLDivergence, {}), (losses.Poisson, {}),
    (losses.BinaryCrossentropy, {"from_logits": True, "label_smoothing": 0.1}),
    (losses.CategoricalCrossentropy, {"label_smoothing": 0.2, "axis": -1}),
    (losses.SparseCategoricalCrossentropy, {"from_logits": True, "ignore_class": 0}),
]


@pytest.mark.parametrize("cls,kwargs", CLASSES)
def test_config_round_trip(cls, kwargs):
    loss = cls(reduction="sum", name="custom", **kwargs)
    config = loss.get_config()
    assert config["name"] == "custom" and config["reduction"] == "sum"
    for k, v in kwargs.items():
        assert config[k] == v
    again = cls.from_config(config)
    assert again.get_config() == config
    restored = losses.deserialize(losses.serialize(loss))
    assert type(restored) is cls and restored.get_config() == config
    default = cls()
    assert default.name == default.get_config()["name"]


def test_serialize_functions_and_wrappers():
    s = losses.serialize(losses.mean_squared_error)
    assert s["class_name"] == "function" and s["config"] == "mean_squared_error"
    assert losses.deserialize(s) is losses.mean_squared_error
    assert losses.deserialize("mse") is losses.mean_squared_error
    w = losses.LossFunctionWrapper(losses.huber, name="h", delta=0.5)
    w2 = losses.deserialize(losses.serialize(w))
    assert w2.fn is losses.huber and w2._fn_kwargs == {"delta": 0.5} and w2.name == "h"
    assert losses.Huber().name == "huber_loss"
    assert losses.MeanSquaredError().name == "mean_squared_error"


def test_fused_scalar_path_equals_the_general_path():
    """mse & co. without weights take one fused op to the scalar; it must equal the general
    per-sample + reduction path in value and gradient."""
    from lamina.autodiff import gradient_check
    rng = np.random.default_rng(5)
    p, t = rng.uniform(0.1, 2.0, (4, 3)), rng.uniform(0.1, 2.0, (4, 3))
    for name in ("mse", "mae", "mape", "msle", "log_cosh"):
        loss = losses.resolve(name)
        fast = loss(t, Tensor(p))
        general = losses.reduce_weighted_values(loss.call(t, Tensor(p)))
        np.testing.assert_allclose(fast.data, general.data, rtol=1e-12)
        assert gradient_check(lambda a, loss=loss: loss(t, a), p)
    # (b,) targets against (b, 1) predictions still line up
    y = rng.uniform(size=5)
    np.testing.assert_allclose(losses.resolve("mse")(y, Tensor(y[:, None] + 1.0)).data, 1.0)
