"""``python -m facilitator …``: the command line without the ./run script (e.g. on Windows)."""

from facilitator.cli import main

raise SystemExit(main())
