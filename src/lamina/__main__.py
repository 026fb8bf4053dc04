"""``python -m lamina``: the same as the ``lamina`` command."""
import sys

from lamina.cli import main

if __name__ == "__main__":
    sys.exit(main())
