"""The HTML run report: ``write_run_report``."""

from pipeline.report.run_report import write_run_report

__all__ = ["write_run_report"]
