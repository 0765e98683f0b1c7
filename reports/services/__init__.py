"""Writes of the reports app: the health check, quarterly targets, the monthly review."""
