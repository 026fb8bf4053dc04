"""Initializers: values against Keras's formulas, seeding, configs and lookup."""
import json
import math

import numpy as np
import pytest

from lamina import backend, initializers
from lamina.initializers import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Identity,
    Initializer,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
    compute_fans,
)

TRUNC_STD = 0.87962566103423978  # stddev of a standard normal truncated to [-2, 2]

# one instance of every class, with non-default arguments where it has any
EVERY = [
    Zeros(), Ones(), Constant(0.3), RandomNormal(1.0, 2.0, seed=1),
    RandomUniform(-2.0, 3.0, seed=2), TruncatedNormal(0.5, 0.1, seed=3),
    VarianceScaling(2.5, "fan_avg", "untruncated_normal", seed=4), Orthogonal(1.5, seed=5),
    Identity(0.5), GlorotNormal(seed=6), GlorotUniform(seed=7), HeNormal(seed=8),
    HeUniform(seed=9), LecunNormal(seed=10), LecunUniform(seed=11),
]


# --- fans -------------------------------------------------------------------------------

@pytest.mark.parametrize("shape, fans", [
    ((), (1, 1)), ((7,), (7, 7)), ((3, 4), (3, 4)),
    ((5, 8, 16), (40, 80)),              # Conv1D kernel (width, in, out)
    ((3, 3, 8, 16), (72, 144)),          # Conv2D kernel: 3*3 window * 8 in / 16 out channels
    ((2, 3, 3, 4, 5), (72, 90)),         # Conv3D kernel
])
def test_compute_fans(shape, fans):
    assert compute_fans(shape) == fans


# --- constant initializers -----------------------------------------------------------

def test_zeros_ones_constant_values_and_dtypes():
    z = Zeros()((2, 3))
    assert z.shape == (2, 3) and z.dtype == np.float32 and not z.any()
    o = Ones()((4,), dtype="float64")
    assert o.dtype == np.float64 and np.all(o == 1)
    assert Ones()(3, dtype="int32").dtype == np.int32  # an int is a 1-D shape; int dtypes are fine
    c = Constant(0.25)((2, 2))
    assert c.dtype == np.float32 and np.all(c == 0.25)
    np.testing.assert_array_equal(Constant([1.0, 2.0])((3, 2)), [[1, 2]] * 3)
    assert Constant()((1,))[0] == 0.0


def test_constant_errors():
    with pytest.raises(ValueError, match="does not broadcast"):
        Constant([1.0, 2.0, 3.0])((2, 2))
    with pytest.raises(ValueError, match="value"):
        Constant("abc")


def test_identity():
    np.testing.assert_array_equal(Identity()((3, 3)), np.eye(3))
    np.testing.assert_array_equal(Identity(gain=2.0)((2, 3)), 2 * np.eye(2, 3))
    assert Identity()((2, 2)).dtype == np.float32
    with pytest.raises(ValueError, match="2D"):
        Identity()((2, 2, 2))


# --- random initializers -------------------------------------------------------------

def test_random_normal_moments():
    w = RandomNormal(mean=1.0, stddev=2.0, seed=0)((200, 500))
    assert w.dtype == np.float32
    assert abs(w.mean() - 1.0) < 0.02 and abs(w.std() - 2.0) < 0.02


def test_random_uniform_range_and_moments():
    w = RandomUniform(minval=-1.0, maxval=3.0, seed=0)((200, 500))
    assert w.min() >= -1.0 and w.max() <= 3.0
    assert w.min() < -0.99 and w.max() > 2.99
    assert abs(w.mean() - 1.0) < 0.02 and abs(w.std() - 4 / math.sqrt(12)) < 0.01


def test_defaults_match_keras():
    assert RandomNormal().get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}
    assert RandomUniform().get_config() == {"seed": None, "minval": -0.05, "maxval": 0.05}
    assert TruncatedNormal().get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}
    assert VarianceScaling().get_config() == {"seed": None, "scale": 1.0, "mode": "fan_in",
                                              "distribution": "truncated_normal"}
    assert Orthogonal().get_config() == {"seed": None, "gain": 1.0}
    assert Identity().get_config() == {"gain": 1.0}
    assert Constant().get_config() == {"value": 0.0}


def test_truncated_normal_bounds_and_std():
    w = TruncatedNormal(mean=0.5, stddev=0.1, seed=0)((200, 500)).astype(np.float64)
    assert np.all(np.abs(w - 0.5) <= 0.2 + 1e-6)       # redrawn beyond 2 stddev
    assert np.abs(w - 0.5).max() > 0.199                 # but reaches the bounds
    assert abs(w.mean() - 0.5) < 0.002
    assert abs(w.std() - 0.1 * TRUNC_STD) < 0.002        # truncation shrinks the stddev


def test_glorot_uniform_limit_range_and_std():
    shape = (200, 300)
    limit = math.sqrt(6 / (200 + 300))
    w = GlorotUniform(seed=0)(shape)
    assert w.shape == shape and w.dtype == np.float32
    assert w.min() >= -limit and w.max() <= limit
    assert w.min() < -0.99 * limit and w.max() > 0.99 * limit
    assert abs(w.std() / (limit / math.sqrt(3)) - 1) < 0.02


