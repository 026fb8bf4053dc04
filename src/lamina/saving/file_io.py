"""Writing files all at once or not at all; reading untrusted files safely, with clear
errors for damaged or hostile ones.

- ``reading(filepath, what)``: any failure while a loader reads a file becomes a
  ``ValueError`` naming the file (the original chained), as docs/saving.md promises.
- ``H5Source``: every HDF5 file lamina reads goes through it. It refuses links (soft and
  external), external storage and virtual datasets anywhere in the file, since each of
  them makes HDF5 read another local file into the model; it refuses datasets declaring
  far more bytes than the file stores (a 20 KB file can declare a 12 GiB dataset); it
  checks a dataset's declared shape and type before reading it; and it verifies the
  weights checksum lamina writes (``stamp_checksum``).
"""
import contextlib
import hashlib
import math
import os

import h5py
import numpy as np

# saving's writers and readers use these
from lamina.utils.file_io import atomic_folder, atomic_path, recover_folder  # noqa: F401

# A dataset may declare at most this many bytes beyond _H5_MAX_EXPANSION times the bytes
# that hold it (compressed chunks legitimately store less than they declare; gzip tops out
# near 1000:1). Below the floor anything goes: reading it allocates little.
_H5_FLOOR_BYTES = 64 << 20
_H5_MAX_EXPANSION = 1000
# The root attribute holding the sha256 of a file's weights (see checksum()). Keras 3
# never reads root attributes of a weights file: H5IOStore looks up groups by path
# ("layers/dense/vars") and reads only the "dtype" attribute of datasets, so this extra
# attribute leaves the file loadable by Keras 3; Keras 2's loader reads only the
# attributes it names (model_config, training_config, layer_names, weight_names, ...).
CHECKSUM_ATTR = "lamina_weights_sha256"
_HASHED_ATTRS = ("model_config", "training_config")  # Keras 2 layout: the config too


def check_overwrite(filepath, overwrite):
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"'{filepath}' already exists; pass overwrite=True to replace it")


def corrupted(filepath, what, error):
    """The error for a file that cannot be read: names the file and what it should be."""
    return ValueError(f"Cannot read '{os.fspath(filepath)}' as {what}: the file is truncated "
                      f"or corrupted ({type(error).__name__}: {error})")


@contextlib.contextmanager
def reading(filepath, what, subject=None):
    """Turn any failure while reading ``filepath`` into a ValueError naming it.

    A ValueError that already names the file passes unchanged (the safe_mode refusal,
    shape mismatches); another ValueError gets the file's name put in front of its own
    message; anything else (a TypeError from a wrong value in a config, an AttributeError
    or RecursionError from a mangled one, OSError from HDF5) becomes a ValueError saying
    what it was. The original is always chained (``raise ... from``), so an error raised
    by your own ``from_config`` stays visible. MemoryError passes unchanged. ``subject``
    replaces "'<filepath>'" in messages (model_from_json reads a string, not a file).
    """
    name = os.fspath(filepath)
    subject = subject or f"'{name}'"
    try:
        yield
    except ValueError as e:
        if name in str(e):
            raise
        raise ValueError(f"Cannot load {subject} ({what}): {e}") from e
    except MemoryError:
        raise
    except RecursionError as e:
        raise ValueError(f"Cannot load {subject} ({what}): its structure is nested too "
                         "deeply (RecursionError); the file is corrupted or hostile") from e
    except Exception as e:  # noqa: BLE001 - every internal failure, named and chained
        raise ValueError(f"Cannot load {subject} as {what}: {type(e).__name__}: {e}. The "
                         "file is truncated, corrupted, or holds values of the wrong "
                         "type") from e


