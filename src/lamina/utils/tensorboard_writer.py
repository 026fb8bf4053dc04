"""TensorBoard event files, written with no dependency: TFRecord framing and hand-encoded
protocol buffers.

A file is a sequence of records, each ``length (uint64 LE) | masked crc32c of length |
data | masked crc32c of data``; each record's data is a serialized ``Event``. The first
Event holds ``file_version = "brain.Event:2"``; the others a ``Summary`` of tagged values
(scalars and histograms as tensors with their plugin's metadata, as TensorFlow 2 writes).

>>> w = EventFileWriter("logs/train")
>>> w.scalar("epoch_loss", 0.25, step=0)
>>> w.histogram("dense/kernel/histogram", np.random.randn(100), step=0)
>>> w.close()
"""
import itertools
import os
import socket
import struct
import time

import numpy as np

# --- crc32c (Castagnoli), table driven: event files are small ---------------------------------
_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


def crc32c(data):
    """CRC-32C of ``data`` (bytes). >>> hex(crc32c(b"123456789")) -> '0xe3069283'"""
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TFRecord's masked CRC: rotate right by 15 bits and add a constant."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame_record(data):
    """One TFRecord: length, its masked CRC, the data, its masked CRC."""
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc32c(header)) + data
            + struct.pack("<I", masked_crc32c(data)))


def read_records(path):
    """The data of every record in a TFRecord file; raises ValueError on a bad CRC or a
    truncated record."""
    out = []
    with open(path, "rb") as f:
        blob = f.read()
    pos = 0
    while pos < len(blob):
        if pos + 12 > len(blob):
            raise ValueError(f"{path}: truncated record header at byte {pos}")
        header = blob[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (crc,) = struct.unpack("<I", blob[pos + 8:pos + 12])
        if crc != masked_crc32c(header):
            raise ValueError(f"{path}: bad length CRC at byte {pos}")
        data = blob[pos + 12:pos + 12 + length]
        if len(data) != length or pos + 16 + length > len(blob):
            raise ValueError(f"{path}: truncated record at byte {pos}")
        (crc,) = struct.unpack("<I", blob[pos + 12 + length:pos + 16 + length])
        if crc != masked_crc32c(data):
            raise ValueError(f"{path}: bad data CRC at byte {pos}")
        out.append(data)
        pos += 16 + length
    return out


# --- protocol buffer encoding (only what Event and Summary need) -------------------------------
def _varint(n):
    n &= (1 << 64) - 1  # negative int64 values take ten bytes, as in protobuf
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field, wire_type):
    return _varint(field << 3 | wire_type)


def _int(field, value):
    return _key(field, 0) + _varint(int(value))


def _double(field, value):
    return _key(field, 1) + struct.pack("<d", value)


def _float(field, value):
    return _key(field, 5) + struct.pack("<f", value)


