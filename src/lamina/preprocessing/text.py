"""Text utilities of Keras 2 (``keras.preprocessing.text``), with the same results.

``Tokenizer`` turns texts into sequences of word indices (1 = the most
frequent word; 0 is never used) or into count / tf-idf matrices;
``text_to_word_sequence`` splits a text; ``one_hot`` and ``hashing_trick``
map words to indices by hashing.

Example::

    from lamina.preprocessing.text import Tokenizer
    tok = Tokenizer(num_words=1000, oov_token="<unk>")
    tok.fit_on_texts(["the cat sat", "the dog"])
    tok.texts_to_sequences(["the cat ran"])   # [[2, 3, 1]]
"""
import hashlib
import json
import numbers
import warnings
from collections import OrderedDict, defaultdict

import numpy as np

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MODES = ("binary", "count", "tfidf", "freq")


def text_to_word_sequence(input_text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Split a text into words: lowercase it, turn each character of ``filters``
    into ``split``, split on ``split`` and drop empty pieces.

    Example:
        >>> text_to_word_sequence("This is a sample sentence.")
        ['this', 'is', 'a', 'sample', 'sentence']
    """
    if not isinstance(input_text, str):
        raise TypeError(f"text_to_word_sequence: `input_text` must be a str, got "
                        f"{type(input_text).__name__}")
    if not isinstance(split, str) or not split:
        raise ValueError(f"text_to_word_sequence: `split` must be a non-empty str, got {split!r}")
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in input_text.split(split) if w]


def _md5_hash(word):
    return int(hashlib.md5(word.encode(), usedforsecurity=False).hexdigest(), 16)


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True, split=" ",
                  analyzer=None):
    """Map each word of ``text`` to ``hash_function(word) % (n - 1) + 1``, an index in [1, n).

    Args:
        text: the text (a str).
        n: size of the hashing space, an int >= 2 (index 0 is never produced).
        hash_function: None for Python's ``hash`` (salted per process unless
            PYTHONHASHSEED is set, so not stable across runs), ``"md5"`` (stable:
            the md5 digest of the UTF-8 word as an int), or a function str -> int.
        filters, lower, split: as in ``text_to_word_sequence``.
        analyzer: a function str -> list of words replacing the splitting above.

    Returns:
        A list of ints; different words may share an index.

    Example:
        >>> hashing_trick("the cat", 100, hash_function="md5")
        [51, 3]
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(f"hashing_trick: `n` must be an int >= 2, got {n!r}")
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = _md5_hash
    elif not callable(hash_function):
        raise ValueError(f"hashing_trick: `hash_function` must be None, 'md5' or a function, "
                         f"got {hash_function!r}")
    seq = analyzer(text) if analyzer is not None else text_to_word_sequence(
        text, filters=filters, lower=lower, split=split)
    return [hash_function(w) % (n - 1) + 1 for w in seq]


def one_hot(input_text, n, filters=DEFAULT_FILTERS, lower=True, split=" ", analyzer=None):
    """``hashing_trick`` with Python's ``hash``: word indices in [1, n) (Keras 2's ``one_hot``).

    Python salts ``hash`` of strings per process: set PYTHONHASHSEED, or use
    ``hashing_trick(..., hash_function="md5")``, for indices that are stable
    across runs.

    Example:
        >>> len(one_hot("the cat sat", 50))
        3
    """
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


