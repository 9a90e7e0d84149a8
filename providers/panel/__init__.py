"""The parts of the panel client. Import from ``providers.client``, not from here.

Nothing in this package imports Django: the client is usable and testable on its own.
"""
