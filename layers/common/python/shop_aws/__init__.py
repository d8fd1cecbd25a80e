"""Thin adapters between the shop's rules and AWS: one module per service, plus the API plumbing."""
