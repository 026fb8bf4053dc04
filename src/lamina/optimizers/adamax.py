"""Adamax."""
import numpy as np

from lamina.optimizers.adam import _check_betas
from lamina.optimizers.base import Optimizer


class Adamax(Optimizer):
    """Adamax, Adam with the infinity norm (Keras 3 ``Adamax``).

    ``m += (g - m)(1 - beta_1)``; ``u = max(beta_2 * u, |g|)``;
    ``w -= lr * m / ((1 - beta_1**t) * (u + epsilon))``.

    >>> opt = Adamax(learning_rate=0.002)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="adamax",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.beta_1, self.beta_2, self.epsilon = _check_betas("Adamax", beta_1, beta_2, epsilon)

    def _slot_spec(self):
        return [[("momentum", 0.0), ("norm", 0.0)]]

    def _update(self, G, lr, t):
        p, g, tmp = G.p, G.g, G.tmp[0]
        m, u = G.slots["momentum"], G.slots["norm"]
        np.subtract(g, m, tmp)
        np.multiply(tmp, G.put("one_b1", 1.0 - self.beta_1), tmp)
        np.add(m, tmp, m)                               # m += (g - m)(1 - b1)
        np.multiply(u, G.put("b2", self.beta_2), u)
        np.abs(g, tmp)
        np.maximum(u, tmp, out=u)                        # u = max(b2 u, |g|)
        np.add(u, G.put("epsilon", self.epsilon), tmp)
        np.divide(m, tmp, tmp)
        np.multiply(tmp, G.put("lr_t", lr / (1.0 - self.beta_1 ** t)), tmp)
        np.subtract(p, tmp, p)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
