"""Reading the CIFAR "python version" archives without running code from them.

Each batch in ``cifar-10-python.tar.gz`` / ``cifar-100-python.tar.gz`` is a
Python 2 pickle of a dict: ``data`` a uint8 array (n, 3072) holding the red,
green then blue 32x32 planes of each image, ``labels`` (CIFAR-10) or
``fine_labels`` and ``coarse_labels`` (CIFAR-100) lists of ints, plus names.
Keras unpickles them; here they go through ``RestrictedUnpickler``, which can
rebuild that dict and its NumPy array but refuses any other global, so a
tampered archive raises instead of running code. The members are read straight
from the tar archive (only regular files, matched by name), never extracted to
disk, so an archive's paths cannot write anywhere either.
"""
import os
import pickle
import tarfile

import numpy as np

from lamina import backend

from ._download import get_file
from ._formats import local_file, restricted_loads

_MAX_MEMBER = 1 << 30  # the largest real member (CIFAR-100 train) is about 150 MB


def _read_members(source, folder, names, loader):
    """The raw bytes of each of ``names`` in the tar.gz or folder ``source``."""
    if os.path.isdir(source):
        base = os.path.join(source, folder) if os.path.isdir(os.path.join(source, folder)) \
            else source
        out = {}
        for name in names:
            p = os.path.join(base, name)
            if not os.path.isfile(p):
                raise FileNotFoundError(f"{loader}: {base} has no file {name!r} (expected the "
                                        f"extracted '{folder}' folder or its parent)")
            with open(p, "rb") as f:
                out[name] = f.read()
        return out
    try:
        archive = tarfile.open(source, "r:*")
    except (tarfile.TarError, OSError) as e:
        raise ValueError(f"{loader}: {source} is not a readable tar archive: {e}") from e
    found = {}
    with archive:
        for member in archive:
            parts = [p for p in member.name.replace("\\", "/").split("/") if p not in ("", ".")]
            if member.isfile() and parts and parts[-1] in names and parts[:-1] in ([folder], []):
                if member.size > _MAX_MEMBER:
                    raise ValueError(f"{loader}: {source} member {member.name!r} is "
                                     f"{member.size} bytes, too large for a CIFAR batch")
                found[parts[-1]] = archive.extractfile(member).read()
    missing = [n for n in names if n not in found]
    if missing:
        raise ValueError(f"{loader}: {source} has no {', '.join(f'{folder}/{n}' for n in missing)}"
                         f"; is it the CIFAR python-version archive?")
    return found


def parse_batch(raw, label_key, where):
    """``(data (n, 3, 32, 32) uint8, labels (n,) int64)`` from one pickled batch."""
    try:
        d = restricted_loads(raw, encoding="bytes")  # Python 2 str -> bytes, as Keras reads it
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            IndexError, KeyError) as e:
        raise ValueError(f"{where}: not a CIFAR batch: {e}") from e
    if not isinstance(d, dict):
        raise ValueError(f"{where}: a CIFAR batch is a pickled dict, got {type(d).__name__}")
    d = {k.decode("utf-8", "replace") if isinstance(k, bytes) else k: v for k, v in d.items()}
    if "data" not in d or label_key not in d:
        raise ValueError(f"{where}: the batch has no 'data' or no {label_key!r} entry; it has "
                         f"{sorted(map(str, d))}")
    data = d["data"]
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 \
            or data.shape[1] != 3 * 32 * 32:
        desc = f"{data.dtype} {data.shape}" if isinstance(data, np.ndarray) else type(data).__name__
        raise ValueError(f"{where}: 'data' should be a uint8 array of shape (n, 3072), got {desc}")
    try:
        labels = np.asarray(d[label_key], dtype=np.int64).reshape(-1)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{where}: {label_key!r} should be a list of ints: {e}") from e
    if len(labels) != len(data):
        raise ValueError(f"{where}: {len(data)} images but {len(labels)} labels")
    return data.reshape(len(data), 3, 32, 32), labels


def load(path, origin, sha256, archive_name, folder, batches, label_key, loader):
    """Read ``batches`` (a dict part -> member names) from the archive; each part
    becomes ``(x, y)`` with x in the backend's image data format."""
    if path is None:
        source = get_file(archive_name, origin=origin, file_hash=sha256)
    else:
        source = local_file(path, loader)
        if source is None:
            raise FileNotFoundError(f"{loader}: `path` {path!r} does not exist; give the "
                                    f"{archive_name} archive or its extracted '{folder}' folder")
    names = [n for part in batches.values() for n in part]
    raw = _read_members(source, folder, names, loader)
    out = {}
    for part, members in batches.items():
        xs, ys = zip(*(parse_batch(raw.pop(n), label_key, f"{loader}: {source} {n}")
                       for n in members))
        x, y = (np.concatenate(xs), np.concatenate(ys)) if len(xs) > 1 else (xs[0], ys[0])
        if backend.image_data_format() == "channels_last":
            x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
        out[part] = (x, y.reshape(len(y), 1))
    return out
