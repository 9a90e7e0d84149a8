"""Currencies: exchange rates (set by staff or fetched), conversion to the base currency, and
what an order is expected to cost."""
