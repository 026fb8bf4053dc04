"""Models: Sequential and the training loop (compile / fit / evaluate / predict)."""
from lamina.models.model import Model
from lamina.models.sequential import Sequential

__all__ = ["Model", "Sequential"]
