"""Adagrad."""
import numpy as np

from lamina.optimizers.base import Optimizer, _check_number


class Adagrad(Optimizer):
    """Adagrad (Keras 3 ``Adagrad``): per-parameter rates shrinking with the sum of
    squared gradients.

    ``acc += g**2; w -= lr * g / sqrt(acc + epsilon)``, ``acc`` starting at
    ``initial_accumulator_value``.

    >>> opt = Adagrad(learning_rate=0.01)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="adagrad",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.initial_accumulator_value = _check_number(
            "Adagrad", "initial_accumulator_value", initial_accumulator_value, 0)
        self.epsilon = _check_number("Adagrad", "epsilon", epsilon, 0)

    def _slot_spec(self):
        return [[("accumulator", self.initial_accumulator_value)]]

    def _update(self, G, lr, t):
        p, g, tmp = G.p, G.g, G.tmp[0]
        acc = G.slots["accumulator"]
        np.multiply(g, g, tmp)
        np.add(acc, tmp, acc)                           # acc += g^2
        np.add(acc, G.put("epsilon", self.epsilon), tmp)
        np.sqrt(tmp, tmp)
        np.divide(g, tmp, tmp)
        np.multiply(tmp, G.put("lr", lr), tmp)
        np.subtract(p, tmp, p)                          # w -= lr * g / sqrt(acc + eps)

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config
