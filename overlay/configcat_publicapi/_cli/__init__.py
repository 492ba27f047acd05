"""The parts of the ``configcat-publicapi`` command (see :mod:`configcat_publicapi.cli`).

Each is imported only by the subcommand that needs it, so ``--help`` and ``--version`` load
neither the client nor the workflows.
"""
