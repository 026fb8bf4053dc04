"""Keras 3's ``.keras`` file: a zip archive of three entries, stored uncompressed.

- ``metadata.json``: ``{"keras_version": ..., "date_saved": ...}``
- ``config.json``: the model's config tree (``lamina.saving.serialization``), with
  ``build_config`` and ``compile_config``
- ``model.weights.h5``: the variables (``lamina.saving.weights_h5``), optimizer included

Reading never extracts anything to disk (members are read in memory, so no member name
can reach outside a folder) and never unpickles. An unzipped folder holding the same three
files (``save(..., zipped=False)``) is read too.

>>> save_model(model, "m.keras")
>>> model = load_model("m.keras")
"""
import datetime
import io
import json
import os
import re
import zipfile
import zlib

import h5py

from lamina.saving import serialization, weights_h5
from lamina.saving.file_io import H5Source, atomic_folder, atomic_path, corrupted

KERAS_VERSION = "3.15.1"  # the Keras 3 release whose format these files follow
CONFIG, METADATA, WEIGHTS = "config.json", "metadata.json", "model.weights.h5"
_MAX_JSON_BYTES = 256 << 20
_MAX_EXPANSION = 100  # a deflated member this many times larger than on disk is a bomb
_BOMB_FLOOR = 32 << 20  # ... once it is this large (smaller ones cost little to read)


def _metadata():
    import lamina
    return {"keras_version": KERAS_VERSION, "lamina_version": lamina.__version__,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}


def weights_bytes(model, include_optimizer=True):
    """The model's weights file (Keras 3's layout) as bytes."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        weights_h5.save_weights_to_h5(model, f, include_optimizer=include_optimizer)
    return buf.getvalue()


def save_model(model, filepath, zipped=True):
    """Write ``model`` to ``filepath`` as a ``.keras`` zip (or a folder if not ``zipped``)."""
    config = json.dumps(serialization.model_to_config(model),
                        default=serialization.json_default)
    metadata = json.dumps(_metadata())
    weights = weights_bytes(model)
    if not zipped:
        # the whole folder at once (atomic_folder), never a config of one save beside the
        # weights of another
        with atomic_folder(filepath, replaceable=_replaceable(filepath)) as tmp:
            for name, data in ((METADATA, metadata.encode()), (CONFIG, config.encode()),
                               (WEIGHTS, weights)):
                with open(os.path.join(tmp, name), "wb") as fh:
                    fh.write(data)
        return
    with atomic_path(filepath) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr(METADATA, metadata)
            zf.writestr(CONFIG, config)
            zf.writestr(WEIGHTS, weights)


# what a saved model folder may hold (Keras's own folders add assets/); anything else there
# is someone's data, which replacing the folder would delete
_MODEL_FOLDER_ENTRIES = (CONFIG, METADATA, WEIGHTS, "model.weights.npz", "assets")
_OLD_MEMBER_TEMP = re.compile(r"\.(?:config|metadata)\.json\.[0-9a-f]{12}\.tmp\Z|"
                              r"\.model\.weights\.h5\.[0-9a-f]{12}\.tmp\Z")


def _replaceable(filepath):
    def check(names):
        foreign = [n for n in names
                   if n not in _MODEL_FOLDER_ENTRIES and not _OLD_MEMBER_TEMP.match(n)]
        if foreign:
            return FileExistsError(
                f"Cannot save the model to the folder '{filepath}': saving with "
                f"zipped=False replaces the whole folder, and it holds files that are not "
                f"part of a saved model ({', '.join(foreign[:5])}"
                f"{', ...' if len(foreign) > 5 else ''}); save to a new or empty folder")
        return None
    return check


def read_members(filepath):
    """``{name: bytes}`` of the entries lamina needs, read in memory with size checks."""
    if os.path.isdir(filepath):
        out = {}
        for name in (CONFIG, METADATA, WEIGHTS):
            path = os.path.join(filepath, name)
            if os.path.exists(path):
                with open(path, "rb") as fh:
                    out[name] = fh.read()
        return out
    try:
        with zipfile.ZipFile(filepath) as zf:
            out = {}
            for info in zf.infolist():
                if info.filename not in (CONFIG, METADATA, WEIGHTS):
                    continue  # assets and anything else: not needed, never extracted
                limit = _MAX_JSON_BYTES if info.filename.endswith(".json") else None
                if (limit and info.file_size > limit) or (
                        info.compress_type != zipfile.ZIP_STORED
                        and info.file_size > _BOMB_FLOOR
                        and info.file_size > _MAX_EXPANSION * max(info.compress_size, 1)):
                    raise ValueError(f"'{filepath}': the member {info.filename} is "
                                     f"suspiciously large ({info.file_size} bytes from "
                                     f"{info.compress_size}); refusing")
                # zipfile stops at the declared size and checks the member's CRC-32
                out[info.filename] = zf.read(info)
            return out
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        if isinstance(e, FileNotFoundError):
            raise
        raise corrupted(filepath, "a .keras file (a zip archive)", e) from e


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model stored in a ``.keras`` file, with its weights and optimizer state."""
    members = read_members(filepath)
    for name in (CONFIG, WEIGHTS):
        if name not in members:
            raise ValueError(f"'{filepath}' is not a complete .keras file: it has no "
                             f"{name} (found: {sorted(members) or 'nothing'})")
    try:
        config = json.loads(members[CONFIG])
    except (ValueError, RecursionError) as e:
        raise corrupted(filepath, "a .keras file (config.json)", e) from e
    if not isinstance(config, dict):
        raise ValueError(f"'{filepath}': config.json holds a {type(config).__name__}, not "
                         "a model's config (a JSON object)")
    with open_h5_bytes(members[WEIGHTS], filepath) as f:
        source = H5Source(f, filepath, size=len(members[WEIGHTS]))  # refuse before building
        model = serialization.deserialize_layer(config, custom_objects, safe_mode=safe_mode,
                                                build=True)
        if compile and config.get("compile_config"):
            serialization.compile_from_config(model, config["compile_config"], custom_objects)
        weights_h5.load_weights_from_h5(model, source, include_optimizer=compile)
    return model


def open_h5_bytes(data, filepath):
    try:
        return h5py.File(io.BytesIO(data), "r")
    except OSError as e:
        raise corrupted(filepath, "a .keras file (model.weights.h5)", e) from e


def load_weights(model, filepath, skip_mismatch=False):
    """Assign the weights inside a ``.keras`` file to ``model``."""
    members = read_members(filepath)
    if WEIGHTS not in members:
        raise ValueError(f"'{filepath}' holds no {WEIGHTS}")
    with open_h5_bytes(members[WEIGHTS], filepath) as f:
        source = H5Source(f, filepath, size=len(members[WEIGHTS]))
        weights_h5.load_weights_from_h5(model, source, skip_mismatch=skip_mismatch)
