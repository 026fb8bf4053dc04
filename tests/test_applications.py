"""lamina.applications: VGG16/19, ResNet50, InceptionV3, Xception and their utilities.

Nothing touches the network: weight files and the class index are written here and
"downloaded" from file:// URLs into a temporary LAMINA_HOME. Parameter counts and layer
names are Keras 3.15's (read off keras.applications once); the tests comparing with Keras
itself skip when it is absent.
"""
import hashlib
import json
import os

import numpy as np
import pytest

from lamina import applications, backend
from lamina.applications import (
    _files,
    imagenet_utils,
    inception_v3,
    resnet,
    resnet50,
    vgg16,
    vgg19,
    xception,
)
from lamina.datasets import DownloadError


def _keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


def _md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty LAMINA_HOME: the cache every download goes to."""
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


# ------------------------------------------------------------------- preprocess_input
def test_preprocess_caffe_by_hand():
    x = np.array([[[[10.0, 20.0, 30.0]]]], dtype=np.float32)  # one RGB pixel
    out = vgg16.preprocess_input(x.copy())
    np.testing.assert_allclose(out[0, 0, 0], [30 - 103.939, 20 - 116.779, 10 - 123.68],
                               rtol=1e-6)
    assert out.dtype == np.float32
    # channels_first: a single image (3, H, W) and a batch (N, 3, H, W)
    img = np.arange(12, dtype=np.float64).reshape(3, 2, 2)
    out = resnet50.preprocess_input(img.copy(), data_format="channels_first")
    np.testing.assert_allclose(out[:, 0, 0], [8 - 103.939, 4 - 116.779, 0 - 123.68])
    batch = resnet.preprocess_input(img[None].copy(), data_format="channels_first")
    np.testing.assert_allclose(batch[0], out)


def test_preprocess_tf_and_torch_by_hand():
    x = np.array([[0.0, 127.5, 255.0]])
    np.testing.assert_allclose(inception_v3.preprocess_input(x.copy()), [[-1.0, 0.0, 1.0]])
    np.testing.assert_allclose(xception.preprocess_input(x.copy()), [[-1.0, 0.0, 1.0]])
    out = imagenet_utils.preprocess_input(np.full((1, 1, 3), 255.0), mode="torch")
    np.testing.assert_allclose(out[0, 0], (1 - np.array([0.485, 0.456, 0.406]))
                               / np.array([0.229, 0.224, 0.225]))


def test_preprocess_input_types_and_in_place():
    ints = np.full((1, 2, 2, 3), 255, dtype=np.uint8)
    out = xception.preprocess_input(ints)
    assert out.dtype == np.float32 and ints[0, 0, 0, 0] == 255  # converted, not overwritten
    floats = np.full((2, 3), 255.0)
    xception.preprocess_input(floats)
    np.testing.assert_allclose(floats, 1.0)  # as Keras: float arrays change in place
    out = vgg19.preprocess_input([[[1.0, 2.0, 3.0]]])  # nested lists
    assert out.shape == (1, 1, 3) and out.dtype == np.float32


def test_preprocess_tensor_matches_numpy_and_is_differentiable():
    from lamina.autodiff import Tensor
    x = np.random.default_rng(0).uniform(0, 255, (2, 4, 4, 3)).astype(np.float32)
    for mode in ("caffe", "tf", "torch"):
        t = Tensor(x.copy(), requires_grad=True)
        out = imagenet_utils.preprocess_input(t, mode=mode)
        np.testing.assert_allclose(out.data, imagenet_utils.preprocess_input(x.copy(), mode=mode),
                                   rtol=1e-6)
        out.sum().backward()
        assert t.grad.shape == x.shape


def test_preprocess_input_errors():
    with pytest.raises(ValueError, match="mode"):
        imagenet_utils.preprocess_input(np.zeros((1, 3)), mode="keras")
    with pytest.raises(ValueError, match="data_format"):
        vgg16.preprocess_input(np.zeros((1, 3)), data_format="NHWC")
    with pytest.raises(ValueError, match="3 colour channels"):
        vgg16.preprocess_input(np.zeros((1, 8, 8, 4)))
    with pytest.raises(ValueError, match="3 colour channels"):
        vgg16.preprocess_input(np.zeros(3), data_format="channels_first")


@pytest.mark.parametrize("module,data_format", [
    (vgg16, "channels_last"), (resnet50, "channels_first"), (inception_v3, "channels_last"),
    (xception, "channels_first")])
def test_preprocess_matches_keras(module, data_format):
    keras = _keras()
    kmod = getattr(keras.applications, module.__name__.rsplit(".", 1)[-1])
    x = np.random.default_rng(1).uniform(0, 255, (2, 3, 5, 3) if data_format == "channels_last"
                                          else (2, 3, 5, 5)).astype(np.float32)
    np.testing.assert_allclose(module.preprocess_input(x.copy(), data_format=data_format),
                               kmod.preprocess_input(x.copy(), data_format=data_format),
                               rtol=1e-6, atol=1e-5)
    x_int = (x[0] if data_format == "channels_last" else x[0]).astype(np.uint8)
    np.testing.assert_allclose(module.preprocess_input(x_int, data_format=data_format),
                               kmod.preprocess_input(x_int, data_format=data_format),
                               rtol=1e-6, atol=1e-5)


# ------------------------------------------------------------------- decode_predictions
def _fake_class_index(tmp_path):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    path = tmp_path / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    return path


@pytest.fixture
def class_index(tmp_path, home, monkeypatch):
    path = _fake_class_index(tmp_path)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", path.as_uri())
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", _md5(path))
    return path


def test_decode_predictions(class_index, home):
    preds = np.zeros((2, 1000), dtype=np.float32)
    preds[0, [5, 7, 900]] = [0.2, 0.5, 0.3]
    preds[1, 42] = 1.0
    out = vgg16.decode_predictions(preds, top=3)
    assert [r[:2] for r in out[0]] == [("n00000007", "class_7"), ("n00000900", "class_900"),
                                      ("n00000005", "class_5")]
    np.testing.assert_allclose([r[2] for r in out[0]], [0.5, 0.3, 0.2])
    assert out[1][0] == ("n00000042", "class_42", np.float32(1.0)) and len(out[1]) == 3
    assert len(resnet50.decode_predictions(preds)[0]) == 5  # top=5 by default
    # fetched once into the cache, checked against its md5
    assert (home / "models" / "imagenet_class_index.json").read_text() == class_index.read_text()


def test_decode_predictions_errors(class_index):
    with pytest.raises(ValueError, match=r"\(samples, 1000\).*\(2, 10\)"):
        xception.decode_predictions(np.zeros((2, 10)))
    with pytest.raises(ValueError, match=r"shape \(1000,\)"):
        xception.decode_predictions(np.zeros(1000))
    with pytest.raises(ValueError, match="top"):
        xception.decode_predictions(np.zeros((1, 1000)), top=0)


def test_decode_predictions_matches_keras(class_index, monkeypatch):
    keras = _keras()
    from keras.src.applications import imagenet_utils as kutils
    monkeypatch.setattr(kutils, "CLASS_INDEX", json.loads(class_index.read_text()))
    preds = np.random.default_rng(0).random((3, 1000)).astype(np.float32)
    assert keras.applications.vgg16.decode_predictions(preds, top=4) == \
        vgg16.decode_predictions(preds, top=4)


# ------------------------------------------------------------------- model files
def test_get_model_file_downloads_checks_and_caches(tmp_path, home):
    src = tmp_path / "w.h5"
    src.write_bytes(b"weights")
    path = _files.get_model_file("w.h5", src.as_uri(), _md5(src))
    assert path == str(home / "models" / "w.h5") and open(path, "rb").read() == b"weights"
    src.unlink()  # a checked cached copy is used without downloading again
    assert _files.get_model_file("w.h5", src.as_uri(), hashlib.md5(b"weights").hexdigest()) \
        == path
    sha = hashlib.sha256(b"weights").hexdigest()
    assert _files.get_model_file("w.h5", src.as_uri(), sha) == path  # sha256 works too


def test_get_model_file_rejects_a_corrupt_download(tmp_path, home):
    src = tmp_path / "w.h5"
    src.write_bytes(b"corrupt")
    with pytest.raises(ValueError, match="md5"):
        _files.get_model_file("w.h5", src.as_uri(), "0" * 32)
    assert os.listdir(home / "models") == []  # nothing half-written was left


def test_get_model_file_offline_error_names_the_cache_path(tmp_path, home):
    with pytest.raises(DownloadError) as err:
        _files.get_model_file("w.h5", (tmp_path / "missing.h5").as_uri(), "0" * 32,
                              hint="or use weights=")
    assert str(home / "models" / "w.h5") in str(err.value) and "0" * 32 in str(err.value)
    assert str(err.value).endswith("; or use weights=.")


# ------------------------------------------------------------------- arguments
def test_obtain_input_shape():
    shape = imagenet_utils.obtain_input_shape
    assert shape(None, 224, 32, "channels_last", True) == (224, 224, 3)
    assert shape(None, 224, 32, "channels_last", False) == (None, None, 3)
    assert shape(None, 299, 75, "channels_first", False) == (3, None, None)
    assert shape([64, 48, 3], 224, 32, "channels_last", False, "imagenet") == (64, 48, 3)
    assert shape((None, None, 1), 224, 32, "channels_last", False) == (None, None, 1)
    with pytest.raises(ValueError, match="must be \\(224, 224, 3\\)"):
        shape((64, 64, 3), 224, 32, "channels_last", True, "imagenet")
    with pytest.raises(ValueError, match="at least 75x75"):
        shape((74, 100, 3), 299, 75, "channels_last", False)
    with pytest.raises(ValueError, match="3 input channels"):
        shape((64, 64, 1), 224, 32, "channels_last", False, "imagenet")
    with pytest.raises(ValueError, match="three integers"):
        shape((64, 64), 224, 32, "channels_last", False)
    with pytest.raises(ValueError, match="static"):
        shape((None, 64, 3), 224, 32, "channels_last", True)
    with pytest.warns(UserWarning, match="1 or 3 input channels"):
        shape((64, 64, 5), 224, 32, "channels_last", False)


@pytest.mark.parametrize("fn", [applications.VGG16, applications.VGG19, applications.ResNet50,
                                applications.InceptionV3, applications.Xception])
def test_argument_errors(fn, tmp_path):
    with pytest.raises(ValueError, match="weights"):
        fn(weights=str(tmp_path / "nope.h5"))
    with pytest.raises(ValueError, match="classes.*1000"):
        fn(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="pooling"):
        fn(weights=None, include_top=False, pooling="mean")
    with pytest.raises(ValueError, match="at least"):
        fn(weights=None, include_top=False, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="3 input channels"):
        fn(weights="imagenet", include_top=False, input_shape=(96, 96, 1))
    with pytest.raises(ValueError, match=r"\(2\d\d, 2\d\d, 3\)"):
        fn(weights="imagenet", input_shape=(96, 96, 3))
    with pytest.raises(ValueError, match="classifier_activation"):
        fn(weights="imagenet", classifier_activation="sigmoid")


def test_module_layout():
    import lamina
    assert lamina.applications.VGG16 is vgg16.VGG16 and applications.VGG19 is vgg19.VGG19
    assert applications.ResNet50 is resnet50.ResNet50 is resnet.ResNet50
    assert applications.InceptionV3 is inception_v3.InceptionV3
    assert applications.Xception is xception.Xception
    for mod in (vgg16, vgg19, resnet, resnet50, inception_v3, xception):
        assert callable(mod.preprocess_input) and callable(mod.decode_predictions)


# ------------------------------------------------------------------- the models
# Keras 3.15's numbers: (parameters with the top, without, input size of the top)
KERAS_COUNTS = {
    "VGG16": (138_357_544, 14_714_688, 224),
    "VGG19": (143_667_240, 20_024_384, 224),
    "ResNet50": (25_636_712, 23_587_712, 224),
    "InceptionV3": (23_851_784, 21_802_784, 299),
    "Xception": (22_910_480, 20_861_480, 299),
}
# md5 of "\n".join(layer names of keras.applications.X(weights=None)), in model.layers
# order, fresh session. ImageNet weight files are matched to layers in this order.
KERAS_LAYER_ORDER = {
    "VGG16": (23, "bbe9f4d84aa6fa97c9893e21e18d003d"),
    "VGG19": (26, "4a0a4c5088853574a871982d833a47d2"),
    "ResNet50": (177, "088620e66bc12b3d5e42a920ae2ca4dc"),
    "InceptionV3": (313, "d434f638c5d7aa8eec6c5ed12e441360"),
    "Xception": (134, "f0ee4dab351ec646057b369005b99137"),
}
MIN_SIZE = {"VGG16": 32, "VGG19": 32, "ResNet50": 32, "InceptionV3": 75, "Xception": 71}
NAMES = list(KERAS_COUNTS)


def _fresh(fn, **kwargs):
    """A model built with fresh layer names (conv2d, conv2d_1, ...), as after Keras's
    clear_session."""
    from lamina.layers.layer import reset_names
    reset_names()
    return fn(**kwargs)


@pytest.fixture(scope="module")
def notop():
    """Each model without its top, any input size: built once, shared by the tests."""
    return {name: _fresh(getattr(applications, name), weights=None, include_top=False)
            for name in NAMES}


def _dense_params(n_in, n_out):
    return n_in * n_out + n_out


@pytest.mark.parametrize("name", NAMES)
def test_parameter_counts_and_shapes_without_top(name, notop):
    model = notop[name]
    assert model.count_params() == KERAS_COUNTS[name][1]
    assert model.name == {"InceptionV3": "inception_v3"}.get(name, name.lower())
    assert model.input_shape == (None, None, None, 3)
    assert model.output_shape == (None, None, None, 512 if name.startswith("VGG") else 2048)


@pytest.mark.parametrize("name", ["ResNet50", "InceptionV3", "Xception"])
def test_parameter_counts_and_layer_order_with_top(name):
    top = KERAS_COUNTS[name][2]
    model = _fresh(getattr(applications, name), weights=None)
    assert model.count_params() == KERAS_COUNTS[name][0]
    assert model.input_shape == (None, top, top, 3) and model.output_shape == (None, 1000)
    names = [layer.name for layer in model.layers]
    assert (len(names), hashlib.md5("\n".join(names).encode()).hexdigest()) == \
        KERAS_LAYER_ORDER[name]
    assert model.get_layer("predictions").activation.__name__ == "softmax"


@pytest.mark.parametrize("name", ["VGG16", "VGG19"])
def test_vgg_top(name):
    # The full-size top holds 120M+ parameters (several seconds to initialize), so it is
    # built at 32x32, where flatten gives 512 features instead of 7 * 7 * 512.
    full, base, _ = KERAS_COUNTS[name]
    head = _dense_params(4096, 4096) + _dense_params(4096, 1000)
    assert base + _dense_params(7 * 7 * 512, 4096) + head == full
    model = _fresh(getattr(applications, name), weights=None, input_shape=(32, 32, 3),
                   classifier_activation=None)
    assert model.count_params() == base + _dense_params(512, 4096) + head
    names = [layer.name for layer in model.layers]
    assert (len(names), hashlib.md5("\n".join(names).encode()).hexdigest()) == \
        KERAS_LAYER_ORDER[name]
    out = model.predict(np.random.default_rng(0).uniform(0, 1, (2, 32, 32, 3)), verbose=0)
    assert out.shape == (2, 1000) and not np.allclose(out.sum(axis=1), 1)  # logits


@pytest.mark.parametrize("name", NAMES)
def test_forward_pass_at_the_smallest_size(name, notop):
    size = MIN_SIZE[name]
    x = np.random.default_rng(0).uniform(-1, 1, (1, size, size, 3)).astype(np.float32)
    out = notop[name].predict(x, verbose=0)
    channels = 512 if name.startswith("VGG") else 2048
    assert out.shape == (1, 3, 3, channels) if name == "Xception" else (1, 1, 1, channels)
    assert np.all(np.isfinite(out))


def test_pooling_and_classes():
    model = applications.VGG16(weights=None, include_top=False, pooling="avg")
    assert model.output_shape == (None, 512)
    assert type(model.layers[-1]).__name__ == "GlobalAveragePooling2D"
    model = applications.ResNet50(weights=None, include_top=False, pooling="max",
                                  input_shape=(48, 40, 3))
    assert model.output_shape == (None, 2048) and model.layers[-1].name == "max_pool"
    out = model.predict(np.ones((2, 48, 40, 3), np.float32), verbose=0)
    assert out.shape == (2, 2048)
    model = applications.Xception(weights=None, input_shape=(71, 71, 3), classes=7,
                                  pooling="max")  # pooling is ignored with the top
    assert model.output_shape == (None, 7) and model.layers[-2].name == "avg_pool"
    probs = model.predict(np.zeros((1, 71, 71, 3), np.float32), verbose=0)
    np.testing.assert_allclose(probs.sum(), 1.0, rtol=1e-5)


def test_input_tensor():
    from lamina import layers
    inp = layers.Input(shape=(40, 40, 3))
    scaled = layers.Activation("linear", name="identity")(inp)
    model = applications.VGG19(weights=None, include_top=False, input_tensor=scaled)
    assert model.inputs == [inp] and model.layers[1].name == "identity"
    assert model.output_shape == (None, 1, 1, 512)
    with pytest.raises(TypeError, match="symbolic tensor"):
        applications.VGG16(weights=None, include_top=False, input_tensor=np.zeros((1, 32, 32, 3)))


def test_channels_first():
    backend.set_image_data_format("channels_first")
    try:
        model = applications.ResNet50(weights=None, include_top=False, pooling="avg")
        assert model.input_shape == (None, 3, None, None)
        out = model.predict(np.ones((1, 3, 32, 32), np.float32), verbose=0)
    finally:
        backend.set_image_data_format("channels_last")
    assert out.shape == (1, 2048)


def test_training_step_on_a_small_resnet():
    def stack_fn(x):
        x = resnet.stack_residual_blocks_v1(x, 8, 1, stride1=1, name="conv2")
        return resnet.stack_residual_blocks_v1(x, 16, 2, name="conv3")

    model = resnet.ResNet(stack_fn, preact=False, use_bias=True, weights=None,
                          input_shape=(32, 32, 3), classes=3, name="tiny_resnet")
    assert model.get_layer("conv3_block2_add") is not None
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (8, 32, 32, 3)).astype(np.float32)
    y = np.arange(8) % 3
    mean_before = model.get_layer("conv1_bn").moving_mean.data.copy()
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert not np.allclose(model.get_layer("conv1_bn").moving_mean.data, mean_before)


# ------------------------------------------------------------------- weights
def _write_legacy_weights(model, path, shift=0.5, names=None):
    """A weights-only file in Keras 2's layout, as Keras publishes the ImageNet weights:
    attr layer_names, one group per layer with attr weight_names. Values: the model's
    own weights plus ``shift`` (so that a load is visible). Returns the values."""
    import h5py
    values = {}
    with h5py.File(path, "w") as f:
        layer_names = names or [layer.name for layer in model.layers]
        f.attrs["layer_names"] = [n.encode() for n in layer_names]
        f.attrs["keras_version"] = b"2.2.4"
        f.attrs["backend"] = b"tensorflow"
        for layer, lname in zip(model.layers, layer_names):
            g = f.create_group(lname)
            wnames = []
            for w in layer.trainable_weights + layer.non_trainable_weights:
                wname = f"{lname}/{w.name}:0"
                g.create_dataset(wname, data=w.data + shift)
                wnames.append(wname.encode())
                values.setdefault(layer.name, []).append(w.data + shift)
            g.attrs["weight_names"] = wnames
    return values


def _assert_loaded(model, values):
    for layer in model.layers:
        for w, expected in zip(layer.trainable_weights + layer.non_trainable_weights,
                               values.get(layer.name, [])):
            np.testing.assert_array_equal(w.data, expected)


def test_imagenet_weights_are_downloaded_checked_and_loaded(tmp_path, home, monkeypatch,
                                                            notop):
    path = tmp_path / "vgg16_notop.h5"
    values = _write_legacy_weights(notop["VGG16"], path)
    url = path.as_uri()
    monkeypatch.setitem(vgg16.WEIGHT_FILES, False, (url, _md5(path)))
    model = applications.VGG16(include_top=False, input_shape=(32, 32, 3))  # weights="imagenet"
    _assert_loaded(model, values)
    cached = home / "models" / "vgg16_notop.h5"
    assert cached.exists() and _md5(cached) == _md5(path)
    path.unlink()  # the cached copy is used from now on
    _assert_loaded(applications.VGG16(include_top=False, weights="imagenet"), values)
    # a corrupt cache is detected (and the download retried: here it fails, offline)
    cached.write_bytes(b"garbage")
    with pytest.raises(DownloadError, match="vgg16_notop.h5"):
        applications.VGG16(include_top=False)


def test_weights_from_a_path_match_layers_in_order(tmp_path):
    # Keras 2 named unnamed layers conv2d_1, ...; files match the model by layer order.
    model = _fresh(applications.Xception, weights=None, include_top=False)
    path = tmp_path / "xception.h5"
    names = [f"{layer.name}_k2" for layer in model.layers]
    values = _write_legacy_weights(model, path, shift=0.25, names=names)
    loaded = applications.Xception(weights=str(path), include_top=False,
                                   input_shape=(71, 71, 3))
    assert "conv2d" in [layer.name for layer in model.layers]
    assert "conv2d" not in [layer.name for layer in loaded.layers]  # conv2d_4, ...: new names
    for a, b in zip(loaded.layers, model.layers):
        for w, expected in zip(a.trainable_weights + a.non_trainable_weights,
                               values.get(b.name, [])):
            np.testing.assert_array_equal(w.data, expected)


# ------------------------------------------------------------------- against Keras
# InceptionV3 matches too, but Keras alone takes ~20 s to build and run it on a CPU.
@pytest.mark.parametrize("name,size", [("ResNet50", 32), ("Xception", 71)])
def test_predictions_match_keras(name, size):
    keras = _keras()
    keras.backend.clear_session()
    kmodel = getattr(keras.applications, name)(weights=None, include_top=False,
                                               input_shape=(size, size, 3))
    model = _fresh(getattr(applications, name), weights=None, include_top=False,
                   input_shape=(size, size, 3))
    assert [layer.name for layer in model.layers] == [layer.name for layer in kmodel.layers]
    rng = np.random.default_rng(0)
    for klayer, layer in zip(kmodel.layers, model.layers):
        # Keras's initial kernels; batch normalization statistics and biases made non-trivial
        values = [rng.uniform(0.5, 1.5, w.shape) if w.name in ("gamma", "moving_variance")
                  else rng.normal(0, 0.1, w.shape) if w.name in ("beta", "moving_mean", "bias")
                  else np.asarray(w) for w in klayer.weights]
        klayer.set_weights(values)
        layer.set_weights(values)
    x = rng.uniform(-1, 1, (2, size, size, 3)).astype(np.float32)
    expected = np.asarray(kmodel(x, training=False))  # eager: no compilation to wait for
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-4)
