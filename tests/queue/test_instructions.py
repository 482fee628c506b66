"""A project's instructions and examples reach the annotator with each assignment."""

from __future__ import annotations

from tests.factories import Api, Tenant

EXAMPLES = [
    {"title": "A cat", "text": "Pointy ears, whiskers.", "image": "https://x/cat.jpg"},
    {"text": "When unsure, skip with a reason."},
]


def test_examples_are_project_params_shown_with_assignments(api: Api, tenant: Tenant) -> None:
    params = {"categories": ["cat", "dog"], "instruction": "Pick the animal", "examples": EXAMPLES}
    api.project("pets", "categorization", params)
    created = api.task("categorization", project="pets", attachment="https://x/1.jpg")
    # Examples describe the project: they are not copied into each task's params.
    assert "examples" not in created["params"]
    a = api.as_key(tenant.annotator_key).lease("pets")
    assert a["instructions"] == {"text": "Pick the animal", "examples": EXAMPLES}


def test_bad_examples_are_refused_with_the_field_named(api: Api) -> None:
    for examples, field in (
        ("read the docs", "params.examples"),
        ([{"title": "x", "colour": "red"}], "params.examples.0.colour"),
        ([{"text": 5}], "params.examples.0.text"),
        ([{"text": "x"}] * 51, "params.examples"),
    ):
        r = api.post(
            "/v1/projects",
            json={"name": "p", "type": "categorization", "params": {"examples": examples}},
        )
        assert r.status_code == 400, r.text
        assert field in r.json()["error"], (examples, r.json()["error"])