@pytest.mark.parametrize("cls, scale, fan", [
    (HeUniform, 2.0, "in"), (LecunUniform, 1.0, "in"), (GlorotUniform, 1.0, "avg")])
def test_uniform_presets_on_conv_kernel(cls, scale, fan):
    shape = (3, 3, 64, 32)
    fan_in, fan_out = 576, 288
    n = fan_in if fan == "in" else (fan_in + fan_out) / 2
    limit = math.sqrt(3 * scale / n)
    w = cls(seed=0)(shape)
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit


@pytest.mark.parametrize("cls, stddev", [
    (GlorotNormal, math.sqrt(2 / (576 + 288))), (HeNormal, math.sqrt(2 / 576)),
    (LecunNormal, math.sqrt(1 / 576))])
def test_normal_presets_std_and_truncation(cls, stddev):
    w = cls(seed=0)((3, 3, 64, 32)).astype(np.float64)
    # the pre-truncation stddev is divided by TRUNC_STD, so the final stddev is the target
    assert abs(w.std() / stddev - 1) < 0.02
    assert np.abs(w).max() <= 2 * stddev / TRUNC_STD * (1 + 1e-6)


def test_variance_scaling_modes_and_distributions():
    shape = (100, 400)
    for mode, n in (("fan_in", 100), ("fan_out", 400), ("fan_avg", 250)):
        w = VarianceScaling(3.0, mode, "uniform", seed=0)(shape)
        limit = math.sqrt(3 * 3.0 / n)
        assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit
    w = VarianceScaling(2.0, "fan_in", "untruncated_normal", seed=0)(shape).astype(np.float64)
    assert abs(w.std() / math.sqrt(2.0 / 100) - 1) < 0.02
    assert np.abs(w).max() > 2 * math.sqrt(2.0 / 100)  # not truncated
    assert VarianceScaling(distribution="normal").distribution == "truncated_normal"
    assert VarianceScaling(distribution="UNIFORM").distribution == "uniform"
    # a 1-D shape (a bias) uses fan_in = fan_out = its length; fans below 1 count as 1
    assert np.abs(VarianceScaling(1.0, "fan_in", "uniform", seed=0)((0, 5))).size == 0
    w = VarianceScaling(1.0, "fan_in", "uniform", seed=0)(())
    assert w.shape == () and abs(w) <= math.sqrt(3)


def test_variance_scaling_errors_name_the_argument():
    with pytest.raises(ValueError, match="scale"):
        VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="mode"):
        VarianceScaling(mode="fan_sum")
    with pytest.raises(ValueError, match="distribution"):
        VarianceScaling(distribution="cauchy")


def test_orthogonal():
    w = Orthogonal(seed=0)((6, 4)).astype(np.float64)
    np.testing.assert_allclose(w.T @ w, np.eye(4), atol=1e-6)   # orthonormal columns
    w = Orthogonal(seed=0)((4, 6)).astype(np.float64)
    np.testing.assert_allclose(w @ w.T, np.eye(4), atol=1e-6)   # fewer rows: orthonormal rows
    w = Orthogonal(gain=2.0, seed=0)((5, 5), dtype="float64")
    np.testing.assert_allclose(w.T @ w, 4 * np.eye(5), atol=1e-12)
    k = Orthogonal(seed=0)((3, 3, 4, 8), dtype="float64").reshape(36, 8)  # conv kernel
    np.testing.assert_allclose(k.T @ k, np.eye(8), atol=1e-12)
    with pytest.raises(ValueError, match="rank"):
        Orthogonal()((5,))


def test_random_initializers_need_float_dtype_and_int_shapes():
    with pytest.raises(ValueError, match="float dtype"):
        GlorotUniform()((2, 2), dtype="int32")
    with pytest.raises(ValueError, match="shape"):
        RandomNormal()((2, None))
    with pytest.raises(ValueError, match="shape"):
        Zeros()((2, -1))
    with pytest.raises(ValueError, match="seed"):
        RandomNormal(seed=1.5)
    with pytest.raises(ValueError, match="stddev"):
        RandomNormal(stddev="big")


def test_dtype_argument():
    for init in EVERY:
        shape = (4, 4)
        assert init(shape).dtype == np.float32
        assert init(shape, dtype="float64").dtype == np.float64


# --- seeding --------------------------------------------------------------------------

@pytest.mark.parametrize("init", [i for i in EVERY if hasattr(i, "seed")],
                         ids=lambda i: type(i).__name__)
def test_seeded_initializers_are_deterministic(init):
    a, b = init((8, 6)), init((8, 6))
    np.testing.assert_array_equal(a, b)                         # same values on every call
    np.testing.assert_array_equal(a, init.clone()((8, 6)))     # and in a copy
    other = type(init).from_config({**init.get_config(), "seed": init.seed + 100})
    assert not np.array_equal(a, other((8, 6)))


