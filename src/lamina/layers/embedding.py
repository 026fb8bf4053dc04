"""Embedding: integer ids -> rows of a trainable table, with a sparse gradient."""

import numpy as np

from lamina import constraints, initializers, regularizers
from lamina.autodiff.tensor import Function, Tensor
from lamina.layers.layer import Layer


def _scatter_add(dst, ids, rows):
    """dst[ids] += rows, summing the rows of repeated ids.

    ``np.add.at`` does this but slowly; a plain fancy-index ``+=`` is fast but keeps only
    one row per repeated id. So: sort the ids once, add the first occurrence of each id with
    one fancy index (no repeats there), and only the few repeats with ``np.add.at``. For a
    batch of 2560 ids into a (20000, 128) table: 0.35 ms against 2.8 ms for ``np.add.at``.
    """
    if ids.size < 64:
        np.add.at(dst, ids, rows)
        return
    order = np.argsort(ids, kind="stable")
    s = ids[order]
    first = np.empty(s.size, dtype=bool)
    first[0] = True
    np.not_equal(s[1:], s[:-1], out=first[1:])
    head = order[first]
    dst[ids[head]] += rows[head]
    rest = order[~first]
    if rest.size:
        np.add.at(dst, ids[rest], rows[rest])


class EmbeddingLookup(Function):
    """``table[ids]``; ``ids`` is a constant integer array.

    Backward adds the output gradient into the rows that were looked up. When the table is
    a leaf whose ``grad`` array already exists (an optimizer packs grads into a flat buffer
    and zeroes it each step), the rows are added there in place, so no dense
    (input_dim, output_dim) gradient is allocated, filled and added per step; otherwise a
    dense gradient is returned as usual.
    """

    def forward(self, table, ids):
        self.ids = ids.reshape(-1)
        self.table_shape, self.dtype = table.shape, table.dtype
        return np.take(table, ids, axis=0)

    def backward(self, g):
        rows = g.reshape(-1, self.table_shape[1])
        leaf = self.inputs[0]
        grad = getattr(leaf, "grad", None)
        if (leaf._ctx is None and isinstance(grad, np.ndarray) and grad.shape == self.table_shape
                and grad.dtype == self.dtype and grad.flags.writeable):
            _scatter_add(grad, self.ids, rows)
            return None, None
        dense = np.zeros(self.table_shape, dtype=self.dtype)
        _scatter_add(dense, self.ids, rows)
        return dense, None


def embedding_lookup(table, ids):
    """Rows of ``table`` (Tensor) for the integer array ``ids``: shape ids.shape + (dim,)."""
    return EmbeddingLookup.apply(table, np.asarray(ids))


class Embedding(Layer):
    """Turns positive integers (indices) into dense vectors of fixed size (Keras 3 Embedding).

    Args:
        input_dim: size of the vocabulary (largest index + 1).
        output_dim: dimension of the embedding vectors.
        embeddings_initializer: default ``"uniform"`` (uniform in [-0.05, 0.05]).
        embeddings_regularizer, embeddings_constraint: as in Keras.
        mask_zero: whether index 0 is padding: the layer then outputs a mask (batch, time)
            that recurrent layers and losses use to skip those steps; index 0 can then not
            be used in the vocabulary (``input_dim`` should be vocabulary size + 1).
        weights: optional initial weights, ``[table]``.
        input_length: Keras 2's argument, accepted: it sets the input shape to
            ``(input_length,)`` so ``summary()`` works before data arrives.

    The gradient touches only the rows used in the batch (see ``EmbeddingLookup``).

    >>> layer = Embedding(1000, 64)
    >>> layer(np.array([[4, 20, 0]])).shape
    (1, 3, 64)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, input_length=None, **kwargs):
        if input_length is not None and "input_shape" not in kwargs \
                and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        kwargs.pop("lora_alpha", None)
        super().__init__(**kwargs)
        self.input_dim = self._positive(input_dim, "input_dim")
        self.output_dim = self._positive(output_dim, "output_dim")
        if lora_rank is not None:
            raise NotImplementedError(f"Embedding '{self.name}': LoRA (lora_rank) is not "
                                      "supported")
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self._initial_weights = weights
        if weights is not None:
            self.build(None)
            self.built = True
            self.set_weights(weights if isinstance(weights, (list, tuple)) else [weights])

    def _positive(self, value, name):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"Embedding '{self.name}': argument `{name}` must be a positive "
                             f"integer, got {value!r}")
        return int(value)

    def build(self, input_shape=None):
        if getattr(self, "embeddings", None) is not None:
            return
        self.embeddings = self.add_weight((self.input_dim, self.output_dim),
                                          self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint,
                                          name="embeddings")

    def _ids(self, inputs):
        ids = inputs.data if isinstance(inputs, Tensor) else np.asarray(inputs)
        if ids.dtype.kind not in "iu":
            if ids.dtype.kind not in "fb":
                raise TypeError(f"Embedding '{self.name}': expected integer indices, got an "
                                f"array of dtype {ids.dtype}")
            ids = ids.astype(np.int64)   # Keras casts float indices to int
        if ids.size and (ids.min() < 0 or ids.max() >= self.input_dim):
            bad = ids[(ids < 0) | (ids >= self.input_dim)].ravel()[0]
            raise ValueError(f"Embedding '{self.name}': index {bad} is out of range; indices "
                             f"must be in [0, {self.input_dim}) (input_dim={self.input_dim})")
        return ids

    def call(self, inputs):
        return EmbeddingLookup.apply(self.embeddings, self._ids(inputs))

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        ids = inputs.data if isinstance(inputs, Tensor) else np.asarray(inputs)
        return ids != 0

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def _check_input(self, inputs):
        return  # any number of timesteps; _ids checks the values

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero}
