"""``represent``: one built serializer per class and thread, with exactly the output of a fresh one."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from rest_framework import serializers

from cases.selectors import Scope
from cases.serializers import CaseSerializer, CaseSummarySerializer
from safeguarding.api.representation import represent
from tests.cases.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return World()


@pytest.mark.parametrize("serializer_class", [CaseSerializer, CaseSummarySerializer])
@pytest.mark.parametrize("scope", [Scope.SUMMARY, Scope.FULL, Scope.OWNER])
def test_the_output_is_what_a_fresh_serializer_gives(world: World, serializer_class: Any, scope: Scope) -> None:
    case = world.case()
    context = {"scopes": {case.pk: scope}}
    expected = dict(serializer_class(case, context=context).data)
    assert represent(serializer_class, case, context) == expected
    assert represent(serializer_class, case, context) == expected  # and again, from the kept instance


def test_each_call_sees_its_own_context_and_none_is_kept_after_it(world: World) -> None:
    first, second = world.case(), world.case()
    assert represent(CaseSerializer, first, {"scopes": {first.pk: Scope.OWNER}})["scope"] == "owner"
    assert represent(CaseSerializer, second, {"scopes": {second.pk: Scope.FULL}})["scope"] == "full"
    assert represent(CaseSerializer, first, {})["scope"] is None


class Echo(serializers.Serializer[Any]):
    name = serializers.CharField()
    inner = serializers.SerializerMethodField()

    def get_inner(self, obj: dict[str, Any]) -> Any:
        child = obj.get("child")
        return represent(Echo, child, {"depth": self.context["depth"] + 1}) if child else self.context["depth"]


def test_a_call_made_while_the_same_class_is_serialising_builds_its_own_instance() -> None:
    tree = {"name": "a", "child": {"name": "b", "child": {"name": "c"}}}
    expected = {"name": "a", "inner": {"name": "b", "inner": {"name": "c", "inner": 2}}}
    assert represent(Echo, tree, {"depth": 0}) == expected


def test_threads_do_not_share_an_instance() -> None:
    seen: list[Any] = []
    errors: list[BaseException] = []

    def serialise(n: int) -> None:
        try:
            for _ in range(50):
                seen.append(represent(Echo, {"name": str(n)}, {"depth": n}) == {"name": str(n), "inner": n})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=serialise, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(seen) and len(seen) == 200