class Tokenizer:
    """Build a vocabulary from texts and turn texts into index sequences or matrices.

    Words are ranked by count over ``fit_on_texts`` (ties in order of first
    appearance): index 1 is the most frequent, or ``oov_token`` when given.
    Only indices below ``num_words`` are used when encoding, i.e. the
    ``num_words - 1`` most frequent words; the vocabulary itself keeps every word.

    Args:
        num_words: None, or the bound on the indices used when encoding.
        filters: characters removed from texts (default: punctuation, tabs and
            newlines, but not ``'``).
        lower: lowercase the texts.
        split: the separator between words.
        char_level: make every character a token (filters are then not applied).
        oov_token: a token added to ``word_index`` at index 1 that replaces
            unknown (and beyond-``num_words``) words in ``texts_to_sequences``.
        analyzer: a function str -> list of tokens replacing the splitting.

    Attributes (after fitting): ``word_counts`` (OrderedDict word -> count),
    ``word_docs`` (word -> number of texts it occurs in), ``word_index``,
    ``index_word``, ``index_docs`` (index -> number of texts), ``document_count``.

    Example:
        >>> tok = Tokenizer()
        >>> tok.fit_on_texts(["the cat sat on the mat", "the dog"])
        >>> tok.word_index["the"], tok.texts_to_sequences(["the dog sat"])
        (1, [[1, 6, 3]])
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ",
                 char_level=False, oov_token=None, analyzer=None, **kwargs):
        if "nb_words" in kwargs:  # the Keras 1 name
            warnings.warn("The `nb_words` argument in `Tokenizer` has been renamed `num_words`.",
                          stacklevel=2)
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(f"Tokenizer: unrecognized keyword arguments: {sorted(kwargs)}")
        if num_words is not None and (isinstance(num_words, bool)
                                      or not isinstance(num_words, numbers.Integral)
                                      or num_words < 0):
            raise ValueError(f"Tokenizer: `num_words` must be an int >= 0 or None, got "
                             f"{num_words!r}")
        if analyzer is not None and not callable(analyzer):
            raise ValueError(f"Tokenizer: `analyzer` must be a function or None, got {analyzer!r}")
        self.word_counts = OrderedDict()
        self.word_docs = defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = defaultdict(int)
        self.word_index = {}
        self.index_word = {}
        self.analyzer = analyzer

    def _tokens(self, text):
        # A list is taken as already tokenized; char_level splits into characters.
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return text
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower,
                                     split=self.split)

    def fit_on_texts(self, texts):
        """Update the vocabulary from ``texts`` (strings, or lists of tokens).

        Example:
            >>> tok = Tokenizer(); tok.fit_on_texts(["b a b"]); tok.word_index
            {'b': 1, 'a': 2}
        """
        if isinstance(texts, str):
            raise TypeError("Tokenizer.fit_on_texts: `texts` must be a list of texts, got a "
                            "single str (wrap it in a list)")
        for text in texts:
            self.document_count += 1
            seq = self._tokens(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1
        # sort is stable: words of equal count keep their order of first appearance.
        ranked = sorted(self.word_counts.items(), key=lambda wc: wc[1], reverse=True)
        vocab = ([] if self.oov_token is None else [self.oov_token]) + [w for w, _ in ranked]
        self.word_index = dict(zip(vocab, range(1, len(vocab) + 1)))
        self.index_word = {i: w for w, i in self.word_index.items()}
        for w, c in self.word_docs.items():
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences):
        """Update ``document_count`` and ``index_docs`` from index sequences (for tf-idf).

        Example:
            >>> tok = Tokenizer(num_words=4); tok.fit_on_sequences([[1, 2, 2], [2]])
            >>> tok.document_count, dict(tok.index_docs)
            (2, {1: 1, 2: 2})
        """
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences(self, texts):
        """Each text as a list of word indices; unknown words (and indices
        ``>= num_words``) become ``oov_token``'s index, or are dropped without one.

        Example:
            >>> tok = Tokenizer(oov_token="?"); tok.fit_on_texts(["a a b"])
            >>> tok.texts_to_sequences(["a c b"])
            [[2, 1, 3]]
        """
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Yield ``texts_to_sequences``'s lists one at a time."""
        if isinstance(texts, str):
            raise TypeError("Tokenizer.texts_to_sequences: `texts` must be a list of texts, got "
                            "a single str (wrap it in a list)")
        num_words = self.num_words
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        for text in texts:
            vect = []
            for w in self._tokens(text):
                i = self.word_index.get(w)
                if i is not None and not (num_words and i >= num_words):
                    vect.append(i)
                elif oov is not None:
                    vect.append(oov)
            yield vect

    def sequences_to_texts(self, sequences):
        """Each index sequence as a text: words joined by spaces (the inverse of
        ``texts_to_sequences`` up to filtering, case and unknown words).

        Example:
            >>> tok = Tokenizer(); tok.fit_on_texts(["a a b"])
            >>> tok.sequences_to_texts([[2, 1, 9]])
            ['b a']
        """
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Yield ``sequences_to_texts``'s strings one at a time."""
        num_words = self.num_words
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        for seq in sequences:
            words = []
            for num in seq:
                word = self.index_word.get(num)
                if word is not None and not (num_words and num >= num_words):
                    words.append(word)
                elif oov is not None:
                    words.append(self.index_word[oov])
            yield " ".join(words)

    def texts_to_matrix(self, texts, mode="binary"):
        """``sequences_to_matrix(texts_to_sequences(texts), mode)``.

        Example:
            >>> tok = Tokenizer(); tok.fit_on_texts(["a a b"])
            >>> tok.texts_to_matrix(["a b b"], mode="count")
            array([[0., 1., 2.]])
        """
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """A float64 matrix (len(sequences), num_words) scoring each index in each sequence.

        ``num_words`` defaults to ``len(word_index) + 1``; indices beyond it are
        ignored. Modes, for an index occurring ``c`` times in a sequence of
        length ``L``: ``"binary"`` 1, ``"count"`` c, ``"freq"`` c / L,
        ``"tfidf"`` ``(1 + log c) * log(1 + document_count / (1 + index_docs[j]))``.

        Example:
            >>> Tokenizer(num_words=4).sequences_to_matrix([[1, 1, 3]], mode="freq")
            array([[0.        , 0.66666667, 0.        , 0.33333333]])
        """
        if mode not in MODES:
            raise ValueError(f"Tokenizer: `mode` must be one of {MODES}, got {mode!r}")
        if self.num_words:
            num_words = self.num_words
        elif self.word_index:
            num_words = len(self.word_index) + 1
        else:
            raise ValueError("Tokenizer: specify a dimension (the `num_words` argument), or fit "
                             "on some text data first.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Tokenizer: fit the Tokenizer on some data before using tfidf mode.")

        x = np.zeros((len(sequences), num_words))
        for i, seq in enumerate(sequences):
            if not len(seq):
                continue
            counts = defaultdict(int)
            for j in seq:
                if j < num_words:
                    counts[j] += 1
            for j, c in counts.items():
                if mode == "count":
                    x[i, j] = c
                elif mode == "freq":
                    x[i, j] = c / len(seq)  # over the whole sequence, ignored indices included
                elif mode == "binary":
                    x[i, j] = 1
                else:
                    # Weighting scheme 2 of https://en.wikipedia.org/wiki/Tf-idf, as Keras.
                    tf = 1 + np.log(c)
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[i, j] = tf * idf
        return x

    def get_config(self):
        """The configuration and vocabulary; the dicts as JSON strings, as Keras stores them."""
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """A JSON string ``{"class_name": "Tokenizer", "config": ...}``, readable by
        ``tokenizer_from_json`` here and in Keras 2 (``analyzer`` is not saved).

        Args:
            **kwargs: passed to ``json.dumps`` (e.g. ``indent=2``).
        """
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)


