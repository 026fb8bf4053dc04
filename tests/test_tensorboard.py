"""TensorBoard callback: event files with correct framing, read back by the real TensorBoard."""
import glob
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.callbacks import TensorBoard
from lamina.utils import tensorboard_writer as tbw


# --- a minimal protobuf reader, so these tests need no protobuf package ----------------------
def _varint(buf, pos):
    shift = value = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def _fields(buf):
    """{field number: [raw value, ...]}: ints for varints, bytes for the rest."""
    out, pos = {}, 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        elif wire == 2:
            n, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        else:
            raise AssertionError(f"unexpected wire type {wire}")
        out.setdefault(field, []).append(value)
    return out


def _summaries(path):
    """[(step, tag, plugin name, TensorProto fields)] of every summary value in an event file."""
    records = tbw.read_records(path)
    first = _fields(records[0])
    assert first[3] == [b"brain.Event:2"]
    out = []
    for rec in records[1:]:
        ev = _fields(rec)
        step = ev.get(2, [0])[0]
        for value in _fields(ev[5][0])[1]:
            v = _fields(value)
            plugin = _fields(_fields(v[9][0])[1][0])[1][0].decode()
            out.append((step, v[1][0].decode(), plugin, _fields(v[8][0])))
    return out


def _scalar(tensor):
    assert tensor[1] == [tbw.DT_FLOAT]
    return struct.unpack("<f", tensor[4][0])[0]


def _small_fit(log_dir, epochs=3, **tb_kwargs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 4)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32")
    model = lamina.Sequential([layers.Dense(6, activation="relu", input_shape=(4,)),
                               layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    history = model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.25, verbose=0,
                        callbacks=[TensorBoard(log_dir, **tb_kwargs)])
    return model, history


# --- framing ---------------------------------------------------------------------------------
def test_crc32c_known_values():
    assert tbw.crc32c(b"") == 0
    assert tbw.crc32c(b"123456789") == 0xE3069283  # the standard check value
    assert tbw.crc32c(bytes(32)) == 0x8A9136AA     # RFC 3720 test vector


def test_records_round_trip_and_corruption_is_detected(tmp_path):
    path = tmp_path / "r.tfrecord"
    payloads = [b"", b"a", os.urandom(1000)]
    path.write_bytes(b"".join(tbw.frame_record(p) for p in payloads))
    assert tbw.read_records(path) == payloads
    blob = bytearray(path.read_bytes())
    blob[20] ^= 1  # flip a bit inside the second record
    path.write_bytes(bytes(blob))
    with pytest.raises(ValueError, match="CRC"):
        tbw.read_records(path)
    path.write_bytes(tbw.frame_record(b"abc")[:-2])
    with pytest.raises(ValueError, match="truncated"):
        tbw.read_records(path)


def test_histogram_buckets_match_tensorboards_rule():
    h = tbw.histogram_buckets([0.0, 1.0, 1.0, 3.0], bucket_count=3)
    np.testing.assert_allclose(h, [[0, 1, 1], [1, 2, 2], [2, 3, 1]])
    same = tbw.histogram_buckets([2.0, 2.0], bucket_count=4)
    np.testing.assert_allclose(same[:, 2], [0, 0, 0, 2])
    assert tbw.histogram_buckets([], 5).shape == (5, 3)


# --- what the callback writes ------------------------------------------------------------------
def test_fit_writes_train_and_validation_runs(tmp_path):
    model, history = _small_fit(str(tmp_path), histogram_freq=2)
    (train,) = glob.glob(str(tmp_path / "train" / "events.out.tfevents.*"))
    (val,) = glob.glob(str(tmp_path / "validation" / "events.out.tfevents.*"))
    train_s, val_s = _summaries(train), _summaries(val)

    def series(summaries, tag):
        return [(step, _scalar(t)) for step, name, _, t in summaries if name == tag]
    for key in ("loss", "mae"):
        got = series(train_s, f"epoch_{key}")
        assert [s for s, _ in got] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in got], history.history[key], rtol=1e-6)
        got = series(val_s, f"epoch_{key}")
        np.testing.assert_allclose([v for _, v in got], history.history[f"val_{key}"],
                                   rtol=1e-6)
    np.testing.assert_allclose([v for _, v in series(train_s, "epoch_learning_rate")],
                               [0.01] * 3, rtol=1e-6)
    # histograms at epochs 0 and 2 (histogram_freq=2), one per weight, counts = sizes
    hists = [(s, name, t) for s, name, plugin, t in train_s if plugin == "histograms"]
    assert sorted({s for s, _, _ in hists}) == [0, 2]
    first, second = (layer.name for layer in model.layers)  # dense_<n>: counters are global
    assert {name for _, name, _ in hists} == {f"{first}/kernel/histogram",
                                               f"{first}/bias/histogram",
                                               f"{second}/kernel/histogram",
                                               f"{second}/bias/histogram"}
    last = {name: t for s, name, t in hists if s == 2}
    kernel = last[f"{first}/kernel/histogram"]
    table = np.frombuffer(kernel[4][0], "<f8").reshape(30, 3)
    assert table[:, 2].sum() == 24
    np.testing.assert_allclose(table[[0, -1], [0, 1]], [model.layers[0].kernel.data.min(),
                                                         model.layers[0].kernel.data.max()],
                               rtol=1e-6)
    graph = [t for _, name, plugin, t in train_s if plugin == "graph_keras_model"]
    assert len(graph) == 1 and b'"Sequential"' in graph[0][8][0]


