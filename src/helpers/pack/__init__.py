"""Stage 5, building and publishing the pack: the chapter plan, papermill, Quarto, the manifest.

`build.build_pack` is the one entry point: check, statistics, notebooks, render, publish.
"""
