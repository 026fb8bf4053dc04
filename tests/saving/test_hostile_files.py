"""Hostile and damaged files, in every format lamina reads: each must either load exactly
what was saved or raise a ValueError naming the file; none may read another local file,
allocate far beyond its own size, or run code stored in it.

The mutations (``truncations``, ``bit_flips``, ``config_mutations`` and the hand-made
files below) are plain generators so that they can also be run exhaustively outside
pytest; here hypothesis samples them.
"""
import io
import json
import os
import tracemalloc
import zipfile

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lamina
from lamina import layers as L
from lamina.models import load_model, model_from_json
from lamina.saving import legacy_h5

X = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)
Y = np.array([[0.5, -1.0], [1.0, 0.0], [0.0, 2.0]], "float32")
SECRET = 1234.5  # the value stored in the "local file" that hostile datasets point at
HYPO = settings(max_examples=12, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def build(train=True):
    model = lamina.Sequential([L.Input((4,)), L.Dense(3, activation="relu", name="dense"),
                               L.LayerNormalization(epsilon=1e-3, name="norm"),
                               L.Dropout(0.25, name="drop"), L.Dense(2, name="dense_1")])
    model.compile("adam", "mse")
    if train:
        model.train_on_batch(X, Y)
    return model


def _load_weights(path):
    model = build(train=False)
    model.load_weights(path)
    return model


def _load_model(path):
    return load_model(path)


# format -> (how to write it, the loaders that read it)
FORMATS = {
    "keras": ("m.keras", lambda m, p: m.save(p), (_load_model, _load_weights)),
    "weights": ("m.weights.h5", lambda m, p: m.save_weights(p), (_load_weights,)),
    "h5": ("m.h5", lambda m, p: m.save(p), (_load_model, _load_weights)),
    "legacy_weights": ("mw.h5", lambda m, p: legacy_h5.save_weights_to_h5(m, p),
                       (_load_weights,)),
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """{format: (path of the intact file, its bytes)}, the model and its predictions."""
    folder = tmp_path_factory.mktemp("hostile")
    model = build()
    files = {}
    for fmt, (name, save, _) in FORMATS.items():
        path = folder / name
        save(model, str(path))
        files[fmt] = path.read_bytes()
    return folder, files, model.predict(X, verbose=0)


def outcome(load, path, expected):
    """'ok' (loaded what was saved), 'named' (a ValueError naming the file), or what
    escaped: another exception type, an unnamed ValueError, or wrong numbers."""
    try:
        model = load(str(path))
    except ValueError as e:
        return "named" if os.path.basename(str(path)) in str(e) else f"unnamed: {e}"
    except MemoryError:
        return "MemoryError"
    except Exception as e:  # noqa: BLE001 - what escapes is what we count
        return f"{type(e).__name__}: {e}"
    try:
        same = np.array_equal(model.predict(X, verbose=0), expected)
    except Exception:  # noqa: BLE001 - loaded, but not the model that was saved
        same = False
    return "ok" if same else "silently wrong"


# --- mutation generators -------------------------------------------------------------------
def truncations(data, n):
    for i in range(1, n + 1):
        yield data[:len(data) * i // (n + 1)]


def bit_flip(data, bit):
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def _leaf_paths(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield path + (k,)
            yield from _leaf_paths(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield path + (i,)
            yield from _leaf_paths(v, path + (i,))


WRONG_VALUES = [None, "x", -1, 1e308, [], {}, True, [[1]], {"class_name": "x"}]


def config_mutations(config):
    """(description, mutated config) for each value replaced by a wrong type, and each
    dict key deleted."""
    for path in _leaf_paths(config):
        for value in WRONG_VALUES + ["delete"]:
            mutated = json.loads(json.dumps(config))
            parent = mutated
            for k in path[:-1]:
                parent = parent[k]
            if value == "delete":
                if not isinstance(parent, dict):
                    continue
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
            yield f"{'/'.join(map(str, path))}={value!r}", mutated


def with_member(data, name, content, compress=zipfile.ZIP_STORED):
    """The .keras archive ``data`` with member ``name`` replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info.filename, src.read(info))
        dst.writestr(name, content, compress_type=compress)
    return out.getvalue()


# --- truncation and bit flips ----------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_truncated_files(saved, fmt):
    folder, files, expected = saved
    path = folder / f"cut_{FORMATS[fmt][0]}"
    for data in truncations(files[fmt], 9):
        path.write_bytes(data)
        for load in FORMATS[fmt][2]:
            assert outcome(load, path, expected) == "named", (fmt, len(data))


@pytest.mark.parametrize("fmt", FORMATS)
def test_bit_flips_load_exactly_or_fail_clearly(saved, fmt):
    folder, files, expected = saved
    data = files[fmt]
    path = folder / f"flip_{FORMATS[fmt][0]}"

    @HYPO
    @given(st.integers(0, len(data) * 8 - 1))
    def check(bit):
        path.write_bytes(bit_flip(data, bit))
        for load in FORMATS[fmt][2]:
            assert outcome(load, path, expected) in ("ok", "named"), bit
    check()


def test_flipped_weight_value_is_caught_by_the_checksum(saved):
    folder, files, _ = saved
    for fmt in ("weights", "h5", "legacy_weights"):
        data = bytearray(files[fmt])
        with h5py.File(io.BytesIO(bytes(data)), "r") as f:
            ds = f["layers/dense/vars/0"] if fmt == "weights" else \
                f[("model_weights/" if fmt == "h5" else "") + "dense/dense/kernel:0"]
            offset = ds.id.get_offset()
        data[offset + 2] ^= 0x01  # a low mantissa bit of the first kernel entry
        path = folder / f"sum_{FORMATS[fmt][0]}"
        path.write_bytes(bytes(data))
        with pytest.raises(ValueError, match="checksum mismatch") as e:
            _load_weights(str(path))
        assert path.name in str(e.value)


def test_files_without_a_checksum_still_load(saved):
    """Keras's own files carry no checksum: they load as before."""
    folder, files, expected = saved
    for fmt in ("weights", "h5"):
        path = folder / f"nosum_{FORMATS[fmt][0]}"
        path.write_bytes(files[fmt])
        with h5py.File(path, "a") as f:
            assert "lamina_weights_sha256" in f.attrs
            del f.attrs["lamina_weights_sha256"]
        assert outcome(_load_weights, path, expected) == "ok"


# --- wrong values in configs -----------------------------------------------------------------
def test_config_mutations(saved):
    folder, files, expected = saved
    config = json.loads(zipfile.ZipFile(io.BytesIO(files["keras"])).read("config.json"))
    mutations = list(config_mutations(config))
    path = folder / "cfg.keras"

    @HYPO
    @given(st.sampled_from(mutations))
    def check(mutation):
        what, mutated = mutation
        path.write_bytes(with_member(files["keras"], "config.json", json.dumps(mutated)))
        result = outcome(_load_model, path, expected)
        assert result in ("ok", "named", "silently wrong"), (what, result)
        try:
            model_from_json(json.dumps(mutated))
        except ValueError as e:
            assert "model_from_json" in str(e) or "safe_mode" in str(e) or str(e)
        except Exception as e:  # noqa: BLE001
            pytest.fail(f"{what}: model_from_json raised {type(e).__name__}: {e}")
    check()


@pytest.mark.parametrize("text", ["{", "[]", "3", '"x"', "null", '{"class_name": 3}',
                                  "[" * 100000 + "]" * 100000])
def test_broken_config_json(saved, text):
    folder, files, expected = saved
    path = folder / "json.keras"
    path.write_bytes(with_member(files["keras"], "config.json", text))
    assert outcome(_load_model, path, expected) == "named"
    with pytest.raises(ValueError, match="model_from_json"):
        model_from_json(text)


@pytest.mark.parametrize("entry", [
    {"module": "os", "class_name": "system", "config": {"command": "echo hi"}},
    {"module": "builtins", "class_name": "eval", "config": {}},
    {"module": "keras.layers", "class_name": "Lambda", "config": {
        "name": "lam", "function": {"class_name": "__lambda__", "config": {"code": "AAAA"}},
        "function_type": "lambda", "arguments": {}}},
    {"module": "keras.layers", "class_name": "Dense", "config": {
        "name": "d", "units": 2, "activation": {"module": "os", "class_name": "function",
                                                "config": "system",
                                                "registered_name": "function"}}},
])
def test_code_references_are_refused(saved, entry, monkeypatch):
    folder, files, _ = saved
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a))
    config = json.loads(zipfile.ZipFile(io.BytesIO(files["keras"])).read("config.json"))
    config["config"]["layers"][2] = entry
    path = folder / "code.keras"
    path.write_bytes(with_member(files["keras"], "config.json", json.dumps(config)))
    with pytest.raises(ValueError, match="code.keras"):
        load_model(path)
    assert calls == []


# --- HDF5: links, external storage, virtual datasets, shape bombs ----------------------------
KERNEL = {"weights": "layers/dense/vars/0", "h5": "model_weights/dense/dense/kernel:0",
          "legacy_weights": "dense/dense/kernel:0", "keras": "layers/dense/vars/0"}


def _secret_files(folder):
    raw = folder / "secret.bin"
    raw.write_bytes(np.full((4, 3), SECRET, "float32").tobytes())
    other = folder / "secret.h5"
    with h5py.File(other, "w") as f:
        f["data"] = np.full((4, 3), SECRET, "float32")
    return raw, other


def _replace_kernel(h5, key, how, folder):
    raw, other = _secret_files(folder)
    parent, name = key.rsplit("/", 1)
    group = h5[parent]
    del group[name]
    if how == "external":
        group.create_dataset(name, shape=(4, 3), dtype="float32",
                             external=[(str(raw), 0, 48)])
    elif how == "external_link":
        group[name] = h5py.ExternalLink(str(other), "/data")
    elif how == "soft_link":
        h5["elsewhere"] = np.full((4, 3), SECRET, "float32")
        group[name] = h5py.SoftLink("/elsewhere")
    elif how == "virtual":
        layout = h5py.VirtualLayout(shape=(4, 3), dtype="float32")
        layout[:] = h5py.VirtualSource(str(other), "data", shape=(4, 3))
        group.create_virtual_dataset(name, layout)
    elif how == "bomb":
        group.create_dataset(name, shape=(40000, 40000), dtype="float64")
    elif how == "unwritten":
        group.create_dataset(name, shape=(4, 3), dtype="float32")
    elif how == "strings":
        group[name] = np.array([["1.5"] * 3] * 4, dtype="S3")
    if "lamina_weights_sha256" in h5.attrs:  # as Keras writes them: no checksum
        del h5.attrs["lamina_weights_sha256"]


def hostile_h5(files, fmt, how, folder):
    """The saved file of format ``fmt`` with the first kernel replaced ``how``."""
    if fmt == "keras":
        member = zipfile.ZipFile(io.BytesIO(files["keras"])).read("model.weights.h5")
        buf = io.BytesIO(member)
        with h5py.File(buf, "a") as h5:
            _replace_kernel(h5, KERNEL[fmt], how, folder)
        return with_member(files["keras"], "model.weights.h5", buf.getvalue())
    buf = io.BytesIO(files[fmt])
    with h5py.File(buf, "a") as h5:
        _replace_kernel(h5, KERNEL[fmt], how, folder)
    return buf.getvalue()


@pytest.mark.parametrize("how", ["external", "external_link", "soft_link", "virtual"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_nothing_is_read_from_other_files(saved, fmt, how):
    folder, files, _ = saved
    path = folder / f"{how}_{FORMATS[fmt][0]}"
    path.write_bytes(hostile_h5(files, fmt, how, folder))
    for load in FORMATS[fmt][2]:
        with pytest.raises(ValueError, match="Not allowed") as e:
            model = load(str(path))
            assert not any(np.any(np.asarray(w) == SECRET) for w in model.get_weights())
        assert path.name in str(e.value)
        if load is _load_weights:
            assert KERNEL[fmt].rsplit("/", 1)[1] in str(e.value)


@pytest.mark.parametrize("fmt", FORMATS)
def test_shape_bomb_is_refused_without_allocating(saved, fmt):
    folder, files, _ = saved
    path = folder / f"bomb_{FORMATS[fmt][0]}"
    path.write_bytes(hostile_h5(files, fmt, "bomb", folder))
    assert path.stat().st_size < 100_000
    for load in FORMATS[fmt][2]:
        tracemalloc.start()
        try:
            with pytest.raises(ValueError) as e:
                load(str(path))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 200 << 20, peak
        message = str(e.value)
        assert path.name in message and "(40000, 40000)" in message, message
        assert "(4, 3)" in message or "Not allowed" in message, message


@pytest.mark.parametrize("how", ["unwritten", "strings"])
@pytest.mark.parametrize("fmt", ["weights", "legacy_weights", "keras"])
def test_datasets_without_numbers_are_refused(saved, fmt, how):
    folder, files, _ = saved
    path = folder / f"{how}_{FORMATS[fmt][0]}"
    path.write_bytes(hostile_h5(files, fmt, how, folder))
    with pytest.raises(ValueError, match=path.name) as e:
        _load_weights(str(path))
    assert KERNEL[fmt].rsplit("/", 1)[1] in str(e.value)


# --- zip archives ----------------------------------------------------------------------------
def test_zip_bomb_member_is_refused(saved):
    folder, files, _ = saved
    path = folder / "zbomb.keras"
    path.write_bytes(with_member(files["keras"], "model.weights.h5", bytes(40 << 20),
                                 compress=zipfile.ZIP_DEFLATED))
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="zbomb.keras.*suspiciously large"):
            load_model(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 << 20


def test_path_traversal_members_are_ignored(saved):
    folder, files, expected = saved
    path = folder / "trav.keras"
    data = files["keras"]
    for name in ("../../escape.txt", "/abs/escape.txt", "assets/../../../x"):
        data = with_member(data, name, b"x")
    path.write_bytes(data)
    before = set(os.listdir(folder)) | set(os.listdir(folder.parent))
    assert outcome(_load_model, path, expected) == "ok"
    assert before == set(os.listdir(folder)) | set(os.listdir(folder.parent))


# --- the checks themselves -------------------------------------------------------------------
def test_compressed_dataset_declaring_too_much_is_refused(tmp_path, monkeypatch):
    """gzip stores 4 MB of zeros in a few KB: beyond the allowed expansion once the floor
    is out of the way, though the shape fits."""
    from lamina.saving import file_io
    path = tmp_path / "z.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("w", data=np.zeros((1000, 1000), "float32"), chunks=(1000, 1000),
                         compression="gzip", compression_opts=9)
    with h5py.File(path, "r") as f:
        assert file_io.H5Source(f, path).datasets[0][0] == "w"  # within the default bounds
        monkeypatch.setattr(file_io, "_H5_FLOOR_BYTES", 1 << 20)
        monkeypatch.setattr(file_io, "_H5_MAX_EXPANSION", 100)
        with pytest.raises(ValueError, match=r"Not allowed: .*z\.h5.*declares 4000000 bytes"):
            file_io.H5Source(f, path)


def test_declared_shape_is_checked_before_reading(saved):
    folder, files, _ = saved
    buf = io.BytesIO(files["weights"])
    with h5py.File(buf, "a") as h5:
        del h5["layers/dense/vars/0"]
        h5["layers/dense/vars/0"] = np.zeros((5, 3), "float32")
        del h5.attrs["lamina_weights_sha256"]
    path = folder / "shape.weights.h5"
    path.write_bytes(buf.getvalue())
    with pytest.raises(ValueError, match=r"shape \(4, 3\), but 'layers/dense/vars/0' in "
                                         r"'.*shape\.weights\.h5' holds shape \(5, 3\)"):
        _load_weights(str(path))
    model = build(train=False)
    before = model.layers[0].kernel.numpy().copy()
    with pytest.warns(UserWarning, match="skip_mismatch"):
        model.load_weights(str(path), skip_mismatch=True)
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), before)


def test_weights_no_layer_takes_are_an_error(saved):
    """A config that lost its layers must not load as an empty model, ignoring every
    weight in the file."""
    folder, files, _ = saved
    config = json.loads(zipfile.ZipFile(io.BytesIO(files["keras"])).read("config.json"))
    config["config"]["layers"] = config["config"]["layers"][:1]  # the InputLayer only
    path = folder / "empty.keras"
    path.write_bytes(with_member(files["keras"], "config.json", json.dumps(config)))
    with pytest.raises(ValueError, match="no layer of model .* takes: .*layers/dense/vars"):
        load_model(path)


@lamina.saving.register_keras_serializable(package="hostile")
class Fussy(L.Layer):
    @classmethod
    def from_config(cls, config):
        raise TypeError("Fussy: cannot rebuild from this config")


def test_errors_from_your_from_config_stay_visible(tmp_path):
    model = lamina.Sequential([L.Input((4,)), Fussy(), L.Dense(2)])
    model.save(tmp_path / "fussy.keras")
    with pytest.raises(ValueError, match="fussy.keras.*TypeError: Fussy: cannot rebuild") as e:
        load_model(tmp_path / "fussy.keras")
    assert isinstance(e.value.__cause__, TypeError)
    with pytest.raises(ValueError, match="model_from_json.*Fussy: cannot rebuild"):
        model_from_json(model.to_json())
