"""hotline-contract-gen: a 12345 hotline outsourcing contract and its documents from one YAML source.

The public API is listed in ``__all__``; everything else is internal.
"""

from __future__ import annotations

__version__ = "0.1.0"

from generator.api import (
    Plan,
    Report,
    Verdict,
    generate,
    generate_all,
    generate_assessment,
    generate_sample,
    load_contract,
    plan_all,
    validate,
    verify,
)
from generator.errors import EnvironmentProblem, GenError, InputError, Problem, UsageError
from generator.jobs import Job

__all__ = [
    "EnvironmentProblem",
    "GenError",
    "InputError",
    "Job",
    "Plan",
    "Problem",
    "Report",
    "UsageError",
    "Verdict",
    "__version__",
    "generate",
    "generate_all",
    "generate_assessment",
    "generate_sample",
    "load_contract",
    "plan_all",
    "validate",
    "verify",
]
