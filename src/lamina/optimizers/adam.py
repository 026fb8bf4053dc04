"""Adam and AdamW."""
import math

import numpy as np

from lamina.optimizers.base import Optimizer, _check_number


def _check_betas(owner, beta_1, beta_2, epsilon):
    return (_check_number(owner, "beta_1", beta_1, 0, 1),
            _check_number(owner, "beta_2", beta_2, 0, 1),
            _check_number(owner, "epsilon", epsilon, 0))


def _moments(G, g, m, v, beta_1, beta_2):
    """Adam's running moments, in place: m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2)."""
    tmp = G.tmp[0]
    np.subtract(g, m, tmp)
    np.multiply(tmp, G.put("one_b1", 1.0 - beta_1), tmp)
    np.add(m, tmp, m)
    np.multiply(g, g, tmp)
    np.subtract(tmp, v, tmp)
    np.multiply(tmp, G.put("one_b2", 1.0 - beta_2), tmp)
    np.add(v, tmp, v)


class Adam(Optimizer):
    """Adam (Keras 3 ``Adam``).

    ``m += (g - m)(1 - beta_1)``; ``v += (g**2 - v)(1 - beta_2)``;
    ``w -= alpha * m / (sqrt(v) + epsilon)`` with
    ``alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)``; ``amsgrad`` uses the running
    maximum of ``v``.

    >>> opt = Adam(learning_rate=1e-3)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adam", **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.beta_1, self.beta_2, self.epsilon = _check_betas(type(self).__name__, beta_1,
                                                              beta_2, epsilon)
        self.amsgrad = bool(amsgrad)

    def _slot_spec(self):
        spec = [[("momentum", 0.0), ("velocity", 0.0)]]   # interleaved per variable, as Keras
        if self.amsgrad:
            spec.append([("velocity_hat", 0.0)])
        return spec

    def _update(self, G, lr, t):
        p, g, tmp = G.p, G.g, G.tmp[0]
        m, v = G.slots["momentum"], G.slots["velocity"]
        b1, b2 = self.beta_1, self.beta_2
        _moments(G, g, m, v, b1, b2)
        v_hat = G.slots.get("velocity_hat")
        if v_hat is not None:
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        alpha = lr * math.sqrt(1.0 - b2 ** t) / (1.0 - b1 ** t)
        np.sqrt(v, tmp)
        np.add(tmp, G.put("epsilon", self.epsilon), tmp)
        np.divide(m, tmp, tmp)
        np.multiply(tmp, G.put("alpha", alpha), tmp)
        np.subtract(p, tmp, p)                          # w -= alpha m / (sqrt(v) + eps)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config


class AdamW(Adam):
    """Adam with decoupled weight decay (Keras 3 ``AdamW``): before each Adam update,
    ``w -= w * weight_decay * lr``.

    >>> opt = AdamW(learning_rate=1e-3, weight_decay=0.004)
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adamw", **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: argument `weight_decay` must be a float. Received: "
                             "weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
