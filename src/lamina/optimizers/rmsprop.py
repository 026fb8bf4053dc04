"""RMSprop."""
import numpy as np

from lamina.optimizers.base import Optimizer, _check_number


class RMSprop(Optimizer):
    """RMSprop (Keras 3 ``RMSprop``): divide the gradient by a running RMS of gradients.

    ``v = rho * v + (1 - rho) * g**2``; ``step = lr * g / sqrt(v + epsilon)`` (centered:
    ``sqrt(v - a**2 + epsilon)`` with ``a = rho * a + (1 - rho) * g``); with momentum
    ``m = momentum * m + step; w -= m``, else ``w -= step``.

    >>> opt = RMSprop(learning_rate=0.001, rho=0.9, centered=True)
    """

    _n_tmp = 2

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="rmsprop", **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.rho = _check_number("RMSprop", "rho", rho, 0, 1)
        self.momentum = _check_number("RMSprop", "momentum", momentum, 0, 1)
        self.epsilon = _check_number("RMSprop", "epsilon", epsilon, 0)
        self.centered = bool(centered)

    def _slot_spec(self):
        spec = [[("velocity", 0.0)]]
        if self.momentum > 0:
            spec.append([("momentum", 0.0)])
        if self.centered:
            spec.append([("average_gradient", 0.0)])
        return spec

    def _update(self, G, lr, t):
        p, g, tmp, tmp2 = G.p, G.g, G.tmp[0], G.tmp[1]
        v = G.slots["velocity"]
        rho, one_rho = G.put("rho", self.rho), G.put("one_rho", 1.0 - self.rho)
        eps = G.put("epsilon", self.epsilon)
        np.multiply(g, g, tmp)
        np.multiply(tmp, one_rho, tmp)
        np.multiply(v, rho, v)
        np.add(v, tmp, v)                               # v = rho * v + (1 - rho) * g^2
        a = G.slots.get("average_gradient")
        if a is not None:
            np.multiply(a, rho, a)
            np.multiply(g, one_rho, tmp)
            np.add(a, tmp, a)                           # a = rho * a + (1 - rho) * g
            np.multiply(a, a, tmp)
            np.subtract(v, tmp, tmp)
            np.add(tmp, eps, tmp)                       # v - a^2 + eps
        else:
            np.add(v, eps, tmp)                         # v + eps
        np.sqrt(tmp, tmp)
        np.divide(g, tmp, tmp2)
        np.multiply(tmp2, G.put("lr", lr), tmp2)        # increment = lr * g / sqrt(...)
        m = G.slots.get("momentum")
        if m is not None:
            np.multiply(m, G.put("momentum", self.momentum), m)
            np.add(m, tmp2, m)
            np.subtract(p, m, p)
        else:
            np.subtract(p, tmp2, p)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
