"""``imageannotation``: geometry specs, attributes, and every rule on drawn objects."""

from __future__ import annotations

from typing import Any

import pytest

from assay.tasks.types import get_type
from tests.tasks.checks import assert_mentions, assert_names, rejected

KIND = get_type("imageannotation")

PARAMS: dict[str, Any] = {
    "attachment": "https://example.com/street.jpg",
    "geometries": {
        "box": {
            "objects_to_annotate": ["car", {"choice": "person", "subchoices": ["child"]}],
            "min_width": 5,
            "integer_pixels": True,
        },
        "polygon": {"objects_to_annotate": ["building"], "min_vertices": 4, "max_vertices": 5},
        "line": {"objects_to_annotate": ["lane"]},
        "point": {"objects_to_annotate": ["keypoint"]},
    },
    "annotation_attributes": {
        "occluded": {"choices": ["yes", "no"], "required": True, "labels": ["car"]},
        "colors": {"choices": ["red", "blue"], "allow_multiple": True},
        "speed": {"type": "number", "min": 0, "max": 200},
        "note": {"type": "text"},
        "parked": {"type": "boolean", "labels": ["car"]},
    },
}

GEOMETRY_DEFAULTS = {
    "min_width": 0.0,
    "min_height": 0.0,
    "can_rotate": False,
    "integer_pixels": False,
}


def _params(**changes: Any) -> dict[str, Any]:
    return KIND.validate_params({**PARAMS, **changes})


def _car(**changes: Any) -> dict[str, Any]:
    box = {"type": "box", "label": "car", "left": 10, "top": 20, "width": 30, "height": 40}
    return {**box, "attributes": {"occluded": "no"}, **changes}


SQUARE = [{"x": 0, "y": 0}, {"x": 10, "y": 0}, {"x": 10, "y": 10}, {"x": 0, "y": 10}]


# --- params ----------------------------------------------------------------------------------


def test_params_are_normalized_with_defaults() -> None:
    raw = {
        "attachment": "https://example.com/a.jpg",
        "geometries": {"box": {"objects_to_annotate": ["car"], "min_width": 5}},
        "annotation_attributes": {"occluded": {"choices": ["yes", "no"]}},
    }
    assert KIND.validate_params(raw) == {
        "attachment": "https://example.com/a.jpg",
        "attachment_type": "image",
        "geometries": {
            "box": {**GEOMETRY_DEFAULTS, "objects_to_annotate": ["car"], "min_width": 5.0},
        },
        "annotation_attributes": {
            "occluded": {
                "type": "category",
                "choices": ["yes", "no"],
                "allow_multiple": False,
                "required": False,
            }
        },
    }


def test_context_attachments_and_a_valid_hypothesis_are_kept_as_given() -> None:
    hypothesis = {"annotations": [{"type": "point", "label": "keypoint", "x": 1, "y": 2}]}
    out = _params(context_attachments=[{"attachment": "https://x/side.jpg"}], hypothesis=hypothesis)
    assert out["context_attachments"] == [{"attachment": "https://x/side.jpg"}]
    assert out["hypothesis"] == {
        "annotations": [{"type": "point", "label": "keypoint", "x": 1.0, "y": 2.0}]
    }


