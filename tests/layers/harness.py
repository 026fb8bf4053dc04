"""The shared layer test harness (like Keras's run_layer_test).

``run_layer_test`` checks one layer configuration for: output shape (and that
``compute_output_shape`` predicts it), a float64 gradient check of the input and
every weight, the config round trip (same class, same config, same outputs with
the same weights), and that one training step in a small model lowers the loss.
"""
import numpy as np

from lamina import backend, layers
from lamina.autodiff import Tensor
from lamina.models import Sequential


def _forward(layer, x, training, seed):
    backend.set_random_seed(seed)  # stochastic layers draw the same noise every time
    return layer(x, training=training)


def check_layer_gradients(layer, x, training=False, atol=1e-6, rtol=1e-5, eps=1e-6, seed=0):
    """Backward of ``sum(layer(x) * R)`` against central differences, for x and each weight."""
    rng = np.random.default_rng(seed)
    x = np.array(x, dtype=np.float64)
    xt = Tensor(x.copy(), requires_grad=True)
    out = _forward(layer, xt, training, seed)
    weights = rng.standard_normal(out.shape)
    for w in layer.trainable_weights:
        w.grad = None
    (out * Tensor(weights)).sum().backward()

    def scalar():
        return float(np.sum(_forward(layer, Tensor(x), training, seed).data * weights))

    targets = [("input", x, xt.grad)] + [(w.name, w.data, w.grad) for w in layer.trainable_weights]
    for name, array, analytic in targets:
        analytic = np.zeros_like(array) if analytic is None else analytic
        numeric = np.zeros_like(array, dtype=np.float64)
        flat, nflat = array.reshape(-1), numeric.reshape(-1)
        assert np.shares_memory(flat, array), "harness needs contiguous arrays"
        for i in range(flat.size):
            orig = flat[i]
            flat[i] = orig + eps
            plus = scalar()
            flat[i] = orig - eps
            minus = scalar()
            flat[i] = orig
            nflat[i] = (plus - minus) / (2 * eps)
        err = np.abs(analytic - numeric)
        bad = err > atol + rtol * np.abs(numeric)
        assert not bad.any(), (
            f"{type(layer).__name__} gradient of {name} wrong at {np.argwhere(bad)[0]}: backward "
            f"{analytic[bad][0]:.6g}, finite differences {numeric[bad][0]:.6g}")


