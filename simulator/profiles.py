"""How well each of the five simulated panels delivers, for the demo and the scorecard tests.

Off unless asked for (``Simulator(delivery_profiles=DELIVERY_PROFILES)``), so that tests about
something else keep every panel's plain pace.
"""

from simulator.ledger import Delivery

DELIVERY_PROFILES = {
    # Reliable: never partial.
    "smmprovider": Delivery(partial_every=0),
    # Starts late: orders wait twelve times as long before anything moves.
    "smmsheba": Delivery(start_factor=12),
    # Often delivers only part: every third order ends partial, at about half.
    "smmbros": Delivery(partial_every=3, partial_delivers=0.55),
    # Takes refills and never completes them.
    "smmpllus": Delivery(refills_complete=False),
}
