"""The pack reaches members: the council's web folder (an archive of months, a stable latest/)
and the Chair's email through the council's mail server."""
