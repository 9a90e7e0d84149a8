"""Everything smmdash does with alerts: evaluating the rules, channels, messages. Views, tasks
and commands call these functions."""

from alerts.services.channels import save_channel, send_test, understood
from alerts.services.delivery import DeliveryFailed, deliver, queue_due
from alerts.services.evaluate import Tick, evaluate
from alerts.services.masking import scrub
from alerts.services.targets import ChannelRefused

__all__ = [
    "ChannelRefused",
    "DeliveryFailed",
    "Tick",
    "deliver",
    "evaluate",
    "queue_due",
    "save_channel",
    "scrub",
    "send_test",
    "understood",
]
