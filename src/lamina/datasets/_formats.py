"""Safe readers for the file formats Keras's datasets ship in.

* IDX (MNIST / Fashion-MNIST): ``read_idx`` parses the header (magic, dtype,
  dimensions) and checks that the payload fits it, gzipped or not.
* npz holding only numbers (mnist.npz): ``np.load(allow_pickle=False)``.
* npz holding ragged object arrays (imdb.npz, reuters.npz) and the CIFAR
  "python version" batches: both are pickle streams, and ``pickle.load`` (or
  ``np.load(allow_pickle=True)``, which is what Keras 2 called) runs whatever a
  tampered file asks for. ``restricted_loads`` unpickles with a whitelist that
  only lets NumPy arrays be rebuilt; dicts, lists, strings, bytes and numbers
  are native pickle opcodes and need no whitelist. Any other global (``os.system``,
  ``builtins.eval``, ...) is refused with ``pickle.UnpicklingError``. So a file
  of unknown origin, a user's ``path=`` included, is safe to read.
"""
import gzip
import hashlib
import io
import os
import pickle
import zipfile

import numpy as np

# The functions NumPy's own pickles call, taken from NumPy itself so that the
# numpy 1 (numpy.core) and numpy 2 (numpy._core) spellings of their modules map
# to the function this NumPy has, without importing the deprecated numpy.core.
_RECONSTRUCT = np.ndarray.__reduce__(np.zeros(1))[0]        # multiarray._reconstruct
_FROMBUFFER = np.ndarray.__reduce_ex__(np.zeros(1), 5)[0]   # numeric._frombuffer (protocol 5)


def _latin1_encode(text, encoding="utf-8"):
    # Python 3 pickles bytes with protocol <= 2 as _codecs.encode(str, "latin1").
    # Only that use is allowed: other codecs are not needed to rebuild data.
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError(f"Refusing _codecs.encode(..., {encoding!r}) in a dataset "
                                     f"file: only 'latin1' is used to store bytes.")
    return text.encode("latin1")


_ALLOWED = {}
for _module in ("numpy.core.multiarray", "numpy._core.multiarray"):
    _ALLOWED[(_module, "_reconstruct")] = _RECONSTRUCT
for _module in ("numpy.core.numeric", "numpy._core.numeric"):
    _ALLOWED[(_module, "_frombuffer")] = _FROMBUFFER