def run_layer_test(layer_cls, init_kwargs=None, input_shape=(2, 3), expected_output_shape=None,
                   input_data=None, training=False, check_gradients=True, check_training=True,
                   check_input_gradient=True, atol=1e-6, check_config=True):
    import os
    check_training = check_training and not os.environ.get("HARNESS_NO_TRAIN")
    init_kwargs = dict(init_kwargs or {})
    if _is_shape_list(input_shape) or isinstance(input_data, (list, tuple)):
        # a layer on a list of inputs (merge layers): same checks, a functional model to train
        return _run_multi_input_test(layer_cls, init_kwargs, input_shape, expected_output_shape,
                                     input_data, training, check_gradients, check_training,
                                     atol, check_config)
    rng = np.random.default_rng(1)
    data = rng.standard_normal(input_shape) if input_data is None else np.asarray(input_data)

    # 1. output shape, in float32, and the shape predicted before data arrives
    layer = layer_cls(**init_kwargs)
    out = layer(data.astype(np.float32) if data.dtype.kind == "f" else data, training=training)
    if expected_output_shape is not None:
        assert out.shape == tuple(expected_output_shape), (out.shape, expected_output_shape)
    predicted = layer.compute_output_shape((None,) + tuple(data.shape[1:]))
    assert tuple(predicted[1:]) == tuple(out.shape[1:]), (predicted, out.shape)
    assert out.dtype == np.float32 or data.dtype.kind != "f"

    # 2. config round trip: same class, same config, same outputs given the same weights
    config = layer.get_config()
    clone = layer_cls.from_config(config) if check_config else layer_cls(**init_kwargs)
    assert type(clone) is layer_cls
    assert clone.get_config() == config or not check_config
    clone(data.astype(np.float32) if data.dtype.kind == "f" else data)
    clone.set_weights(layer.get_weights())
    if not training:
        np.testing.assert_allclose(clone(data.astype(np.float32)).data, out.data, rtol=1e-6)
    if check_config:
        assert type(layers.deserialize(layers.serialize(layer))) is layer_cls

    # 3. gradient check in float64
    if check_gradients:
        backend.set_floatx("float64")
        try:
            layer64 = layer_cls(**{**init_kwargs, "dtype": "float64"})
            layer64(data, training=training)
            if check_input_gradient:
                check_layer_gradients(layer64, data, training=training, atol=atol)
            else:
                _check_weights_only(layer64, data, training, atol)
        finally:
            backend.set_floatx("float32")

    # 4. a training step in a small model lowers the loss
    if check_training:
        backend.set_random_seed(7)
        model = Sequential([layers.InputLayer(shape=data.shape[1:]), layer_cls(**init_kwargs),
                            layers.Flatten(), layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        x = data.astype(np.float32) if data.dtype.kind == "f" else data
        y = rng.standard_normal((len(data), 1)).astype(np.float32)
        before = model.evaluate(x, y, verbose=0)
        for _ in range(10):
            model.train_on_batch(x, y)
        after = model.evaluate(x, y, verbose=0)
        assert after < before, f"{layer_cls.__name__}: training did not lower the loss"
    return out


def _check_weights_only(layer, data, training, atol):
    """For integer inputs (e.g. embeddings): check the weights' gradients only."""
    rng = np.random.default_rng(0)
    out = _forward(layer, data, training, 0)
    weights = rng.standard_normal(out.shape)
    for w in layer.trainable_weights:
        w.grad = None
    (out * Tensor(weights)).sum().backward()
    for w in layer.trainable_weights:
        numeric = np.zeros_like(w.data)
        flat, nflat = w.data.reshape(-1), numeric.reshape(-1)
        for i in range(flat.size):
            orig = flat[i]
            flat[i] = orig + 1e-6
            plus = float(np.sum(_forward(layer, data, training, 0).data * weights))
            flat[i] = orig - 1e-6
            minus = float(np.sum(_forward(layer, data, training, 0).data * weights))
            flat[i] = orig
            nflat[i] = (plus - minus) / 2e-6
        np.testing.assert_allclose(w.grad, numeric, atol=atol, rtol=1e-5)


def _is_shape_list(shape):
    return isinstance(shape, list) and bool(shape) and isinstance(shape[0], (list, tuple))


def check_layer_gradients_multi(layer, xs, training=False, atol=1e-6, rtol=1e-5, eps=1e-6,
                                seed=0):
    """``check_layer_gradients`` for a layer called on a list of inputs: each input and
    each weight against central differences."""
    rng = np.random.default_rng(seed)
    xs = [np.array(x, dtype=np.float64) for x in xs]
    xts = [Tensor(x.copy(), requires_grad=True) for x in xs]
    out = _forward(layer, xts, training, seed)
    weights = rng.standard_normal(out.shape)
    for w in layer.trainable_weights:
        w.grad = None
    (out * Tensor(weights)).sum().backward()

    def scalar():
        return float(np.sum(_forward(layer, [Tensor(x) for x in xs], training, seed).data
                            * weights))

    targets = [(f"input {i}", x, t.grad) for i, (x, t) in enumerate(zip(xs, xts))]
    targets += [(w.name, w.data, w.grad) for w in layer.trainable_weights]
    for name, array, analytic in targets:
        analytic = np.zeros_like(array) if analytic is None else analytic
        numeric = np.zeros_like(array, dtype=np.float64)
        flat, nflat = array.reshape(-1), numeric.reshape(-1)
        for i in range(flat.size):
            orig = flat[i]
            flat[i] = orig + eps
            plus = scalar()
            flat[i] = orig - eps
            minus = scalar()
            flat[i] = orig
            nflat[i] = (plus - minus) / (2 * eps)
        bad = np.abs(analytic - numeric) > atol + rtol * np.abs(numeric)
        assert not bad.any(), (
            f"{type(layer).__name__} gradient of {name} wrong at {np.argwhere(bad)[0]}: backward "
            f"{analytic[bad][0]:.6g}, finite differences {numeric[bad][0]:.6g}")


def _run_multi_input_test(layer_cls, init_kwargs, input_shapes, expected_output_shape,
                          input_data, training, check_gradients, check_training, atol,
                          check_config):
    from lamina.models import Model
    rng = np.random.default_rng(1)
    data = ([rng.standard_normal(tuple(s)) for s in input_shapes] if input_data is None
            else [np.asarray(d) for d in input_data])
    data32 = [d.astype(np.float32) if d.dtype.kind == "f" else d for d in data]

    # 1. output shape, and the shape predicted before data arrives
    layer = layer_cls(**init_kwargs)
    out = layer(data32, training=training)
    if expected_output_shape is not None:
        assert out.shape == tuple(expected_output_shape), (out.shape, expected_output_shape)
    predicted = layer.compute_output_shape([(None,) + tuple(d.shape[1:]) for d in data])
    assert tuple(predicted[1:]) == tuple(out.shape[1:]), (predicted, out.shape)
    assert out.dtype == np.float32

    # 2. config round trip
    config = layer.get_config()
    clone = layer_cls.from_config(config) if check_config else layer_cls(**init_kwargs)
    assert type(clone) is layer_cls
    assert clone.get_config() == config or not check_config
    clone(data32)
    clone.set_weights(layer.get_weights())
    if not training:
        np.testing.assert_allclose(clone(data32).data, out.data, rtol=1e-6)
    if check_config:
        assert type(layers.deserialize(layers.serialize(layer))) is layer_cls

    # 3. gradient check in float64
    if check_gradients:
        backend.set_floatx("float64")
        try:
            layer64 = layer_cls(**{**init_kwargs, "dtype": "float64"})
            layer64(data, training=training)
            check_layer_gradients_multi(layer64, data, training=training, atol=atol)
        finally:
            backend.set_floatx("float32")

    # 4. a training step in a small functional model lowers the loss
    if check_training:
        backend.set_random_seed(7)
        inputs = [layers.Input(shape=d.shape[1:]) for d in data]
        h = layers.Flatten()(layer_cls(**init_kwargs)(inputs))
        model = Model(inputs, layers.Dense(1)(h))
        model.compile(optimizer="adam", loss="mse")
        y = rng.standard_normal((len(data[0]), 1)).astype(np.float32)
        before = model.evaluate(data32, y, verbose=0)
        for _ in range(10):
            model.train_on_batch(data32, y)
        after = model.evaluate(data32, y, verbose=0)
        assert after < before, f"{layer_cls.__name__}: training did not lower the loss"
    return out
