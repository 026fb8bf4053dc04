"""Argument checks shared by the convolution, pooling and reshaping layers."""
import numbers

from lamina import backend

_NAMES = {1: "(batch, steps, channels)", 2: "(batch, rows, cols, channels)",
          3: "(batch, dim1, dim2, dim3, channels)"}
_NAMES_FIRST = {1: "(batch, channels, steps)", 2: "(batch, channels, rows, cols)",
                3: "(batch, channels, dim1, dim2, dim3)"}


def who(layer):
    return f"{type(layer).__name__} '{layer.name}'"


def normalize_tuple(value, n, name, owner, allow_zero=False):
    """``value`` (an int or n ints) as a tuple of n ints, each > 0 (>= 0 with allow_zero)."""
    low = 0 if allow_zero else 1
    kind = "non-negative" if allow_zero else "positive"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        out = (int(value),) * n
    else:
        try:
            out = tuple(value)
        except TypeError:
            raise ValueError(f"{owner}: `{name}` must be an int or a tuple of {n} {kind} ints, "
                             f"got {value!r}") from None
        if len(out) != n or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                                    for v in out):
            raise ValueError(f"{owner}: `{name}` must be an int or a tuple of {n} {kind} ints, "
                             f"got {value!r}")
        out = tuple(int(v) for v in out)
    if any(v < low for v in out):
        raise ValueError(f"{owner}: `{name}` must be {kind} (>= {low}), got {value!r}")
    return out


def normalize_data_format(value, owner):
    value = backend.image_data_format() if value is None else value
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"{owner}: `data_format` must be 'channels_last' or 'channels_first', "
                         f"got {value!r}")
    return value


def normalize_padding(value, owner, allowed=("valid", "same")):
    v = value.lower() if isinstance(value, str) else value
    if v not in allowed:
        raise ValueError(f"{owner}: `padding` must be one of {', '.join(map(repr, allowed))}, "
                         f"got {value!r}")
    return v


def check_rank(layer, input_shape, rank, data_format="channels_last"):
    """A clear error for an input of the wrong rank; returns (spatial dims, channels)."""
    input_shape = tuple(input_shape)
    if len(input_shape) != rank + 2:
        names = _NAMES_FIRST if data_format == "channels_first" else _NAMES
        hint = (" (one sample? add the batch axis, e.g. x[None])"
                if len(input_shape) == rank + 1 else "")
        raise ValueError(f"{who(layer)} expects inputs of rank {rank + 2}, "
                         f"{names.get(rank, '')}, but got shape {input_shape} "
                         f"(rank {len(input_shape)}){hint}")
    if data_format == "channels_first":
        return input_shape[2:], input_shape[1]
    return input_shape[1:-1], input_shape[-1]


def channel_shape(data_format, batch, spatial, channels):
    if data_format == "channels_first":
        return (batch, channels) + tuple(spatial)
    return (batch,) + tuple(spatial) + (channels,)
