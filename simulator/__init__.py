"""A simulator of the five SMM panels smmdash must talk to, each in its own dialect.

Plain Python (no Django), so it runs inside tests on a loopback port, as its own process for
the demo (``manage.py runsimulator``), and under the benchmarks.
"""

from simulator.dialects import DIALECTS
from simulator.faults import Fault
from simulator.ledger import ManualClock, Pace, RealClock
from simulator.server import Simulator

PANELS = tuple(DIALECTS)

__all__ = ["PANELS", "Fault", "ManualClock", "Pace", "RealClock", "Simulator"]
