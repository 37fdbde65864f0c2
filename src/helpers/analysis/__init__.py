"""Stage 3, the month's statistics: every measure's SPC verdict and evidence, computed once.

`verdict` applies the pure engines (helpers.spc, helpers.stats) to the store's series;
`month` assembles one month's analysis, writes it into the pack folder and reads it back for
the chapters.
"""
