"""Keras's dataset loaders (mnist, fashion_mnist, cifar10, cifar100, imdb, reuters).

Every file is built here, small, in the exact format Keras publishes (npz with
the same keys, gzipped IDX, the CIFAR python-version tar.gz of pickled batch
dicts, npz of object arrays plus the word index JSON). Nothing touches the
network: downloads are faked by patching ``get_file`` or ``urlopen``.
"""
import gzip
import hashlib
import io
import json
import os
import pickle
import struct
import tarfile
import urllib.error
import urllib.request

import numpy as np
import pytest

from lamina import backend
from lamina.datasets import (
    DownloadError,
    _cifar,
    _formats,
    _text_data,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

# ---------------------------------------------------------------- helpers: file formats


def _write_idx(path, array, gz=True):
    codes = {np.dtype("uint8"): 0x08, np.dtype(">i4"): 0x0C}
    array = np.asarray(array)
    header = bytes([0, 0, codes[array.dtype], array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape)
    data = header + array.tobytes()
    with (gzip.open if gz else open)(path, "wb") as f:
        f.write(data)
    return path


def _mnist_like(n_train=6, n_test=4, seed=0):
    rng = np.random.RandomState(seed)
    return (rng.randint(0, 256, (n_train, 28, 28)).astype(np.uint8),
            rng.randint(0, 10, n_train).astype(np.uint8),
            rng.randint(0, 256, (n_test, 28, 28)).astype(np.uint8),
            rng.randint(0, 10, n_test).astype(np.uint8))


IDX_NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def _write_idx_folder(folder, arrays, gz=True):
    folder.mkdir(exist_ok=True)
    for name, a in zip(IDX_NAMES, arrays):
        _write_idx(folder / (name + (".gz" if gz else "")), a, gz=gz)
    return folder


class _Py2Pickler(pickle._Pickler):
    """Writes str and bytes as Python 2 ``str`` opcodes (BINSTRING), like the
    cPickle that produced the CIFAR batches; read back with encoding='bytes'."""

    dispatch = pickle._Pickler.dispatch.copy()

    def _save_py2_str(self, obj):
        data = obj.encode("latin1") if isinstance(obj, str) else obj
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(obj)

    dispatch[bytes] = _save_py2_str
    dispatch[str] = _save_py2_str


def _py2_pickle(obj):
    buf = io.BytesIO()
    _Py2Pickler(buf, protocol=2).dump(obj)
    # Python 2's NumPy named its module numpy.core.multiarray.
    return buf.getvalue().replace(b"numpy._core.multiarray\n", b"numpy.core.multiarray\n")


def _cifar_batch(n, seed, label_keys, py2=True, protocol=2):
    rng = np.random.RandomState(seed)
    data = rng.randint(0, 256, (n, 3072)).astype(np.uint8)
    d = {"batch_label": f"batch {seed}", "data": data,
         "filenames": [f"img_{seed}_{i}.png" for i in range(n)]}
    labels = {}
    for key, n_classes in label_keys.items():
        labels[key] = [int(v) for v in rng.randint(0, n_classes, n)]
        d[key] = labels[key]
    if py2:
        raw = _py2_pickle(d)
    else:
        raw = pickle.dumps({k.encode(): v for k, v in d.items()}, protocol=protocol)
    return raw, data, labels


def _write_tar(path, folder, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, raw in members.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return path


def _cifar10_archive(tmp_path, sizes=(2, 3, 1, 2, 2), n_test=3, **kw):
    members, xs, ys = {}, [], []
    for i, n in enumerate(sizes, start=1):
        raw, data, labels = _cifar_batch(n, i, {"labels": 10}, **kw)
        members[f"data_batch_{i}"] = raw
        xs.append(data)
        ys += labels["labels"]
    raw, x_test, labels = _cifar_batch(n_test, 99, {"labels": 10}, **kw)
    members["test_batch"] = raw
    members["batches.meta"] = pickle.dumps({b"label_names": [b"airplane"]})
    path = _write_tar(tmp_path / "cifar-10-python.tar.gz", "cifar-10-batches-py", members)
    return path, members, (np.concatenate(xs), np.array(ys)), (x_test, np.array(labels["labels"]))


def _cifar100_archive(tmp_path, n_train=5, n_test=3, **kw):
    keys = {"fine_labels": 100, "coarse_labels": 20}
    raw_tr, x_tr, l_tr = _cifar_batch(n_train, 1, keys, **kw)
    raw_te, x_te, l_te = _cifar_batch(n_test, 2, keys, **kw)
    members = {"train": raw_tr, "test": raw_te, "meta": pickle.dumps({b"fine_label_names": []})}
    path = _write_tar(tmp_path / "cifar-100-python.tar.gz", "cifar-100-python", members)
    return path, members, (x_tr, l_tr), (x_te, l_te)


def _channels_last(flat):
    """Keras: reshape (n, 3, 32, 32), then transpose to (n, 32, 32, 3)."""
    return flat.reshape(len(flat), 3, 32, 32).transpose(0, 2, 3, 1)


def _object_array(seqs):
    out = np.empty(len(seqs), dtype=object)
    out[:] = [list(s) for s in seqs]
    return out


def _fake_get_file(calls, path_for):
    def fake(fname=None, origin=None, file_hash=None, cache_subdir="datasets", cache_dir=None):
        calls.append(dict(fname=fname, origin=origin, file_hash=file_hash,
                          cache_subdir=cache_subdir))
        return str(path_for(fname))
    return fake


# ---------------------------------------------------------------- mnist


def test_mnist_local_npz_same_keys_and_dtypes(tmp_path):
    x_tr, y_tr, x_te, y_te = _mnist_like()
    np.savez_compressed(tmp_path / "mnist.npz", x_train=x_tr, y_train=y_tr, x_test=x_te,
                        y_test=y_te)
    (a, b), (c, d) = mnist.load_data(path=str(tmp_path / "mnist.npz"))
    for got, want in ((a, x_tr), (b, y_tr), (c, x_te), (d, y_te)):
        assert got.dtype == np.uint8 and got.shape == want.shape
        np.testing.assert_array_equal(got, want)


def test_mnist_default_download_uses_keras_origin_and_hash(tmp_path, monkeypatch):
    x_tr, y_tr, x_te, y_te = _mnist_like()
    np.savez(tmp_path / "cached.npz", x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te)
    calls = []
    monkeypatch.setattr(mnist, "get_file", _fake_get_file(calls, lambda f: tmp_path / "cached.npz"))
    (a, _), _ = mnist.load_data()
    np.testing.assert_array_equal(a, x_tr)
    assert calls == [dict(fname="mnist.npz", cache_subdir="datasets",
                          origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
                                 "mnist.npz",
                          file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1")]


def test_mnist_offline_error_names_the_url_and_the_cache_path(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    with pytest.raises(DownloadError) as e:
        mnist.load_data()
    msg = str(e.value)
    assert mnist.ORIGIN in msg and os.path.join(str(tmp_path / "home"), "datasets",
                                                "mnist.npz") in msg
    assert mnist.SHA256 in msg and "path=" in msg
    assert not os.listdir(tmp_path / "home" / "datasets")  # no half-written file


def test_mnist_idx_folder_gz_and_plain(tmp_path):
    arrays = _mnist_like(5, 3, seed=1)
    for gz in (True, False):
        folder = _write_idx_folder(tmp_path / f"idx{gz}", arrays, gz=gz)
        (a, b), (c, d) = mnist.load_data(path=folder)
        for got, want in zip((a, b, c, d), arrays):
            assert got.dtype == np.uint8
            np.testing.assert_array_equal(got, want)


def test_mnist_bad_files(tmp_path):
    np.savez(tmp_path / "wrong.npz", x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(ValueError, match="y_train"):
        mnist.load_data(path=tmp_path / "wrong.npz")
    np.savez(tmp_path / "mismatch.npz", x_train=np.zeros((2, 28, 28), np.uint8),
             y_train=np.zeros(3, np.uint8), x_test=np.zeros((1, 28, 28), np.uint8),
             y_test=np.zeros(1, np.uint8))
    with pytest.raises(ValueError, match=r"\(2, 28, 28\) and \(3,\)"):
        mnist.load_data(path=tmp_path / "mismatch.npz")
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        mnist.load_data(path=tmp_path / "empty_dir")
    with pytest.raises(TypeError, match="path"):
        mnist.load_data(path=3)


def test_read_idx_checks_the_header(tmp_path):
    a = np.arange(24, dtype=">i4").reshape(2, 3, 4)
    got = _formats.read_idx(_write_idx(tmp_path / "ints.idx", a, gz=False))
    assert got.dtype == np.dtype("int32") and got.dtype.isnative
    np.testing.assert_array_equal(got, a)
    (tmp_path / "bad_magic").write_bytes(b"\x01\x02\x08\x01" + b"\x00" * 8)
    with pytest.raises(ValueError, match="not an IDX file"):
        _formats.read_idx(tmp_path / "bad_magic")
    good = _write_idx(tmp_path / "short", np.zeros((4, 28, 28), np.uint8), gz=False)
    good.write_bytes(good.read_bytes()[:-5])
    with pytest.raises(ValueError, match="header says"):
        _formats.read_idx(good)


# ---------------------------------------------------------------- fashion_mnist


def test_fashion_mnist_default_downloads_the_four_keras_files(tmp_path, monkeypatch):
    arrays = _mnist_like(4, 2, seed=3)
    folder = _write_idx_folder(tmp_path / "fm", arrays)
    calls = []
    monkeypatch.setattr(fashion_mnist, "get_file", _fake_get_file(calls, lambda f: folder / f))
    (a, b), (c, d) = fashion_mnist.load_data()
    for got, want in zip((a, b, c, d), arrays):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, want)
    assert {c["fname"]: c["file_hash"] for c in calls} == fashion_mnist.FILE_HASHES
    for c in calls:
        assert c["origin"] == ("https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
                               + c["fname"])
        assert c["cache_subdir"] == os.path.join("datasets", "fashion-mnist")


def test_fashion_mnist_local_folder(tmp_path):
    arrays = _mnist_like(3, 2, seed=4)
    (x, y), (xt, yt) = fashion_mnist.load_data(path=_write_idx_folder(tmp_path / "f", arrays))
    np.testing.assert_array_equal(xt, arrays[2])
    assert x.shape == (3, 28, 28) and y.shape == (3,) and yt.shape == (2,)
    with pytest.raises(FileNotFoundError, match="existing folder"):
        fashion_mnist.load_data(path=tmp_path / "nope")


# ---------------------------------------------------------------- cifar


@pytest.mark.parametrize("kw", [dict(py2=True), dict(py2=False, protocol=2),
                                dict(py2=False, protocol=4), dict(py2=False, protocol=5)])
def test_cifar10_archive_matches_keras(tmp_path, kw):
    path, _, (x_tr, y_tr), (x_te, y_te) = _cifar10_archive(tmp_path, **kw)
    (a, b), (c, d) = cifar10.load_data(path=path)
    assert a.shape == (10, 32, 32, 3) and a.dtype == np.uint8 and a.flags.c_contiguous
    assert b.shape == (10, 1) and b.dtype == np.uint8
    assert c.shape == (3, 32, 32, 3) and d.shape == (3, 1) and d.dtype == np.uint8
    np.testing.assert_array_equal(a, _channels_last(x_tr))
    np.testing.assert_array_equal(b[:, 0], y_tr)
    np.testing.assert_array_equal(c, _channels_last(x_te))
    np.testing.assert_array_equal(d[:, 0], y_te)
    # Pixel (row 0, col 1) of image 0 is (R, G, B) = data[1], data[1024 + 1], data[2048 + 1].
    assert list(a[0, 0, 1]) == [x_tr[0, 1], x_tr[0, 1025], x_tr[0, 2049]]


def test_cifar10_default_download_and_channels_first(tmp_path, monkeypatch):
    path, *_, (x_te, _) = _cifar10_archive(tmp_path)
    calls = []
    monkeypatch.setattr(_cifar, "get_file", _fake_get_file(calls, lambda f: path))
    monkeypatch.setattr(backend, "_IMAGE_DATA_FORMAT", "channels_first")
    (a, _), (c, _) = cifar10.load_data()
    assert a.shape == (10, 3, 32, 32)
    np.testing.assert_array_equal(c, x_te.reshape(3, 3, 32, 32))
    assert calls == [dict(fname="cifar-10-python.tar.gz", cache_subdir="datasets",
                          origin="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                          file_hash="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce")]


def test_cifar10_extracted_folder_and_its_parent(tmp_path):
    _, members, (x_tr, _), _ = _cifar10_archive(tmp_path)
    folder = tmp_path / "parent" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for name, raw in members.items():
        (folder / name).write_bytes(raw)
    for p in (folder, tmp_path / "parent"):
        (a, _), _ = cifar10.load_data(path=p)
        np.testing.assert_array_equal(a, _channels_last(x_tr))


@pytest.mark.parametrize("label_mode,n_classes", [("fine", 100), ("coarse", 20)])
def test_cifar100_label_modes(tmp_path, label_mode, n_classes):
    path, _, (x_tr, l_tr), (x_te, l_te) = _cifar100_archive(tmp_path)
    (a, b), (c, d) = cifar100.load_data(label_mode=label_mode, path=path)
    assert a.shape == (5, 32, 32, 3) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, _channels_last(x_tr))
    np.testing.assert_array_equal(c, _channels_last(x_te))
    key = f"{label_mode}_labels"
    # Keras reshapes the pickled list of ints: int64 labels of shape (n, 1).
    assert b.shape == (5, 1) and d.shape == (3, 1) and b.dtype == np.int64
    np.testing.assert_array_equal(b[:, 0], l_tr[key])
    np.testing.assert_array_equal(d[:, 0], l_te[key])
    assert b.max() < n_classes


def test_cifar100_default_download_and_bad_label_mode(tmp_path, monkeypatch):
    path, *_ = _cifar100_archive(tmp_path)
    calls = []
    monkeypatch.setattr(_cifar, "get_file", _fake_get_file(calls, lambda f: path))
    cifar100.load_data()
    assert calls[0]["fname"] == "cifar-100-python.tar.gz"
    assert calls[0]["origin"] == "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    assert calls[0]["file_hash"] == ("85cd44d02ba6437773c5bbd22e183051d648de2e"
                                     "7d6b014e1ef29b855ba677a7")
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data(label_mode="medium")


class _Evil:
    def __reduce__(self):
        return (os.getcwd, ())  # harmless, but any callable outside NumPy must be refused


def test_cifar_refuses_pickles_that_call_arbitrary_code(tmp_path):
    raw_ok, *_ = _cifar_batch(2, 1, {"fine_labels": 100, "coarse_labels": 20})
    evil = pickle.dumps({b"data": _Evil(), b"fine_labels": [1]}, protocol=2)
    path = _write_tar(tmp_path / "evil.tar.gz", "cifar-100-python", {"train": evil,
                                                                     "test": raw_ok})
    with pytest.raises(ValueError, match="Refusing to load `posix.getcwd`"):
        cifar100.load_data(path=path)
    # A NumPy function other than array reconstruction is refused too.
    with pytest.raises(pickle.UnpicklingError, match="numpy.load"):
        _formats.restricted_loads(b"\x80\x02cnumpy\nload\nq\x00.")
    # _codecs.encode is allowed only for latin1 (how protocol 2 stores bytes).
    with pytest.raises(pickle.UnpicklingError, match="latin1"):
        _formats.restricted_loads(b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x06\x00\x00"
                                  b"\x00base64\x86R.")


def test_cifar_bad_archives(tmp_path):
    path = _write_tar(tmp_path / "partial.tar.gz", "cifar-10-batches-py",
                      {"data_batch_1": b"x"})
    with pytest.raises(ValueError, match="data_batch_2"):
        cifar10.load_data(path=path)
    raw = pickle.dumps({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]})
    path = _write_tar(tmp_path / "shape.tar.gz", "cifar-100-python",
                      {"train": raw, "test": raw})
    with pytest.raises(ValueError, match="fine_labels"):
        cifar100.load_data(path=path)
    raw = pickle.dumps({b"data": np.zeros((2, 100), np.uint8), b"fine_labels": [0, 1]})
    path = _write_tar(tmp_path / "shape2.tar.gz", "cifar-100-python",
                      {"train": raw, "test": raw})
    with pytest.raises(ValueError, match=r"\(n, 3072\)"):
        cifar100.load_data(path=path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        cifar10.load_data(path=tmp_path / "missing.tar.gz")
    (tmp_path / "not_tar").write_bytes(b"hello")
    with pytest.raises(ValueError, match="tar"):
        cifar10.load_data(path=tmp_path / "not_tar")


# ---------------------------------------------------------------- imdb / reuters: Keras's algorithm


def _keras_imdb(x_train, y_train, x_test, y_test, num_words=None, skip_top=0, maxlen=None,
                seed=113, start_char=1, oov_char=2, index_from=3):
    """Keras's imdb.load_data algorithm, step by step, on plain lists."""
    rng = np.random.RandomState(seed)
    idx = np.arange(len(x_train))
    rng.shuffle(idx)
    x_train, y_train = [x_train[i] for i in idx], y_train[idx]
    idx = np.arange(len(x_test))
    rng.shuffle(idx)
    x_test, y_test = [x_test[i] for i in idx], y_test[idx]
    pre = [] if start_char is None else [start_char]
    x_train = [pre + [w + index_from for w in x] for x in x_train]
    x_test = [pre + [w + index_from for w in x] for x in x_test]
    if maxlen:
        keep = [i for i, x in enumerate(x_train) if len(x) < maxlen]
        x_train, y_train = [x_train[i] for i in keep], y_train[keep]
        keep = [i for i, x in enumerate(x_test) if len(x) < maxlen]
        x_test, y_test = [x_test[i] for i in keep], y_test[keep]
    xs = x_train + x_test
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    n = len(x_train)
    return (xs[:n], y_train), (xs[n:], y_test)


def _imdb_like(n_train=7, n_test=6, vocab=30, seed=5):
    rng = np.random.RandomState(seed)
    x_tr = [[int(v) for v in rng.randint(1, vocab, rng.randint(1, 9))] for _ in range(n_train)]
    x_te = [[int(v) for v in rng.randint(1, vocab, rng.randint(1, 9))] for _ in range(n_test)]
    return x_tr, rng.randint(0, 2, n_train), x_te, rng.randint(0, 2, n_test)


def _write_imdb(path, x_tr, y_tr, x_te, y_te):
    np.savez(path, x_train=_object_array(x_tr), y_train=np.asarray(y_tr),
             x_test=_object_array(x_te), y_test=np.asarray(y_te))
    return path


def _as_lists(arr):
    assert isinstance(arr, np.ndarray) and arr.dtype == object and arr.ndim == 1
    assert all(type(x) is list and all(type(w) is int for w in x) for x in arr)
    return list(arr)


def test_imdb_worked_by_hand(tmp_path):
    # One sample per set, so the shuffle cannot reorder anything.
    path = _write_imdb(tmp_path / "imdb.npz", [[1, 2, 5]], [1], [[3, 4]], [0])
    (x, y), (xt, yt) = imdb.load_data(path=path)
    # +3, start_char 1 in front: [1, 4, 5, 8] and [1, 6, 7]; num_words None -> bound is the
    # largest index, 8, which therefore becomes oov_char 2 (Keras's behaviour).
    assert _as_lists(x) == [[1, 4, 5, 2]] and _as_lists(xt) == [[1, 6, 7]]
    assert list(y) == [1] and list(yt) == [0]
    (x, _), (xt, _) = imdb.load_data(path=path, num_words=6, skip_top=2)
    assert _as_lists(x) == [[2, 4, 5, 2]] and _as_lists(xt) == [[2, 2, 2]]
    (x, _), (xt, _) = imdb.load_data(path=path, num_words=6, skip_top=2, oov_char=None)
    assert _as_lists(x) == [[4, 5]] and _as_lists(xt) == [[]]
    (x, _), (xt, _) = imdb.load_data(path=path, start_char=None, index_from=0, num_words=100)
    assert _as_lists(x) == [[1, 2, 5]] and _as_lists(xt) == [[3, 4]]
    (x, _), (xt, _) = imdb.load_data(path=path, start_char=7, oov_char=9, index_from=10,
                                     num_words=14)
    assert _as_lists(x) == [[7, 11, 12, 9]] and _as_lists(xt) == [[7, 13, 9]]
    # maxlen drops samples of length >= maxlen; the train sample has length 4.
    (x, _), _ = imdb.load_data(path=path, maxlen=5)
    assert len(x) == 1
    with pytest.raises(ValueError, match="Increase maxlen"):
        imdb.load_data(path=path, maxlen=4)


@pytest.mark.parametrize("opts", [
    {}, dict(seed=0), dict(seed=7, num_words=12), dict(skip_top=5, num_words=20),
    dict(maxlen=6), dict(maxlen=7, num_words=15, oov_char=None), dict(start_char=None),
    dict(start_char=None, index_from=0), dict(index_from=1, oov_char=0, skip_top=3),
    dict(num_words=0, maxlen=0)])
def test_imdb_every_option_matches_keras_algorithm(tmp_path, opts):
    data = _imdb_like()
    path = _write_imdb(tmp_path / "imdb.npz", *data)
    (x, y), (xt, yt) = imdb.load_data(path=str(path), **opts)
    (ex, ey), (ext, eyt) = _keras_imdb(*data, **opts)
    assert _as_lists(x) == ex and _as_lists(xt) == ext
    np.testing.assert_array_equal(y, ey)
    np.testing.assert_array_equal(yt, eyt)


def test_imdb_shuffle_is_keras_seeded_permutation(tmp_path):
    x_tr = [[i] for i in range(10)]
    path = _write_imdb(tmp_path / "imdb.npz", x_tr, np.arange(10), [[0]], [0])
    (x, y), _ = imdb.load_data(path=path, start_char=None, index_from=0, num_words=100)
    perm = np.arange(10)
    np.random.RandomState(113).shuffle(perm)
    assert _as_lists(x) == [[int(i)] for i in perm]
    np.testing.assert_array_equal(y, perm)  # labels move with their samples
    (x2, _), _ = imdb.load_data(path=path, start_char=None, index_from=0, num_words=100, seed=1)
    assert _as_lists(x2) != _as_lists(x)


def test_imdb_equal_length_sequences_stay_1d_object_arrays(tmp_path):
    path = _write_imdb(tmp_path / "imdb.npz", [[1, 2], [3, 4]], [0, 1], [[5, 6]], [1])
    (x, _), (xt, _) = imdb.load_data(path=path)
    assert x.shape == (2,) and xt.shape == (1,)


def test_imdb_default_download_and_bad_arguments(tmp_path, monkeypatch):
    path = _write_imdb(tmp_path / "cached.npz", *_imdb_like())
    calls = []
    monkeypatch.setattr(_text_data, "get_file", _fake_get_file(calls, lambda f: path))
    imdb.load_data()
    assert calls == [dict(fname="imdb.npz", cache_subdir="datasets",
                          origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
                                 "imdb.npz",
                          file_hash="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f")]
    for bad, match in ((dict(num_words=-1), "num_words"), (dict(skip_top=None), "skip_top"),
                       (dict(maxlen=2.5), "maxlen"), (dict(seed=None), "seed"),
                       (dict(index_from=-1), "index_from"), (dict(oov_char="x"), "oov_char")):
        with pytest.raises(ValueError, match=match):
            imdb.load_data(path=path, **bad)
    with pytest.raises(TypeError):
        imdb.load_data(path=path, nb_words=10)


def test_npz_object_arrays_are_read_without_running_code(tmp_path):
    arr = np.empty(2, dtype=object)
    arr[0], arr[1] = [1, 2], _Evil()
    np.savez(tmp_path / "evil.npz", x_train=arr, y_train=np.zeros(2), x_test=arr,
             y_test=np.zeros(2))
    with pytest.raises(ValueError, match="Refusing"):
        imdb.load_data(path=tmp_path / "evil.npz")
    np.savez(tmp_path / "missing.npz", x=np.zeros(2))
    with pytest.raises(ValueError, match=r"no array\(s\) \['y'\]"):
        reuters.load_data(path=tmp_path / "missing.npz")
    (tmp_path / "not.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not an .npz"):
        reuters.load_data(path=tmp_path / "not.npz")
    # Object arrays pickled by Python 2 and NumPy 1 (numpy.core.multiarray) load as well.
    arr = _object_array([[1, 2], [3]])
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, np.lib.format.header_data_from_array_1_0(arr))
    got = _formats._read_npy(buf.getvalue() + _py2_pickle(arr), "x", "mem")
    assert got.dtype == object and list(got) == [[1, 2], [3]]


def _keras_reuters(x, y, num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
                   start_char=1, oov_char=2, index_from=3):
    """Keras's reuters.load_data algorithm, step by step, on plain lists."""
    rng = np.random.RandomState(seed)
    idx = np.arange(len(x))
    rng.shuffle(idx)
    xs, labels = [x[i] for i in idx], y[idx]
    pre = [] if start_char is None else [start_char]
    xs = [pre + [w + index_from for w in s] for s in xs]
    if maxlen:
        keep = [i for i, s in enumerate(xs) if len(s) < maxlen]
        xs, labels = [xs[i] for i in keep], labels[keep]
    if not num_words:
        num_words = max(max(s) for s in xs)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in s] for s in xs]
    else:
        xs = [[w for w in s if skip_top <= w < num_words] for s in xs]
    n = int(len(xs) * (1 - test_split))
    return (xs[:n], labels[:n]), (xs[n:], labels[n:])


@pytest.mark.parametrize("opts", [
    {}, dict(test_split=0.5), dict(test_split=0.0), dict(test_split=1.0), dict(seed=3),
    dict(num_words=10, skip_top=4), dict(maxlen=5), dict(oov_char=None, num_words=12),
    dict(start_char=None, index_from=0), dict(start_char=5, index_from=6, test_split=0.33)])
def test_reuters_every_option_matches_keras_algorithm(tmp_path, opts):
    rng = np.random.RandomState(8)
    x = [[int(v) for v in rng.randint(1, 25, rng.randint(1, 8))] for _ in range(11)]
    y = rng.randint(0, 46, 11)
    np.savez(tmp_path / "reuters.npz", x=_object_array(x), y=y)
    (a, b), (c, d) = reuters.load_data(path=tmp_path / "reuters.npz", **opts)
    (ea, eb), (ec, ed) = _keras_reuters(x, y, **opts)
    assert _as_lists(a) == ea and _as_lists(c) == ec
    np.testing.assert_array_equal(b, eb)
    np.testing.assert_array_equal(d, ed)
    assert len(a) == int(11 * (1 - opts.get("test_split", 0.2))) or opts.get("maxlen")


def test_reuters_worked_by_hand_and_defaults(tmp_path, monkeypatch):
    np.savez(tmp_path / "r.npz", x=_object_array([[2, 3]]), y=np.array([4]))
    (a, b), (c, d) = reuters.load_data(path=tmp_path / "r.npz")
    # One sample: int(1 * 0.8) = 0 training samples. [1, 5, 6] with bound 6 -> [1, 5, 2].
    assert len(a) == 0 and _as_lists(c) == [[1, 5, 2]] and list(d) == [4]
    calls = []
    monkeypatch.setattr(_text_data, "get_file",
                        _fake_get_file(calls, lambda f: tmp_path / "r.npz"))
    reuters.load_data(test_split=0)
    assert calls[0]["fname"] == "reuters.npz" and calls[0]["file_hash"] == (
        "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916")
    for bad in (-0.1, 1.5, "0.2", True):
        with pytest.raises(ValueError, match="test_split"):
            reuters.load_data(path=tmp_path / "r.npz", test_split=bad)


def test_reuters_label_names():
    names = reuters.get_label_names()
    assert isinstance(names, tuple) and len(names) == 46
    assert names[:5] == ("cocoa", "grain", "veg-oil", "earn", "acq") and names[-1] == "lead"


# ---------------------------------------------------------------- word indices


@pytest.mark.parametrize("module", [imdb, reuters])
def test_word_index_local_file_and_md5_checked_download(tmp_path, monkeypatch, module):
    index = {"the": 1, "and": 2, "a": 3}
    local = tmp_path / "local.json"
    local.write_text(json.dumps(index))
    assert module.get_word_index(path=str(local)) == index

    content = json.dumps(index).encode()
    cache = tmp_path / "cache"
    cache.mkdir()
    calls = []

    def fake(fname=None, origin=None, file_hash=None, **kw):  # a "download" into the cache
        calls.append((fname, origin, file_hash))
        (cache / fname).write_bytes(content)
        return str(cache / fname)

    monkeypatch.setattr(_text_data, "get_file", fake)
    name = f"{module.__name__.rsplit('.', 1)[1]}_word_index.json"
    # The real md5 (Keras's) does not match this stand-in: the file is refused and removed.
    with pytest.raises(ValueError, match=module.WORD_INDEX_MD5):
        module.get_word_index()
    assert not (cache / name).exists() and len(calls) == 2  # fetched twice, kept nothing
    assert calls[0] == (name, "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
                        + name, None)
    monkeypatch.setattr(module, "WORD_INDEX_MD5", hashlib.md5(content).hexdigest())
    assert module.get_word_index() == index
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="JSON object"):
        module.get_word_index(path=tmp_path / "list.json")


def test_keras_md5_constants():
    assert imdb.WORD_INDEX_MD5 == "bfafd718b763782e994055a2d397834f"
    assert reuters.WORD_INDEX_MD5 == "4d44cc38712099c9e383dc6e5f11a921"


def test_loaders_are_exported():
    import lamina.datasets as ds
    for name in ("mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters"):
        assert name in ds.__all__ and hasattr(getattr(ds, name), "load_data")


def test_labels_keep_the_file_dtype_and_folders_are_refused(tmp_path):
    np.savez(tmp_path / "r.npz", x=_object_array([[1, 2, 3], [4]]), y=np.array([3, 5], np.int32))
    (a, b), (c, d) = reuters.load_data(path=tmp_path / "r.npz", maxlen=2, test_split=0.5)
    assert b.dtype == d.dtype == np.int32 and len(b) == 0 and list(d) == []
    for loader in (imdb.load_data, reuters.load_data, imdb.get_word_index):
        with pytest.raises(IsADirectoryError, match="folder"):
            loader(path=tmp_path)


def test_sequences_of_non_numbers_are_refused(tmp_path):
    np.savez(tmp_path / "r.npz", x=_object_array([["a", "b"], [1]]), y=np.array([0, 1]))
    with pytest.raises(ValueError, match="integer word indices"):
        reuters.load_data(path=tmp_path / "r.npz")
    x = np.empty(2, dtype=object)
    x[0], x[1] = 5, [1]
    np.savez(tmp_path / "r2.npz", x=x, y=np.array([0, 1]))
    with pytest.raises(ValueError, match="sequences of word indices"):
        reuters.load_data(path=tmp_path / "r2.npz")
