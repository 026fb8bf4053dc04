"""Trainers: the loops behind ``Model.fit`` / ``evaluate`` / ``predict`` / ``*_on_batch``.

A floor below ``lamina.models``: the loops take the model duck-typed and never import it,
and they build on ``lamina.callbacks`` below them.

- ``trainer``: fit, evaluate, predict and the one-batch calls;
- ``steps``: one train / test / predict step, and Keras 3's ``train_step(data)`` protocol;
- ``epoch_iterator``: ``EpochIterator``, an epoch's steps as ``(step, batch)``;
- ``data_adapters``: each kind of user data behind one ``DataAdapter`` interface;
- ``data``: the user's data in a model's form (input / output order, built model).
"""
from lamina.trainers.data_adapters import DataAdapter, get_data_adapter
from lamina.trainers.epoch_iterator import EpochIterator

__all__ = ["DataAdapter", "EpochIterator", "get_data_adapter"]
