"""``python -m configcat_mock``: the same as the ``configcat-mock`` command."""

from configcat_mock.cli import main

raise SystemExit(main())
