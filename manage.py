#!/usr/bin/env python
"""Django's command-line utility; `alongside` (the console script) is the same with lean paths."""

import sys

from alongside.cli import main

if __name__ == "__main__":
    sys.exit(main())
