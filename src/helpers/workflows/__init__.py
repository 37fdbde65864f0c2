"""Stage 6, the members' and analysts' workflows that change project files between builds.

The six-monthly tracker refresh and an analyst's new deep-dive chapter. (Members' deep-dive
picks are an input the build reads, so they live in helpers.inputs.selections.)
"""