def tokenizer_from_json(json_string):
    """Rebuild a ``Tokenizer`` from ``Tokenizer.to_json()`` (lamina's or Keras 2's).

    Example:
        >>> tok = Tokenizer(); tok.fit_on_texts(["a b"])
        >>> tokenizer_from_json(tok.to_json()).word_index
        {'a': 1, 'b': 2}
    """
    try:
        config = dict(json.loads(json_string)["config"])
        word_counts = json.loads(config.pop("word_counts"))
        word_docs = json.loads(config.pop("word_docs"))
        index_docs = json.loads(config.pop("index_docs"))
        index_word = json.loads(config.pop("index_word"))
        word_index = json.loads(config.pop("word_index"))
    except (TypeError, KeyError, ValueError) as e:
        raise ValueError(f"tokenizer_from_json: not a Tokenizer JSON configuration: {e!r}") from e
    tokenizer = Tokenizer(**config)
    # The same containers as a fresh Tokenizer, so fitting can go on after loading.
    tokenizer.word_counts = OrderedDict(word_counts)
    tokenizer.word_docs = defaultdict(int, word_docs)
    # JSON turns int keys into strings.
    tokenizer.index_docs = defaultdict(int, {int(k): v for k, v in index_docs.items()})
    tokenizer.index_word = {int(k): v for k, v in index_word.items()}
    tokenizer.word_index = word_index
    return tokenizer
