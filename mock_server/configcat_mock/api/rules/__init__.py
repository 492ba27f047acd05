"""Domain rules of the service, apart from the HTTP handlers: what the app, delivery and
several handler modules share (scheduled change requests, a new product's default group)."""
