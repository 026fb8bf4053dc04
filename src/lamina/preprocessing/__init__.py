"""Data preparation utilities, as in ``keras.utils`` / ``keras.preprocessing``.

Example::

    from lamina.preprocessing import normalize, to_categorical
    y = to_categorical([0, 2, 1])          # one-hot, float32
    x = normalize(x_train, axis=-1)        # unit L2 rows

Also: ``pad_sequences`` (``lamina.preprocessing.sequence``); ``Tokenizer``,
``text_to_word_sequence``, ``one_hot``, ``hashing_trick``,
``tokenizer_from_json`` (``lamina.preprocessing.text``, Keras 2's behaviour);
``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``
(``lamina.preprocessing.image``; they need Pillow: ``pip install 'lamina[image]'``).
"""
from . import image, sequence, text
from .image import array_to_img, img_to_array, load_img, save_img
from .numerical import normalize, to_categorical
from .sequence import pad_sequences
from .text import Tokenizer, hashing_trick, one_hot, text_to_word_sequence, tokenizer_from_json

__all__ = ["Tokenizer", "array_to_img", "hashing_trick", "image", "img_to_array", "load_img",
           "normalize", "one_hot", "pad_sequences", "save_img", "sequence", "text",
           "text_to_word_sequence", "to_categorical", "tokenizer_from_json"]
