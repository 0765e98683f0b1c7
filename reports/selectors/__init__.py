"""Reads of the reports app: daily dynamics, quarterly targets, health-check findings, kept
monthly reviews. Pages answer from these."""
