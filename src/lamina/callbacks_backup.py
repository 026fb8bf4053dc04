"""Kept for old import paths: BackupAndRestore lives in lamina/callbacks/backup_and_restore.py."""
from lamina.callbacks.backup_and_restore import BackupAndRestore, Callback, atomic_path  # noqa: F401
