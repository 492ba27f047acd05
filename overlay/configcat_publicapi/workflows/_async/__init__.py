"""The workflows' calls to the service, written once for the asynchronous client.

``scripts/make_sync.py`` derives the synchronous twin of each module here; the building and
diffing both share are in the modules of ``configcat_publicapi.workflows`` itself.
"""
