"""Adadelta."""
import numpy as np

from lamina.optimizers.base import Optimizer, _check_number


class Adadelta(Optimizer):
    """Adadelta (Keras 3 ``Adadelta``): step sizes from running averages of squared
    gradients and squared updates.

    ``Eg = rho * Eg + (1 - rho) * g**2``;
    ``d = -sqrt(Ed + epsilon) / sqrt(Eg + epsilon) * g``;
    ``Ed = rho * Ed + (1 - rho) * d**2``; ``w += lr * d``.

    >>> opt = Adadelta(learning_rate=1.0)
    """

    _n_tmp = 2

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adadelta", **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.rho = _check_number("Adadelta", "rho", rho, 0, 1)
        self.epsilon = _check_number("Adadelta", "epsilon", epsilon, 0)

    def _slot_spec(self):
        return [[("accumulated_grad", 0.0), ("accumulated_delta_var", 0.0)]]   # as Keras

    def _update(self, G, lr, t):
        p, g, tmp, tmp2 = G.p, G.g, G.tmp[0], G.tmp[1]
        eg, ed = G.slots["accumulated_grad"], G.slots["accumulated_delta_var"]
        rho, one_rho = G.put("rho", self.rho), G.put("one_rho", 1.0 - self.rho)
        eps = G.put("epsilon", self.epsilon)
        np.multiply(g, g, tmp)
        np.multiply(tmp, one_rho, tmp)
        np.multiply(eg, rho, eg)
        np.add(eg, tmp, eg)                             # Eg = rho Eg + (1 - rho) g^2
        np.add(ed, eps, tmp)
        np.add(eg, eps, tmp2)
        np.divide(tmp, tmp2, tmp)
        np.sqrt(tmp, tmp)
        np.multiply(tmp, g, tmp)                        # tmp = -d
        np.multiply(tmp, tmp, tmp2)
        np.multiply(tmp2, one_rho, tmp2)
        np.multiply(ed, rho, ed)
        np.add(ed, tmp2, ed)                            # Ed = rho Ed + (1 - rho) d^2
        np.multiply(tmp, G.put("lr", lr), tmp)
        np.subtract(p, tmp, p)                          # w += lr * d

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
