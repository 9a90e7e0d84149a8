"""Provider accounts: connecting to them, their keys, and their balances."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from panel import AddressRefused, Balance, PanelClient, PanelClientError, Timeouts, families
from panel.addresses import UnsafeProviderURL, check_provider_url
from providers import encryption
from providers.models import BalanceSnapshot, ManualCall, Provider
from providers.services.calls import record_calls, record_connecting
from providers.services.manual_calls import claim_manual_call
from smmdash.lib.patience import DATABASE_UNAVAILABLE

log = logging.getLogger("smmdash.providers")

# Someone is waiting on the page: fail fast instead of retrying for a minute.
INTERACTIVE = {"timeout": Timeouts(connect=5.0, read=15.0), "retries": 0}
# An unchanged balance is recorded again only this often, so the history stays small.
SNAPSHOT_EVERY = timedelta(hours=1)


class ProviderProblem(Exception):
    """Talking to a provider failed. The message is for staff: the panel's own words when it
    answered, otherwise what went wrong. It never contains the API key."""


class ProviderAddressRefused(ProviderProblem):
    """The URL is no place to connect to: its host leads to an internal address, or it is
    another API family altogether. Said on the URL field: no "save anyway" would help."""


def client_options(*, interactive: bool = False) -> dict:
    """The settings every panel client is made with: timeouts, CA bundle, the address guard."""
    return {
        **(INTERACTIVE if interactive else {}),
        "ca_bundle": settings.PANEL_CA_BUNDLE or None,
        "allow_private_hosts": settings.PROVIDER_ALLOW_PRIVATE_HOSTS,
    }


@contextmanager
def open_client(provider: Provider, *, interactive: bool = False) -> Iterator[PanelClient]:
    """``with open_client(provider) as client:`` a panel client for `provider`, told what
    earlier calls learned about its panel; what this one learns is saved when the block ends,
    however it ends."""
    try:
        check_provider_url(provider.api_url)
        api_key = provider.api_key
    except (UnsafeProviderURL, encryption.KeyNotDecryptable) as problem:
        raise ProviderProblem(str(problem)) from None
    client = PanelClient(
        provider.api_url,
        api_key,
        capabilities=provider.client_capabilities,
        requests_per_second=settings.PANEL_REQUESTS_PER_SECOND,
        **client_options(interactive=interactive),
    )
    try:
        yield client
    finally:
        client.close()
        _keep_what_was_learned(provider, client)


def _keep_what_was_learned(provider, client):
    """Bookkeeping after a client's calls. A database that fails here must not cost the
    caller the panel's answer (an order's id above all): it is logged and left."""
    try:
        remember_capabilities(provider, client)
        record_calls(provider, client.calls)
        record_connecting(provider, client.calls)
    except DATABASE_UNAVAILABLE as failure:
        log.warning(
            "Could not record %d API calls to provider %s (id %s): %s",
            len(client.calls),
            provider,
            provider.pk,
            failure,
        )


@dataclass(frozen=True)
class ConnectionCheck:
    """What the connection test on save found: the balance, and how the panel wants to be
    spoken to (``Capabilities.as_dict()``), kept with the provider when it is saved."""

    balance: Balance
    capabilities: dict


def check_connection(api_url: str, api_key: str) -> ConnectionCheck:
    """Probe the panel with these credentials (``PanelClient.probe``): the connection test on
    save."""
    try:
        check_provider_url(api_url)
    except UnsafeProviderURL as problem:
        raise ProviderProblem(str(problem)) from None
    try:
        with PanelClient(api_url, api_key, **client_options(interactive=True)) as client:
            balance = client.probe()
            return ConnectionCheck(balance, client.capabilities.as_dict())
    except AddressRefused as problem:
        raise ProviderAddressRefused(str(problem)) from None
    except PanelClientError as problem:
        other_api = families.refusal(api_url, str(problem))
        if other_api:
            raise ProviderAddressRefused(f"{other_api} (It answered: {problem})") from None
        raise ProviderProblem(str(problem)) from None


@transaction.atomic
def accounts_at(api_url: str, *, other_than: Provider | None = None) -> list[Provider]:
    """The saved providers at the panel `api_url` names (scheme, host and path compared the
    way panels read them: case-blind host, no trailing slash)."""
    wanted = _panel_address(api_url)
    others = Provider.objects.all()
    if other_than is not None and other_than.pk:
        others = others.exclude(pk=other_than.pk)
    return [provider for provider in others if _panel_address(provider.api_url) == wanted]


def same_account(providers: list[Provider], api_key: str) -> Provider | None:
    """The one of `providers` saved with `api_key`, if any (keys that no longer decrypt are
    not compared)."""
    for provider in providers:
        try:
            if provider.api_key == api_key:
                return provider
        except encryption.KeyNotDecryptable:
            continue
    return None


def _panel_address(api_url: str) -> str:
    scheme, _, rest = api_url.strip().partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}".rstrip("/")


def save_provider(
    provider: Provider,
    *,
    api_key: str = "",
    check: ConnectionCheck | None = None,
    relearn: bool = False,
):
    """Save a provider from a form: a new key if one was typed, and what the connection test
    found. ``relearn``: the URL or key changed, so what was learned of the old one is dropped
    (the test's findings replace it). Returns the provider."""
    if api_key:
        provider.set_api_key(api_key)
    if check is not None:
        provider.capabilities = check.capabilities
        provider.capabilities_learned_at = timezone.now()
    elif relearn:
        provider.capabilities, provider.capabilities_learned_at = {}, None
    if provider.pk is None or provider.next_sync_at is None:
        provider.next_sync_at = timezone.now()
    else:
        synced = provider.catalog_synced_at or timezone.now()
        provider.next_sync_at = synced + provider.sync_interval
    provider.save()
    if check is not None:
        _record_balance(provider, check.balance)
    return provider


def refresh_balance(provider: Provider, *, interactive: bool = False) -> Balance:
    """Read the provider's balance from its panel and record it, or record why that failed
    and raise ProviderProblem."""
    try:
        with open_client(provider, interactive=interactive) as client:
            balance = client.balance()
    except (PanelClientError, ProviderProblem) as problem:
        provider.balance_error = str(problem)
        provider.save(update_fields=["balance_error"])
        log.warning("Balance of provider %s (id %s) failed: %s", provider, provider.pk, problem)
        raise ProviderProblem(str(problem)) from None
    _record_balance(provider, balance)
    return balance


def refresh_balance_by_hand(provider: Provider) -> Balance:
    """ "Refresh" pressed: read the balance now, unless someone did less than a minute ago
    (TooSoon), so nobody can hammer the panel from the dashboard."""
    claim_manual_call(provider, ManualCall.Kind.BALANCE)
    return refresh_balance(provider, interactive=True)


def _record_balance(provider: Provider, balance: Balance):
    now = timezone.now()
    if balance.currency:
        provider.currency = balance.currency
        provider.currency_from_panel = True
    provider.balance = balance.amount
    provider.balance_checked_at = now
    provider.balance_error = ""
    provider.save(
        update_fields=[
            "currency",
            "currency_from_panel",
            "balance",
            "balance_checked_at",
            "balance_error",
        ]
    )
    latest = provider.balances.only("amount", "taken_at").first()
    if latest is None or latest.amount != balance.amount or latest.taken_at < now - SNAPSHOT_EVERY:
        BalanceSnapshot.objects.create(
            provider=provider, amount=balance.amount, currency=provider.currency, taken_at=now
        )


def remember_capabilities(provider: Provider, client: PanelClient):
    """Keep what the client found out about the panel, for the next client."""
    learned = client.capabilities.as_dict()
    if learned != provider.capabilities:
        now = timezone.now()
        Provider.objects.filter(pk=provider.pk).update(
            capabilities=learned, capabilities_learned_at=now
        )
        provider.capabilities, provider.capabilities_learned_at = learned, now


def rotate_keys() -> tuple[int, list[Provider]]:
    """Re-encrypt every stored API key with the first of PROVIDER_SECRET_KEYS.

    Returns how many were rotated and the providers whose key no configured key could open
    (left as they are).
    """
    rotated, unreadable = 0, []
    for provider in Provider.objects.only("pk", "name", "api_key_encrypted").iterator():
        try:
            token = encryption.rotate(provider.api_key_encrypted)
        except encryption.KeyNotDecryptable:
            unreadable.append(provider)
            continue
        Provider.objects.filter(pk=provider.pk).update(api_key_encrypted=token)
        rotated += 1
    return rotated, unreadable
