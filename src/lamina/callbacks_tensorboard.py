"""Kept for old import paths: TensorBoard lives in lamina/callbacks/tensorboard.py."""
from lamina.callbacks.tensorboard import (  # noqa: F401
    Callback,
    EventFileWriter,
    TensorBoard,
    atomic_path,
    summary_metadata,
    summary_value,
    tensor_proto,
)
