"""Splitting a flat Scale payload, project params as defaults, and the common create keys."""

from __future__ import annotations

from typing import Any

import pytest

from assay.tasks.model import (
    COMMON_KEYS,
    NewTask,
    TaskCommon,
    TaskStatus,
    build_task,
    check_callback_url,
    split_payload,
)
from tests.tasks.checks import assert_mentions, assert_names, rejected

CATS = {"categories": ["cat", "dog"]}


def _build(project_params: dict[str, Any] | None = None, **payload: Any) -> NewTask:
    base = {"project": "pets", "attachment": "https://example.com/1.jpg"}
    defaults = CATS if project_params is None else project_params
    return build_task("categorization", {**base, **payload}, defaults)


def test_the_common_keys() -> None:
    assert {
        "project",
        "batch",
        "instruction",
        "callback_url",
        "metadata",
        "unique_id",
        "tags",
        "priority",
        "clear_unique_id_on_error",
    } == COMMON_KEYS


def test_task_statuses() -> None:
    assert [s.value for s in TaskStatus] == ["pending", "completed", "canceled", "error"]


# --- split_payload ---------------------------------------------------------------------------


def test_flat_payload_splits_into_common_keys_and_params() -> None:
    payload = {
        "project": "pets",
        "batch": "b1",
        "callback_url": "https://example.com/cb",
        "tags": ["x"],
        "attachment": "https://example.com/1.jpg",
        "categories": ["cat"],
    }
    assert split_payload(payload) == (
        {"project": "pets", "batch": "b1", "callback_url": "https://example.com/cb", "tags": ["x"]},
        {"attachment": "https://example.com/1.jpg", "categories": ["cat"]},
    )


def test_nested_params_are_accepted_when_they_are_the_only_param_key() -> None:
    payload = {"project": "pets", "params": {"attachment": "a", "categories": ["cat"]}}
    assert split_payload(payload) == (
        {"project": "pets"},
        {"attachment": "a", "categories": ["cat"]},
    )


def test_nested_params_beside_flat_ones_stay_a_key_of_their_own() -> None:
    payload = {"params": {"attachment": "a"}, "categories": ["cat"]}
    assert split_payload(payload) == ({}, {"params": {"attachment": "a"}, "categories": ["cat"]})


def test_a_params_key_that_is_not_an_object_is_an_ordinary_key() -> None:
    assert split_payload({"params": "x"}) == ({}, {"params": "x"})


# --- build_task: project params are defaults -------------------------------------------------


def test_project_params_fill_in_what_the_payload_leaves_out() -> None:
    new = _build({**CATS, "allow_multiple": True, "instruction": "Pick all that apply"})
    assert new == NewTask(
        type="categorization",
        common=TaskCommon(project="pets"),
        params={
            "attachment_type": "image",
            "attachment": "https://example.com/1.jpg",
            "categories": ["cat", "dog"],
            "allow_multiple": True,
        },
        instruction="Pick all that apply",
    )


def test_payload_params_replace_project_params_key_by_key() -> None:
    new = _build({**CATS, "allow_multiple": True}, categories=["bird"])
    assert new.params["categories"] == ["bird"]  # replaced whole, not merged
    assert new.params["allow_multiple"] is True


def test_the_payload_instruction_wins_over_the_project_one() -> None:
    new = _build({**CATS, "instruction": "project"}, instruction="task")
    assert new.instruction == "task"
    assert new.common.instruction == "task"


def test_no_instruction_anywhere_is_none() -> None:
    assert _build().instruction is None


def test_nested_params_are_validated_like_flat_ones() -> None:
    new = build_task("categorization", {"params": {"attachment": "a"}}, CATS)
    assert new.params["attachment"] == "a"
    assert new.params["categories"] == ["cat", "dog"]


def test_without_project_params_the_payload_must_be_complete() -> None:
    exc = rejected(lambda: _build({}))
    assert_names(exc, "categories", "give exactly one of categories or taxonomies")


def test_an_explicit_null_in_the_payload_overrides_the_project_default() -> None:
    exc = rejected(lambda: _build(CATS, categories=None))
    assert_names(exc, "categories", "give exactly one of categories or taxonomies")


def test_an_unknown_key_in_the_payload_is_rejected() -> None:
    assert_names(rejected(lambda: _build(colour="red")), "colour", "unknown field")


