"""``python -m copquotes``: the command line (same as the ``copquotes`` command)."""
import sys

from .cli import main

sys.exit(main())
