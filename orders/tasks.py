"""Celery tasks: thin callers of orders.services. They take ids, never keys."""

from celery import shared_task

from orders import services
from providers.models import Provider


# acks_late: a worker that dies before claiming the order leaves the message to be delivered
# again; one that dies after claiming leaves the order "submitting", which the dispatcher
# turns into "unknown". Either way the claim in services.submit() sends `add` at most once.
@shared_task(
    acks_late=True,
    time_limit=services.SUBMIT_TIME_LIMIT,
    soft_time_limit=services.SUBMIT_TIME_LIMIT - 20,
)
def submit_order(order_id):
    services.submit(order_id)


@shared_task
def dispatch_order_polls():
    """Beat's tick: recover stalled orders and queue a poll of each provider with work due."""
    services.dispatch_polls()


@shared_task(time_limit=services.POLL_TIME_LIMIT, soft_time_limit=services.POLL_TIME_LIMIT - 30)
def poll_provider_orders(provider_id):
    provider = Provider.objects.filter(pk=provider_id, enabled=True).first()
    if provider is not None:
        services.poll_provider(provider)
