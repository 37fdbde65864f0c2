"""Measures straight from Annex A: Ofsted's child-level lists, turned into the month's figures.

`tracker annex-a WORKBOOK` reads the workbook (workbook), checks every row (checks), applies
each catalogue measure's rule (rules, with working days from calendar) and writes or loads the
monthly aggregates (compute, output). Only aggregates leave this package: no child id, name,
date of birth or worker ever reaches the store, a file, a log or a message.

Errors and warnings, decided per check (an error stops everything: exit 2, nothing written or
loaded; a warning leaves the row out of the figures that need the cell, is printed, and is
counted in the `.checks.json` summary beside the extract, which the data notes show):

| check | severity |
|---|---|
| a list a measure uses has no sheet, or two sheets look like it | error |
| a required column is missing (the message names the sheet and the header expected) | error |
| a date that is not a date, or not a real date ("31/02/2026"), in a list a measure uses | error |
| an impossible order (authorisation before start, conference before strategy | error |
| discussion, a plan or time in care ending before it started) | |
| a date after the extraction date | error |
| an unknown code ("Maybe" for Referral NFA?), or a count that is not a whole number | error |
| a formula ("=H2+5") or an Excel error ("#N/A") in a cell | warning |
| a blank cell a rule needs (the event's date, a count, a care leaver's birth date) | warning |
| the same child and event date twice in a list (the repeat is left out) | warning |
| an unreadable or future date of birth (never quoted) | warning |
| any problem in a list no measure uses | warning |

Blanks that mean "none yet" are not problems: no authorisation (still open), no conference, no
end date (still open), Referral NFA? blank (counted as no), activity or accommodation blank
(counted as not known, so not in education or not suitable).
"""
