"""ArrayDataAdapter: in-memory data (one array, or ``Arrays`` for several inputs or
outputs) in batches of consecutive samples, shuffled per epoch."""
import math

from lamina.trainers.data_adapters.data_adapter import DataAdapter


class ArrayDataAdapter(DataAdapter):
    """Batches of ``batch_size`` consecutive samples (the last one may be short).

    ``x``, ``y`` and ``sample_weight`` are in the model's form already (arrays, or
    ``Arrays``; ``get_data_adapter`` puts them there). With ``shuffle``, every epoch takes
    the samples in a new order: the whole arrays are permuted once per epoch, then each
    batch is one slice.
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self._num_samples = len(x)
        self._batch_size = batch_size
        self.shuffle = shuffle
        self._epoch = (x, y, sample_weight)  # this epoch's (possibly shuffled) arrays

    @property
    def num_samples(self):
        return self._num_samples

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def num_batches(self):
        return math.ceil(self._num_samples / self._batch_size)

    @property
    def arrays(self):
        """(x, y, sample_weight) in the original order."""
        return self.x, self.y, self.sample_weight

    def on_epoch_begin(self, rng):
        x, y, sw = self.x, self.y, self.sample_weight
        if self.shuffle and self._num_samples > 1:
            order = rng.permutation(self._num_samples)
            x, y = x[order], None if y is None else y[order]
            sw = None if sw is None else sw[order]
        self._epoch = (x, y, sw)

    def get_epoch_iterator(self, first_batch=0):
        x, y, sw = self._epoch
        n, size = self._num_samples, self._batch_size
        for start in range(first_batch * size, n, size):
            end = start + size  # a slice stops at n by itself: the last batch is short
            yield x[start:end], None if y is None else y[start:end], (
                None if sw is None else sw[start:end])
