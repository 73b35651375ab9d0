"""Clause text rendered at its YAML path by the jinja2 sandbox, every failure collected as a located problem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from generator.documents import sandbox
from generator.documents.template_limits import BUDGET, Budget, LimitExceeded
from generator.errors import Problem
from generator.source.loader import PathKey


class Located(Protocol):
    """Where text comes from: a loaded file, or a contract year whose values were written in one."""

    def problem(self, path: PathKey, message: str, severity: str = "error") -> Problem:
        """A problem located at ``path``."""


class Renderer:
    """Renders text found at a YAML path and collects every failure as a located problem."""

    def __init__(self, document: Located, write_optional_zero: bool, context: Mapping[str, Any]):
        self.document = document
        self.write_optional_zero = write_optional_zero
        self.context = dict(context)
        self.problems: list[Problem] = []

    def render(self, text: Any, path: PathKey, **extra: Any) -> str:
        """Render ``text`` (found at ``path``); plain text passes through untouched."""
        if text is None:
            self.problems.append(self.document.problem(path, "此处需要文字，但值为空"))
            return ""
        if not isinstance(text, str):
            return str(text)
        if "{{" not in text and "{%" not in text and "{#" not in text:
            return text
        result, problem = self._attempt(text, {**self.context, **extra} if extra else self.context)
        if problem is not None:
            self.problems.append(self.document.problem(path, problem))
        return result

    def _attempt(self, text: str, values: Mapping[str, Any]) -> tuple[str, str | None]:
        """The rendered text, or "" and why it could not be rendered (a fresh budget for every text)."""
        token = BUDGET.set(Budget())
        try:
            return sandbox.render(self.write_optional_zero, text, values), None
        except (sandbox.SecurityError, LimitExceeded) as exc:
            problem = f"模板表达式不安全或开销过大：{sandbox.explain(exc)}"
        except sandbox.TemplateError as exc:
            problem = f"模板表达式错误：{sandbox.explain(exc)}"
        except RecursionError:
            problem = "模板表达式无法计算：递归过深（括号或前缀嵌套过深，或宏调用了自身）"
        except SyntaxError:  # jinja2 writes Python that Python refuses: 20 nested loops, 200 nested brackets …
            problem = "模板表达式过于复杂：嵌套过深或过长，请拆成几段"
        except (ArithmeticError, TypeError, ValueError, AttributeError, KeyError, IndexError, LookupError) as exc:
            problem = f"模板表达式无法计算：{str(exc)[:200]}"
        finally:
            BUDGET.reset(token)
        return "", problem
