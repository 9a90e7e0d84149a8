"""Demo provider accounts: one per panel dialect, on the simulator, synced and with balances.

`bin/dev` runs the simulator as its own process, but only after this setup; so the setup serves
the simulated panels itself for a moment (same keys, same deterministic catalogs) unless a
simulator is already listening on the demo port.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from providers import services
from providers.models import CatalogSync, Provider
from rates.models import ExchangeRate
from simulator import PANELS, Simulator, accounts

NAMES = {
    "smmsheba": "SMM Sheba",
    "smmprovider": "SMM Provider",
    "smmbros": "SMM Bros",
    "smmub": "SMMUB",
    "smmpllus": "SMM Pllus",
}
# smmub answers balances without a currency; its account is in roubles.
CURRENCIES = {"smmub": "RUB"}
DEMO_RUB_RATE = Decimal("0.0108")  # USD per rouble, editable in the admin
# Where the simulator listens and keeps its URLs and keys, shared by `runsimulator` and
# `setup_demo` (Procfile.dev runs the simulator on this port too).
SIMULATOR_PORT = 8001
ACCOUNTS_FILE = settings.VAR_DIR / "simulator.json"


def books_file_for(accounts_file: Path) -> Path:
    """Where the simulator keeps its orders: beside its accounts file."""
    return accounts_file.with_name(accounts_file.stem + "-orders.json")


def set_up(accounts_file: Path, port: int = SIMULATOR_PORT, report=print, then=None):
    """The demo providers, synced; `then(providers, simulator)` runs while the simulated panels
    still answer (`simulator` is None when another process serves them). Returns the providers."""
    keys = accounts.load_or_create(accounts_file)
    simulator = Simulator(keys=keys)
    try:
        simulator.start("127.0.0.1", port)
    except OSError:
        simulator = None
        report(f"A simulator is already running on port {port}: using it.")
    else:
        accounts.save(accounts_file, simulator)
        simulator.keep_books(books_file_for(accounts_file))
    try:
        saved = json.loads(accounts_file.read_text())
        providers = [
            _provider(slug, saved[slug]["url"], saved[slug]["key"], report) for slug in PANELS
        ]
        if then is not None:
            then(providers, simulator)
        return providers
    finally:
        if simulator is not None:
            simulator.stop()


def _provider(slug: str, url: str, key: str, report) -> Provider:
    provider = Provider.objects.filter(name=NAMES[slug]).first() or Provider(
        name=NAMES[slug],
        currency=CURRENCIES.get(slug, ""),
        notes="Demo account on the bundled panel simulator.",
        low_balance_threshold=Decimal(1200) if slug == "smmbros" else None,
    )
    provider.api_url = url
    services.save_provider(provider, api_key=key)
    rub_in_usd = provider.currency == "RUB" and settings.BASE_CURRENCY == "USD"
    if rub_in_usd and not ExchangeRate.objects.filter(currency="RUB", base="USD").exists():
        ExchangeRate.objects.create(
            currency="RUB", base="USD", rate=DEMO_RUB_RATE, note="Demo rate"
        )
    try:
        services.refresh_balance(provider)
    except services.ProviderProblem as problem:
        report(f"  {provider}: balance not read: {problem}")
    sync = services.sync_catalog(provider, CatalogSync.Trigger.COMMAND)
    outcome = f"{sync.fetched} services" if sync.status == "ok" else sync.error
    report(f"  {provider}: {provider.balance} {provider.currency}, {outcome}")
    return provider
