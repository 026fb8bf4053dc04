"""Variable: a Tensor that a layer or optimizer owns and updates in place."""
import numpy as np

from lamina.autodiff.tensor import Tensor


class Variable(Tensor):
    """A named, stateful Tensor (a layer weight or an optimizer slot).

    Updates go through ``assign`` and write into ``data`` in place, because an
    optimizer may have packed ``data`` into a view of one contiguous buffer
    (DESIGN.md: the optimizer's cost does not grow with the number of arrays).

    >>> v = Variable(np.zeros(3), name="bias")
    >>> v.assign([1, 2, 3]); v.numpy()
    array([1., 2., 3.])
    """

    def __init__(self, value, name=None, trainable=True, dtype=None, regularizer=None,
                 constraint=None):
        # order="C": an initializer may return a transposed (Fortran-ordered) array
        super().__init__(np.array(value, dtype=dtype, copy=True, order="C"),
                         requires_grad=trainable)
        self.name = name
        self.trainable = trainable
        self.regularizer = regularizer
        self.constraint = constraint

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        self.requires_grad = bool(value)

    @property
    def value(self):
        return self.data

    def assign(self, value):
        value = np.asarray(value)
        if value.shape != self.data.shape:
            raise ValueError(f"Variable '{self.name}': cannot assign a value of shape "
                             f"{value.shape} "
                             f"to a variable of shape {self.data.shape}")
        self.data[...] = value
        return self

    def assign_add(self, delta):
        self.data += np.asarray(delta, dtype=self.data.dtype)
        return self

    def assign_sub(self, delta):
        self.data -= np.asarray(delta, dtype=self.data.dtype)
        return self

    def __repr__(self):
        return (f"<Variable '{self.name}' shape={self.data.shape} dtype={self.data.dtype} "
                f"trainable={self.trainable}>")
