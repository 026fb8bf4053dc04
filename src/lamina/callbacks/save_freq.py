"""``save_freq`` ("epoch" or a number of batches), checked and counted the same way by
``ModelCheckpoint`` and ``BackupAndRestore``."""
import numpy as np


def _check_save_freq(owner, save_freq):
    if save_freq != "epoch" and (not isinstance(save_freq, (int, np.integer))
                                 or isinstance(save_freq, bool) or save_freq < 1):
        raise ValueError(f"{owner}: unrecognized save_freq: {save_freq!r}. Expected 'epoch' or "
                         "a positive integer (a number of batches)")
    return save_freq


def _save_due(cb):
    """Count one more batch towards ``cb.save_freq``; True when a save is due (never for
    save_freq='epoch')."""
    if cb.save_freq == "epoch":
        return False
    cb._batches_seen_since_last_saving += 1
    if cb._batches_seen_since_last_saving < cb.save_freq:
        return False
    cb._batches_seen_since_last_saving = 0
    return True
