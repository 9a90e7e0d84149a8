"""The roof: the home page, Background work, /health/ and the worker heartbeat."""
