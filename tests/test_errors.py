from __future__ import annotations

import pytest

from service_codes import (
    InvalidChecksum,
    InvalidCode,
    InvalidComponent,
    InvalidFormat,
    InvalidGuide,
    InvalidLength,
    Problem,
    RegistryCorrupt,
    RegistryError,
    ServiceCodesError,
)


@pytest.mark.parametrize(
    "error",
    [InvalidLength, InvalidFormat, InvalidComponent, InvalidChecksum],
)
def test_code_errors_are_invalid_codes_with_default_messages(error: type[InvalidCode]) -> None:
    instance = error()
    assert isinstance(instance, InvalidCode) and isinstance(instance, ServiceCodesError)
    assert instance.message == str(instance) and instance.message
    assert instance.message_zh and instance.message_zh != instance.message


def test_registry_corrupt_is_a_registry_error() -> None:
    assert issubclass(RegistryCorrupt, RegistryError)
    assert issubclass(RegistryError, ServiceCodesError)


def test_invalid_guide_summarises_its_problems() -> None:
    empty = Problem(
        path="/name", rule="schema.minLength", message="must not be empty", message_zh="不能为空"
    )
    problems = [empty, Problem(path="/visits", rule="schema.type", message="x", message_zh="y")]
    error = InvalidGuide(problems)
    assert error.problems == tuple(problems)
    assert str(error) == "invalid guide: /name: must not be empty (and 1 more)"
    assert error.message_zh == "办事指南无效：/name：不能为空（另有 1 处）"


def test_invalid_guide_without_problems_keeps_the_default_message() -> None:
    assert str(InvalidGuide([])) == "invalid guide"
