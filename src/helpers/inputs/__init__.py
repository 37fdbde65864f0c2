"""Stage 1, the inputs: the catalogue, the month's extracts, their checks, the store, the picks.

Everything that reads a file the analyst maintains (data/*.yml, data/extracts/) and everything
that writes the store lives here; later stages only read what these modules return.
"""
