"""Benchmarks: ``bin/bench`` runs them and prints the tables the README quotes."""