_ALLOWED[("numpy", "ndarray")] = np.ndarray
_ALLOWED[("numpy", "dtype")] = np.dtype
_ALLOWED[("_codecs", "encode")] = _latin1_encode


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds only plain Python data and NumPy arrays.

    Example:
        >>> RestrictedUnpickler(io.BytesIO(pickle.dumps({"a": [1, 2]}))).load()
        {'a': [1, 2]}
    """

    def find_class(self, module, name):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"Refusing to load `{module}.{name}` from a dataset file: only NumPy arrays and "
                f"plain Python data may be stored there. The file is corrupt or was tampered "
                f"with.") from None


def restricted_loads(data, encoding="ASCII"):
    """Unpickle ``data`` (bytes) with ``RestrictedUnpickler``.

    ``encoding`` decodes Python 2 ``str`` objects, as for ``pickle.loads``:
    ``"bytes"`` keeps them as bytes (what the CIFAR batches need).
    """
    return RestrictedUnpickler(io.BytesIO(data), encoding=encoding).load()


# An npz member that inflates more than 100x past 1 GiB is a zip bomb, not data.
_BOMB_FLOOR = 1 << 30
_BOMB_RATIO = 100


def _read_npy(raw, name, path):
    buf = io.BytesIO(raw)
    try:
        return np.lib.format.read_array(buf, allow_pickle=False)
    except ValueError:
        pass  # an object array: its payload is a pickle stream, read below
    buf.seek(0)
    try:
        version = np.lib.format.read_magic(buf)
        if version == (1, 0):
            header = np.lib.format.read_array_header_1_0(buf)
        elif version in ((2, 0), (3, 0)):
            # 3.0 differs from 2.0 only in the header's text encoding (utf-8 vs
            # latin1), which the 2.0 reader's parse accepts for these headers.
            header = np.lib.format.read_array_header_2_0(buf)
        else:
            raise ValueError(f"unsupported .npy format version {version}")
        if header[2] != np.dtype(object):
            raise ValueError(f"cannot read an array of dtype {header[2]}")
        # np.save writes object arrays with the latin1-compatible pickle of np.ndarray.
        array = RestrictedUnpickler(buf, encoding="latin1").load()
    except (ValueError, EOFError, pickle.UnpicklingError, TypeError, AttributeError) as e:
        raise ValueError(f"{path}: member {name!r} is not a readable array: {e}") from e
    if not isinstance(array, np.ndarray):
        raise ValueError(f"{path}: member {name!r} holds a {type(array).__name__}, not an array")
    return array


def load_npz(path, keys=None):
    """Read the arrays of an ``.npz`` file without running code from it.

    Numeric arrays are read with pickling off; object arrays (ragged sequences,
    as in imdb.npz and reuters.npz) through ``RestrictedUnpickler``.

    Args:
        path: the ``.npz`` file.
        keys: the member names required (without ``.npy``); a missing one is a
            ValueError naming the keys the file has. Default: read all.

    Returns:
        A dict mapping each member name to its array.

    Example:
        >>> arrays = load_npz("imdb.npz", keys=["x_train", "y_train"])  # doctest: +SKIP
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise ValueError(f"{path} is not an .npz (zip) archive: {e}") from e
    with archive:
        infos = {i.filename[:-4]: i for i in archive.infolist() if i.filename.endswith(".npy")}
        wanted = list(infos) if keys is None else list(keys)
        missing = [k for k in wanted if k not in infos]
        if missing:
            raise ValueError(f"{path} has no array(s) {missing}; it holds {sorted(infos)}")
        out = {}
        for key in wanted:
            info = infos[key]
            if info.file_size > _BOMB_FLOOR and info.file_size > _BOMB_RATIO * info.compress_size:
                raise ValueError(f"{path}: member {info.filename!r} would inflate from "
                                 f"{info.compress_size} to {info.file_size} bytes; refusing a "
                                 f"likely zip bomb")
            with archive.open(info) as f:
                out[key] = _read_npy(f.read(), key, path)
    return out


# IDX type codes (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT").
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """Read an IDX file (the MNIST format), gzipped or plain, into a NumPy array.

    The header is checked: two zero bytes, a type code, the number of
    dimensions, then each dimension as a big-endian uint32; the payload must
    hold exactly that many items. Bytes come back as ``uint8``; wider types in
    native byte order.

    Example:
        >>> x = read_idx("t10k-images-idx3-ubyte.gz")  # doctest: +SKIP
        >>> x.shape, x.dtype  # doctest: +SKIP
        ((10000, 28, 28), dtype('uint8'))
    """
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as e:
        raise ValueError(f"{path}: cannot read the IDX file: {e}") from e
    if len(data) < 4 or data[:2] != b"\x00\x00" or data[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (its magic number is {data[:4].hex()!r}; "
                         f"expected 0000 followed by a type code and a rank, e.g. 00000803)")
    ndim = data[3]
    start = 4 + 4 * ndim
    if ndim == 0 or len(data) < start:
        raise ValueError(f"{path}: truncated IDX header ({ndim} dimensions)")
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[data[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - start != expected:
        raise ValueError(f"{path}: the IDX header says {shape} items of {dtype.itemsize} byte(s) "
                         f"({expected} bytes), but the file holds {len(data) - start}")
    array = np.frombuffer(data, dtype, offset=start).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a writable, native-order copy


def md5_file(path):
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def local_file(path, loader):
    """``path`` expanded, if it names an existing file or folder; else None."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{loader}: `path` must be a file path, got {path!r}")
    local = os.path.expanduser(os.fspath(path))
    return local if os.path.exists(local) else None
