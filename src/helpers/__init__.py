"""Vision Tracker: the monthly children's services performance pack.

Everything notebooks and the command line share lives in this package, so a chapter
reads as narrative plus a few calls and an analyst's deep dive uses the same calls.
"""

__version__ = "0.1.0"
