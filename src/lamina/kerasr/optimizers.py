"""kerasR's optimizers: ``lr``, Keras 2's ``decay``, and ``-1`` meaning "no clipping"."""
import inspect

from lamina.kerasr._coerce import _real


def _optimizer(cls_name, default_lr, lr, learning_rate, decay, clipnorm, clipvalue, **options):
    """Build ``lamina.optimizers.<cls_name>`` from kerasR's arguments."""
    from lamina import optimizers

    # `learning_rate` (Keras 3's name) wins over an lr left at its default.
    if learning_rate is not None and lr != default_lr and lr != learning_rate:
        raise ValueError(f"{cls_name}: give the learning rate once, as lr= or learning_rate=; "
                         f"got lr={lr!r} and learning_rate={learning_rate!r}")
    rate = _real(lr if learning_rate is None else learning_rate, f"{cls_name}: lr", minimum=0)
    decay = _real(decay, f"{cls_name}: decay", minimum=0)
    if decay:
        # Keras 2's `decay`: lr / (1 + decay * iterations), i.e. an inverse-time schedule.
        from lamina.optimizers.schedules import InverseTimeDecay
        rate = InverseTimeDecay(rate, decay_steps=1, decay_rate=decay)
    # kerasR turns clipping off with -1, Keras 3 with None.
    for name, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue)):
        if value is not None:
            value = _real(value, f"{cls_name}: {name} (-1 = off)")
        options[name] = None if value is None or value < 0 else value
    cls = getattr(optimizers, cls_name)
    params = inspect.signature(cls).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    kwargs = {"learning_rate": rate}
    for name, value in options.items():
        if name in params or takes_any:
            kwargs[name] = value
        elif value not in (None, False):
            raise NotImplementedError(f"{cls_name}: lamina's optimizer has no option "
                                      f"{name!r} (given {value!r})")
    return cls(**kwargs)


def SGD(lr=0.01, momentum=0.0, decay=0.0, nesterov=False, clipnorm=-1, clipvalue=-1,
        learning_rate=None):
    """Stochastic gradient descent with optional (Nesterov) momentum.

    >>> opt = SGD(lr=0.1, momentum=0.9)
    """
    return _optimizer("SGD", 0.01, lr, learning_rate, decay, clipnorm, clipvalue,
                      momentum=momentum, nesterov=nesterov)


def RMSprop(lr=0.001, rho=0.9, epsilon=1e-08, decay=0.0, clipnorm=-1, clipvalue=-1,
            learning_rate=None):
    """RMSprop: divides the gradient by a running root mean square of recent gradients.

    >>> opt = RMSprop()            # kerasR's defaults: lr = 0.001, rho = 0.9
    """
    return _optimizer("RMSprop", 0.001, lr, learning_rate, decay, clipnorm, clipvalue,
                      rho=rho, epsilon=epsilon)


def Adagrad(lr=0.01, epsilon=1e-08, decay=0.0, clipnorm=-1, clipvalue=-1, learning_rate=None):
    """Adagrad: per-parameter rates scaled by the sum of past squared gradients.

    >>> opt = Adagrad(lr=0.05)
    """
    return _optimizer("Adagrad", 0.01, lr, learning_rate, decay, clipnorm, clipvalue,
                      epsilon=epsilon)


def Adadelta(lr=1.0, rho=0.95, epsilon=1e-08, decay=0.0, clipnorm=-1, clipvalue=-1,
             learning_rate=None):
    """Adadelta: Adagrad with a moving window of squared gradients and updates.

    >>> opt = Adadelta()
    """
    return _optimizer("Adadelta", 1.0, lr, learning_rate, decay, clipnorm, clipvalue,
                      rho=rho, epsilon=epsilon)


def Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-08, decay=0.0, clipnorm=-1,
         clipvalue=-1, learning_rate=None):
    """Adam: adaptive moment estimation (kerasR passed beta_2 as beta_1; fixed here).

    >>> opt = Adam(lr=0.01)
    """
    return _optimizer("Adam", 0.001, lr, learning_rate, decay, clipnorm, clipvalue,
                      beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)


def Adamax(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-08, decay=0.0, clipnorm=-1,
           clipvalue=-1, learning_rate=None):
    """Adamax: Adam with the infinity norm.

    >>> opt = Adamax()
    """
    return _optimizer("Adamax", 0.002, lr, learning_rate, decay, clipnorm, clipvalue,
                      beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)


def Nadam(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-08, schedule_decay=0.004,
          clipnorm=-1, clipvalue=-1, learning_rate=None):
    """Nadam: Adam with Nesterov momentum.

    ``schedule_decay`` is accepted for kerasR's sake; only its default 0.004 (the momentum
    schedule built into Keras's Nadam) is supported.

    >>> opt = Nadam()
    """
    if schedule_decay != 0.004:
        raise NotImplementedError(f"Nadam: only schedule_decay=0.004 (Keras's built-in momentum "
                                  f"schedule) is supported, got {schedule_decay!r}")
    return _optimizer("Nadam", 0.002, lr, learning_rate, 0.0, clipnorm, clipvalue,
                      beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
