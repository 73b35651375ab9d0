"""hotline-contract-gen: a 12345 hotline outsourcing contract and its documents from one YAML source.

The public API is listed in ``__all__``; everything else is internal. Names are imported on first use,
so that a command (or a test) that needs one part of the package does not pay for the rest.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_PUBLIC = {
    "Plan": "generator.api", "Report": "generator.api", "Verdict": "generator.api", "generate": "generator.api",
    "generate_all": "generator.api", "generate_assessment": "generator.api", "generate_sample": "generator.api",
    "load_contract": "generator.api", "new_year": "generator.api", "plan_all": "generator.api",
    "validate": "generator.api", "verify": "generator.api",
    "EnvironmentProblem": "generator.errors", "GenError": "generator.errors", "InputError": "generator.errors",
    "Problem": "generator.errors", "UsageError": "generator.errors", "Request": "generator.requests",
}

__all__ = sorted([*_PUBLIC, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
