"""hotline-contract-gen: the Lingshui 12345 hotline contract and its documents from one YAML source."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import Report, generate_contract, generate_requirements, load_contract, validate
from .errors import GenError, InputError, Problem, UsageError

__all__ = [
    "GenError",
    "InputError",
    "Problem",
    "Report",
    "UsageError",
    "__version__",
    "generate_contract",
    "generate_requirements",
    "load_contract",
    "validate",
]
