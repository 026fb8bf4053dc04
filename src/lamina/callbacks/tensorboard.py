"""The TensorBoard callback: event files that the real TensorBoard reads, with no dependency.

``log_dir/train`` gets ``epoch_<name>`` scalars of the training logs (and
``epoch_learning_rate``), weight histograms every ``histogram_freq`` epochs and the model's
conceptual graph; ``log_dir/validation`` gets the ``val_*`` logs as ``epoch_<name>``, as
Keras 3 writes them. The event files are encoded by ``lamina.utils.tensorboard_writer``.
"""
import json
import os
import struct
import time
import warnings
import zlib

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.utils.file_io import atomic_path
from lamina.utils.tensorboard_writer import (
    EventFileWriter,
    summary_metadata,
    summary_value,
    tensor_proto,
)


class TensorBoard(Callback):
    """Log training for TensorBoard (``tensorboard --logdir logs``).

    Arguments as in Keras 3: ``histogram_freq`` (epochs between weight histograms, 0 for
    none), ``write_graph`` (the model's conceptual graph), ``write_images`` (weights as
    images), ``write_steps_per_second``, ``update_freq`` (``"epoch"``, ``"batch"`` or every
    N batches for ``batch_<name>`` scalars), ``embeddings_freq`` (saves the weights for the
    projector every N epochs). ``profile_batch`` must be 0: lamina has no profiler.

    >>> model.fit(x, y, epochs=10, validation_split=0.2,
    ...           callbacks=[TensorBoard(log_dir="logs", histogram_freq=1)])
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        if profile_batch not in (0, None, "0", (0, 0), [0, 0]):
            raise ValueError("Profiling is not available in lamina (it has no profiler). "
                             f"Received: profile_batch={profile_batch} (must be 0)")
        update_freq = 1 if update_freq == "batch" else update_freq
        if update_freq != "epoch" and (not isinstance(update_freq, (int, np.integer))
                                       or isinstance(update_freq, bool) or update_freq < 1):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive "
                             f"integer, got {update_freq!r}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers = {}
        self._global_train_batch = 0
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._epoch_start_iterations = 0

    # --- writers ----------------------------------------------------------------------------
    def _writer(self, which):
        if which not in self._writers:  # created lazily: no empty run without its data
            self._writers[which] = EventFileWriter(os.path.join(self.log_dir, which))
        return self._writers[which]

    def _close_writers(self):
        for w in self._writers.values():
            w.close()
        self._writers = {}

    # --- hooks ----------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        if self.write_graph:
            self._write_model_graph()
        if self.embeddings_freq:
            self._write_projector_config()

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._epoch_start_iterations = self._iterations()
            self._epoch_start_time = time.time()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        step = self._global_train_batch
        if self.update_freq == "epoch" or step % self.update_freq:
            return
        w = self._writer("train")
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._batch_start_time, 1e-9)
            w.scalar("batch_steps_per_second", 1.0 / elapsed, step)
        for name, value in (logs or {}).items():
            if np.ndim(value) == 0:
                w.scalar(f"batch_{name}", float(value), step)

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs or {})
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings(epoch)

    # --- what is written ------------------------------------------------------------------
    def _iterations(self):
        opt = getattr(self.model, "optimizer", None)
        return int(opt.iterations) if opt is not None else 0

    def _log_epoch_metrics(self, epoch, logs):
        if not logs:
            return
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        opt = getattr(self.model, "optimizer", None)
        if opt is not None:
            train["learning_rate"] = float(opt.learning_rate)
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train["steps_per_second"] = (self._iterations() - self._epoch_start_iterations) \
                / elapsed
        for which, values in (("train", train), ("validation", val)):
            scalars = {k: v for k, v in values.items() if np.ndim(v) == 0}
            if scalars:
                w = self._writer(which)
                for name, value in scalars.items():
                    w.scalar(f"epoch_{name}", float(value), epoch)

    def _weights_by_layer(self):
        layers = getattr(self.model, "layers", None) or [self.model]
        for layer in layers:
            for weight in layer.weights:
                name = getattr(weight, "path", None) or f"{layer.name}/{weight.name}"
                yield name.replace(":", "_"), np.asarray(weight.data)

    def _log_weights(self, epoch):
        w = self._writer("train")
        for name, value in self._weights_by_layer():
            w.histogram(f"{name}/histogram", value, epoch)
            if self.write_images:
                image = _weight_image(value)
                if image is not None:
                    w.add_values([_image_value(f"{name}/image", image)], epoch)
        w.flush()

    def _write_model_graph(self):
        try:
            if hasattr(self.model, "to_json"):
                config = self.model.to_json()
            else:
                config = json.dumps({"class_name": type(self.model).__name__,
                                     "config": self.model.get_config()})
        except Exception as e:  # as Keras: a model that cannot be serialized has no graph
            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {e}", stacklevel=2)
            return
        self._writer("train").keras_model("keras", config, step=0)

    def _write_projector_config(self):
        from lamina.layers import Embedding
        lines = []
        metadata = self.embeddings_metadata
        for layer in getattr(self.model, "layers", []):
            if isinstance(layer, Embedding):
                lines.append("embeddings {")
                lines.append('  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/'
                             'VARIABLE_VALUE"')
                path = metadata if isinstance(metadata, str) else (metadata or {}).get(
                    layer.name)
                if path:
                    lines.append(f"  metadata_path: {json.dumps(path)}")
                lines.append("}")
        os.makedirs(self.log_dir, exist_ok=True)
        config = os.path.join(self.log_dir, "projector_config.pbtxt")
        with atomic_path(config) as tmp, open(tmp, "w") as f:
            f.write("\n".join(lines) + ("\n" if lines else ""))

    def _log_embeddings(self, epoch):
        if not hasattr(self.model, "save_weights"):
            return
        path = os.path.join(self.log_dir, "train", f"keras_embedding.ckpt-{epoch}.weights.h5")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.model.save_weights(path)


# --- weights as images (Keras's layout; values scaled to 0..255 per image) ------------------
def _weight_image(w):
    """A ``(n, height, width)`` stack of grayscale images of a weight, or None (Keras: a
    bias is a row, a kernel a matrix with more columns than rows, a conv kernel one image
    per output channel)."""
    w = np.squeeze(w)
    if w.ndim == 1:
        return w.reshape(1, 1, -1)
    if w.ndim == 2:
        w = w.T if w.shape[0] > w.shape[1] else w
        return w[None]
    if w.ndim == 3:
        return np.transpose(w, (2, 0, 1))
    return None


def _png(gray):
    """A grayscale uint8 image (height, width) as PNG bytes."""
    h, w = gray.shape

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + gray[i].tobytes() for i in range(h))  # filter type 0 per row
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _image_value(tag, images, max_outputs=3):
    """An images-plugin summary: a string tensor [width, height, png, ...] (as TF 2)."""
    pngs = []
    for img in images[:max_outputs]:
        lo, hi = float(img.min()), float(img.max())
        scaled = np.zeros(img.shape) if hi == lo else (img - lo) / (hi - lo)
        pngs.append(_png(np.round(scaled * 255).astype(np.uint8)))
    h, w = images.shape[1:3]
    tensor = tensor_proto(np.array([str(w).encode(), str(h).encode()] + pngs, dtype=object))
    return summary_value(tag, tensor=tensor, metadata=summary_metadata("images", data_class=3))
