"""BatchNormalization and LayerNormalization (Keras 3 semantics)."""
import numbers

from lamina import constraints, initializers, regularizers
from lamina.layers.layer import Layer
from lamina.ops import normalization as norm_ops


def _check_float(owner, name, value, low=None, high=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{owner}: `{name}` must be a number, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{owner}: `{name}` must be in [{low}, {high}], got {value!r}")
    return float(value)


def _owner(layer):
    return f"{type(layer).__name__} '{layer.name}'"


class BatchNormalization(Layer):
    """Normalizes each feature (along ``axis``) to zero mean and unit variance.

    Training (``training=True`` and the layer trainable): uses the batch's mean and
    (biased) variance and updates ``moving = moving * momentum + batch * (1 - momentum)``.
    Inference, or a frozen layer (``trainable = False``, as in Keras 3): uses the moving
    statistics. Output ``gamma * (x - mean) / sqrt(var + epsilon) + beta``. Weights, in
    Keras's order: gamma, beta (trainable), moving_mean, moving_variance.

    >>> bn = BatchNormalization()
    >>> bn(np.array([[1.0], [3.0]]), training=True).numpy().round(3).ravel()
    array([-0.999,  0.999], dtype=float32)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        owner = _owner(self)
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise ValueError(f"{owner}: `axis` must be an integer, got {axis!r}")
        self.axis = int(axis)
        self.momentum = _check_float(owner, "momentum", momentum, 0.0, 1.0)
        self.epsilon = _check_float(owner, "epsilon", epsilon, 0.0)
        self.center, self.scale = bool(center), bool(scale)
        if synchronized:
            raise ValueError(f"{owner}: `synchronized=True` needs a distributed TensorFlow "
                             "strategy; lamina trains on one process here")
        self.synchronized = False
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"{_owner(self)}: `axis` {self.axis} is out of range for inputs of "
                             f"shape {tuple(input_shape)}")
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(f"{_owner(self)}: the normalized axis {self.axis} of the inputs "
                             f"must be known, got input shape {tuple(input_shape)}")
        shape = (dim,)
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(shape, self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, name="gamma")
        if self.center:
            self.beta = self.add_weight(shape, self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, name="beta")
        self.moving_mean = self.add_weight(shape, self.moving_mean_initializer,
                                           trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape, self.moving_variance_initializer,
                                               trainable=False, name="moving_variance")

    def call(self, inputs, training=None, mask=None):
        if mask is not None and mask.ndim != inputs.ndim - 1:
            raise ValueError(f"{_owner(self)}: the mask must have one dimension less than the "
                             f"inputs, got mask shape {mask.shape} and input shape "
                             f"{tuple(inputs.shape)}")
        if training and self.trainable:
            y, mean, var = norm_ops.batch_norm_train(inputs, self.gamma, self.beta, self.axis,
                                                     self.epsilon, mask)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean.data * m + mean * (1.0 - m))
            self.moving_variance.assign(self.moving_variance.data * m + var * (1.0 - m))
            return y
        return norm_ops.batch_norm_inference(inputs, self.gamma, self.beta, self.moving_mean,
                                             self.moving_variance, self.axis, self.epsilon)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
                "synchronized": self.synchronized}


class LayerNormalization(Layer):
    """Normalizes each sample over ``axis`` (an int or a list): ``gamma * (x - mean) /
    sqrt(var + epsilon) + beta``, gamma and beta shaped like those axes. With
    ``rms_scaling=True`` (Keras 3): ``gamma * x / sqrt(var + epsilon)``, no beta.

    >>> LayerNormalization()(np.array([[1.0, 3.0]])).numpy().round(3)
    array([[-0.999,  0.999]], dtype=float32)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        owner = _owner(self)
        if isinstance(axis, (list, tuple)):
            if not axis or not all(isinstance(a, numbers.Integral) and not isinstance(a, bool)
                                   for a in axis):
                raise TypeError(f"{owner}: `axis` must be an int or a list of ints, got {axis!r}")
            self.axis = [int(a) for a in axis]
        elif isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
            self.axis = int(axis)
        else:
            raise TypeError(f"{owner}: `axis` must be an int or a list of ints, got {axis!r}")
        self.epsilon = _check_float(owner, "epsilon", epsilon, 0.0)
        self.center, self.scale, self.rms_scaling = bool(center), bool(scale), bool(rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def _axes(self):
        return self.axis if isinstance(self.axis, list) else [self.axis]

    def build(self, input_shape):
        ndim = len(input_shape)
        for a in self._axes():
            if not -ndim <= a < ndim:
                raise ValueError(f"{_owner(self)}: axis {a} is out of range for inputs of shape "
                                 f"{tuple(input_shape)}")
        shape = tuple(input_shape[a] for a in self._axes())
        if any(d is None for d in shape):
            raise ValueError(f"{_owner(self)}: the normalized axes {self.axis} must have known "
                             f"sizes, got input shape {tuple(input_shape)}")
        self.gamma = self.beta = None
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape, self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, name="gamma")
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape, self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, name="beta")

    def call(self, inputs):
        return norm_ops.layer_norm(inputs, self.gamma, self.beta, self._axes(), self.epsilon,
                                   self.rms_scaling)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}


__all__ = ["BatchNormalization", "LayerNormalization"]
