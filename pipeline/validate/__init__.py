"""Great Expectations validation of staged tables: valid rows, quarantine, batch-level failures.

Importing this package does not import Great Expectations (it is loaded on the first validation).
"""

from pipeline.validate.core import ValidationResult, raise_for_batch_failures, validate_table

__all__ = ["ValidationResult", "raise_for_batch_failures", "validate_table"]
