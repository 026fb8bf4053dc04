"""Keras 2's HDF5 files: full models and weights-only files (read and written).

The layout follows Keras 2's ``.h5`` format (``keras/saving/legacy/hdf5_format.py``)::

    attrs: model_config (JSON), training_config (JSON), keras_version, backend
    model_weights/                      (a full model; a weights-only file has this at /)
        attrs: layer_names = [b"dense", b"dense_1", ...]
        dense/
            attrs: weight_names = [b"dense/kernel:0", b"dense/bias:0"]
            dense/kernel:0, dense/bias:0   (datasets, at those paths)

Each layer's weights are listed trainable first, then non-trainable (Keras 2's order).
Loading matches layers in order (those with weights) or, with ``by_name=True``, by name;
Keras's published ImageNet weight files are weights-only files of this kind.
"""
import json
import os
import warnings

import h5py
import numpy as np

from lamina.saving import serialization
from lamina.saving.file_io import H5Source, atomic_path, corrupted, stamp_checksum


def legacy_weights(layer):
    """A layer's weights in Keras 2's order: all trainable ones, then the others."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _decode(values):
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def _names_attr(group, key):
    """A list-of-names attribute; Keras 2 splits long ones into ``key0``, ``key1``, ..."""
    if key in group.attrs:
        return _decode(group.attrs[key])
    out, i = [], 0
    while f"{key}{i}" in group.attrs:
        out += _decode(group.attrs[f"{key}{i}"])
        i += 1
    return out


def _set_names_attr(group, key, names):
    """Store names as Keras 2 does (fixed-length bytes), split below HDF5's 64 KiB limit."""
    data = np.array([n.encode("utf8") for n in names], dtype="S") if names else \
        np.zeros(0, dtype="S1")
    chunks = max(1, -(-data.nbytes // 60000))
    if chunks == 1:
        group.attrs[key] = data
        return
    for i, part in enumerate(np.array_split(data, chunks)):
        group.attrs[f"{key}{i}"] = part


def _model_layers(model):
    layers = getattr(model, "layers", None)
    return list(layers) if layers is not None else list(model._sublayers)


# --- writing -------------------------------------------------------------------------------
def save_weights_to_group(model, group):
    """Write every layer's weights into ``group`` in Keras 2's layout."""
    layers = _model_layers(model)
    _set_names_attr(group, "layer_names", [layer.name for layer in layers])
    group.attrs["backend"] = b"lamina"
    group.attrs["keras_version"] = b"2.15.0"
    for layer in layers:
        g = group.create_group(layer.name)
        names = []
        for i, var in enumerate(legacy_weights(layer)):
            name = f"{layer.name}/{var.name or f'variable_{i}'}:0"
            while name in names:  # two variables with one name: keep both
                name = name.replace(":0", "_:0")
            names.append(name)
            g.create_dataset(name, data=np.asarray(var.data))
        _set_names_attr(g, "weight_names", names)


def save_model_to_h5(model, filepath, include_optimizer=True):
    """A full model in Keras 2's ``.h5`` layout (config, training config, weights)."""
    entry = serialization.serialize_layer(model)
    with atomic_path(filepath) as tmp, h5py.File(tmp, "w") as f:
        f.attrs["model_config"] = json.dumps({"class_name": entry["class_name"],
                                              "config": entry["config"]},
                                             default=serialization.json_default)
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "lamina"
        compiled = serialization.compile_config(model)
        if compiled and include_optimizer:
            training = {"optimizer_config": compiled["optimizer"], "loss": compiled["loss"],
                        "metrics": compiled["metrics"],
                        "weighted_metrics": compiled["weighted_metrics"],
                        "loss_weights": compiled["loss_weights"]}
            f.attrs["training_config"] = json.dumps(training,
                                                    default=serialization.json_default)
        save_weights_to_group(model, f.create_group("model_weights"))
        stamp_checksum(f)


def save_weights_to_h5(model, filepath):
    """A weights-only file in Keras 2's layout."""
    with atomic_path(filepath) as tmp, h5py.File(tmp, "w") as f:
        save_weights_to_group(model, f)
        stamp_checksum(f)


# --- reading -------------------------------------------------------------------------------
def is_legacy_weights(f):
    """Whether an open HDF5 file holds Keras 2's layout (weights-only or a full model)."""
    return "layer_names" in f.attrs or "layer_names0" in f.attrs or "model_weights" in f


def saved_layers(group, source):
    """[(layer name, [(path, dataset)])] in the file's order; nothing read yet."""
    out = []
    for name in _names_attr(group, "layer_names"):
        g = source.child(group, name)
        names = _names_attr(g, "weight_names")
        base = g.name.strip("/")
        out.append((name, [(f"{base}/{n}", source.dataset(g, n, f"{base}/{n}"))
                           for n in names]))
    return out


def load_weights_from_group(model, group, by_name=False, skip_mismatch=False, filename=None,
                            source=None):
    """Assign weights saved in Keras 2's layout: layer by layer in order (those that have
    weights), or by layer name. Shapes are compared with what the file declares before
    anything is read."""
    source = source or H5Source(group.file, filename or group.file.filename)
    where = f" in '{source.filename}'"
    saved = saved_layers(group, source)
    layers = [layer for layer in _model_layers(model) if legacy_weights(layer)]
    pairs = []
    if by_name:
        by = dict(saved)
        pairs = [(layer, by[layer.name]) for layer in layers if layer.name in by]
    else:
        saved = [(n, w) for n, w in saved if w]
        if len(saved) != len(layers):
            raise ValueError(
                f"Layer count mismatch when loading weights{where}: the model has "
                f"{len(layers)} layers with weights, the file {len(saved)} "
                f"({[n for n, _ in saved][:8]}...). Load by_name=True to match layers by name.")
        pairs = [(layer, w) for layer, (_, w) in zip(layers, saved)]
    pending = []
    for layer, datasets in pairs:
        variables = legacy_weights(layer)
        problem = None
        if len(datasets) != len(variables):
            problem = (f"Layer '{layer.name}' ({type(layer).__name__}) expects "
                       f"{len(variables)} weights, but the saved layer has "
                       f"{len(datasets)}{where}")
        else:
            for var, (path, ds) in zip(variables, datasets):
                if tuple(var.shape) != ds.shape:
                    problem = (f"Layer '{layer.name}': weight '{var.name}' has shape "
                               f"{tuple(var.shape)}, the saved weight '{path}' {ds.shape}"
                               f"{where}")
                    break
        if problem:
            if skip_mismatch:
                warnings.warn(problem + "; skipped (skip_mismatch=True)", stacklevel=3)
                continue
            raise ValueError(problem)
        pending.append((variables, [source.read(ds, path) for path, ds in datasets]))
    for variables, values in pending:
        for var, value in zip(variables, values):
            var.assign(value.astype(var.data.dtype, copy=False))


def _json_attr(f, key):
    value = f.attrs.get(key)
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf8")
    return json.loads(value)


def load_model_from_h5(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A full model from Keras 2's ``.h5`` file (or one lamina wrote in that layout)."""
    try:
        f = h5py.File(filepath, "r")
    except OSError as e:
        raise corrupted(filepath, "an HDF5 model file", e) from e
    with f:
        source = H5Source(f, filepath, size=os.path.getsize(filepath))
        config = _json_attr(f, "model_config")
        if config is None:
            raise ValueError(f"'{filepath}' holds no model config (it may be a weights-only "
                             "file: build the model, then call model.load_weights(path))")
        model = serialization.deserialize_layer(keras2_to_keras3(config), custom_objects,
                                                safe_mode=safe_mode, build=True)
        group = source.group("model_weights") if "model_weights" in f else f
        load_weights_from_group(model, group if group is not None else f, source=source)
        training = _json_attr(f, "training_config")
        if compile and training:
            try:
                serialization.compile_from_config(model, training, custom_objects)
            except (ValueError, TypeError) as e:
                warnings.warn(f"'{filepath}': the model was loaded but not compiled: its "
                              f"training configuration could not be used ({e})", stacklevel=2)
    return model


def keras2_to_keras3(entry):
    """Keras 2's functional configs use list-style ``inbound_nodes``; make them Keras 3's."""
    if not isinstance(entry, dict):
        return entry
    config = entry.get("config")
    if entry.get("class_name") in ("Functional", "Model") and isinstance(config, dict):
        config = dict(config)
        legacy = any(isinstance((layer.get("inbound_nodes") or [None])[0], list)
                     for layer in config.get("layers", []))
        config["layers"] = [_convert_layer(layer) for layer in config.get("layers", [])]
        if legacy:  # Keras 2 listed even a single input or output; its model took it bare
            for key in ("input_layers", "output_layers"):
                value = config.get(key)
                if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
                    config[key] = value[0]
        entry = {**entry, "class_name": "Functional", "config": config}
    return entry


def _convert_layer(layer):
    layer = keras2_to_keras3(dict(layer))
    nodes = layer.get("inbound_nodes") or []
    if nodes and isinstance(nodes[0], list):
        converted = []
        for node in nodes:
            tensors = [_history(item) for item in node]
            kwargs = node[0][3] if node and len(node[0]) > 3 and node[0][3] else {}
            converted.append({"args": [tensors[0] if len(tensors) == 1 else tensors],
                              "kwargs": kwargs})
        layer["inbound_nodes"] = converted
    return layer


def _history(item):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": None, "dtype": None, "keras_history": list(item[:3])}}
