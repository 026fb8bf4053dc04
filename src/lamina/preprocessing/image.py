"""Image file utilities, as ``keras.utils`` / ``keras.preprocessing.image``:
``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``.

They need Pillow, an optional extra: ``pip install 'lamina[image]'``. Pillow is
imported on first use, so ``import lamina`` works without it.

Example::

    from lamina.preprocessing.image import load_img, img_to_array
    x = img_to_array(load_img("cat.png", target_size=(32, 32)))  # (32, 32, 3) float32
"""
import io
import os
import warnings

import numpy as np

from lamina import backend
from lamina.utils.file_io import atomic_path

INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil_image(caller):
    """``PIL.Image``, or an ImportError that says how to install it."""
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError(f"{caller} needs Pillow, which is not installed. Install it with: "
                          f"pip install 'lamina[image]'  (or: pip install pillow)") from e
    return Image


def _data_format(data_format, caller):
    if data_format is None:
        return backend.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f'{caller}: `data_format` must be "channels_last", "channels_first" or '
                         f"None, got {data_format!r}")
    return data_format


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """Convert a 3-D array (one image) to a PIL Image.

    With ``scale`` (the default) the values are shifted and stretched so their
    minimum is 0 and maximum 255; then they are cast to uint8 (truncating, as
    Keras does). 3 channels give an RGB image, 4 RGBA, 1 grayscale (``"L"``, or
    32-bit ``"I"`` if a value exceeds 255).

    Args:
        x: array-like of shape (height, width, channels), or (channels, height,
            width) with ``data_format="channels_first"``.
        data_format: ``"channels_last"``, ``"channels_first"``, or None for
            ``lamina.backend.image_data_format()``.
        scale: rescale the values to [0, 255].
        dtype: the float type to compute in; default ``floatx()``.

    Example:
        >>> array_to_img(np.zeros((4, 6, 3))).size  # doctest: +SKIP
        (6, 4)
    """
    image = _pil_image("array_to_img")
    data_format = _data_format(data_format, "array_to_img")
    x = np.array(x, dtype=dtype or backend.floatx())  # a copy: scaled in place below
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected one image, an array of rank 3, got shape "
                         f"{x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return image.fromarray(x[:, :, 0].astype("int32"), "I")  # 32-bit grayscale
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img: an image needs 1, 3 or 4 channels, got {channels} "
                     f"(shape {x.shape} as channels_last)")


