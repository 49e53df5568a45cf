"""``python -m chainrule`` and the ``chainrule`` console script: the command line of
``chainrule.cli`` (``train`` by default; ``demo`` shows the seed examples)."""

import sys

from chainrule.cli import main

if __name__ == "__main__":
    sys.exit(main())
