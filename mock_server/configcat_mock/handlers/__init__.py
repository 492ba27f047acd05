"""HTTP handlers, one module per resource group. Each takes a :class:`~configcat_mock.context.Call`
and returns the response body in the spec's property names (or a ``Reply``)."""
