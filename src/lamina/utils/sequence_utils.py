"""Sequence utilities: ``keras.utils.pad_sequences``, re-exported by
``lamina.preprocessing.sequence`` (Keras 2's ``keras.preprocessing.sequence``)."""
import numbers

import numpy as np


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pad (and truncate) sequences to one length: a 2-D array ``(len(sequences), maxlen)``.

    Same results as Keras: ``maxlen`` defaults to the longest sequence;
    shorter sequences are filled with ``value`` before (``padding="pre"``) or
    after (``"post"``) their items; longer ones lose items at the start
    (``truncating="pre"``) or the end (``"post"``). Sequences whose items are
    themselves arrays give an array of shape ``(n, maxlen) + item_shape``.

    Args:
        sequences: a list (or array) of sequences, e.g. lists of ints.
        maxlen: the output length, an int >= 0, or None for the longest.
        dtype: the output dtype; ``object`` (or a str dtype) to pad strings.
        padding: ``"pre"`` or ``"post"``: where the fill goes.
        truncating: ``"pre"`` or ``"post"``: which end of a long sequence is cut.
        value: the fill value (a number, or a string with an object/str dtype).

    Returns:
        A NumPy array of ``dtype``.

    Example:
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2)
        array([[0, 1],
               [2, 3],
               [5, 6]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"pad_sequences: `sequences` must be a list of sequences, got "
                         f"{type(sequences).__name__}")
    if padding not in ("pre", "post"):
        raise ValueError(f'pad_sequences: `padding` must be "pre" or "post", got {padding!r}')
    if truncating not in ("pre", "post"):
        raise ValueError(f'pad_sequences: `truncating` must be "pre" or "post", got '
                         f"{truncating!r}")
    if maxlen is not None and (isinstance(maxlen, bool) or not isinstance(maxlen, numbers.Integral)
                               or maxlen < 0):
        raise ValueError(f"pad_sequences: `maxlen` must be an int >= 0 or None, got {maxlen!r}")
    try:
        kind = np.dtype(dtype).kind
    except TypeError as e:
        raise ValueError(f"pad_sequences: `dtype` {dtype!r} is not a NumPy dtype: {e}") from None
    if isinstance(value, str) and kind not in "OUS":  # object, str, bytes
        raise ValueError(f"pad_sequences: `dtype` {dtype} cannot hold the string `value` "
                         f"{value!r}; pass dtype=object to pad variable-length strings")

    lengths, sample_shape, found = [], (), False
    for i, s in enumerate(sequences):
        try:
            lengths.append(len(s))
        except TypeError:
            raise ValueError(f"pad_sequences: `sequences` must be a list of sequences; item {i} "
                             f"is {s!r}") from None
        if not found and lengths[-1]:
            # The item shape comes from the first non-empty sequence, as in Keras.
            sample_shape, found = np.asarray(s).shape[1:], True
    if maxlen is None:
        maxlen = max(lengths, default=0)
    maxlen = int(maxlen)

    x = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    if maxlen == 0:
        return x
    for i, s in enumerate(sequences):
        if not lengths[i]:
            continue
        trunc = s[-maxlen:] if truncating == "pre" else s[:maxlen]
        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(f"pad_sequences: the items of sequence {i} have shape "
                             f"{trunc.shape[1:]}, but those of the first non-empty sequence "
                             f"have shape {sample_shape}")
        if padding == "post":
            x[i, :len(trunc)] = trunc
        else:
            x[i, maxlen - len(trunc):] = trunc
    return x
