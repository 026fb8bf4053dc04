"""What every adapter of in-memory data shares: class weights as sample weights, the
validation split, and telling apart the kinds of data lamina does not take yet."""
import inspect
import math

import numpy as np

from lamina.trainers.data_adapters.arrays import Arrays


def class_weight_to_sample_weights(y, class_weight):
    """One weight per sample from ``{class: weight}`` (labels, or one-hot rows)."""
    y = np.asarray(y)
    labels = y.argmax(axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    labels = np.round(labels).astype(np.int64)
    table = np.ones(int(max(labels.max(initial=0), max(class_weight))) + 1, dtype=np.float64)
    for cls, w in class_weight.items():
        table[int(cls)] = w
    return table[labels]


def with_class_weight(y, sample_weight, class_weight, what):
    """``sample_weight`` times the class weights of ``y`` (one output only, as Keras)."""
    if isinstance(y, Arrays):
        raise ValueError(f"{what}: class_weight is only supported for models with one "
                         "output; give sample_weight per output instead")
    cw = class_weight_to_sample_weights(y, class_weight)
    return cw if sample_weight is None else sample_weight * cw


def train_validation_split(arrays, validation_split, what="fit"):
    """((x, y, sw) to train on, (x, y, sw) to validate on): as Keras, the LAST fraction of
    the samples (before any shuffling) is held out."""
    x, y, sw = arrays
    if not 0 < validation_split < 1:
        raise ValueError(f"{what}: validation_split must be in (0, 1), got {validation_split}")
    n = len(x)
    split = int(math.floor(n * (1.0 - validation_split)))
    if split == 0 or split == n:
        raise ValueError(f"{what}: validation_split={validation_split} of {n} samples leaves "
                         "no training or no validation data")
    def take(a, part):
        return None if a is None else a[part]
    val = (x[split:], take(y, slice(split, None)), take(sw, slice(split, None)))
    return (x[:split], take(y, slice(None, split)), take(sw, slice(None, split))), val


def unsupported_kind(x):
    """A description of ``x`` if it is data that needs an adapter lamina does not have yet
    (a generator, a PyDataset, a torch DataLoader, a tf.data Dataset), else None."""
    if isinstance(x, (np.ndarray, list, tuple, dict)):  # the usual case, decided at once
        return None
    if inspect.isgenerator(x) or (hasattr(x, "__next__") and hasattr(x, "__iter__")):
        return "a generator (or iterator)"
    module = type(x).__module__ or ""
    mro = {c.__name__ for c in type(x).__mro__}
    if "PyDataset" in mro or ("Sequence" in mro and module.startswith("keras")):
        return "a keras PyDataset"
    if "DataLoader" in mro and module.startswith("torch"):
        return "a torch DataLoader"
    if "DatasetV2" in mro or (module.startswith("tensorflow") and "Dataset" in type(x).__name__):
        return "a tf.data Dataset"
    return None


def check_supported(x, what):
    """A clear TypeError for data that needs an adapter lamina does not have yet."""
    kind = unsupported_kind(x)
    if kind is not None:
        raise TypeError(f"{what}: x is {kind} ({type(x).__name__}); lamina takes NumPy "
                        "arrays, lamina Tensors, or a list or dict of them (one per input) "
                        "for now. Collect the data into arrays first, e.g. "
                        "np.concatenate([...]).")