def img_to_array(img, data_format=None, dtype=None):
    """Convert a PIL Image to a 3-D array: (height, width, channels), or
    (channels, height, width) with ``data_format="channels_first"``; a
    grayscale image gets a channel axis of size 1.

    Args:
        img: a PIL Image (or anything NumPy can turn into a 2-D or 3-D array).
        data_format: ``"channels_last"``, ``"channels_first"``, or None for
            ``lamina.backend.image_data_format()``.
        dtype: the output dtype; default ``floatx()`` (float32).

    Example:
        >>> img_to_array(array_to_img(np.zeros((4, 6, 1)))).shape  # doctest: +SKIP
        (4, 6, 1)
    """
    data_format = _data_format(data_format, "img_to_array")
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1,) + x.shape if data_format == "channels_first" else x.shape + (1,))
    else:
        raise ValueError(f"img_to_array: unsupported image shape {x.shape}; expected "
                         f"(height, width) or (height, width, channels)")
    return x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Save an image array to a file (or file object) through ``array_to_img``.

    Args:
        path: a path, or a binary file object (then pass ``file_format``).
        x: the image array, as for ``array_to_img``.
        data_format: as for ``array_to_img``.
        file_format: e.g. ``"png"``, ``"jpeg"``; default: from the file name.
        scale: rescale the values to [0, 255] first.
        **kwargs: passed to ``PIL.Image.Image.save`` (e.g. ``quality=95``).

    An RGBA image saved as JPEG (which has no alpha) is converted to RGB with a warning.

    Example:
        >>> save_img("out.png", np.random.rand(8, 8, 3))  # doctest: +SKIP
    """
    img = array_to_img(x, data_format=data_format, scale=scale)
    if file_format is not None and file_format.lower() == "jpg":
        file_format = "jpeg"
    fmt = file_format
    if fmt is None and isinstance(path, (str, os.PathLike)):
        fmt = os.path.splitext(os.fspath(path))[1].lstrip(".")
    if img.mode == "RGBA" and fmt and fmt.lower() in ("jpg", "jpeg"):
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.",
                      stacklevel=2)
        img = img.convert("RGB")
    if not isinstance(path, (str, os.PathLike)):
        img.save(path, format=file_format or fmt, **kwargs)
        return
    # a temporary file beside the target, renamed over it: never a half-written image
    path = os.fspath(path)
    if file_format is None:  # Pillow reads the format off the name, which a temp file lacks
        ext = os.path.splitext(path)[1].lower()
        file_format = _pil_image("save_img").registered_extensions().get(ext)
        if file_format is None:
            raise ValueError(f"save_img: cannot tell the image format from {path!r}; "
                             "pass file_format= (e.g. 'png')")
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        img.save(f, format=file_format, **kwargs)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Load an image file as a PIL Image, converted to ``color_mode`` and
    resized to ``target_size``.

    Args:
        path: a path (str, bytes or ``os.PathLike``) or a binary file object
            such as ``io.BytesIO``.
        color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"`` (8-bit ``"L"``;
            16- and 32-bit grayscale images are kept as they are).
        target_size: None (keep the size) or ``(height, width)``.
        interpolation: the resampling filter when resizing: ``"nearest"``,
            ``"bilinear"``, ``"bicubic"``, ``"hamming"``, ``"box"`` or ``"lanczos"``.
        keep_aspect_ratio: resize without distortion: first crop the largest
            centred box of the target's aspect ratio.

    Returns:
        A PIL Image (the file is read fully and closed).

    Example:
        >>> img = load_img("cat.jpg", target_size=(224, 224))  # doctest: +SKIP
        >>> img.size  # doctest: +SKIP
        (224, 224)
    """
    image = _pil_image("load_img")
    if color_mode not in ("grayscale", "rgb", "rgba"):
        raise ValueError(f'load_img: `color_mode` must be "grayscale", "rgb" or "rgba", got '
                         f"{color_mode!r}")
    if target_size is not None:
        ok = isinstance(target_size, (tuple, list)) and len(target_size) == 2 and all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0
            for s in target_size)
        if not ok:
            raise ValueError(f"load_img: `target_size` must be None or (height, width) with "
                             f"positive ints, got {target_size!r}")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"load_img: `interpolation` must be one of {INTERPOLATIONS}, got "
                         f"{interpolation!r}")
    if isinstance(path, (str, bytes, os.PathLike)):
        with open(path, "rb") as f:
            img = image.open(io.BytesIO(f.read()))
    elif hasattr(path, "read"):
        img = image.open(path)
    else:
        raise TypeError(f"load_img: `path` must be a path or a binary file object, got "
                        f"{type(path).__name__}")

    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif img.mode != "RGB":
        img = img.convert("RGB")

    if target_size is not None:
        size = (int(target_size[1]), int(target_size[0]))  # PIL sizes are (width, height)
        if img.size != size:
            resample = getattr(getattr(image, "Resampling", image), interpolation.upper())
            if keep_aspect_ratio:
                width, height = img.size
                crop_height = min(height, (width * size[1]) // size[0])
                crop_width = min(width, (height * size[0]) // size[1])
                left, top = (width - crop_width) // 2, (height - crop_height) // 2
                img = img.resize(size, resample, box=(left, top, left + crop_width,
                                                      top + crop_height))
            else:
                img = img.resize(size, resample)
    return img
