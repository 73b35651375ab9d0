"""Clause text rendered at its YAML path, every failure collected as a located problem.

A text is rendered directly by ``template_eval`` when it has the shapes contract text uses, and by the
jinja2 sandbox (``sandbox``) otherwise: both give the same text, count against the same budget and
size limits (``template_limits``), and jinja2 reports every error. jinja2 is imported only when a text
needs it, so a contract written in the usual shapes never loads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.documents import template_eval
from generator.documents.template_limits import (
    BUDGET,
    MAX_OUTPUT,
    Budget,
    LimitExceeded,
    counted,
    direct_filters,
)
from generator.source.loader import Document, PathKey


class Renderer:
    """Renders text found at a YAML path and collects every failure as a located problem."""

    def __init__(self, document: Document, write_optional_zero: bool, context: Mapping[str, Any]):
        self.document = document
        self.write_optional_zero = write_optional_zero
        self.filters = direct_filters(write_optional_zero)
        self.context = counted(dict(context))
        self.problems: list[Any] = []

    def render(self, text: Any, path: PathKey, **extra: Any) -> str:
        """Render ``text`` (found at ``path``); plain text passes through untouched."""
        if text is None:
            self.problems.append(self.document.problem(path, "此处需要文字，但值为空"))
            return ""
        if not isinstance(text, str):
            return str(text)
        if "{{" not in text and "{%" not in text and "{#" not in text:
            return text
        values = {**self.context, **counted(extra)} if extra else self.context
        token = BUDGET.set(Budget())
        try:
            result = template_eval.render(text, values, self.filters)
        finally:
            BUDGET.reset(token)
        if result is None:
            result = self._with_jinja(text, path, values)
        if len(result) > MAX_OUTPUT:
            self.problems.append(self.document.problem(path, f"模板展开后过长（超过 {MAX_OUTPUT} 字）"))
            return ""
        return result

    def _with_jinja(self, text: str, path: PathKey, values: Mapping[str, Any]) -> str:
        from generator.documents import sandbox

        token = BUDGET.set(Budget())  # a fresh budget: the direct attempt may have spent some
        try:
            return sandbox.render(self.write_optional_zero, text, values)
        except (sandbox.SecurityError, LimitExceeded) as exc:
            problem = f"模板表达式不安全或开销过大：{exc}"
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
        self.problems.append(self.document.problem(path, problem))
        return ""
