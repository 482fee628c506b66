"""Workflows: stages, their JSON form, and how many judgments a task needs."""

from __future__ import annotations

from typing import Any

import pytest

from assay.queue.workflow import DEFAULT_WORKFLOW, Stage, Workflow, judgments_for
from assay.tasks.types import get_type
from tests.tasks.checks import rejected


def test_the_default_workflow_is_one_label_stage_with_one_judgment() -> None:
    assert DEFAULT_WORKFLOW.to_json() == [{"name": "label", "kind": "label", "judgments": 1}]
    assert DEFAULT_WORKFLOW.first == Stage("label")


def test_json_round_trip() -> None:
    flow = Workflow((Stage("label", judgments=3), Stage("second")))
    raw = flow.to_json()
    assert raw == [
        {"name": "label", "kind": "label", "judgments": 3},
        {"name": "second", "kind": "label", "judgments": 1},
    ]
    assert Workflow.from_json(raw) == flow


def test_stages_are_found_by_name() -> None:
    flow = Workflow((Stage("label"), Stage("second", judgments=2)))
    assert flow.first.name == "label"
    assert flow.stage("second") == Stage("second", judgments=2)
    exc = rejected(lambda: flow.stage("review"))
    assert exc.message == "workflow has no stage 'review'"


@pytest.mark.parametrize(
    ("params", "stage_judgments", "expected"),
    [
        ({}, 1, 1),
        ({"attachment": "a"}, 1, 1),
        ({"responses_required": 1}, 1, 1),
        ({"responses_required": 3}, 1, 3),
        ({}, 2, 2),
        ({"responses_required": 3}, 2, 3),
        ({"responses_required": 2}, 5, 5),
    ],
)
def test_judgments_are_the_larger_of_the_stage_and_responses_required(
    params: dict[str, Any], stage_judgments: int, expected: int
) -> None:
    assert judgments_for(params, Stage("label", judgments=stage_judgments)) == expected


def test_textcollection_params_drive_the_number_of_judgments() -> None:
    params = get_type("textcollection").validate_params(
        {"fields": [{"type": "text", "field_id": "f", "title": "F"}], "responses_required": 4}
    )
    assert judgments_for(params, DEFAULT_WORKFLOW.first) == 4
