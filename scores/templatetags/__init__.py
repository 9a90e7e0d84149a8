"""The scorecards' template tags and filters."""