def test_batch_scalars_every_update_freq_steps(tmp_path):
    _small_fit(str(tmp_path), epochs=2, update_freq=2, write_graph=False)
    (train,) = glob.glob(str(tmp_path / "train" / "events.out.tfevents.*"))
    steps = [s for s, name, _, _ in _summaries(train) if name == "batch_loss"]
    assert steps == [2, 4, 6]  # 3 batches per epoch, global batch numbers


def test_bad_arguments():
    with pytest.raises(ValueError, match="profile_batch"):
        TensorBoard(profile_batch=2)
    with pytest.raises(ValueError, match="update_freq"):
        TensorBoard(update_freq="sometimes")


def test_event_files_parse_with_tensorboards_protos(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.compat.proto import event_pb2
    model, _ = _small_fit(str(tmp_path), epochs=1, histogram_freq=1, write_images=True)
    first = model.layers[0].name
    (train,) = glob.glob(str(tmp_path / "train" / "events.out.tfevents.*"))
    events = [event_pb2.Event.FromString(r) for r in tbw.read_records(train)]
    assert events[0].file_version == "brain.Event:2"
    tags = {v.tag: v for e in events[1:] for v in e.summary.value}
    assert tags["epoch_loss"].metadata.plugin_data.plugin_name == "scalars"
    assert tags[f"{first}/kernel/histogram"].tensor.tensor_shape.dim[0].size == 30
    image = tags[f"{first}/kernel/image"].tensor.string_val
    assert image[0] == b"6" and image[1] == b"4" and image[2].startswith(b"\x89PNG")


# --- the real TensorBoard ----------------------------------------------------------------------
def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url):
    import json
    # loopback only: never through an HTTP proxy the environment may name
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=2) as r:
        return json.loads(r.read().decode())


def test_tensorboard_reads_the_run_over_http(tmp_path):
    pytest.importorskip("tensorboard")
    log_dir = tmp_path / "logs"
    _, history = _small_fit(str(log_dir))
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tensorboard.main", "--logdir", str(log_dir),
         "--host", "127.0.0.1", "--port", str(port), "--reload_interval", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    query = urllib.parse.urlencode({"run": "train", "tag": "epoch_loss"})
    try:
        deadline = time.monotonic() + 60
        runs = points = None
        while time.monotonic() < deadline:
            assert proc.poll() is None, "tensorboard exited early"
            try:
                runs = _get_json(f"{base}/data/runs")
                points = _get_json(f"{base}/data/plugin/scalars/scalars?{query}")
                if sorted(runs) == ["train", "validation"] and len(points) == 3:
                    break
            except (OSError, ValueError):
                pass  # not listening yet, or the run is still being loaded
            time.sleep(0.25)
        assert sorted(runs or []) == ["train", "validation"]
        assert [p[1] for p in points] == [0, 1, 2]
        np.testing.assert_allclose([p[2] for p in points], history.history["loss"], rtol=1e-6)
        val = _get_json(f"{base}/data/plugin/scalars/scalars?"
                        + urllib.parse.urlencode({"run": "validation", "tag": "epoch_mae"}))
        np.testing.assert_allclose([p[2] for p in val], history.history["val_mae"], rtol=1e-6)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
