"""A character-level LSTM: learn to write like the opening of Alice in Wonderland.

The text (the first pages of Lewis Carroll's "Alice's Adventures in Wonderland", 1865, in
the public domain) ships inside this file, so the example runs offline. The network reads
40 characters and predicts, at every position, the character that comes next; then it
writes new text one character at a time, each drawn from its predicted distribution.

Two ways to train the same kind of network:

* Keras style (the default): Embedding -> LSTM(128, return_sequences=True) ->
  Dense(softmax), sparse categorical cross-entropy, Adam.
* ``--trainr``: the rnn package's way, ``trainr(network_type="lstm")`` on one-hot inputs
  and targets (logistic outputs, squared error, the package's uniform(-1, 1) weights).
  The package's own LSTM training never learned; lamina trains it with true gradients.
  Logistic outputs with a squared error suit this task less well than a softmax with
  cross-entropy, and the run is slower to get anywhere: it is here to show the rnn
  package's LSTM learning, not as the way to model text.

Progress is shown as the next-character accuracy on the text and, for the softmax model,
as bits per character (log2 of the vocabulary, about 5.7, is guessing; the characters'
frequencies alone give about 4.3).

Run: python examples/char_lstm.py [--epochs N] [--trainr] [--seed N]
(about 40 s; with --trainr about 30 s)
"""
import argparse
import time

import numpy as np

TEXT = """\
Alice was beginning to get very tired of sitting by her sister on the bank, and of having \
nothing to do: once or twice she had peeped into the book her sister was reading, but it \
had no pictures or conversations in it, "and what is the use of a book," thought Alice \
"without pictures or conversations?"
So she was considering in her own mind (as well as she could, for the hot day made her \
feel very sleepy and stupid), whether the pleasure of making a daisy-chain would be worth \
the trouble of getting up and picking the daisies, when suddenly a White Rabbit with pink \
eyes ran close by her.
There was nothing so very remarkable in that; nor did Alice think it so very much out of \
the way to hear the Rabbit say to itself, "Oh dear! Oh dear! I shall be late!" (when she \
thought it over afterwards, it occurred to her that she ought to have wondered at this, \
but at the time it all seemed quite natural); but when the Rabbit actually took a watch \
out of its waistcoat-pocket, and looked at it, and then hurried on, Alice started to her \
feet, for it flashed across her mind that she had never before seen a rabbit with either \
a waistcoat-pocket, or a watch to take out of it, and burning with curiosity, she ran \
across the field after it, and fortunately was just in time to see it pop down a large \
rabbit-hole under the hedge.
In another moment down went Alice after it, never once considering how in the world she \
was to get out again.
The rabbit-hole went straight on like a tunnel for some way, and then dipped suddenly \
down, so suddenly that Alice had not a moment to think about stopping herself before she \
found herself falling down a very deep well.
Either the well was very deep, or she fell very slowly, for she had plenty of time as she \
went down to look about her and to wonder what was going to happen next. First, she tried \
to look down and make out what she was coming to, but it was too dark to see anything; \
then she looked at the sides of the well, and noticed that they were filled with \
cupboards and book-shelves; here and there she saw maps and pictures hung upon pegs. She \
took down a jar from one of the shelves as she passed; it was labelled "ORANGE \
MARMALADE", but to her great disappointment it was empty: she did not like to drop the \
jar for fear of killing somebody underneath, so managed to put it into one of the \
cupboards as she fell past it.
"Well!" thought Alice to herself, "after such a fall as this, I shall think nothing of \
tumbling down stairs! How brave they'll all think me at home! Why, I wouldn't say \
anything about it, even if I fell off the top of the house!" (Which was very likely true.)
Down, down, down. Would the fall never come to an end? "I wonder how many miles I've \
fallen by this time?" she said aloud. "I must be getting somewhere near the centre of the \
earth. Let me see: that would be four thousand miles down, I think--" (for, you see, Alice \
had learnt several things of this sort in her lessons in the schoolroom, and though this \
was not a very good opportunity for showing off her knowledge, as there was no one to \
listen to her, still it was good practice to say it over) "--yes, that's about the right \
distance--but then I wonder what Latitude or Longitude I've got to?" (Alice had no idea \
what Latitude was, or Longitude either, but thought they were nice grand words to say.)
"""

SEQ_LEN = 40


def encode(text):
    chars = sorted(set(text))
    index = {ch: i for i, ch in enumerate(chars)}
    return chars, np.array([index[ch] for ch in text])