def _geometries(**spec: Any) -> dict[str, Any]:
    return {"attachment": "a", "geometries": spec}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (_geometries(), "geometries", "declare at least one of box, polygon, line, point"),
        (
            _geometries(box={"objects_to_annotate": ["car", "car"]}),
            "geometries.box.objects_to_annotate",
            "duplicate choice 'car'",
        ),
        (
            _geometries(polygon={"objects_to_annotate": ["a"], "min_vertices": 2}),
            "geometries.polygon.min_vertices",
            "must be at least 3",
        ),
        (
            _geometries(line={"objects_to_annotate": ["a"], "min_vertices": 1}),
            "geometries.line.min_vertices",
            "must be at least 2",
        ),
        (
            _geometries(
                polygon={"objects_to_annotate": ["a"], "min_vertices": 5, "max_vertices": 4}
            ),
            "geometries.polygon.max_vertices",
            "is less than min_vertices",
        ),
        (_geometries(cuboid={"objects_to_annotate": ["a"]}), "geometries.cuboid", "unknown field"),
        (
            {
                **_geometries(point={"objects_to_annotate": ["a"]}),
                "annotation_attributes": {"o": {}},
            },
            "annotation_attributes.o.choices",
            "a category attribute needs choices",
        ),
        (
            {
                **_geometries(point={"objects_to_annotate": ["a"]}),
                "annotation_attributes": {"o": {"choices": ["y", "y"]}},
            },
            "annotation_attributes.o.choices",
            "duplicate choice",
        ),
        (
            {
                **_geometries(point={"objects_to_annotate": ["a"]}),
                "annotation_attributes": {"o": {"type": "text", "choices": ["y"]}},
            },
            "annotation_attributes.o.choices",
            "only category attributes have choices",
        ),
        (
            {
                **_geometries(point={"objects_to_annotate": ["a"]}),
                "annotation_attributes": {"n": {"type": "number", "min": 5, "max": 1}},
            },
            "annotation_attributes.n",
            "min is greater than max",
        ),
        (
            {
                **_geometries(point={"objects_to_annotate": ["a"]}),
                "hypothesis": {"annotations": [{"type": "point", "label": "b", "x": 1, "y": 1}]},
            },
            "hypothesis.annotations.0.label",
            "'b' is not an object to annotate",
        ),
        ({"geometries": {"point": {"objects_to_annotate": ["a"]}}}, "attachment", "field required"),
    ],
)
def test_bad_params_name_the_field(params: dict[str, Any], field: str, message: str) -> None:
    assert_names(rejected(lambda: KIND.validate_params(params)), field, message)


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        (_geometries(box={"objects_to_annotate": []}), "geometries.box.objects_to_annotate",
         "at least 1 item"),
        (_geometries(box={"objects_to_annotate": ["a"], "min_width": -1}),
         "geometries.box.min_width", "greater than or equal to 0"),
        (_geometries(polygon={"objects_to_annotate": ["a"], "max_vertices": 0}),
         "geometries.polygon.max_vertices", "greater than or equal to 1"),
        ({**_geometries(point={"objects_to_annotate": ["a"]}), "attachment_type": "video"},
         "attachment_type", "'image'"),
        ({**_geometries(point={"objects_to_annotate": ["a"]}),
          "annotation_attributes": {"o": {"type": "colour"}}},
         "annotation_attributes.o.type", "'category'"),
    ],
)  # fmt: skip
def test_bad_values_are_reported_by_field(
    params: dict[str, Any], field: str, fragment: str
) -> None:
    assert_mentions(rejected(lambda: KIND.validate_params(params)), field, fragment)


# --- valid responses -------------------------------------------------------------------------


def test_every_geometry_is_normalized_and_gets_a_uuid() -> None:
    response = {
        "annotations": [
            _car(uuid="car-1", rotation=0, attributes={"occluded": "yes", "parked": True}),
            {"type": "box", "label": "child", "left": 0, "top": 0, "width": 5, "height": 1},
            {"type": "polygon", "label": "building", "vertices": SQUARE},
            {"type": "line", "label": "lane", "vertices": [{"x": 0, "y": 0}, {"x": 3.5, "y": 4}]},
            {
                "type": "point",
                "label": "keypoint",
                "x": 1.5,
                "y": 2,
                "attributes": {"colors": ["red", "blue"], "speed": 12.5, "note": "hi"},
            },
        ]
    }
    assert KIND.validate_response(_params(), response) == {
        "annotations": [
            {
                "uuid": "car-1",
                "type": "box",
                "label": "car",
                "attributes": {"occluded": "yes", "parked": True},
                "left": 10.0,
                "top": 20.0,
                "width": 30.0,
                "height": 40.0,
                "rotation": 0.0,
            },
            {
                "uuid": "response-1",
                "type": "box",
                "label": "child",
                "left": 0.0,
                "top": 0.0,
                "width": 5.0,
                "height": 1.0,
            },
            {
                "uuid": "response-2",
                "type": "polygon",
                "label": "building",
                "vertices": [
                    {"x": 0.0, "y": 0.0},
                    {"x": 10.0, "y": 0.0},
                    {"x": 10.0, "y": 10.0},
                    {"x": 0.0, "y": 10.0},
                ],
            },
            {
                "uuid": "response-3",
                "type": "line",
                "label": "lane",
                "vertices": [{"x": 0.0, "y": 0.0}, {"x": 3.5, "y": 4.0}],
            },
            {
                "uuid": "response-4",
                "type": "point",
                "label": "keypoint",
                "attributes": {"colors": ["red", "blue"], "speed": 12.5, "note": "hi"},
                "x": 1.5,
                "y": 2.0,
            },
        ]
    }


def test_an_empty_response_is_valid() -> None:
    assert KIND.validate_response(_params(), {"annotations": []}) == {"annotations": []}


