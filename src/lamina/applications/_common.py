"""The steps every application shares: check the arguments, make the input, add the head,
build the Model and load its weights."""
import numbers
import os

from lamina import backend
from lamina.applications import imagenet_utils
from lamina.applications._files import get_model_file

_POOLING = (None, "avg", "max")


def check_arguments(weights, include_top, classes, pooling, classifier_activation):
    """Fail early, before any layer is built, on arguments Keras would reject."""
    if not (weights is None or weights == "imagenet"
            or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError(
            "The `weights` argument must be None (random initialization), 'imagenet' "
            "(pre-training on ImageNet) or the path of an existing weights file; got "
            f"weights={weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("With weights='imagenet' and include_top=True, `classes` must be "
                         f"1000 (the ImageNet classes); got classes={classes!r}")
    if isinstance(classes, bool) or not isinstance(classes, numbers.Integral) or classes < 1:
        raise ValueError(f"`classes` must be a positive integer, got classes={classes!r}")
    if pooling not in _POOLING:
        raise ValueError(f"`pooling` must be None, 'avg' or 'max', got pooling={pooling!r}")
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)


def start(weights, include_top, classes, pooling, classifier_activation, input_tensor,
          input_shape, weight_files, default_size, min_size, name):
    """What every application does first: check the arguments, settle the input shape,
    fetch the weights file (ImageNet's: ``weight_files`` maps include_top to ``(url,
    md5)``, None where none are published) and make the image input. Returns
    ``(image input, path of the weights to load or None)``."""
    check_arguments(weights, include_top, classes, pooling, classifier_activation)
    if weights == "imagenet" and weight_files is None:
        raise ValueError(f"No ImageNet weights are published for {name!r}; use weights=None "
                         "or the path of a weights file")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=min_size,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    weights_path = weights_file(weights, include_top, weight_files)
    return image_input(input_tensor, input_shape), weights_path


def channel_axis():
    """The channel axis of a 4-D image batch in the current image data format."""
    return 1 if backend.image_data_format() == "channels_first" else 3


def image_input(input_tensor, input_shape):
    """The model's image input: ``input_tensor`` if given, else a new ``Input``."""
    from lamina.layers import Input, SymbolicTensor
    if input_tensor is None:
        return Input(shape=input_shape)
    if not isinstance(input_tensor, SymbolicTensor):
        raise TypeError("`input_tensor` must be a symbolic tensor, e.g. the output of "
                        f"lamina.layers.Input(shape=(224, 224, 3)); got {type(input_tensor)}")
    return input_tensor


def source_inputs(tensor):
    """The ``Input`` tensors that ``tensor`` was computed from (itself if it is one)."""
    from lamina.layers import InputLayer
    found, stack, seen = [], [tensor], set()
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        layer, node_index, _ = t._keras_history
        if layer is None or isinstance(layer, InputLayer):
            found.append(t)
        else:
            stack.extend(reversed(layer._inbound_nodes[node_index].input_tensors))
    return found[0] if len(found) == 1 else found


def classifier(x, include_top, pooling, classes, classifier_activation,
               top_pool_name=None, pool_names=(None, None)):
    """The head: global average pooling (or ``x`` as is) and the softmax classifier when
    ``include_top``, else the optional global pooling of the features."""
    from lamina import layers
    if include_top:
        if top_pool_name is not None:
            x = layers.GlobalAveragePooling2D(name=top_pool_name)(x)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=pool_names[0])(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=pool_names[1])(x)
    return x


def weights_file(weights, include_top, weight_files):
    """The path of the weights to load (None for random weights). ImageNet's file is
    fetched (once, then cached) before anything is built, so an offline machine fails
    fast. ``weight_files`` maps include_top (True/False) to ``(url, md5)``."""
    if weights == "imagenet":
        url, file_hash = weight_files[bool(include_top)]
        return get_model_file(url.rsplit("/", 1)[-1], url, file_hash,
                              hint="or pass the path of a local weights file as `weights=`")
    return None if weights is None else os.fspath(weights)


def finish(img_input, input_tensor, outputs, name, weights_path):
    """The Model from the input to ``outputs``, with the weights at ``weights_path``."""
    from lamina.models import Model
    inputs = source_inputs(input_tensor) if input_tensor is not None else img_input
    model = Model(inputs, outputs, name=name)
    if weights_path is not None:
        model.load_weights(weights_path)
    return model
