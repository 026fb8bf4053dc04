"""Text preprocessing: Keras 2's Tokenizer, text_to_word_sequence, one_hot, hashing_trick.

Expected values are worked out by hand from Keras 2's algorithm (ranking by
count, ties by first appearance; index 0 reserved; ``num_words - 1`` words
used; tf-idf weighting scheme 2), or are those Keras 2's own tests assert.
"""
import hashlib
import json
import math
from collections import OrderedDict

import numpy as np
import pytest

from lamina.preprocessing import (
    Tokenizer,
    hashing_trick,
    one_hot,
    text_to_word_sequence,
    tokenizer_from_json,
)

TEXTS = ["The cat sat on the mat.", "The dog sat on the log.", "Dogs and cats living together."]


# ---------------------------------------------------------------- word splitting and hashing


def test_text_to_word_sequence():
    assert text_to_word_sequence("hello! ? world!") == ["hello", "world"]
    assert text_to_word_sequence("hello!stop?world!", split="stop") == ["hello", "world"]
    assert text_to_word_sequence("ali! veli? kırk dokuz elli") == [
        "ali", "veli", "kırk", "dokuz", "elli"]
    assert text_to_word_sequence("Don't STOP,now", lower=False) == ["Don't", "STOP", "now"]
    assert text_to_word_sequence("a-b c", filters="") == ["a-b", "c"]
    assert text_to_word_sequence("a,b;c", filters=",", split=";") == ["a", "b", "c"]
    assert text_to_word_sequence("tab\there\nnewline") == ["tab", "here", "newline"]
    with pytest.raises(TypeError, match="input_text"):
        text_to_word_sequence(["a list"])
    with pytest.raises(ValueError, match="split"):
        text_to_word_sequence("a b", split="")


def test_hashing_trick_md5_and_custom_functions():
    words = ["the", "cat", "sat", "on", "the", "mat"]
    expected = [int(hashlib.md5(w.encode()).hexdigest(), 16) % 4 + 1 for w in words]
    assert hashing_trick("The cat sat on the mat.", 5, hash_function="md5") == expected
    assert all(1 <= i <= 4 for i in expected)
    assert hashing_trick("a bb ccc", 10, hash_function=len) == [2, 3, 4]
    assert hashing_trick("The cat", 7, hash_function=lambda w: 13, lower=False) == [2, 2]
    assert hashing_trick("X-Y", 100, hash_function=len, analyzer=lambda t: t.split("-")) == [2, 2]
    for bad in (1, 0, 2.0, True):
        with pytest.raises(ValueError, match="`n`"):
            hashing_trick("a", bad)
    with pytest.raises(ValueError, match="hash_function"):
        hashing_trick("a", 5, hash_function="sha1")


def test_one_hot_uses_python_hash():
    encoded = one_hot("The cat sat on the mat.", 5)
    assert encoded == [hash(w) % 4 + 1 for w in ["the", "cat", "sat", "on", "the", "mat"]]
    assert encoded[0] == encoded[4]  # the same word, the same index
    assert hashing_trick("The cat sat on the mat.", 5) == encoded  # hash is the default
    assert one_hot("The-cat-sat-on-the-mat", 5, analyzer=lambda t: t.lower().split("-")) \
        == encoded


# ---------------------------------------------------------------- Tokenizer vocabulary


def test_fit_on_texts_counts_and_ranks():
    tok = Tokenizer()
    tok.fit_on_texts(["The cat sat on the mat.", "The dog sat on the log.",
                      "Dog and Cat living Together."])
    assert tok.word_counts == OrderedDict([
        ("the", 4), ("cat", 2), ("sat", 2), ("on", 2), ("mat", 1), ("dog", 2), ("log", 1),
        ("and", 1), ("living", 1), ("together", 1)])
    # By count, ties in order of first appearance; index 0 is never used.
    assert tok.word_index == {"the": 1, "cat": 2, "sat": 3, "on": 4, "dog": 5, "mat": 6,
                              "log": 7, "and": 8, "living": 9, "together": 10}
    assert tok.index_word == {i: w for w, i in tok.word_index.items()}
    assert tok.document_count == 3
    assert dict(tok.word_docs) == {"the": 2, "cat": 2, "sat": 2, "on": 2, "mat": 1, "dog": 2,
                                   "log": 1, "and": 1, "living": 1, "together": 1}
    assert dict(tok.index_docs) == {tok.word_index[w]: c for w, c in tok.word_docs.items()}


