"""What every ImageNet model shares: input preprocessing, decoding predictions, input shapes.

``preprocess_input`` comes in Keras's three modes: 'caffe' (VGG, ResNet: RGB to BGR,
then the ImageNet channel means subtracted), 'tf' (Inception, Xception: pixels scaled
to [-1, 1]) and 'torch' (scaled to [0, 1], then standardized per channel).

>>> import numpy as np
>>> preprocess_input(np.full((1, 2, 2, 3), 255.0), mode="tf")[0, 0, 0]
array([1., 1., 1.])
"""
import json
import numbers
import warnings

import numpy as np

from lamina import backend
from lamina.applications._files import get_model_file

CLASS_INDEX = None  # the ImageNet class index, loaded once on first use (as Keras)
CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/"
                    "data/imagenet_class_index.json")
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"  # md5, as Keras checks it

_MODES = ("caffe", "tf", "torch")
_CAFFE_MEAN = (103.939, 116.779, 123.68)  # BGR order, the ImageNet mean pixel
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


# --- preprocess_input ------------------------------------------------------------------
def preprocess_input(x, data_format=None, mode="caffe"):
    """Prepare a batch of images (values in [0, 255]) for an ImageNet model.

    Args:
        x: NumPy array (or lamina Tensor, or nested lists) of one image (3-D) or a batch
            (4-D) with 3 colour channels. As in Keras, a float NumPy array is changed in
            place (pass ``x.copy()`` to keep it); other inputs are converted to floatx.
        data_format: 'channels_last' or 'channels_first'; None means
            ``lamina.backend.image_data_format()``.
        mode: 'caffe' (RGB to BGR, zero-centred per channel, no scaling), 'tf' (scaled to
            [-1, 1]) or 'torch' (scaled to [0, 1], then normalized per channel).

    Returns:
        The preprocessed array (a Tensor for a Tensor input).

    >>> preprocess_input(np.zeros((2, 2, 3)))[0, 0]  # BGR minus the mean pixel
    array([-103.939, -116.779, -123.68 ])
    """
    if mode not in _MODES:
        raise ValueError(f"preprocess_input: `mode` must be one of 'caffe', 'tf' or 'torch', "
                         f"got mode={mode!r}")
    if data_format is None:
        data_format = backend.image_data_format()
    elif data_format not in ("channels_first", "channels_last"):
        raise ValueError("preprocess_input: `data_format` must be 'channels_first' or "
                         f"'channels_last', got data_format={data_format!r}")
    from lamina.autodiff.tensor import Tensor
    if isinstance(x, Tensor):
        return _preprocess_tensor(x, data_format, mode)
    if not isinstance(x, np.ndarray):
        x = np.asarray(x, dtype=backend.floatx())
    return _preprocess_numpy(x, data_format, mode)


def _channel_axis(ndim, data_format):
    if data_format == "channels_last":
        return ndim - 1
    return 0 if ndim == 3 else 1  # one image (C, H, W) or a batch (N, C, H, W)


def _check_channels(shape, data_format, mode):
    """caffe and torch modes work per colour channel, so there must be exactly 3."""
    if mode == "tf":
        return
    axis = _channel_axis(len(shape), data_format) if len(shape) else None
    if axis is None or not 0 <= axis < len(shape) or shape[axis] != 3:
        raise ValueError(
            f"preprocess_input: mode={mode!r} expects images with 3 colour channels on the "
            f"{'last' if data_format == 'channels_last' else 'channel'} axis "
            f"({data_format}), got an array of shape {tuple(shape)}")


def _per_channel(values, ndim, data_format):
    """A (3,) sequence reshaped to broadcast along the channel axis."""
    shape = [1] * ndim
    shape[_channel_axis(ndim, data_format)] = 3
    return np.asarray(values).reshape(shape)


def _preprocess_numpy(x, data_format, mode):
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(backend.floatx())
    _check_channels(x.shape, data_format, mode)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        x -= _per_channel(_TORCH_MEAN, x.ndim, data_format).astype(x.dtype)
        x /= _per_channel(_TORCH_STD, x.ndim, data_format).astype(x.dtype)
        return x
    # caffe: a reversed view (RGB -> BGR) written in place, as Keras does
    index = [slice(None)] * x.ndim
    index[_channel_axis(x.ndim, data_format)] = slice(None, None, -1)
    x = x[tuple(index)]
    for c, mean in enumerate(_CAFFE_MEAN):
        index[_channel_axis(x.ndim, data_format)] = c
        x[tuple(index)] -= mean
    return x


