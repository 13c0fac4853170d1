"""Demo data, loaded on purpose only (``flask demo load``)."""
