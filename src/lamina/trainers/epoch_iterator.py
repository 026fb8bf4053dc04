"""EpochIterator: the steps of one epoch over a DataAdapter, as (step, batch)."""


class EpochIterator:
    """Steps over a ``DataAdapter``: ``steps_per_epoch`` of them (default: one pass over
    the data). More steps than batches go round the data again in the same order, as
    Keras's ``steps_per_epoch`` over arrays; fewer stop early.

    >>> it = EpochIterator(adapter)
    >>> for epoch in range(epochs):
    ...     it.on_epoch_begin(rng)               # the adapter shuffles here
    ...     for step, (x, y, sw) in it.enumerate_epoch():
    ...         ...
    """

    def __init__(self, data_adapter, steps_per_epoch=None):
        self.data_adapter = data_adapter
        self.num_batches = data_adapter.num_batches
        self.steps_per_epoch = int(steps_per_epoch) if steps_per_epoch else self.num_batches

    def on_epoch_begin(self, rng):
        self.data_adapter.on_epoch_begin(rng)

    def on_epoch_end(self):
        self.data_adapter.on_epoch_end()

    def enumerate_epoch(self, first_step=0):
        """(step, (x, y, sample_weight)) for the steps from ``first_step`` (a resumed
        epoch starts within) to ``steps_per_epoch``."""
        adapter, steps, batches = self.data_adapter, self.steps_per_epoch, self.num_batches
        step = first_step
        while step < steps and batches:
            for batch in adapter.get_epoch_iterator(step % batches):
                yield step, batch
                step += 1
                if step >= steps:
                    return
