"""``python -m arcgames``: the same command line as the ``arcgames`` script."""

import sys

from arcgames.cli import main

sys.exit(main())
