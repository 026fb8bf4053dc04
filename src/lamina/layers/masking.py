"""Masking: mark timesteps whose features all equal ``mask_value`` as padding."""
import numpy as np

from lamina import ops
from lamina.autodiff.tensor import Tensor
from lamina.layers.layer import Layer


class Masking(Layer):
    """Masks a sequence: timesteps where every feature equals ``mask_value`` are skipped
    by the layers downstream that support masking (RNNs keep their state there, losses
    leave them out) and are set to zero here, as in Keras.

    Args:
        mask_value: the padding value (default 0.0).

    >>> x = np.array([[[1.0], [0.0], [2.0]]])
    >>> Masking()(x)._keras_mask
    array([[ True, False,  True]])
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        try:
            self.mask_value = float(mask_value)
        except (TypeError, ValueError):
            raise ValueError(f"Masking '{self.name}': `mask_value` must be a number, "
                             f"got {mask_value!r}") from None
        self.supports_masking = True

    def _keep(self, inputs):
        data = inputs.data if isinstance(inputs, Tensor) else np.asarray(inputs)
        return np.any(data != self.mask_value, axis=-1)

    def call(self, inputs):
        keep = self._keep(inputs)
        return ops.multiply(inputs, keep[..., None].astype(inputs.dtype))

    def compute_mask(self, inputs, mask=None):
        return self._keep(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
