"""What an indicator is: the registry (registry, indicators, local), the conditions and periods it
is computed from, its traits and the words shared by every definition. No database access."""
