from lamina.layers.layer import Layer
from lamina.ops import nn


class Dropout(Layer):
    """Sets inputs to 0 with probability ``rate`` during training, scaling the rest by
    ``1 / (1 - rate)``; the identity at inference.

    Args:
        rate: float in [0, 1), the fraction of inputs to drop.
        noise_shape: shape of the binary mask, broadcast against the input (None = input's).
        seed: int seed for the mask (optional).
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(f"Dropout '{self.name}': rate must be a number in [0, 1), "
                             f"got {rate!r}")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        return nn.dropout(inputs, self.rate, self.noise_shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
                "seed": self.seed}
