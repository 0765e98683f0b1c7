"""HTML pages of the cases app: one module per area (pages, imports)."""
