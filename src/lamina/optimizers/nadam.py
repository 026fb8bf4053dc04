"""Nadam."""

import numpy as np

from lamina.autodiff import Variable
from lamina.optimizers.adam import _check_betas, _moments
from lamina.optimizers.base import Optimizer


class Nadam(Optimizer):
    """Adam with Nesterov momentum (Keras 3 ``Nadam``, Dozat 2015).

    With ``mu_t = beta_1 * (1 - 0.5 * 0.96**t)`` and ``P_t = mu_1 ... mu_t``:
    ``m_hat = mu_{t+1} m / (1 - P_t mu_{t+1}) + (1 - mu_t) g / (1 - P_t)``,
    ``v_hat = v / (1 - beta_2**t)``, ``w -= lr * m_hat / (sqrt(v_hat) + epsilon)``.

    >>> opt = Nadam(learning_rate=0.002)
    """

    _n_tmp = 2

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="nadam",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.beta_1, self.beta_2, self.epsilon = _check_betas("Nadam", beta_1, beta_2, epsilon)
        # the running product of the momentum schedule, state shared by all variables
        self._u_product = Variable(np.ones((), np.float64), name="u_product", trainable=False)

    def _slot_spec(self):
        return [[("momentum", 0.0), ("velocity", 0.0)]]   # interleaved per variable, as Keras

    def _extra_state(self):
        return [self._u_product]

    def _before_update(self, t):
        u = self._u_product.data
        u[()] = u.item() * self.beta_1 * (1.0 - 0.5 * 0.96 ** t)

    def _update(self, G, lr, t):
        p, g, tmp, tmp2 = G.p, G.g, G.tmp[0], G.tmp[1]
        m, v = G.slots["momentum"], G.slots["velocity"]
        b1, b2 = self.beta_1, self.beta_2
        u_t = b1 * (1.0 - 0.5 * 0.96 ** t)
        u_t1 = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        prod = self._u_product.data.item()
        _moments(G, g, m, v, b1, b2)
        np.multiply(m, G.put("cm", u_t1 / (1.0 - prod * u_t1)), tmp)
        np.multiply(g, G.put("cg", (1.0 - u_t) / (1.0 - prod)), tmp2)
        np.add(tmp, tmp2, tmp)                          # m_hat
        np.multiply(v, G.put("inv_bc2", 1.0 / (1.0 - b2 ** t)), tmp2)
        np.sqrt(tmp2, tmp2)
        np.add(tmp2, G.put("epsilon", self.epsilon), tmp2)
        np.divide(tmp, tmp2, tmp)
        np.multiply(tmp, G.put("lr", lr), tmp)
        np.subtract(p, tmp, p)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