def windows(codes, seq_len=SEQ_LEN, step=3):
    """Overlapping (input, next-character) pairs of ``seq_len`` characters."""
    starts = np.arange(0, len(codes) - seq_len - 1, step)
    x = np.stack([codes[s:s + seq_len] for s in starts])
    y = np.stack([codes[s + 1:s + seq_len + 1] for s in starts])
    return x, y


def bits_per_char(probs, targets):
    p = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]
    return float(-np.mean(np.log2(np.maximum(p, 1e-12))))


def accuracy(probs, targets):
    return float(np.mean(probs.argmax(axis=-1) == targets))


def generate(next_probs, chars, seed_text, n=300, temperature=0.6, rng=None):
    """Write ``n`` characters after ``seed_text``, each drawn from the network's prediction
    (sharpened by ``temperature`` < 1) given the last SEQ_LEN characters."""
    rng = rng or np.random.default_rng(0)
    index = {ch: i for i, ch in enumerate(chars)}
    codes = [index[ch] for ch in seed_text]
    for _ in range(n):
        p = np.maximum(next_probs(np.array(codes[-SEQ_LEN:])), 1e-12)
        logits = np.log(p) / temperature
        p = np.exp(logits - logits.max())
        codes.append(int(rng.choice(len(p), p=p / p.sum())))
    return "".join(chars[c] for c in codes)


def train_keras(x, y, vocab, epochs):
    import lamina
    from lamina import layers, optimizers

    model = lamina.Sequential([
        layers.Embedding(vocab, 32, input_shape=(None,)),
        layers.LSTM(128, return_sequences=True),
        layers.Dense(vocab, activation="softmax"),
    ])
    model.compile(optimizer=optimizers.Adam(learning_rate=3e-3),
                  loss="sparse_categorical_crossentropy")
    model.summary()
    every = max(1, epochs // 6)
    for epoch in range(1, epochs + 1):
        model.fit(x, y, batch_size=32, epochs=1, verbose=0)
        if epoch % every == 0 or epoch == epochs:
            probs = model.predict(x, verbose=0)
            print(f"epoch {epoch:3d}: next-character accuracy {accuracy(probs, y):.1%}, "
                  f"{bits_per_char(probs, y):.2f} bits per character", flush=True)

    def next_probs(codes):
        return model.predict(codes[None, :], verbose=0)[0, -1]
    return next_probs


def train_trainr(x, y, vocab, epochs):
    from lamina.rnn import predictr, trainr

    X, Y = np.eye(vocab)[x], np.eye(vocab)[y]          # one-hot (samples, time, vocab)
    every = max(1, epochs // 6)

    def report(model):                                   # an epoch function
        if model.current_epoch % every == 0 or model.current_epoch == epochs:
            print(f"epoch {model.current_epoch:3d}: next-character accuracy "
                  f"{accuracy(predictr(model, X), y):.1%}", flush=True)
        return model

    model = trainr(Y=Y, X=X, network_type="lstm", hidden_dim=64, learningrate=0.1,
                   batch_size=32, numepochs=epochs, use_bias=True, update_rule="adagrad",
                   epoch_function=[report])

    def next_probs(codes):
        return predictr(model, np.eye(vocab)[codes][None], real_output=False)[0, -1]
    return next_probs


def main(epochs=None, use_trainr=False, seed=1):
    from lamina import backend

    backend.set_random_seed(seed)
    chars, codes = encode(TEXT)
    x, y = windows(codes)
    freq = np.bincount(codes, minlength=len(chars)) / len(codes)
    print(f"{len(TEXT)} characters, {len(chars)} distinct; {len(x)} windows of {SEQ_LEN}. "
          f"Guessing: {np.log2(len(chars)):.2f} bits/char, letter frequencies: "
          f"{-np.sum(freq * np.log2(freq)):.2f}.")
    start = time.perf_counter()
    if use_trainr:
        next_probs = train_trainr(x, y, len(chars), epochs or 100)
    else:
        next_probs = train_keras(x, y, len(chars), epochs or 30)
    print(f"Trained in {time.perf_counter() - start:.0f} s. Sampled text:\n")
    print(generate(next_probs, chars, TEXT[:SEQ_LEN], rng=np.random.default_rng(seed)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--trainr", action="store_true",
                        help="train with lamina.rnn.trainr(network_type='lstm')")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    main(args.epochs, args.trainr, args.seed)
