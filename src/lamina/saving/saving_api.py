"""``save_model`` / ``load_model`` / ``save_weights`` / ``load_weights``: pick the format
from the file name (when writing) or the file's contents (when reading).

- ``.keras``: Keras 3's zip (``keras_zip``); ``.h5``/``.hdf5`` models: Keras 2's layout
  (``legacy_h5``), as Keras 3 does.
- ``save_weights``: ``*.weights.h5`` in Keras 3's layout; a plain ``.h5`` name (kerasR's
  ``model.h5``) is accepted and written the same way.
- ``load_weights`` reads Keras 3 weights files, ``.keras`` files and Keras 2's weights
  (or full model) files, by order or ``by_name``.

>>> model.save("m.keras")
>>> model = load_model("m.keras")
"""
import json
import os
import zipfile

import h5py

from lamina.saving import keras_zip, legacy_h5, serialization, weights_h5
from lamina.saving.file_io import (
    H5Source,
    atomic_path,
    check_overwrite,
    corrupted,
    reading,
    recover_folder,
)

_H5 = (".h5", ".hdf5")


def save_model(model, filepath, overwrite=True, zipped=None, include_optimizer=True):
    """Save ``model`` (config, weights, optimizer state) to ``filepath``."""
    filepath = os.fspath(filepath)
    check_overwrite(filepath, overwrite)
    if filepath.endswith(_H5):
        legacy_h5.save_model_to_h5(model, filepath, include_optimizer=include_optimizer)
        return
    if zipped is None:
        zipped = True  # as Keras 3: a folder only when asked for with zipped=False
    if zipped and not filepath.endswith(".keras"):
        raise ValueError(f"Invalid filepath extension for saving: '{filepath}'. Use a "
                         "`.keras` name for Keras 3's format (recommended), a `.h5` name for "
                         "Keras 2's, or zipped=False to write a folder.")
    keras_zip.save_model(model, filepath, zipped=zipped)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model from a ``.keras`` file (or folder) or a Keras 2 ``.h5`` file.

    ``safe_mode=True`` refuses to run code stored in the file (a ``Lambda`` layer, a
    function given by its source); ``custom_objects`` maps names to your own classes and
    functions. Nothing is ever unpickled.

    >>> model = lamina.models.load_model("m.keras")
    """
    filepath = recover_folder(os.fspath(filepath))  # a folder save killed mid-swap
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No file or folder found at '{filepath}'")
    from lamina.saving.object_registration import custom_object_scope
    with reading(filepath, "a model file"), custom_object_scope(custom_objects):
        if os.path.isdir(filepath) or zipfile.is_zipfile(filepath):
            return keras_zip.load_model(filepath, custom_objects, compile, safe_mode)
        if h5py.is_hdf5(filepath):
            return legacy_h5.load_model_from_h5(filepath, custom_objects, compile, safe_mode)
        raise _unknown(filepath)


def _unknown(filepath):
    with open(filepath, "rb") as fh:
        head = fh.read(4)
    if head[:2] == b"PK" or filepath.endswith(".keras"):
        return corrupted(filepath, "a .keras file (a zip archive)",
                         ValueError("no zip directory found"))
    return ValueError(f"'{filepath}' is neither a .keras file (zip) nor an HDF5 file "
                      "(.h5); it may be truncated or of another format")


def save_weights(model, filepath, overwrite=True):
    """The model's weights in Keras 3's layout (``*.weights.h5``; any ``.h5`` name)."""
    filepath = os.fspath(filepath)
    if not filepath.endswith(_H5):
        raise ValueError(f"save_weights: the file name must end in `.weights.h5` (or `.h5`), "
                         f"got '{filepath}'")
    check_overwrite(filepath, overwrite)
    with atomic_path(filepath) as tmp, h5py.File(tmp, "w") as f:
        weights_h5.save_weights_to_h5(model, f)


def load_weights(model, filepath, skip_mismatch=False, by_name=False):
    """Assign saved weights to ``model``; the file's layout decides how they are matched."""
    filepath = recover_folder(os.fspath(filepath))  # a folder save killed mid-swap
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No weights file found at '{filepath}'")
    if not model.built:
        raise ValueError(f"load_weights: model '{model.name}' has no weights yet (it is not "
                         "built); give the first layer an input shape, call the model on "
                         "data, or call model.build(input_shape) first")
    with reading(filepath, "a weights file"):
        _load_weights(model, filepath, skip_mismatch, by_name)


def _load_weights(model, filepath, skip_mismatch, by_name):
    if os.path.isdir(filepath) or zipfile.is_zipfile(filepath):
        if by_name:
            raise ValueError("load_weights: by_name=True is for Keras 2's .h5 weights files")
        keras_zip.load_weights(model, filepath, skip_mismatch=skip_mismatch)
        return
    if not h5py.is_hdf5(filepath):
        raise _unknown(filepath)
    try:
        f = h5py.File(filepath, "r")
    except OSError as e:
        raise corrupted(filepath, "an HDF5 weights file", e) from e
    with f:
        source = H5Source(f, filepath, size=os.path.getsize(filepath))
        if legacy_h5.is_legacy_weights(f):
            group = source.group("model_weights") if "model_weights" in f else f
            legacy_h5.load_weights_from_group(model, group, by_name=by_name,
                                              skip_mismatch=skip_mismatch, source=source)
            return
        if by_name:
            raise ValueError(f"load_weights: '{filepath}' is in Keras 3's layout, which is "
                             "matched by structure; by_name=True is for Keras 2's files")
        weights_h5.load_weights_from_h5(model, source, skip_mismatch=skip_mismatch)


def model_to_json(model, **kwargs):
    """The model's config as Keras 3's JSON (no weights)."""
    kwargs.setdefault("default", serialization.json_default)
    return json.dumps(serialization.serialize_layer(model), **kwargs)


def model_from_json(json_string, custom_objects=None):
    """A model (new weights) from ``to_json``'s string, Keras 3's or Keras 2's."""
    from lamina.saving.object_registration import custom_object_scope
    with reading("model_from_json", "a model's JSON config",
                 subject="the string given to model_from_json"), \
            custom_object_scope(custom_objects):
        config = json.loads(json_string)
        if not isinstance(config, dict):
            raise ValueError(f"the JSON holds a {type(config).__name__}, not a model's "
                             "config (a JSON object)")
        return serialization.deserialize_layer(legacy_h5.keras2_to_keras3(config),
                                               custom_objects, build=True)
