"""How long the server waits for a client: the defaults of ``serve``'s timeout options.

Apart from :mod:`configcat_mock.http.protocol` (which needs uvicorn) so that the command's
options can be read, and its help shown, without the ``[mock]`` extras.
"""

from __future__ import annotations

#: ``--header-timeout``: seconds to receive a request's line and headers.
DEFAULT_HEADER_TIMEOUT = 10.0
#: ``--body-timeout``: seconds to receive a request's body once its headers are in.
DEFAULT_BODY_TIMEOUT = 30.0
#: ``--keep-alive-timeout``: seconds an idle keep-alive connection stays open (uvicorn's).
DEFAULT_KEEP_ALIVE_TIMEOUT = 5
