import sys

try:
    from generator.cli import main
except ModuleNotFoundError as exc:  # run outside the virtual environment that `make` creates
    if exc.name and exc.name.split(".")[0] in ("yaml", "jinja2", "markdown", "nh3", "icalendar", "markupsafe"):
        print(
            f"Usage error: lsfmm-prep needs the packages of its virtual environment ({exc.name} is missing): "
            "run `make site` once, then `.venv/bin/python -m generator ...` (or `source .venv/bin/activate` first).",
            file=sys.stderr,
        )
        sys.exit(2)
    raise

sys.exit(main())
