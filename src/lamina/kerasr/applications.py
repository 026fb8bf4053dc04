"""kerasR's pre-trained ImageNet models, with their ``preprocess_input`` and
``decode_predictions`` chosen by the model's name (kerasR's ``model = "VGG16"``)."""
import importlib

from lamina.kerasr._coerce import _int, _missing, _shape

# kerasR's model names, in kerasR's order (the first is the default), and Keras's modules.
_MODULES = {"Xception": "xception", "VGG16": "vgg16", "VGG19": "vgg19", "ResNet50": "resnet50",
            "InceptionV3": "inception_v3"}


def _module(model, what):
    if model not in _MODULES:
        raise ValueError(f"{what}: `model` must be one of {list(_MODULES)}, got {model!r}")
    name = f"lamina.applications.{_MODULES[model]}"
    try:
        return importlib.import_module(name)
    except ImportError as err:
        raise _missing(f"{what}(model={model!r})", name, err) from err


def _application(model, include_top, weights, input_tensor, input_shape, pooling, classes,
                 kwargs):
    try:
        builder = getattr(importlib.import_module("lamina.applications"), model)
    except (ImportError, AttributeError) as err:
        raise _missing(model, f"lamina.applications.{model}", err) from err
    if input_shape is not None:
        input_shape = _shape(input_shape, f"{model}: input_shape")
    return builder(include_top=bool(include_top), weights=weights, input_tensor=input_tensor,
                   input_shape=input_shape, pooling=pooling,
                   classes=_int(classes, f"{model}: classes", minimum=1), **kwargs)


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, **kwargs):
    """Xception; ``weights = "imagenet"`` downloads Keras's trained weights once.

    >>> mod = Xception(weights=None, include_top=False, input_shape=[71, 71, 3])  # doctest: +SKIP
    """
    return _application("Xception", include_top, weights, input_tensor, input_shape, pooling,
                        classes, kwargs)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, **kwargs):
    """VGG16 (138,357,544 parameters with the top).

    >>> mod = VGG16(weights=None, include_top=False, input_shape=[32, 32, 3])  # doctest: +SKIP
    """
    return _application("VGG16", include_top, weights, input_tensor, input_shape, pooling,
                        classes, kwargs)


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, **kwargs):
    """VGG19.

    >>> mod = VGG19(weights=None, include_top=False, input_shape=[32, 32, 3])  # doctest: +SKIP
    """
    return _application("VGG19", include_top, weights, input_tensor, input_shape, pooling,
                        classes, kwargs)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, **kwargs):
    """ResNet50 (25,636,712 parameters with the top).

    >>> mod = ResNet50(weights=None, include_top=False, input_shape=[32, 32, 3])  # doctest: +SKIP
    """
    return _application("ResNet50", include_top, weights, input_tensor, input_shape, pooling,
                        classes, kwargs)


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, **kwargs):
    """InceptionV3.

    >>> mod = InceptionV3(weights=None, include_top=False,
    ...                   input_shape=[75, 75, 3])  # doctest: +SKIP
    """
    return _application("InceptionV3", include_top, weights, input_tensor, input_shape,
                        pooling, classes, kwargs)


def preprocess_input(img, model="Xception"):
    """Scale an image batch the way ``model`` was trained (kerasR's default: Xception).

    >>> x = preprocess_input(expand_dims(img_to_array(img)), model="VGG16")  # doctest: +SKIP
    """
    return _module(model, "preprocess_input").preprocess_input(img)


def decode_predictions(pred, model="Xception", top=5):
    """The ``top`` ImageNet classes of each row of ``pred``: (class id, name, score) tuples.

    >>> decode_predictions(keras_predict(mod, x), model="VGG16", top=3)  # doctest: +SKIP
    """
    return _module(model, "decode_predictions").decode_predictions(
        pred, top=_int(top, "decode_predictions: top", minimum=1))