def test_nested_params_beside_flat_params_are_rejected() -> None:
    payload = {"params": {"attachment": "a"}, "categories": ["cat"]}
    exc = rejected(lambda: build_task("categorization", payload, {}))
    assert exc.details == [
        {"field": "attachment", "message": "field required"},
        {"field": "params", "message": "unknown field"},
    ]


def test_an_unknown_task_type_is_rejected() -> None:
    exc = rejected(lambda: build_task("lidar", {"project": "p"}, {}))
    assert exc.details == [{"field": "type", "message": "unknown task type"}]


# --- common fields ---------------------------------------------------------------------------


def test_every_common_field_is_kept() -> None:
    new = _build(
        batch="b1",
        callback_url="https://example.com/cb?x=1",
        metadata={"source": "cam-3", "n": [1, 2]},
        unique_id="img-0001",
        tags=["night", "rain"],
        priority=100,
        clear_unique_id_on_error=True,
    )
    assert new.common == TaskCommon(
        project="pets",
        batch="b1",
        callback_url="https://example.com/cb?x=1",
        metadata={"source": "cam-3", "n": [1, 2]},
        unique_id="img-0001",
        tags=["night", "rain"],
        priority=100,
        clear_unique_id_on_error=True,
    )


def test_common_defaults() -> None:
    common = _build().common
    assert (common.metadata, common.tags, common.priority) == ({}, [], 0)
    assert (common.batch, common.callback_url, common.unique_id) == (None, None, None)
    assert common.clear_unique_id_on_error is False


@pytest.mark.parametrize("priority", [0, 1, 50, 100])
def test_priorities_from_0_to_100_are_accepted(priority: int) -> None:
    assert _build(priority=priority).common.priority == priority


def test_duplicate_tags_are_rejected() -> None:
    exc = rejected(lambda: _build(tags=["a", "b", "a"]))
    assert exc.message == "tags: duplicate tag"
    assert exc.details == [{"field": "tags", "message": "duplicate"}]


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"priority": 101}, "priority", "less than or equal to 100"),
        ({"priority": -1}, "priority", "greater than or equal to 0"),
        ({"priority": "high"}, "priority", "valid integer"),
        ({"tags": [""]}, "tags.0", "at least 1 character"),
        ({"tags": ["x" * 256]}, "tags.0", "at most 255 characters"),
        ({"tags": [f"t{i}" for i in range(101)]}, "tags", "at most 100 items"),
        ({"tags": "night"}, "tags", "valid list"),
        ({"unique_id": ""}, "unique_id", "at least 1 character"),
        ({"unique_id": "u" * 256}, "unique_id", "at most 255 characters"),
        ({"metadata": [1, 2]}, "metadata", "valid dictionary"),
        ({"project": ""}, "project", "at least 1 character"),
        ({"callback_url": "mailto:ops@example.com"}, "callback_url", "must be an http(s) URL"),
        ({"callback_url": "ftp://example.com/x"}, "callback_url", "must be an http(s) URL"),
        ({"callback_url": "http:///no-host"}, "callback_url", "must be an http(s) URL"),
        ({"callback_url": "https://example.com/" + "x" * 2000}, "callback_url", "at most 2000"),
        ({"clear_unique_id_on_error": "sometimes"}, "clear_unique_id_on_error", "valid boolean"),
    ],
)
def test_bad_common_fields_name_the_field(
    payload: dict[str, Any], field: str, fragment: str
) -> None:
    assert_mentions(rejected(lambda: _build(**payload)), field, fragment)


def test_the_callback_url_message_explains_the_rule() -> None:
    exc = rejected(lambda: _build(callback_url="mailto:ops@example.com"))
    assert_names(
        exc,
        "callback_url",
        "Value error, must be an http(s) URL (e-mail callbacks are not supported)",
    )


def test_an_empty_callback_url_means_none() -> None:
    assert _build(callback_url="").common.callback_url is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("http://127.0.0.1:8000/cb", "http://127.0.0.1:8000/cb"),
        ("HTTPS://Example.com/cb", "HTTPS://Example.com/cb"),
    ],
)
def test_check_callback_url_keeps_http_urls(value: str | None, expected: str | None) -> None:
    assert check_callback_url(value) == expected


@pytest.mark.parametrize("value", ["example.com/cb", "mailto:a@b.c", "https://", "file:///etc"])
def test_check_callback_url_refuses_the_rest(value: str) -> None:
    with pytest.raises(ValueError, match=r"must be an http\(s\) URL"):
        check_callback_url(value)
