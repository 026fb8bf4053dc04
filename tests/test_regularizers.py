"""Regularizers: values against Keras's formulas, gradients, configs and lookup."""
import json
import math

import numpy as np
import pytest

from lamina import regularizers
from lamina.autodiff import Tensor, Variable, gradient_check
from lamina.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer

X = np.array([[1.0, -2.0, 0.5], [3.0, -0.25, 4.0]])

EVERY = [L1(0.3), L2(0.2), L1L2(0.1, 0.4), OrthogonalRegularizer(0.5, "columns")]


def value(reg, x):
    out = reg(Tensor(np.asarray(x, dtype=np.float64)))
    assert isinstance(out, Tensor) and out.shape == ()
    return float(out.data)


def test_values_match_keras_formulas():
    abs_sum, sq_sum = np.abs(X).sum(), np.square(X).sum()
    assert value(L1(0.3), X) == pytest.approx(0.3 * abs_sum)
    assert value(L2(0.2), X) == pytest.approx(0.2 * sq_sum)
    assert value(L1L2(0.1, 0.4), X) == pytest.approx(0.1 * abs_sum + 0.4 * sq_sum)
    assert value(L2(2.0), np.ones((5, 5))) == 50.0  # Keras's docstring example


def test_defaults_match_keras():
    assert L1().l1 == 0.01 and L2().l2 == 0.01
    assert L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert L1(None).l1 == 0.01 and L1L2(None, 0.5).l1 == 0.0
    assert OrthogonalRegularizer().get_config() == {"factor": 0.01, "mode": "rows"}
    assert value(L1L2(), X) == 0.0   # no penalty at all is a zero scalar


def test_keras2_kerasr_functions():
    assert regularizers.l1().get_config() == {"l1": 0.01}
    assert regularizers.l1(0.2).get_config() == {"l1": 0.2}
    assert regularizers.l1(l1=0.3).get_config() == {"l1": 0.3}   # Keras 3 alias keyword
    assert regularizers.l2(l=0.4).get_config() == {"l2": 0.4}
    assert regularizers.l2(l2=0.5).get_config() == {"l2": 0.5}
    assert regularizers.l1_l2().get_config() == {"l1": 0.01, "l2": 0.01}
    assert regularizers.l1_l2(l2=0.2).get_config() == {"l1": 0.01, "l2": 0.2}


def test_keeps_input_dtype_and_accepts_arrays():
    x32 = Tensor(X.astype(np.float32))
    for reg in EVERY:
        assert reg(x32).dtype == np.float32
    assert L1L2()(x32).dtype == np.float32
    assert float(L2(1.0)(np.array([3.0, 4.0])).data) == 25.0   # a raw array works too


def test_gradient_flows_into_a_variable():
    w = Variable(X, dtype="float64")
    L1L2(0.1, 0.4)(w).backward()
    np.testing.assert_allclose(w.grad, 0.1 * np.sign(X) + 0.8 * X)


@pytest.mark.parametrize("reg", EVERY + [OrthogonalRegularizer(0.7, "rows")],
                         ids=lambda r: repr(r))
def test_gradient_check(reg):
    rng = np.random.default_rng(0)
    # L1 is not differentiable at 0: keep every element at least 0.1 away from it
    x = rng.uniform(0.1, 1.0, (4, 3)) * rng.choice([-1.0, 1.0], (4, 3))
    assert gradient_check(reg, x)


def test_orthogonal_regularizer_values():
    # rows [1, 0] and [1, 1]: unit rows have dot product 1/sqrt(2); one pair
    x = np.array([[1.0, 0.0], [1.0, 1.0]])
    assert value(OrthogonalRegularizer(0.5), x) == pytest.approx(0.5 * 0.5 * 2 / math.sqrt(2))
    assert value(OrthogonalRegularizer(1.0), np.eye(3)) == 0.0
    # columns mode on a (3, 2) matrix equals rows mode on its transpose
    y = np.random.default_rng(1).standard_normal((3, 2))
    assert value(OrthogonalRegularizer(0.3, "columns"), y) == pytest.approx(
        value(OrthogonalRegularizer(0.3, "rows"), y.T))
    # three rows: mean of |cosines| over 3 pairs, times factor / 2
    z = np.random.default_rng(2).standard_normal((3, 4))
    u = z / np.linalg.norm(z, axis=1, keepdims=True)
    cos = u @ u.T
    expected = 0.2 * 0.5 * (np.abs(cos).sum() - np.abs(np.diag(cos)).sum()) / 3
    assert value(OrthogonalRegularizer(0.2), z) == pytest.approx(expected)
    assert value(OrthogonalRegularizer(0.2), np.ones((1, 4))) == 0.0  # no pairs
    with pytest.raises(ValueError, match="rank 2"):
        OrthogonalRegularizer()(Tensor(np.ones(3)))


def test_argument_validation():
    for bad in (-0.1, float("inf"), "0.1", True):
        with pytest.raises(ValueError, match="l1"):
            L1(bad)
    with pytest.raises(ValueError, match="l2"):
        L1L2(l2=-1)
    with pytest.raises(ValueError, match="factor"):
        OrthogonalRegularizer(factor=-1)
    with pytest.raises(ValueError, match="mode"):
        OrthogonalRegularizer(mode="diagonal")


@pytest.mark.parametrize("reg", EVERY, ids=lambda r: type(r).__name__)
def test_config_round_trip(reg):
    config = reg.get_config()
    clone = type(reg).from_config(config)
    assert clone.get_config() == config
    assert value(clone, X) == value(reg, X)
    ser = regularizers.serialize(reg)
    assert ser == {"module": "keras.regularizers", "class_name": type(reg).__name__,
                   "config": config, "registered_name": None}
    back = regularizers.deserialize(json.loads(json.dumps(ser)))
    assert type(back) is type(reg) and back.get_config() == config
    assert regularizers.get(ser).get_config() == config


def test_get():
    assert regularizers.get(None) is None
    assert repr(regularizers.get("l1")) == "L1(l1=0.01)"
    assert repr(regularizers.get("l2")) == "L2(l2=0.01)"
    assert repr(regularizers.get("l1_l2")) == "L1L2(l1=0.01, l2=0.01)"  # as Keras documents
    assert repr(regularizers.get("L1L2")) == "L1L2(l1=0.0, l2=0.0)"     # the class defaults
    assert type(regularizers.get("L1")) is L1 and type(regularizers.get("L2")) is L2
    assert type(regularizers.get("orthogonal_regularizer")) is OrthogonalRegularizer
    assert type(regularizers.get("OrthogonalRegularizer")) is OrthogonalRegularizer
    assert regularizers.get({"class_name": "l1", "config": {"l1": 0.2}}).l1 == 0.2
    reg = L2(0.5)
    assert regularizers.get(reg) is reg
    assert type(regularizers.get(L1)) is L1

    def my_reg(x):
        return L1(1.0)(x)
    assert regularizers.get(my_reg) is my_reg


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as err:
        regularizers.get("l3")
    assert "'l3'" in str(err.value) and "l1_l2" in str(err.value) and "L1L2" in str(err.value)
    with pytest.raises(ValueError, match="Could not interpret"):
        regularizers.get(0.01)


def test_base_regularizer():
    assert value(Regularizer(), X) == 0.0
    with pytest.raises(NotImplementedError):
        Regularizer().get_config()