def test_fit_on_token_lists_char_level_and_repeated_fits():
    tok = Tokenizer()
    tok.fit_on_texts([["The", "cat", "is", "sitting"], ["The", "dog", "is", "standing"]])
    assert tok.word_counts == OrderedDict([("the", 2), ("cat", 1), ("is", 2), ("sitting", 1),
                                           ("dog", 1), ("standing", 1)])
    tok.fit_on_texts(TEXTS)  # fitting again adds to the counts
    assert tok.document_count == 5 and tok.word_counts["the"] == 6
    assert tok.word_index["the"] == 1

    chars = Tokenizer(char_level=True)
    chars.fit_on_texts(["The cat sat on the mat.", "The dog sat on the log.",
                        "Dog and Cat living Together."])
    # Keras 2 does not apply the filters at character level: spaces and dots are tokens.
    assert chars.word_counts == OrderedDict([
        ("t", 11), ("h", 5), ("e", 6), (" ", 14), ("c", 2), ("a", 6), ("s", 2), ("o", 6),
        ("n", 4), ("m", 1), (".", 3), ("d", 3), ("g", 5), ("l", 2), ("i", 2), ("v", 1),
        ("r", 1)])
    assert chars.word_index[" "] == 1 and chars.texts_to_sequences(["Tea"]) == [[2, 3, 4]]


def test_custom_filters_split_lower_and_analyzer():
    tok = Tokenizer(filters="", lower=False, split=",")
    tok.fit_on_texts(["A,b,A", "b,c!"])
    assert tok.word_index == {"A": 1, "b": 2, "c!": 3}
    tok = Tokenizer(analyzer=lambda t: t.split("|"))
    tok.fit_on_texts(["x|Y|x"])
    assert tok.word_index == {"x": 1, "Y": 2}
    assert tok.texts_to_sequences(["Y|x|z"]) == [[2, 1]]


# ---------------------------------------------------------------- encoding and decoding


def test_num_words_keeps_num_words_minus_one_words():
    tok = Tokenizer(num_words=3)
    tok.fit_on_texts(["This text has only known words this text"])
    # Ranks: this 1, text 2, has 3, only 4, known 5, words 6; only indices < 3 are used.
    assert tok.texts_to_sequences(["This text has some unknown words"]) == [[1, 2]]
    assert tok.sequences_to_texts([[1, 2, 3, 6, 99]]) == ["this text"]
    assert len(tok.word_index) == 6  # the vocabulary keeps every word


def test_oov_token():
    train, test = ["This text has only known words this text"], \
        ["This text has some unknown words"]
    tok = Tokenizer(oov_token="<unk>")
    tok.fit_on_texts(train)
    assert tok.word_index["<unk>"] == 1 and tok.word_index["this"] == 2
    seqs = tok.texts_to_sequences(test)
    assert seqs == [[2, 3, 4, 1, 1, 7]]
    assert tok.sequences_to_texts(seqs) == ["this text has <unk> <unk> words"]
    assert tok.sequences_to_texts([[2, 99]]) == ["this <unk>"]

    tok = Tokenizer(num_words=3, oov_token="<unk>")
    tok.fit_on_texts(train)
    seqs = tok.texts_to_sequences(test)
    assert seqs == [[2, 1, 1, 1, 1, 1]]
    assert tok.sequences_to_texts(seqs) == ["this <unk> <unk> <unk> <unk> <unk>"]

    tok = Tokenizer(num_words=10, oov_token="<unk>")
    tok.fit_on_texts(TEXTS)
    assert tok.sequences_to_texts(tok.texts_to_sequences(TEXTS)) == [
        "the cat sat on the mat", "the dog sat on the log", "dogs <unk> <unk> <unk> <unk>"]

    tok = Tokenizer()
    tok.fit_on_texts(train)
    assert tok.texts_to_sequences(test) == [[1, 2, 3, 6]]  # unknown words are dropped
    assert tok.sequences_to_texts(tok.texts_to_sequences(test)) == ["this text has words"]
    assert list(tok.texts_to_sequences_generator(test)) == [[1, 2, 3, 6]]


# ---------------------------------------------------------------- matrices


def test_texts_to_matrix_modes_by_hand():
    tok = Tokenizer()
    tok.fit_on_texts(["a a b", "b c", "a"])
    # Counts: a 3, b 2, c 1 -> a 1, b 2, c 3; docs: a 2, b 2, c 1; 3 documents.
    texts = ["a b b d", "c"]  # "d" is unknown and dropped: sequences [1, 2, 2], [3]
    np.testing.assert_array_equal(tok.texts_to_matrix(texts, "binary"),
                                  [[0, 1, 1, 0], [0, 0, 0, 1]])
    np.testing.assert_array_equal(tok.texts_to_matrix(texts, "count"),
                                  [[0, 1, 2, 0], [0, 0, 0, 1]])
    np.testing.assert_allclose(tok.texts_to_matrix(texts, "freq"),
                               [[0, 1 / 3, 2 / 3, 0], [0, 0, 0, 1]])
    idf_a, idf_b, idf_c = (math.log(1 + 3 / (1 + 2)), math.log(1 + 3 / (1 + 2)),
                           math.log(1 + 3 / (1 + 1)))
    tfidf = tok.texts_to_matrix(texts, "tfidf")
    np.testing.assert_allclose(tfidf, [[0, idf_a, (1 + math.log(2)) * idf_b, 0],
                                       [0, 0, 0, idf_c]], rtol=1e-12)
    assert tfidf.dtype == np.float64 and tok.texts_to_matrix([]).shape == (0, 4)
    assert tok.texts_to_matrix(texts).tolist() == tok.texts_to_matrix(texts, "binary").tolist()


