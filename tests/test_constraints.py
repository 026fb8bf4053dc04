"""Constraints: values against Keras's formulas (epsilon 1e-7), configs and lookup."""
import json

import numpy as np
import pytest

from lamina import constraints
from lamina.autodiff import Variable
from lamina.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm

EPS = 1e-7
W = np.array([[3.0, 0.5, -1.0],
              [4.0, 0.0, 2.0]])        # column norms 5, 0.5, sqrt(5); row norms sqrt(26.25), sqrt(5)

EVERY = [MaxNorm(3.0, axis=1), NonNeg(), UnitNorm(axis=[0, 1]),
         MinMaxNorm(0.5, 2.0, rate=0.5, axis=1)]


def col_norms(w, axis=0):
    return np.sqrt(np.sum(w * w, axis=axis, keepdims=True))


def test_max_norm_hand_computed():
    out = MaxNorm(max_value=2.0)(W)
    expected = W.copy()
    expected[:, 0] *= 2.0 / (EPS + 5.0)                              # too long: scaled to 2
    expected[:, 1] *= 0.5 / (EPS + 0.5)                              # short: left (almost) alone
    expected[:, 2] *= 2.0 / (EPS + np.sqrt(5.0))
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_allclose(col_norms(out), [[2.0, 0.5, 2.0]], rtol=1e-6)
    np.testing.assert_allclose(MaxNorm()(W), out)                    # default max_value is 2


def test_max_norm_conv_kernel_axes():
    k = np.random.default_rng(0).standard_normal((3, 3, 2, 4)) * 3
    out = MaxNorm(1.0, axis=[0, 1, 2])(k)
    norms = np.sqrt(np.sum(out ** 2, axis=(0, 1, 2)))
    np.testing.assert_allclose(norms, 1.0, rtol=1e-6)                # each output filter
    assert out.shape == k.shape


def test_non_neg():
    out = NonNeg()(W)
    np.testing.assert_array_equal(out, np.maximum(W, 0))
    assert out.dtype == W.dtype


def test_unit_norm():
    out = UnitNorm()(W)
    np.testing.assert_allclose(out, W / (EPS + col_norms(W)), rtol=1e-12)
    out1 = UnitNorm(axis=1)(W)
    np.testing.assert_allclose(out1, W / (EPS + col_norms(W, 1)), rtol=1e-12)
    np.testing.assert_allclose(col_norms(out1, 1), 1.0, rtol=1e-6)


def test_min_max_norm():
    norms = col_norms(W)                                             # 5, 0.5, sqrt(5)
    out = MinMaxNorm(min_value=1.0, max_value=2.0, rate=0.5)(W)
    desired = 0.5 * np.clip(norms, 1.0, 2.0) + 0.5 * norms
    np.testing.assert_allclose(out, W * desired / (EPS + norms), rtol=1e-12)
    np.testing.assert_allclose(col_norms(out), [[3.5, 0.75, (2 + np.sqrt(5)) / 2]], rtol=1e-6)
    # defaults: min 0, max 1, rate 1 -> every norm clipped to at most 1
    np.testing.assert_allclose(col_norms(MinMaxNorm()(W)), [[1.0, 0.5, 1.0]], rtol=1e-6)


def test_dtype_kept_and_inputs_accepted():
    w32 = W.astype(np.float32)
    for c in EVERY + [MaxNorm(np.float64(2.0))]:
        assert c(w32).dtype == np.float32
        assert c(W).dtype == np.float64
    v = Variable(W, dtype="float64")
    np.testing.assert_allclose(MaxNorm(2.0)(v), MaxNorm(2.0)(W))   # a Variable's data works too
    assert NonNeg()([[-1, 2]]).dtype == np.float32                  # ints become floatx


def test_zero_weights_stay_finite():
    z = np.zeros((3, 2))
    for c in EVERY:
        out = c(z)
        assert np.all(np.isfinite(out)) and not out.any()


def test_argument_validation():
    with pytest.raises(ValueError, match="max_value"):
        MaxNorm(max_value="2")
    with pytest.raises(ValueError, match="axis"):
        UnitNorm(axis=1.5)
    with pytest.raises(ValueError, match="min_value"):
        MinMaxNorm(min_value=2.0, max_value=1.0)
    with pytest.raises(ValueError, match="rate"):
        MinMaxNorm(rate=None)


def test_defaults_match_keras():
    assert MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert UnitNorm().get_config() == {"axis": 0}
    assert MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0,
                                         "axis": 0}
    assert NonNeg().get_config() == {}


@pytest.mark.parametrize("c", EVERY, ids=lambda c: type(c).__name__)
def test_config_round_trip(c):
    config = c.get_config()
    clone = type(c).from_config(json.loads(json.dumps(config)))
    assert clone.get_config() == config
    np.testing.assert_array_equal(clone(W), c(W))
    ser = constraints.serialize(c)
    assert ser == {"module": "keras.constraints", "class_name": type(c).__name__,
                   "config": config, "registered_name": None}
    back = constraints.deserialize(json.loads(json.dumps(ser)))
    assert type(back) is type(c) and back.get_config() == config
    assert constraints.get(ser).get_config() == config


@pytest.mark.parametrize("names, cls", [
    (("max_norm", "MaxNorm", "maxnorm"), MaxNorm), (("non_neg", "NonNeg", "nonneg"), NonNeg),
    (("unit_norm", "UnitNorm", "unitnorm"), UnitNorm),
    (("min_max_norm", "MinMaxNorm"), MinMaxNorm)])
def test_get_by_name(names, cls):
    for name in names:
        assert type(constraints.get(name)) is cls


def test_get_other_identifiers():
    assert constraints.get(None) is None
    c = MaxNorm(3)
    assert constraints.get(c) is c
    assert type(constraints.get(NonNeg)) is NonNeg
    assert constraints.get({"class_name": "MaxNorm", "config": {"max_value": 4, "axis": [0, 1]}}
                           ).axis == (0, 1)

    def clip(w):
        return np.clip(w, -1, 1)
    assert constraints.get(clip) is clip


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as err:
        constraints.get("max_nrom")
    assert "'max_nrom'" in str(err.value) and "max_norm" in str(err.value)
    with pytest.raises(ValueError, match="Could not interpret"):
        constraints.get(3)


def test_base_constraint_is_identity():
    assert Constraint()(W) is W
    assert Constraint().get_config() == {}
