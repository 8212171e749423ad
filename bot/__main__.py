"""``python -m bot``: the Restory command line."""

import sys

from bot.cli import main

sys.exit(main())