def _bytes(field, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _key(field, 2) + _varint(len(data)) + data


# tensorflow DataType and SummaryMetadata.DataClass values
DT_FLOAT, DT_DOUBLE, DT_STRING = 1, 2, 7
DATA_CLASS_SCALAR, DATA_CLASS_TENSOR, DATA_CLASS_BLOB_SEQUENCE = 1, 2, 3


def _tensor_shape(shape):
    # TensorShapeProto { repeated Dim dim = 2 { int64 size = 1 } }
    return b"".join(_bytes(2, _int(1, d)) for d in shape)


def tensor_proto(array):
    """A TensorProto of a float32/float64 array (``tensor_content``) or of bytes strings."""
    a = np.asarray(array)
    if a.dtype.kind in "SUO":
        items = [x if isinstance(x, bytes) else str(x).encode("utf-8") for x in a.reshape(-1)]
        return (_int(1, DT_STRING) + _bytes(2, _tensor_shape(a.shape))
                + b"".join(_bytes(8, x) for x in items))
    if a.dtype == np.float32:
        dtype = DT_FLOAT
    else:
        a, dtype = a.astype(np.float64), DT_DOUBLE
    return (_int(1, dtype) + _bytes(2, _tensor_shape(a.shape))
            + _bytes(4, np.ascontiguousarray(a, a.dtype.newbyteorder("<")).tobytes()))


def summary_metadata(plugin_name, content=b"", data_class=0):
    # SummaryMetadata { PluginData plugin_data = 1 {plugin_name = 1, content = 2};
    #                   DataClass data_class = 4 }
    plugin = _bytes(1, plugin_name) + (_bytes(2, content) if content else b"")
    return _bytes(1, plugin) + (_int(4, data_class) if data_class else b"")


def summary_value(tag, tensor=None, metadata=None, simple_value=None):
    # Summary.Value { tag = 1; simple_value = 2; tensor = 8; metadata = 9 }
    out = _bytes(1, tag)
    if simple_value is not None:
        out += _float(2, simple_value)
    if tensor is not None:
        out += _bytes(8, tensor)
    if metadata is not None:
        out += _bytes(9, metadata)
    return out


def event(step=0, wall_time=None, file_version=None, summary_values=()):
    # Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5 }
    out = _double(1, time.time() if wall_time is None else wall_time)
    if step:
        out += _int(2, step)
    if file_version is not None:
        out += _bytes(3, file_version)
    if summary_values:
        out += _bytes(5, b"".join(_bytes(1, v) for v in summary_values))  # Summary.value = 1
    return out


def histogram_buckets(values, bucket_count=30):
    """TensorBoard's ``[k, 3]`` histogram tensor: rows ``(left edge, right edge, count)``
    over ``bucket_count`` equal-width buckets between the minimum and the maximum."""
    data = np.asarray(values, np.float64).reshape(-1)
    if bucket_count <= 0:
        return np.zeros((0, 3))
    if data.size == 0:
        return np.zeros((bucket_count, 3))
    lo, hi = float(data.min()), float(data.max())
    if lo == hi:  # every value in the last bucket, all edges at the value
        counts = np.zeros(bucket_count)
        counts[-1] = data.size
        edges = np.full(bucket_count, hi)
        return np.stack([edges, edges, counts], axis=1)
    idx = np.minimum(np.floor((data - lo) / ((hi - lo) / bucket_count)).astype(np.int64),
                     bucket_count - 1)
    counts = np.bincount(idx, minlength=bucket_count).astype(np.float64)
    edges = np.linspace(lo, hi, bucket_count + 1)
    edges[-1] = hi
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


_file_counter = itertools.count()


class EventFileWriter:
    """Appends events to a new ``events.out.tfevents.*`` file in ``logdir``.

    The file is a log that TensorBoard reads while it grows, so it is written in place
    and flushed after each event (not written to a temporary file and renamed).
    """

    def __init__(self, logdir, filename_suffix=".v2"):
        os.makedirs(logdir, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_file_counter)}{filename_suffix}")
        self.path = os.path.join(logdir, name)
        self._file = open(self.path, "wb")  # noqa: SIM115  (kept open until close)
        self.add_event(event(file_version="brain.Event:2"))

    def add_event(self, event_bytes):
        self._file.write(frame_record(event_bytes))
        self._file.flush()

    def add_values(self, values, step):
        self.add_event(event(step=step, summary_values=values))

    def scalar(self, tag, value, step):
        """A float32 scalar for the scalars dashboard (tag as given, e.g. 'epoch_loss')."""
        meta = summary_metadata("scalars", data_class=DATA_CLASS_SCALAR)
        tensor = tensor_proto(np.float32(value))
        self.add_values([summary_value(tag, tensor=tensor, metadata=meta)], step)

    def histogram(self, tag, values, step, buckets=30):
        meta = summary_metadata("histograms", data_class=DATA_CLASS_TENSOR)
        tensor = tensor_proto(histogram_buckets(values, buckets))
        self.add_values([summary_value(tag, tensor=tensor, metadata=meta)], step)

    def keras_model(self, tag, model_json, step=0):
        """The model's JSON config, shown by the graphs dashboard as a conceptual graph."""
        meta = summary_metadata("graph_keras_model", content=b"1")
        tensor = tensor_proto(np.array(model_json.encode("utf-8"), dtype=object))  # a 0-d string
        self.add_values([summary_value(tag, tensor=tensor, metadata=meta)], step)

    def flush(self):
        self._file.flush()

    def close(self):
        if not self._file.closed:
            self._file.close()
