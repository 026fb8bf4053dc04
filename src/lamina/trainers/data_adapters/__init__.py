"""Data adapters: each kind of user data behind one interface, ``DataAdapter``.

``get_data_adapter`` picks the adapter for the data it is given. Today there is one,
``ArrayDataAdapter``: NumPy arrays, lamina Tensors, and lists or dicts of them for models
with several inputs or outputs (``Arrays`` keeps them in the model's order).

Adding a kind of data (a generator, a keras ``PyDataset``, a torch ``DataLoader``, a shard
per process for distributed training):

1. subclass ``DataAdapter`` in a module of its own here (``generator_data_adapter.py``):
   ``num_batches`` (None if unknown), ``batch_size``, ``get_epoch_iterator(first_batch)``
   yielding ``(x, y, sample_weight)`` in the form ``ArrayDataAdapter`` gives (arrays, or
   ``Arrays`` for several inputs / outputs; run each batch through ``standardize``), and
   ``on_epoch_begin(rng)`` / ``on_epoch_end()`` if it shuffles or reloads;
2. recognize the data in ``get_data_adapter`` below, before the array case, and drop its
   entry from ``data_adapter_utils.unsupported_kind``;
3. add tests beside ``tests/trainers/test_data_adapters.py``.

The loop (``lamina.trainers.trainer``) sees only the ``DataAdapter`` interface, through
``EpochIterator``.
"""
from lamina.trainers.arguments import check_sample_weight
from lamina.trainers.arguments import class_weight as check_class_weight
from lamina.trainers.data_adapters.array_data_adapter import ArrayDataAdapter
from lamina.trainers.data_adapters.arrays import Arrays, num_samples
from lamina.trainers.data_adapters.data_adapter import DataAdapter
from lamina.trainers.data_adapters.data_adapter_utils import (
    check_supported,
    class_weight_to_sample_weights,
    train_validation_split,
    with_class_weight,
)


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, shuffle=False,
                     class_weight=None, standardize=None, what="fit"):
    """The adapter for ``x`` (and ``y``, ``sample_weight``); a clear TypeError for data
    lamina does not take yet.

    ``standardize(x, y, sample_weight) -> (x, y, sample_weight)`` first puts the user's
    data in the model's form (arrays, or ``Arrays`` in the model's input / output order;
    ``lamina.trainers.data.standardizer``); ``y`` must then have as many samples as ``x``,
    and ``class_weight`` (one output) multiplies into the sample weights."""
    check_supported(x, what)
    class_weight = check_class_weight(class_weight, what)
    if standardize is not None:
        x, y, sample_weight = standardize(x, y, sample_weight)
    if y is not None and sample_weight is not None and not isinstance(sample_weight, Arrays):
        check_sample_weight(sample_weight, len(x), what)
    if y is not None:
        num_samples([x, y, sample_weight], ["x", "y", "sample_weight"])
    if class_weight is not None:
        sample_weight = with_class_weight(y, sample_weight, class_weight, what)
    return ArrayDataAdapter(x, y, sample_weight, batch_size=32 if batch_size is None
                            else batch_size, shuffle=shuffle)


__all__ = ["ArrayDataAdapter", "Arrays", "DataAdapter", "check_supported",
           "class_weight_to_sample_weights", "get_data_adapter", "train_validation_split"]
