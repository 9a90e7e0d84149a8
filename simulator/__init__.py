"""A simulator of SMM panels, each in its own dialect: the five seed panels (``PANELS``) and
the wild ones copied from real panels' published pages (``WILD_PANELS``, ``simulator.wild``).

Plain Python (no Django), so it runs inside tests on a loopback port, as its own process for
the demo (``manage.py runsimulator``), and under the benchmarks.
"""

from simulator.dialects import DIALECTS
from simulator.faults import Fault
from simulator.ledger import Delivery, ManualClock, Pace, RealClock
from simulator.profiles import DELIVERY_PROFILES
from simulator.server import Simulator
from simulator.wild import ALL_DIALECTS, WILD_DIALECTS

PANELS = tuple(DIALECTS)
WILD_PANELS = tuple(WILD_DIALECTS)

__all__ = [
    "ALL_DIALECTS",
    "DELIVERY_PROFILES",
    "PANELS",
    "WILD_PANELS",
    "Delivery",
    "Fault",
    "ManualClock",
    "Pace",
    "RealClock",
    "Simulator",
]
