"""DataAdapter: the one interface between a kind of user data and the training loop."""


class DataAdapter:
    """One kind of user data (arrays today; generators, PyDataset, DataLoader, per-process
    shards tomorrow) seen as batches of ``(x, y, sample_weight)``.

    ``x`` is one array or ``Arrays`` (several inputs), ``y`` and ``sample_weight`` likewise
    (or None). The loop calls ``on_epoch_begin(rng)`` at each epoch's start, then
    iterates ``get_epoch_iterator()``, then ``on_epoch_end()``.
    """

    @property
    def num_batches(self):
        """Batches in one pass over the data; None where unknown (e.g. a generator)."""
        raise NotImplementedError

    @property
    def batch_size(self):
        """Samples per batch (the last batch may be shorter); None where the data decides."""
        raise NotImplementedError

    @property
    def num_samples(self):
        """Samples in one pass, None where unknown."""
        return None

    def on_epoch_begin(self, rng):
        """Start an epoch. An adapter that shuffles draws the order from ``rng``
        (``lamina.backend.rng()``: ``set_random_seed`` and ``BackupAndRestore`` then give
        the same order again)."""

    def get_epoch_iterator(self, first_batch=0):
        """The batches of one pass, from batch ``first_batch`` on."""
        raise NotImplementedError

    def on_epoch_end(self):
        """End an epoch (e.g. let a dataset reshuffle itself)."""

    def __iter__(self):
        return self.get_epoch_iterator()