def test_unseeded_initializers_follow_backend_rng():
    init = GlorotUniform()
    assert not np.array_equal(init((5, 5)), init((5, 5)))
    backend.set_random_seed(123)
    a = init((5, 5))
    backend.set_random_seed(123)
    np.testing.assert_array_equal(a, init((5, 5)))


# --- configs and lookup ---------------------------------------------------------------

@pytest.mark.parametrize("init", EVERY, ids=lambda i: type(i).__name__)
def test_config_round_trip(init):
    config = init.get_config()
    json.dumps(config)
    clone = type(init).from_config(config)
    assert type(clone) is type(init) and clone.get_config() == config
    np.testing.assert_array_equal(clone((3, 3)), init((3, 3)))
    ser = initializers.serialize(init)
    assert ser == {"module": "keras.initializers", "class_name": type(init).__name__,
                   "config": config, "registered_name": None}
    back = initializers.deserialize(json.loads(json.dumps(ser)))
    assert type(back) is type(init) and back.get_config() == config
    assert initializers.get(ser).get_config() == config


def test_serialize_matches_keras_3_form():
    assert initializers.serialize(GlorotUniform()) == {
        "module": "keras.initializers", "class_name": "GlorotUniform",
        "config": {"seed": None}, "registered_name": None}
    assert initializers.serialize(None) is None
    assert initializers.serialize(Constant(np.array([1.0, 2.0])))["config"] == {
        "value": [1.0, 2.0]}


SNAKE = {"zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
         "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal,
         "variance_scaling": VarianceScaling, "orthogonal": Orthogonal, "identity": Identity,
         "glorot_normal": GlorotNormal, "glorot_uniform": GlorotUniform, "he_normal": HeNormal,
         "he_uniform": HeUniform, "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform}


@pytest.mark.parametrize("name", sorted(SNAKE))
def test_get_by_snake_and_class_name(name):
    cls = SNAKE[name]
    assert type(initializers.get(name)) is cls
    assert type(initializers.get(cls.__name__)) is cls


def test_get_other_identifiers():
    assert initializers.get(None) is None
    init = HeNormal(seed=3)
    assert initializers.get(init) is init
    assert type(initializers.get(Ones)) is Ones                       # a class is instantiated
    vs = initializers.get({"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out", "distribution": "uniform",
                                      "seed": 1}})
    assert (vs.scale, vs.mode, vs.distribution, vs.seed) == (2.0, "fan_out", "uniform", 1)

    def halves(shape, dtype=None):
        return np.full(shape, 0.5, dtype=dtype or "float32")
    assert initializers.get(halves) is halves                         # a function is accepted
    # Keras 3 aliases, including Keras 1/2 short names
    assert type(initializers.get("uniform")) is RandomUniform
    assert type(initializers.get("normal")) is RandomNormal
    assert type(initializers.get("zero")) is Zeros and type(initializers.get("one")) is Ones
    assert type(initializers.get("OrthogonalInitializer")) is Orthogonal
    # Keras 1/2 files keep a dtype in the config
    legacy = initializers.get({"class_name": "RandomUniform",
                               "config": {"minval": -1, "maxval": 1, "seed": None,
                                          "dtype": "float32"}})
    assert (legacy.minval, legacy.maxval) == (-1, 1)


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as err:
        initializers.get("glorot_uniformm")
    msg = str(err.value)
    assert "glorot_uniformm" in msg and "glorot_uniform" in msg and "he_normal" in msg
    with pytest.raises(ValueError, match="Valid names"):
        initializers.deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(ValueError, match="Could not interpret"):
        initializers.get(42)
    with pytest.raises(ValueError, match="class_name"):
        initializers.deserialize({"config": {}})


def test_custom_initializer_serializes_with_registered_name():
    class Halves(Initializer):
        def __init__(self, scale=1.0):
            self.scale = scale

        def __call__(self, shape, dtype=None):
            return np.full(shape, 0.5 * self.scale, dtype=dtype or backend.floatx())

        def get_config(self):
            return {"scale": self.scale}

    ser = initializers.serialize(Halves(2.0))
    assert ser["class_name"] == "Halves" and ser["registered_name"] == "Halves"
    back = initializers.deserialize(ser, custom_objects={"Halves": Halves})
    np.testing.assert_array_equal(back((2,)), [1.0, 1.0])

    def ones_fn(shape, dtype=None):
        return np.ones(shape, dtype=dtype)
    fser = initializers.serialize(ones_fn)
    assert fser["class_name"] == "function" and fser["config"] == "ones_fn"
    assert initializers.deserialize(fser, custom_objects={"ones_fn": ones_fn}) is ones_fn
    with pytest.raises(ValueError, match="ones_fn"):   # code from a config is never run
        initializers.deserialize(fser)


def test_base_initializer_is_abstract():
    with pytest.raises(NotImplementedError):
        Initializer()((2,))
    assert repr(GlorotUniform(seed=1)) == "GlorotUniform(seed=1)"
