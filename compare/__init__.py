"""Compare: equivalent services across panels, priced side by side in one currency."""
