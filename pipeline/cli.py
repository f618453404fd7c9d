"""`conflict-events` command line: a thin layer over the stage functions.

Each stage contributes its subcommands from its own ``commands.py`` (``register(subparsers)``); this
module only adds the global flags and maps them onto Settings in ``args_to_settings``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import logging
import re
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


DATE_FORMAT_HINT = "use the format YYYY-MM-DD, e.g. 2025-03-03"


def iso_date(text: str) -> dt.date:
    """argparse type for a calendar date; the error names the expected format."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: {DATE_FORMAT_HINT}") from None


class Parser(argparse.ArgumentParser):
    """ArgumentParser whose date errors name the format, whichever stage module declared the option."""

    def error(self, message: str) -> None:  # type: ignore[override]
        message = re.sub(r"invalid fromisoformat value: ('[^']*')", rf"\1 is not a date: {DATE_FORMAT_HINT}",
                         message)
        super().error(message)


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("conflict-events")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="conflict-events",
        description="Arabic news -> conflict events: crawl, extract, validate, store, load, publish.",
    )
    parser.add_argument("--config", help="TOML file laid over pipeline/defaults.toml")
    parser.add_argument("--data-root", help="root folder or fsspec URL of all outputs (default: data)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()} (schema "
                        f"{_schema_version()}, extractor {_extractor_version()})")
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


def _schema_version() -> str:
    from pipeline.schema import SCHEMA_VERSION

    return SCHEMA_VERSION


def _extractor_version() -> str:
    try:
        from pipeline.extract.engine import EXTRACTOR_VERSION
    except ImportError:
        return "unknown"
    return EXTRACTOR_VERSION


def user_error(exc: BaseException) -> str | None:
    """The one-line message for an error the user can fix, or None for a bug (which keeps its traceback)."""
    import duckdb
    import pyarrow as pa

    if isinstance(exc, PipelineError):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return f"{exc.filename or exc}: no such file; check the path"
    if isinstance(exc, IsADirectoryError | NotADirectoryError | PermissionError):
        return f"{exc.filename or exc}: {exc.strerror or exc}"
    if isinstance(exc, UnicodeDecodeError):
        return f"input is not UTF-8 text ({exc.reason} at byte {exc.start}); convert it to UTF-8"
    if isinstance(exc, duckdb.Error):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"SQL error: {first}"
    if isinstance(exc, pa.ArrowInvalid | pa.ArrowIOError):
        return f"unreadable Parquet/Arrow input: {str(exc).splitlines()[0]}"
    return None


def args_to_settings(args: argparse.Namespace) -> Settings:
    """The one place where command-line flags become settings."""
    overrides: dict[str, dict] = {}
    if args.data_root:
        overrides.setdefault("paths", {})["data_root"] = args.data_root
    for section, values in getattr(args, "settings_overrides", lambda a: {})(args).items():
        overrides.setdefault(section, {}).update(values)
    return Settings.load(args.config, **overrides)


def _without_great_expectations_info(record: logging.LogRecord) -> bool:
    """Log filter: Great Expectations' warnings and errors pass, its INFO and DEBUG chatter does not."""
    return not record.name.startswith("great_expectations") or record.levelno >= logging.WARNING


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not args.verbose:  # Great Expectations logs its set-up at INFO (some over several lines: a bare "[]")
        for handler in logging.getLogger().handlers:
            if _without_great_expectations_info not in handler.filters:
                handler.addFilter(_without_great_expectations_info)
    try:
        settings = args_to_settings(args)
        return int(args.handler(args, settings) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        message = user_error(exc)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
