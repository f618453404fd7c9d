"""`conflict-events` command line: a thin layer over the stage functions.

Each stage contributes its subcommands from its own ``commands.py`` (``register(subparsers)``); this
module only adds the global flags and maps them onto Settings in ``args_to_settings``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from pipeline.errors import PipelineError
from pipeline.settings import Settings

COMMAND_MODULES: tuple[str, ...] = (
    "pipeline.run_commands",
    "pipeline.crawl.commands",
    "pipeline.extract.commands",
    "pipeline.validate.commands",
    "pipeline.load.commands",
    "pipeline.publish.commands",
    "pipeline.report.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conflict-events",
        description="Arabic news -> conflict events: crawl, extract, validate, store, load, publish.",
    )
    parser.add_argument("--config", help="TOML file laid over pipeline/defaults.toml")
    parser.add_argument("--data-root", help="root folder or fsspec URL of all outputs (default: data)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(subparsers)
    return parser


def args_to_settings(args: argparse.Namespace) -> Settings:
    """The one place where command-line flags become settings."""
    overrides: dict[str, dict] = {}
    if args.data_root:
        overrides.setdefault("paths", {})["data_root"] = args.data_root
    for section, values in getattr(args, "settings_overrides", lambda a: {})(args).items():
        overrides.setdefault(section, {}).update(values)
    return Settings.load(args.config, **overrides)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("great_expectations._docs_decorators").setLevel(logging.WARNING)
    try:
        settings = args_to_settings(args)
        return int(args.handler(args, settings) or 0)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