class H5Source:
    """An open HDF5 file being read: checks every object before it is used.

    ``size`` is the number of bytes holding the file (the file's size on disk, or the
    ``.keras`` member's); datasets may declare at most ``_H5_MAX_EXPANSION`` times it.
    Constructing one scans the whole file (``scan``) and verifies its checksum if it has
    one, so a hostile object anywhere is refused before anything is read.
    """

    def __init__(self, h5, filename, size=None, verify=True):
        self.h5, self.filename = h5, os.fspath(filename)
        self.size = size
        self.datasets = self.scan()
        if verify:
            self.verify_checksum()

    def refuse(self, path, why):
        return ValueError(f"Not allowed: '{self.filename}' has {why} at '{path}'; lamina "
                          "reads only datasets stored inside the file itself")

    def _limit(self, stored):
        budget = stored if self.size is None else min(stored, self.size)
        return _H5_FLOOR_BYTES + _H5_MAX_EXPANSION * budget

    def _link(self, group, name, path):
        """The object ``name`` in ``group``, refusing soft and external links."""
        link = group.get(name, getlink=True)
        if link is None:
            return None
        if isinstance(link, h5py.ExternalLink):
            raise self.refuse(path, f"an external link (to '{link.filename}')")
        if isinstance(link, h5py.SoftLink):
            raise self.refuse(path, f"a soft link (to '{link.path}')")
        return group[name]

    def _check(self, ds, path):
        if not isinstance(ds, h5py.Dataset):
            return
        if ds.is_virtual:
            raise self.refuse(path, "a virtual dataset (its data lives in other files)")
        if ds.external:
            raise self.refuse(path, f"an external Dataset (stored in {ds.external[0][0]!r})")
        declared = 0 if ds.shape is None else math.prod(ds.shape) * ds.dtype.itemsize
        stored = ds.id.get_storage_size()
        if declared and (not stored or declared > self._limit(stored)):
            raise self.refuse(path, f"a dataset that declares {declared} bytes (shape "
                              f"{ds.shape}) but stores {stored}")
        return declared

    def scan(self):
        """[(path, dataset)] of every dataset, sorted by path; refuses links, external
        storage and virtual datasets anywhere, and declared sizes the file cannot hold.
        Iterative, and each group visited once, so cycles of hard links end."""
        out, seen, stack, total = [], set(), [("", self.h5)], 0
        while stack:
            base, group = stack.pop()
            if group.id in seen:
                continue
            seen.add(group.id)
            for name in group:
                path = f"{base}/{name}" if base else name
                obj = self._link(group, name, path)
                if isinstance(obj, h5py.Group):
                    stack.append((path, obj))
                elif isinstance(obj, h5py.Dataset):
                    total += self._check(obj, path)
                    out.append((path, obj))
        if self.size is not None and total > self._limit(self.size):
            raise self.refuse("/", f"datasets declaring {total} bytes in all, in a file of "
                              f"{self.size} bytes")
        return sorted(out, key=lambda item: item[0])

    def group(self, path):
        """The group at ``path`` ('a/b/c'), or None if it is missing; each step checked."""
        current = self.h5
        for i, part in enumerate(path.split("/")):
            if not part:
                raise ValueError(f"'{self.filename}': invalid path '{path}' in the file")
            current = self._link(current, part, "/".join(path.split("/")[:i + 1]))
            if current is None:
                return None
            if not isinstance(current, h5py.Group):
                raise ValueError(f"'{self.filename}': expected a group at '{path}', found "
                                 f"{type(current).__name__}")
        return current

    def child(self, group, name):
        """The subgroup ``name`` (may hold '/') of ``group``; ValueError if missing."""
        path = f"{group.name.strip('/')}/{name}".strip("/")
        found = self.group(path)
        if found is None:
            raise ValueError(f"'{self.filename}' has no group '{path}'")
        return found

    def dataset(self, group, name, path):
        """The dataset ``name`` of ``group`` (its full ``path`` for messages), checked but
        not read; ValueError if it is missing or not a dataset."""
        parts = name.split("/")
        if len(parts) > 1:
            group = self.child(group, "/".join(parts[:-1]))
        ds = self._link(group, parts[-1], path)
        if not isinstance(ds, h5py.Dataset):
            raise ValueError(f"'{self.filename}' has no dataset '{path}'" if ds is None else
                             f"'{self.filename}': expected a dataset at '{path}', found "
                             f"{type(ds).__name__}")
        self._check(ds, path)
        return ds

    def read(self, ds, path):
        """The numbers in a checked dataset (refusing strings and other non-numbers)."""
        if ds.dtype.kind not in "biuf":
            raise ValueError(f"'{self.filename}': dataset '{path}' holds {ds.dtype}, not "
                             "numbers")
        return np.asarray(ds[()])

    def verify_checksum(self):
        if CHECKSUM_ATTR not in self.h5.attrs:
            return  # Keras's own files have none: load as they are
        stored = self.h5.attrs[CHECKSUM_ATTR]
        stored = stored.decode("ascii", "replace") if isinstance(stored, bytes) else stored
        if not isinstance(stored, str) or checksum(self.h5, self.datasets) != stored:
            raise ValueError(f"'{self.filename}': weights checksum mismatch: the file is "
                             "corrupted (its weights are not the ones that were saved)")


def _payload(ds):
    data = ds[()]
    if isinstance(data, np.ndarray) and data.dtype.kind != "O":
        return np.ascontiguousarray(data).tobytes()
    return repr(data.tolist() if isinstance(data, np.ndarray) else data).encode()


def checksum(h5, datasets=None):
    """sha256 (hex) over the file's datasets in path order (path, dtype, shape and bytes
    of each) and its config attributes, if any: any changed number changes it."""
    digest = hashlib.sha256()
    for key in _HASHED_ATTRS:
        if key in h5.attrs:
            value = h5.attrs[key]
            digest.update(key.encode() + b"\0" + (value if isinstance(value, bytes)
                                                  else str(value).encode()) + b"\0")
    if datasets is None:
        datasets = H5Source(h5, h5.filename, verify=False).datasets
    for path, ds in datasets:
        digest.update(f"{path}\0{ds.dtype.str}\0{ds.shape}\0".encode())
        digest.update(_payload(ds))
    return digest.hexdigest()


def stamp_checksum(h5):
    """Record the checksum of everything just written into ``h5`` (call it last)."""
    h5.attrs[CHECKSUM_ATTR] = checksum(h5)
