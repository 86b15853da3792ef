"""The commands of `python -m generator`, one module each, each with a `run(args)` that the
command line (`generator.cli`) calls. A command opens what it needs at the edge (the cache,
the lock through the build), runs the build's or the import's phases, and says what happened:
results to standard output, problems and warnings to standard error (`commands.output`).
Errors are raised (`generator.errors`) and printed once, by `cli.main`.
"""
