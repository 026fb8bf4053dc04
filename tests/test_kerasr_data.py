"""lamina.kerasr's datasets, preprocessing and applications, on small files written here in
Keras's real formats (nothing is downloaded)."""
import io
import pickle
import tarfile

import numpy as np
import pytest

from lamina import kerasr

NAMES = ["X_train", "Y_train", "X_test", "Y_test"]


def _object_array(seqs):
    out = np.empty(len(seqs), dtype=object)
    out[:] = [list(s) for s in seqs]
    return out


def _cifar_batch(n, seed, label_keys):
    rng = np.random.RandomState(seed)
    d = {b"data": rng.randint(0, 256, (n, 3072)).astype(np.uint8)}
    for key, k in label_keys.items():
        d[key.encode()] = [int(v) for v in rng.randint(0, k, n)]
    return pickle.dumps(d, protocol=2), d


def _tar(path, folder, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, raw in members.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return path


# ------------------------------------------------------------------ datasets


def test_load_mnist_returns_kerasr_named_list(tmp_path):
    rng = np.random.RandomState(0)
    arrays = dict(x_train=rng.randint(0, 256, (5, 28, 28)).astype(np.uint8),
                  y_train=rng.randint(0, 10, 5).astype(np.uint8),
                  x_test=rng.randint(0, 256, (3, 28, 28)).astype(np.uint8),
                  y_test=rng.randint(0, 10, 3).astype(np.uint8))
    np.savez(tmp_path / "mnist.npz", **arrays)
    mnist = kerasr.load_mnist(path=str(tmp_path / "mnist.npz"))
    assert list(mnist) == NAMES and isinstance(mnist, kerasr.RList)
    np.testing.assert_array_equal(mnist.X_train, arrays["x_train"])  # R: mnist$X_train
    np.testing.assert_array_equal(mnist["Y_test"], arrays["y_test"])


def test_load_cifar10_and_cifar100(tmp_path):
    members = {}
    for i in range(1, 6):
        members[f"data_batch_{i}"], _ = _cifar_batch(2, i, {"labels": 10})
    members["test_batch"], test = _cifar_batch(3, 9, {"labels": 10})
    path = _tar(tmp_path / "cifar-10-python.tar.gz", "cifar-10-batches-py", members)
    cifar = kerasr.load_cifar10(path=path)
    assert list(cifar) == NAMES
    assert cifar.X_train.shape == (10, 32, 32, 3) and cifar.Y_train.shape == (10, 1)
    np.testing.assert_array_equal(cifar.Y_test[:, 0], test[b"labels"])

    keys = {"fine_labels": 100, "coarse_labels": 20}
    raw_tr, _ = _cifar_batch(4, 1, keys)
    raw_te, te = _cifar_batch(2, 2, keys)
    path = _tar(tmp_path / "cifar-100-python.tar.gz", "cifar-100-python",
                {"train": raw_tr, "test": raw_te})
    coarse = kerasr.load_cifar100(label_mode="coarse", path=path)
    assert list(coarse) == NAMES and coarse.X_test.shape == (2, 32, 32, 3)
    np.testing.assert_array_equal(coarse.Y_test[:, 0], te[b"coarse_labels"])
    fine = kerasr.load_cifar100(path=path)  # kerasR's default label_mode = "fine"
    np.testing.assert_array_equal(fine.Y_test[:, 0], te[b"fine_labels"])


def test_load_imdb_passes_r_doubles_as_ints(tmp_path):
    from lamina.datasets import imdb
    x_tr = [[1, 2, 5], [4, 4, 4, 4, 4, 4], [3]]
    x_te = [[3, 4], [5, 1, 2]]
    np.savez(tmp_path / "imdb.npz", x_train=_object_array(x_tr), y_train=np.array([1, 0, 1]),
             x_test=_object_array(x_te), y_test=np.array([0, 1]))
    path = str(tmp_path / "imdb.npz")
    got = kerasr.load_imdb(num_words=8.0, skip_top=0.0, maxlen=6.0, seed=113.0, path=path)
    (x, y), (xt, yt) = imdb.load_data(path=path, num_words=8, maxlen=6)
    assert list(got) == NAMES
    assert list(got.X_train) == list(x) and list(got.X_test) == list(xt)
    np.testing.assert_array_equal(got.Y_train, y)
    with pytest.raises(ValueError, match="num_words"):
        kerasr.load_imdb(num_words=2.5, path=path)


def test_load_reuters_uses_kerasr_maxlen_default(tmp_path):
    from lamina.datasets import reuters
    rng = np.random.RandomState(1)
    xs = [[int(v) for v in rng.randint(1, 30, n)] for n in (3, 5, 1200, 2, 4, 6, 1, 7, 3, 2)]
    np.savez(tmp_path / "reuters.npz", x=_object_array(xs), y=rng.randint(0, 46, len(xs)))
    path = str(tmp_path / "reuters.npz")
    got = kerasr.load_reuters(path=path)
    (x, y), (xt, yt) = reuters.load_data(path=path, maxlen=1000)  # kerasR's default
    assert list(got) == NAMES and len(got.X_train) + len(got.X_test) == 9  # 1201 > 1000 dropped
    assert list(got.X_train) == list(x)
    np.testing.assert_array_equal(got.Y_test, yt)


# ------------------------------------------------------------------ preprocessing


def test_sequences_and_text():
    np.testing.assert_array_equal(kerasr.pad_sequences([[1, 2], [3]], maxlen=3.0),
                                  [[0, 1, 2], [0, 0, 3]])
    np.testing.assert_array_equal(
        kerasr.pad_sequences([[1.0, 2.0, 3.0]], maxlen=2, padding="post", truncating="post"),
        [[1, 2]])
    assert kerasr.text_to_word_sequence("The cat, the HAT!") == ["the", "cat", "the", "hat"]
    words = kerasr.one_hot("the cat the hat", n=50.0)
    assert len(words) == 4 and words[0] == words[2] and all(1 <= w < 50 for w in words)
    tok = kerasr.Tokenizer(num_words=10.0)
    tok.fit_on_texts(["the cat sat", "the dog"])
    assert tok.texts_to_sequences(["the dog sat"]) == [[1, 4, 3]]
    assert tok.texts_to_matrix(["the dog"]).shape == (1, 10)


def test_arrays_follow_r_conventions():
    np.testing.assert_allclose(kerasr.normalize(np.array([[3.0, 4.0]]), axis=-1.0, order=2.0),
                               [[0.6, 0.8]])
    # R's labels are doubles: c(0, 2, 1)
    np.testing.assert_array_equal(kerasr.to_categorical(np.array([0.0, 2.0, 1.0])),
                                  [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    with pytest.raises(ValueError, match="whole-number"):
        kerasr.to_categorical([0.5, 1.0])
    img = np.zeros((28, 28, 1))
    assert kerasr.expand_dims(img).shape == (1, 28, 28, 1)
    assert kerasr.expand_dims(img, axis=3.0).shape == (28, 28, 1, 1)
    with pytest.raises(ValueError, match="axis"):
        kerasr.expand_dims(img, axis=0.5)


def test_load_img_and_img_to_array(tmp_path):
    image = pytest.importorskip("PIL.Image")
    rgb = np.zeros((6, 4, 3), dtype=np.uint8)
    rgb[..., 0] = 200
    image.fromarray(rgb).save(tmp_path / "red.png")
    img = kerasr.load_img(str(tmp_path / "red.png"))
    x = kerasr.img_to_array(img)
    assert x.shape == (6, 4, 3) and x.dtype == np.float32 and x[0, 0, 0] == 200
    gray = kerasr.img_to_array(kerasr.load_img(str(tmp_path / "red.png"), grayscale=True,
                                               target_size=[3.0, 2.0]))
    assert gray.shape == (3, 2, 1)
    assert kerasr.img_to_array(img, data_format="channels_first").shape == (3, 6, 4)
    with pytest.raises(ValueError, match="target_size"):
        kerasr.load_img(str(tmp_path / "red.png"), target_size=3)


# ------------------------------------------------------------------ applications


@pytest.mark.parametrize("name", ["Xception", "VGG16", "VGG19", "ResNet50", "InceptionV3"])
def test_applications_pass_kerasr_arguments(name, monkeypatch):
    import lamina.applications as apps
    calls = []
    monkeypatch.setattr(apps, name, lambda **kw: calls.append(kw) or "model")
    assert getattr(kerasr, name)(include_top=False, weights=None, input_shape=[64.0, 64.0, 3.0],
                                 pooling="avg", classes=10.0) == "model"
    assert calls == [dict(include_top=False, weights=None, input_tensor=None,
                          input_shape=(64, 64, 3), pooling="avg", classes=10)]
    getattr(kerasr, name)()
    assert calls[-1]["weights"] == "imagenet" and calls[-1]["classes"] == 1000


def test_preprocess_input_picks_the_model_family():
    from lamina.applications import vgg16, xception
    x = np.random.default_rng(0).uniform(0, 255, (1, 4, 4, 3)).astype("float32")
    # kerasR's default model is "Xception": scale to [-1, 1]
    np.testing.assert_allclose(kerasr.preprocess_input(x.copy()), x / 127.5 - 1, rtol=1e-6)
    np.testing.assert_allclose(kerasr.preprocess_input(x.copy()),
                               xception.preprocess_input(x.copy()))
    np.testing.assert_allclose(kerasr.preprocess_input(x.copy(), model="VGG16"),
                               vgg16.preprocess_input(x.copy()))
    with pytest.raises(ValueError, match="VGG16"):
        kerasr.preprocess_input(x, model="AlexNet")


def test_decode_predictions_uses_the_class_index(monkeypatch):
    from lamina.applications import imagenet_utils
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    monkeypatch.setattr(imagenet_utils, "_load_class_index", lambda: index)
    pred = np.zeros((1, 1000), dtype="float32")
    pred[0, [7, 3, 999]] = [0.5, 0.3, 0.2]
    top = kerasr.decode_predictions(pred, model="ResNet50", top=2.0)
    assert [(c, n) for c, n, _ in top[0]] == [("n00000007", "class_7"), ("n00000003", "class_3")]
    assert len(kerasr.decode_predictions(pred)[0]) == 5  # kerasR's top = 5
