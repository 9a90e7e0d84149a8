"""Helpers every app's views share, and nothing else: access decorators and roles, answering
htmx with a page's partial, charts, CSV export, numbers and ids from requests, the client's
address. They import Django and nothing of smmdash's apps, so any app may import them."""
