"""Reverse-mode automatic differentiation: Tensor, Function, no_grad, gradient_check."""
from lamina.autodiff.gradient_check import gradient_check, numerical_gradient
from lamina.autodiff.tensor import (
                                    Function,
                                    Tensor,
                                    as_tensor,
                                    enable_grad,
                                    is_grad_enabled,
                                    no_grad,
)
from lamina.autodiff.variable import Variable

__all__ = ["Function", "Tensor", "as_tensor", "enable_grad", "gradient_check", "is_grad_enabled",
           "no_grad", "numerical_gradient", "Variable"]