def test_sequences_to_matrix_num_words_and_fit_on_sequences():
    tok = Tokenizer(num_words=3)
    # freq divides by the whole length, ignored indices (>= num_words) included.
    np.testing.assert_allclose(tok.sequences_to_matrix([[1, 1, 2, 5], []], mode="freq"),
                               [[0, 0.5, 0.25], [0, 0, 0]])
    with pytest.raises(ValueError, match="tfidf"):
        tok.sequences_to_matrix([[1]], mode="tfidf")
    tok.fit_on_sequences([[1, 1, 2], [2]])
    assert tok.document_count == 2 and dict(tok.index_docs) == {1: 1, 2: 2}
    got = tok.sequences_to_matrix([[1, 1]], mode="tfidf")
    np.testing.assert_allclose(got, [[0, (1 + math.log(2)) * math.log(1 + 2 / 2), 0]])
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match="mode"):
        tok.sequences_to_matrix([[1]], mode="bm25")


# ---------------------------------------------------------------- JSON


def test_to_json_round_trip_and_keras_layout():
    tok = Tokenizer(num_words=100, oov_token="<oov>")
    tok.fit_on_texts(TEXTS)
    tok.fit_on_sequences(tok.texts_to_sequences(TEXTS))
    blob = tok.to_json()
    parsed = json.loads(blob)
    assert parsed["class_name"] == "Tokenizer"
    assert set(parsed["config"]) == {"num_words", "filters", "lower", "split", "char_level",
                                     "oov_token", "document_count", "word_counts", "word_docs",
                                     "index_docs", "index_word", "word_index"}
    assert isinstance(parsed["config"]["word_index"], str)  # Keras stores the dicts as JSON text
    back = tokenizer_from_json(blob)
    for attr in ("num_words", "filters", "lower", "split", "char_level", "oov_token",
                 "document_count", "word_counts", "word_docs", "word_index", "index_word",
                 "index_docs"):
        assert getattr(back, attr) == getattr(tok, attr), attr
    assert back.texts_to_sequences(["the unknown cat"]) == tok.texts_to_sequences(
        ["the unknown cat"])
    back.fit_on_texts(["more text"])  # a loaded tokenizer can keep fitting
    assert back.document_count == tok.document_count + 1
    assert json.loads(tok.to_json(indent=2)) == parsed
    empty = Tokenizer(num_words=5)
    assert tokenizer_from_json(empty.to_json()).get_config() == empty.get_config()


def test_reads_a_keras2_json():
    blob = json.dumps({"class_name": "Tokenizer", "config": {
        "num_words": None, "filters": "!", "lower": True, "split": " ", "char_level": False,
        "oov_token": None, "document_count": 1,
        "word_counts": '{"b": 2, "a": 1}', "word_docs": '{"b": 1, "a": 1}',
        "index_docs": '{"1": 1, "2": 1}', "index_word": '{"1": "b", "2": "a"}',
        "word_index": '{"b": 1, "a": 2}'}})
    tok = tokenizer_from_json(blob)
    assert tok.index_word == {1: "b", 2: "a"} and tok.index_docs == {1: 1, 2: 1}
    assert tok.texts_to_sequences(["A b!"]) == [[2, 1]]
    with pytest.raises(ValueError, match="Tokenizer JSON"):
        tokenizer_from_json('{"config": {}}')


def test_constructor_arguments():
    with pytest.warns(UserWarning, match="num_words"):
        assert Tokenizer(nb_words=7).num_words == 7
    assert Tokenizer(document_count=4).document_count == 4
    with pytest.raises(TypeError, match="unrecognized"):
        Tokenizer(num_word=5)
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer(num_words=-2)
    with pytest.raises(ValueError, match="analyzer"):
        Tokenizer(analyzer="split")
    with pytest.raises(TypeError, match="single str"):
        Tokenizer().fit_on_texts("a text")
    with pytest.raises(TypeError, match="single str"):
        Tokenizer().texts_to_sequences("a text")
