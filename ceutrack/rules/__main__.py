"""`python -m ceutrack.rules evaluate FILE.json`: the engine's contract (docs/rules.md §6)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ceutrack.rules.engine import evaluate
from ceutrack.rules.scenario import ScenarioError, load_scenario, to_json

EXIT_MALFORMED = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ceutrack.rules")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("evaluate", help="evaluate a scenario file and print JSON")
    run.add_argument("file", help="scenario JSON file")
    args = parser.parse_args(argv)
    try:
        person, today = load_scenario(args.file)
    except ScenarioError as exc:
        print(f"error: {exc.reason}", file=sys.stderr)
        return EXIT_MALFORMED
    print(json.dumps(to_json(evaluate(person, today=today)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