def test_the_inner_node_of_a_nested_label_is_a_label_too() -> None:
    person = {"type": "box", "label": "person", "left": 0, "top": 0, "width": 5, "height": 5}
    out = KIND.validate_response(_params(), {"annotations": [person]})
    assert out["annotations"][0]["label"] == "person"


def test_rotation_is_allowed_when_boxes_can_rotate() -> None:
    geometries = {"box": {"objects_to_annotate": ["car"], "can_rotate": True}}
    params = KIND.validate_params({"attachment": "a", "geometries": geometries})
    box = {"type": "box", "label": "car", "left": 0, "top": 0, "width": 1, "height": 1}
    out = KIND.validate_response(params, {"annotations": [{**box, "rotation": 0.5}]})
    assert out["annotations"][0]["rotation"] == 0.5


def test_fractional_coordinates_are_fine_without_integer_pixels() -> None:
    geometries = {"box": {"objects_to_annotate": ["car"]}}
    params = KIND.validate_params({"attachment": "a", "geometries": geometries})
    box = {"type": "box", "label": "car", "left": 0.5, "top": 1.25, "width": 2.5, "height": 3.75}
    out = KIND.validate_response(params, {"annotations": [box]})
    assert out["annotations"][0]["top"] == 1.25


# --- rejected responses ----------------------------------------------------------------------

TRIANGLE = [{"x": 0, "y": 0}, {"x": 4, "y": 0}, {"x": 0, "y": 3}]
COLLINEAR = [{"x": 0, "y": 0}, {"x": 1, "y": 1}, {"x": 2, "y": 2}, {"x": 3, "y": 3}]
HEXAGON = [{"x": x, "y": y} for x, y in [(0, 0), (2, 0), (3, 1), (2, 2), (0, 2), (-1, 1)]]
A0 = "response.annotations.0"


@pytest.mark.parametrize(
    ("annotation", "field", "message"),
    [
        (_car(label="bus"), f"{A0}.label", "'bus' is not an object to annotate"),
        (_car(label="building"), f"{A0}.label", "'building' is not an object to annotate"),
        (_car(height=None), f"{A0}.height", "required for a box"),
        (_car(vertices=SQUARE), f"{A0}.vertices", "not a field of a box"),
        (_car(x=1), f"{A0}.x", "not a field of a box"),
        (_car(width=4), f"{A0}.width", "must be positive and >= 5"),
        (_car(height=0), f"{A0}.height", "must be positive and >= 0"),
        (_car(height=-2), f"{A0}.height", "must be positive and >= 0"),
        (_car(rotation=30), f"{A0}.rotation", "this task's boxes cannot rotate"),
        (_car(left=1.5), A0, "box coordinates must be whole pixels"),
        (_car(height=40.25), A0, "box coordinates must be whole pixels"),
        (
            {"type": "polygon", "label": "building", "vertices": TRIANGLE},
            f"{A0}.vertices",
            "needs at least 4 vertices",
        ),
        (
            {"type": "polygon", "label": "building", "vertices": HEXAGON},
            f"{A0}.vertices",
            "allows at most 5 vertices",
        ),
        (
            {"type": "polygon", "label": "building", "vertices": COLLINEAR},
            f"{A0}.vertices",
            "polygon has zero area",
        ),
        ({"type": "polygon", "label": "building"}, f"{A0}.vertices", "required for a polygon"),
        (
            {"type": "polygon", "label": "building", "vertices": SQUARE, "rotation": 1},
            f"{A0}.rotation",
            "not a field of a polygon",
        ),
        (
            {"type": "line", "label": "lane", "vertices": [{"x": 0, "y": 0}]},
            f"{A0}.vertices",
            "needs at least 2 vertices",
        ),
        ({"type": "point", "label": "keypoint", "x": 1}, f"{A0}.y", "required for a point"),
        (
            {"type": "point", "label": "keypoint", "x": 1, "y": 1, "width": 3},
            f"{A0}.width",
            "not a field of a point",
        ),
        (
            {"type": "point", "label": "keypoint", "x": 1, "y": 1, "rotation": 0},
            f"{A0}.rotation",
            "not a field of a point",
        ),
    ],
)
def test_bad_shapes_name_the_field(annotation: dict[str, Any], field: str, message: str) -> None:
    response = {"annotations": [{k: v for k, v in annotation.items() if v is not None}]}
    exc = rejected(lambda: KIND.validate_response(_params(), response))
    assert_names(exc, field, message)


ATTRS = f"{A0}.attributes"


