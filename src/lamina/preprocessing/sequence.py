"""``pad_sequences`` at Keras 2's ``keras.preprocessing.sequence`` path; it lives in
``lamina.utils.sequence_utils``."""
from lamina.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