def _preprocess_tensor(x, data_format, mode):
    """The same on a lamina Tensor, out of place and differentiable."""
    from lamina import ops
    _check_channels(x.shape, data_format, mode)
    if mode == "tf":
        return x / 127.5 - 1.0
    dtype = x.dtype
    if mode == "torch":
        mean = _per_channel(_TORCH_MEAN, x.ndim, data_format).astype(dtype)
        std = _per_channel(_TORCH_STD, x.ndim, data_format).astype(dtype)
        return (x / 255.0 - mean) / std
    axis = _channel_axis(x.ndim, data_format)
    index = [slice(None)] * x.ndim
    index[axis] = slice(None, None, -1)
    bgr = ops.getitem(x, tuple(index))
    return bgr - _per_channel(_CAFFE_MEAN, x.ndim, data_format).astype(dtype)


# --- decode_predictions -----------------------------------------------------------------
def _load_class_index():
    global CLASS_INDEX
    if CLASS_INDEX is None:
        path = get_model_file("imagenet_class_index.json", CLASS_INDEX_PATH, CLASS_INDEX_HASH)
        with open(path, encoding="utf-8") as f:
            CLASS_INDEX = json.load(f)
    return CLASS_INDEX


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction, best first.

    Args:
        preds: array of shape (samples, 1000), e.g. ``model.predict(images)``.
        top: how many classes to return for each sample.

    Returns:
        One list per sample of ``(class_id, class_name, score)`` tuples, e.g.
        ``('n02123045', 'tabby', 0.82)``.

    The class names come from Keras's ``imagenet_class_index.json``, downloaded (and
    checked) on first use and cached under ``$LAMINA_HOME/models``.

    >>> decode_predictions(model.predict(x), top=3)  # doctest: +SKIP
    """
    from lamina.autodiff.tensor import Tensor
    if isinstance(preds, Tensor):
        preds = preds.data
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("decode_predictions expects a batch of predictions, i.e. a 2D array "
                         f"of shape (samples, 1000); got an array of shape {preds.shape}")
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        raise ValueError(f"decode_predictions: `top` must be a positive integer, got {top!r}")
    index = _load_class_index()
    results = []
    for pred in preds:
        best = pred.argsort()[-int(top):][::-1]
        result = [tuple(index[str(i)]) + (pred[i],) for i in best]
        result.sort(key=lambda r: r[2], reverse=True)
        results.append(result)
    return results


# --- input shapes and arguments ----------------------------------------------------------
def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """The model's input shape (no batch dim): ``input_shape`` checked, or the default.

    A model with its classifier on top (``require_flatten``) needs a fixed size; ImageNet
    weights need 3 channels, and the full default size with the top. Width and height
    must be at least ``min_size``. Unknown sizes are None.

    >>> obtain_input_shape(None, 224, 32, "channels_last", require_flatten=False)
    (None, None, 3)
    """
    first = data_format == "channels_first"
    if input_shape is not None:
        input_shape = _shape_tuple(input_shape)
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn("This model usually expects 1 or 3 input channels, but input_shape "
                          f"{input_shape} has {channels}.", stacklevel=3)
        default_shape = ((channels, default_size, default_size) if first
                         else (default_size, default_size, channels))
    else:
        default_shape = (3, default_size, default_size) if first else (default_size,
                                                                       default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError(
                "With include_top=True and weights='imagenet', `input_shape` must be "
                f"{default_shape} (the size the classifier was trained on); got "
                f"input_shape={input_shape}. Use include_top=False for other sizes.")
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers (height, width, "
                             f"channels), got input_shape={input_shape}")
        channels = input_shape[0] if first else input_shape[-1]
        if channels != 3 and weights == "imagenet":
            raise ValueError("ImageNet weights need 3 input channels; got "
                             f"input_shape={input_shape}")
        spatial = input_shape[1:] if first else input_shape[:2]
        if any(d is not None and d < min_size for d in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; got "
                             f"input_shape={input_shape}")
    else:
        input_shape = default_shape if require_flatten else (
            (3, None, None) if first else (None, None, 3))
    if require_flatten and None in input_shape:
        raise ValueError("With include_top=True the input size must be known: give a static "
                         f"`input_shape`; got input_shape={input_shape}")
    return input_shape


def _shape_tuple(shape):
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError("`input_shape` must be a tuple of ints (None for unknown), got "
                        f"{shape!r}") from None


def validate_activation(classifier_activation, weights):
    """Pretrained weights come with a softmax classifier: only 'softmax' or None fit them."""
    if weights is None:
        return
    from lamina import activations
    act = activations.get(classifier_activation)
    if act not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(
            "Only classifier_activation='softmax' or None can be used with pretrained "
            f"weights and include_top=True; got classifier_activation={classifier_activation!r}")