@pytest.mark.parametrize(
    ("annotation", "field", "message"),
    [
        (_car(attributes={"occluded": "no", "weight": 3}), f"{ATTRS}.weight", "unknown attribute"),
        (_car(attributes={"occluded": "maybe"}), f"{ATTRS}.occluded",
         "'maybe' is not one of ['yes', 'no']"),
        (_car(attributes={"occluded": ["yes"]}), f"{ATTRS}.occluded",
         "['yes'] is not one of ['yes', 'no']"),
        (_car(attributes={"occluded": "no", "colors": ["red", "green"]}), f"{ATTRS}.colors",
         "'green' is not one of ['red', 'blue']"),
        (_car(attributes={"occluded": "no", "colors": [1]}), f"{ATTRS}.colors",
         "1 is not one of ['red', 'blue']"),
        (_car(attributes={"occluded": "no", "speed": 250}), f"{ATTRS}.speed", "must be <= 200.0"),
        (_car(attributes={"occluded": "no", "speed": -1}), f"{ATTRS}.speed", "must be >= 0.0"),
        (_car(attributes={"occluded": "no", "speed": "fast"}), f"{ATTRS}.speed",
         "must be a number"),
        (_car(attributes={"occluded": "no", "speed": True}), f"{ATTRS}.speed", "must be a number"),
        (_car(attributes={"occluded": "no", "speed": float("inf")}), f"{ATTRS}.speed",
         "must be finite"),
        (_car(attributes={"occluded": "no", "note": 5}), f"{ATTRS}.note", "must be a string"),
        (_car(attributes={"occluded": "no", "parked": "yes"}), f"{ATTRS}.parked",
         "must be true or false"),
        (_car(attributes={}), f"{ATTRS}.occluded", "required attribute missing"),
        (_car(attributes=None), f"{ATTRS}.occluded", "required attribute missing"),
        ({"type": "point", "label": "keypoint", "x": 1, "y": 1, "attributes": {"parked": False}},
         f"{ATTRS}.parked", "does not apply to label 'keypoint'"),
        ({"type": "point", "label": "keypoint", "x": 1, "y": 1, "attributes": {"occluded": "no"}},
         f"{ATTRS}.occluded", "does not apply to label 'keypoint'"),
    ],
)  # fmt: skip
def test_bad_attributes_name_the_attribute(
    annotation: dict[str, Any], field: str, message: str
) -> None:
    response = {"annotations": [{k: v for k, v in annotation.items() if v is not None}]}
    exc = rejected(lambda: KIND.validate_response(_params(), response))
    assert_names(exc, field, message)


def test_a_required_attribute_restricted_to_cars_is_not_asked_of_others() -> None:
    point = {"type": "point", "label": "keypoint", "x": 1, "y": 1}
    out = KIND.validate_response(_params(), {"annotations": [point]})
    assert "attributes" not in out["annotations"][0]


def test_a_geometry_the_task_does_not_declare_is_rejected() -> None:
    params = KIND.validate_params(_geometries(box={"objects_to_annotate": ["car"]}))
    response = {"annotations": [{"type": "point", "label": "car", "x": 1, "y": 1}]}
    exc = rejected(lambda: KIND.validate_response(params, response))
    assert_names(exc, f"{A0}.type", "'point' is not a geometry of this task")


def test_duplicate_uuids_name_the_second_object() -> None:
    response = {"annotations": [_car(uuid="a"), _car(uuid="a")]}
    exc = rejected(lambda: KIND.validate_response(_params(), response))
    assert_names(exc, "response.annotations.1.uuid", "duplicate uuid")


def test_an_error_names_the_index_of_the_bad_object() -> None:
    response = {"annotations": [_car(), _car(), _car(label="bus")]}
    exc = rejected(lambda: KIND.validate_response(_params(), response))
    assert_names(exc, "response.annotations.2.label", "'bus' is not an object to annotate")


@pytest.mark.parametrize(
    ("annotation", "field", "fragment"),
    [
        (_car(type="cuboid"), f"{A0}.type", "'box'"),
        (_car(confidence=0.9), f"{A0}.confidence", "unknown field"),
        (_car(left=float("nan")), f"{A0}.left", "finite number"),
        (_car(label=""), f"{A0}.label", "at least 1 character"),
    ],
)
def test_malformed_objects_are_reported_by_field(
    annotation: dict[str, Any], field: str, fragment: str
) -> None:
    exc = rejected(lambda: KIND.validate_response(_params(), {"annotations": [annotation]}))
    assert_mentions(exc, field, fragment)


def test_the_annotations_list_is_required() -> None:
    exc = rejected(lambda: KIND.validate_response(_params(), {}))
    assert_names(exc, "response.annotations", "field required")
