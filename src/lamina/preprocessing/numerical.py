"""``normalize`` and ``to_categorical`` (Keras 2's home); they live in
``lamina.utils.numerical_utils``."""
from lamina.utils.numerical_utils import normalize, to_categorical

__all__ = ["normalize", "to_categorical"]
