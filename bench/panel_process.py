"""A simulated panel in a process of its own, as a real panel answers from its own machine.

In the benchmark's process, the simulator's server threads render the answer (100,000 values
for a 10,000-service catalog) under the same interpreter lock as the sync that reads it, so
the sync's figure would include the panel's work. Here the panel runs in a child process and
the benchmark changes its catalog through a pipe.
"""

import multiprocessing
from decimal import Decimal


class PanelProcess:
    """``with PanelProcess("smmprovider", catalog_size=10_000) as panel: panel.url, panel.key``"""

    def __init__(self, slug: str, catalog_size: int):
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no Django, no DB
        self._pipe, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child_end, slug, catalog_size), daemon=True
        )
        self.url = self.key = None

    def __enter__(self):
        self._process.start()
        self.url, self.key = self._pipe.recv()
        return self

    def __exit__(self, *exc_info):
        self._pipe.send(("stop",))
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()

    def reprice(self, every: int, by: Decimal) -> int:
        """Raise every `every`-th service's rate by `by`; returns how many were repriced."""
        self._pipe.send(("reprice", every, by))
        return self._pipe.recv()


def _serve(pipe, slug: str, catalog_size: int):
    from simulator import ManualClock, Simulator

    with Simulator(clock=ManualClock(), catalog_size=catalog_size) as simulator:
        panel = simulator.panel(slug)
        pipe.send((simulator.url(slug), simulator.key(slug)))
        while True:
            command, *arguments = pipe.recv()
            if command == "stop":
                return
            every, by = arguments
            repriced = panel.catalog[::every]
            for service in repriced:
                panel.set_rate(service.service_id, service.rate + by)
            pipe.send(len(repriced))
