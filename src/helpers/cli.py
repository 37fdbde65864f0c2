"""The `tracker` command line (placeholder until the commands land)."""

import typer

app = typer.Typer(help="Vision Tracker: build the monthly children's services performance pack.")


@app.callback()
def main() -> None:
    """Vision Tracker command line."""
