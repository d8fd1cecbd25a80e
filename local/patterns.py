"""EventBridge-style event patterns (also Lambda's event-source FilterCriteria), as the template writes them.

Only the operators the shop's template uses or may reasonably use: exact values, prefix, exists,
anything-but and numeric ranges.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

_NUMERIC: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
    ">=": operator.ge,
    ">": operator.gt,
}
_ABSENT = object()


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    return all(_field_matches(rule, event.get(key, _ABSENT)) for key, rule in pattern.items())


def _field_matches(rule: Any, value: Any) -> bool:
    if isinstance(rule, dict):
        return isinstance(value, dict) and matches(rule, value)
    if not isinstance(rule, list):
        raise ValueError(f"pattern values must be lists or objects, not {rule!r}")
    candidates = value if isinstance(value, list) else [value]
    return any(_value_matches(option, candidate) for option in rule for candidate in candidates)


def _value_matches(option: Any, value: Any) -> bool:  # noqa: PLR0911 - one return per operator
    if not isinstance(option, dict):
        return value is not _ABSENT and option == value
    ((name, argument),) = option.items()
    if name == "exists":
        return (value is not _ABSENT) == bool(argument)
    if value is _ABSENT:
        return False
    if name == "prefix":
        return isinstance(value, str) and value.startswith(argument)
    if name == "anything-but":
        excluded = argument if isinstance(argument, list) else [argument]
        return value not in excluded
    if name == "numeric":
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        pairs = zip(argument[::2], argument[1::2], strict=True)
        return all(_NUMERIC[op](value, bound) for op, bound in pairs)
    raise ValueError(f"unsupported pattern operator {name!r}")
