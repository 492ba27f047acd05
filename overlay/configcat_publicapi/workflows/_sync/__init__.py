# Derived from configcat_publicapi/workflows/_async/__init__.py
# by scripts/make_sync.py: do not edit.
"""The workflows' calls to the service, written once for the synchronous client.

``scripts/make_sync.py`` derives the synchronous twin of each module here; the building and
diffing both share are in the modules of ``configcat_publicapi.workflows`` itself.
"""
