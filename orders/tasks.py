"""Celery tasks: thin callers of orders.services. They take ids, never keys."""

from celery import shared_task

from orders import services
from providers.models import Provider

# A database that fails at the claim claimed nothing: try again soon (1, 2, 4, 8, then every
# 10 s, spread out so a backlog does not come back at once), for some minutes. After
# that the order is still queued, and the dispatcher hands it over once the database is back.
CLAIM_RETRIES = 64
CLAIM_RETRY_AT_MOST = 10  # seconds


# acks_late: a worker that dies before claiming the order leaves the message to be delivered
# again; one that dies after claiming leaves the order "submitting", which the dispatcher
# turns into "unknown". Either way the claim in services.submit() sends `add` at most once.
@shared_task(
    acks_late=True,
    time_limit=services.SUBMIT_TIME_LIMIT,
    soft_time_limit=services.SUBMIT_TIME_LIMIT - 20,
    autoretry_for=(services.ClaimFailed,),
    retry_backoff=1,
    retry_backoff_max=CLAIM_RETRY_AT_MOST,
    max_retries=CLAIM_RETRIES,
)
def submit_order(order_id):
    services.submit(order_id)


@shared_task
def recover_orders():
    """Beat's tick: orders whose send never reached a worker, or whose worker died mid-send."""
    services.recover_stalled()


@shared_task
def dispatch_order_polls():
    """Beat's tick: queue a poll of each provider with work due."""
    services.dispatch_polls()


@shared_task(time_limit=services.POLL_TIME_LIMIT, soft_time_limit=services.POLL_TIME_LIMIT - 30)
def poll_provider_orders(provider_id):
    provider = Provider.objects.filter(pk=provider_id, enabled=True).first()
    if provider is not None:
        services.poll_provider(provider)
