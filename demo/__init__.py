"""The demo on the simulated panels: the top floor, which may use every app and the simulator,
and which no other code imports."""
