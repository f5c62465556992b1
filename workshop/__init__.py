"""Shared tooling of the workshop."""
