"""Orders across panels: placed once, tracked, refilled and cancelled."""
