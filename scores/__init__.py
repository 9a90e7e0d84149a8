"""Scorecards from smmdash's own orders and panel calls (README, "Scorecards")."""
