"""Everything smmdash does with provider accounts. Views, admin actions, Celery tasks and
management commands call these functions and nothing else."""

from providers.services.accounts import (
    ProviderAddressRefused,
    ProviderProblem,
    check_connection,
    open_client,
    refresh_balance,
    refresh_balance_by_hand,
    rotate_keys,
    save_provider,
)
from providers.services.catalog import (
    SYNC_LOCK,
    SYNC_TIME_LIMIT,
    dispatch_due_syncs,
    request_sync,
    run_queued_sync,
    sync_catalog,
)
from providers.services.manual_calls import TooSoon, claim_manual_call

__all__ = [
    "SYNC_LOCK",
    "SYNC_TIME_LIMIT",
    "ProviderAddressRefused",
    "ProviderProblem",
    "TooSoon",
    "check_connection",
    "claim_manual_call",
    "dispatch_due_syncs",
    "open_client",
    "refresh_balance",
    "refresh_balance_by_hand",
    "request_sync",
    "rotate_keys",
    "run_queued_sync",
    "save_provider",
    "sync_catalog",
]
