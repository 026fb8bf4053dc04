"""SGD with optional (Nesterov) momentum."""
import numpy as np

from lamina.optimizers.base import Optimizer, _check_number


class SGD(Optimizer):
    """Gradient descent, with optional momentum (Keras 3 ``SGD``).

    ``w -= lr * g``; with momentum ``v = momentum * v - lr * g; w += v``; with
    ``nesterov=True``, ``w += momentum * v - lr * g``.

    >>> opt = SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.momentum = _check_number("SGD", "momentum", momentum, 0, 1)
        self.nesterov = bool(nesterov)

    def _slot_spec(self):
        return [[("momentum", 0.0)]] if self.momentum != 0 else []

    def _update(self, G, lr, t):
        p, g, tmp = G.p, G.g, G.tmp[0]
        np.multiply(g, G.put("lr", lr), tmp)            # tmp = lr * g
        m = G.slots.get("momentum")
        if m is None:
            np.subtract(p, tmp, p)
            return
        mom = G.put("momentum", self.momentum)
        np.multiply(m, mom, m)
        np.subtract(m, tmp, m)                          # m = momentum * m - lr * g
        if self.nesterov:
            np.subtract(p, tmp, p)
            np.multiply(m, mom, tmp)
            np.add(p, tmp, p)                           # w += momentum * m - lr * g
        else:
            np.add(p, m, p)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
