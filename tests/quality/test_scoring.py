from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from assay.errors import Invalid
from assay.quality import box_iou
from assay.quality.scoring import Score, nuances_of, score_response
from assay.tasks.types import TASK_TYPES, get_type


def params_of(task_type: str, raw: dict[str, Any]) -> dict[str, Any]:
    return get_type(task_type).validate_params(raw)


def response_of(task_type: str, params: dict[str, Any], raw: Any) -> dict[str, Any]:
    """Responses as the scorers get them: normalized by the task type."""
    return get_type(task_type).validate_response(params, raw)


def check_bounds(s: Score) -> None:
    assert 0.0 <= s.score <= 1.0
    for credit, weight in s.nuances.values():
        assert weight > 0
        assert 0.0 <= credit <= weight + 1e-12


# Task params and a realistic response for each type.

CATEGORIZATION = {"attachment": "https://x/cat.jpg", "categories": ["cat", "dog", "bird"]}
MULTI = {**CATEGORIZATION, "allow_multiple": True}
TAXONOMIES = {
    "attachment": "https://x/a.jpg",
    "taxonomies": {
        "color": {"choices": ["red", "green", "blue"], "allow_multiple": True},
        "size": {"choices": ["small", "large"]},
    },
}
IMAGE = {
    "attachment": "https://x/street.jpg",
    "geometries": {
        "box": {"objects_to_annotate": ["car", "truck", "person"], "can_rotate": True},
        "polygon": {"objects_to_annotate": ["road", "car"]},
        "line": {"objects_to_annotate": ["lane"]},
        "point": {"objects_to_annotate": ["nose", "eye"]},
    },
    "annotation_attributes": {
        "occluded": {"type": "boolean"},
        "colour": {"choices": ["red", "blue", "white"], "allow_multiple": True},
        "speed": {"type": "number"},
        "plate": {"type": "text"},
    },
}
TEXT = "Alice met Bob in New York."
NER = {"text": TEXT, "labels": [{"name": "PER"}, {"name": "LOC"}, {"name": "ORG"}]}
FORM = {
    "attachments": [{"content": "Describe the drink."}],
    "fields": [
        {
            "type": "category",
            "field_id": "colour",
            "title": "Colour",
            "choices": [{"label": c, "value": c} for c in ("red", "blue", "brown")],
            "max_choices": 2,
        },
        {"type": "text", "field_id": "name", "title": "Name"},
        {"type": "number", "field_id": "count", "title": "Count"},
        {"type": "datetime", "field_id": "when", "title": "When"},
        {"type": "text", "field_id": "note", "title": "Note", "required": False},
    ],
}
OUTPUTS = ["first answer", "second answer", "third answer", "fourth answer"]
CHOICE = {"attachments": OUTPUTS[:2], "choices": ["A", "B", "neither"]}
PAIRWISE = {"attachments": OUTPUTS[:2], "mode": "pairwise"}
RANKING = {"attachments": OUTPUTS, "mode": "ranking"}
RATING = {
    "attachments": OUTPUTS[:2],
    "rubric": [
        {"id": "helpful", "title": "Helpfulness"},
        {"id": "safe", "title": "Safety", "min": 0, "max": 2},
    ],
}


def box(label: str, left: float, top: float, width: float, height: float, **extra: Any) -> dict:
    return {
        "type": "box",
        "label": label,
        "left": left,
        "top": top,
        "width": width,
        "height": height,
        **extra,
    }


def polygon(label: str, *xy: tuple[float, float]) -> dict:
    return {"type": "polygon", "label": label, "vertices": [{"x": x, "y": y} for x, y in xy]}


def line(label: str, *xy: tuple[float, float]) -> dict:
    return {"type": "line", "label": label, "vertices": [{"x": x, "y": y} for x, y in xy]}


def point(label: str, x: float, y: float) -> dict:
    return {"type": "point", "label": label, "x": x, "y": y}


def span(start: int, end: int, label: str) -> dict:
    return {"start": start, "end": end, "label": label}


def form(**answers: Any) -> dict:
    return {"annotations": answers}


REALISTIC = {
    "categorization-one": ("categorization", CATEGORIZATION, {"category": "dog"}),
    "categorization-many": ("categorization", MULTI, {"category": ["dog", "bird"]}),
    "categorization-taxonomies": (
        "categorization",
        TAXONOMIES,
        {"taxonomies": {"color": ["red", "blue"], "size": ["small"]}},
    ),
    "imageannotation": (
        "imageannotation",
        IMAGE,
        {
            "annotations": [
                box("car", 10, 20, 100, 50, attributes={"occluded": True, "colour": ["red"]}),
                box("truck", 300, 20, 80, 60, rotation=0.3, attributes={"speed": 12.5}),
                box("person", 5, 5, 3, 8, attributes={"plate": "AB-12"}),
                polygon("road", (0, 200), (640, 200), (640, 480), (0, 480)),
                polygon("car", (2.5, 3.5), (7.25, 3), (6, 9)),
                line("lane", (0, 300), (320, 310), (640, 330)),
                point("nose", 100.5, 40.25),
                point("eye", 90, 30),
            ]
        },
    ),
    "namedentityrecognition": (
        "namedentityrecognition",
        NER,
        {"annotations": [span(0, 5, "PER"), span(10, 13, "PER"), span(17, 25, "LOC")]},
    ),
    "textcollection": (
        "textcollection",
        FORM,
        form(
            colour=["red", "blue"],
            name="Café au lait",
            count=3,
            when="2024-01-01T10:00:00",
            note="hot",
        ),
    ),
    "comparison-choice": ("comparison", CHOICE, {"choice": "B"}),
    "comparison-pairwise": ("comparison", PAIRWISE, {"preferred": 1, "strength": 2}),
    "comparison-ranking": ("comparison", RANKING, {"ranking": [2, 0, 3, 1]}),
    "comparison-rating": (
        "comparison",
        RATING,
        {"ratings": [{"helpful": 4, "safe": 2}, {"helpful": 2, "safe": 1}]},
    ),
}


def realistic(case: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    task_type, raw_params, raw = REALISTIC[case]
    params = params_of(task_type, raw_params)
    return task_type, params, response_of(task_type, params, raw)


def test_every_task_type_is_scored() -> None:
    assert {t for t, _, _ in REALISTIC.values()} == set(TASK_TYPES)


@pytest.mark.parametrize("case", sorted(REALISTIC))
def test_a_response_against_itself_scores_one(case: str) -> None:
    task_type, params, response = realistic(case)
    s = score_response(task_type, params, response, response)
    assert s.score == 1.0
    assert s.mistakes == ()
    assert all(credit == weight for credit, weight in s.nuances.values())
    check_bounds(s)
    # Every nuance the task exercises gets credit (instance types: the label nuances).
    assert set(nuances_of(task_type, params, response)) <= set(s.nuances)


def test_unknown_type_and_bad_threshold_are_invalid() -> None:
    with pytest.raises(Invalid, match="no scoring"):
        score_response("audiotranscription", {}, {}, {})
    with pytest.raises(Invalid, match="no scoring"):
        nuances_of("audiotranscription", {}, {})
    task_type, params, response = realistic("imageannotation")
    for bad in (0.0, -0.1, 1.5, math.nan):
        with pytest.raises(Invalid, match="iou_threshold"):
            score_response(task_type, params, response, response, iou_threshold=bad)
    with pytest.raises(Invalid, match="point_radius"):
        score_response(task_type, params, response, response, point_radius=0)
    with pytest.raises(Invalid, match="annotations"):
        score_response(task_type, params, response, {"annotations": {}})


# categorization


def test_one_category() -> None:
    params = params_of("categorization", CATEGORIZATION)
    right = score_response("categorization", params, {"category": "cat"}, {"category": "cat"})
    assert right == Score(1.0, {"label:cat": (1.0, 1.0)}, ())
    wrong = score_response("categorization", params, {"category": "cat"}, {"category": "dog"})
    assert wrong == Score(0.0, {"label:cat": (0.0, 1.0)}, ("chose 'dog' where 'cat' was expected",))


def test_several_categories_jaccard() -> None:
    params = params_of("categorization", MULTI)
    s = score_response(
        "categorization", params, {"category": ["cat", "dog"]}, {"category": ["dog", "bird"]}
    )
    # {cat, dog} vs {dog, bird}: 1 shared of 3.
    assert s.score == pytest.approx(1 / 3)
    assert s.nuances == {
        "label:bird": (0.0, 1.0),
        "label:cat": (0.0, 1.0),
        "label:dog": (1.0, 1.0),
    }
    assert s.mistakes == ("did not choose 'cat'", "chose 'bird', which was not expected")
    assert score_response("categorization", params, {"category": []}, {"category": []}).score == 1


def test_taxonomies_mean() -> None:
    params = params_of("categorization", TAXONOMIES)
    expected = {"taxonomies": {"color": ["red", "blue"], "size": ["small"]}}
    given = {"taxonomies": {"color": ["blue"], "size": ["small"]}}
    s = score_response("categorization", params, expected, given)
    assert s.score == pytest.approx(0.75)  # color 1/2, size 1
    assert s.nuances == {"taxonomy:color": (0.5, 1.0), "taxonomy:size": (1.0, 1.0)}
    assert s.mistakes == ("taxonomy 'color': chose 'blue' where 'blue', 'red' was expected",)
    missing = score_response("categorization", params, expected, {"taxonomies": {}})
    assert missing.score == 0.0


# imageannotation


def test_three_expected_boxes_two_given() -> None:
    params = params_of("imageannotation", IMAGE)
    expected = {
        "annotations": [
            box("car", 0, 0, 10, 10),
            box("car", 100, 0, 10, 10),
            box("person", 200, 0, 10, 10),
        ]
    }
    given = {"annotations": [box("car", 0, 0, 10, 6), box("truck", 100, 0, 10, 7)]}
    assert box_iou([[0, 0, 10, 10]], [[0, 0, 10, 6]])[0, 0] == pytest.approx(0.6)
    assert box_iou([[100, 0, 10, 10]], [[100, 0, 10, 7]])[0, 0] == pytest.approx(0.7)
    s = score_response("imageannotation", params, expected, given)
    # One true positive (the car at IoU 0.6): 2 * 1 / (3 + 2).
    assert s.score == pytest.approx(0.4)
    assert s.nuances == {
        "label:car": (1.0, 1.5),  # expected 2, given 1
        "label:person": (0.0, 0.5),
        "label:truck": (0.0, 0.5),
    }
    assert s.mistakes == (
        "labelled 'truck' where 'car' was expected",
        "missed a 'person' box",
    )
    check_bounds(s)
    # F1 both ways is the same number.
    assert score_response("imageannotation", params, given, expected).score == pytest.approx(0.4)


def test_loose_box_misses_and_extras() -> None:
    params = params_of("imageannotation", IMAGE)
    expected = {"annotations": [box("car", 0, 0, 10, 10)]}
    loose = {"annotations": [box("car", 0, 0, 10, 4.2), box("person", 50, 50, 5, 5)]}
    s = score_response("imageannotation", params, expected, loose)
    assert s.score == 0.0
    assert s.mistakes == ("the 'car' box is off (IoU 0.42, needs 0.50)", "extra 'person' box")
    assert s.nuances == {"label:car": (0.0, 1.0), "label:person": (0.0, 0.5)}
    # At a lower threshold the same box is found.
    assert score_response(
        "imageannotation", params, expected, loose, iou_threshold=0.4
    ).score == pytest.approx(2 / 3)
    empty = {"annotations": []}
    assert score_response("imageannotation", params, empty, empty) == Score(1.0, {}, ())
    none = score_response("imageannotation", params, expected, empty)
    assert none == Score(0.0, {"label:car": (0.0, 0.5)}, ("missed a 'car' box",))


def greedy_true_positives(iou: np.ndarray, threshold: float) -> int:
    """Match the best remaining pair first, as a naive matcher would."""
    iou = iou.copy()
    hits = 0
    while iou.size and iou.max() > 0:
        i, j = np.unravel_index(np.argmax(iou), iou.shape)
        hits += bool(iou[i, j] >= threshold)
        iou[i, :] = 0
        iou[:, j] = 0
    return hits


def test_hungarian_matching_beats_greedy() -> None:
    params = params_of("imageannotation", IMAGE)
    # Unit-height strips: e1 at x=0, e2 at x=4; g1 at x=1 overlaps e1 best (IoU 9/11), but
    # then e2 is left with g2 at x=-2 (IoU 4/16). Pairing e1-g2 (8/12) and e2-g1 (7/13)
    # finds both.
    e = [[0, 0, 10, 1], [4, 0, 10, 1]]
    g = [[1, 0, 10, 1], [-2, 0, 10, 1]]
    iou = box_iou(e, g)
    assert np.allclose(iou, [[9 / 11, 8 / 12], [7 / 13, 4 / 16]])
    assert greedy_true_positives(iou, 0.5) == 1
    expected = {"annotations": [box("car", *b) for b in e]}
    given = {"annotations": [box("car", *b) for b in g]}
    s = score_response("imageannotation", params, expected, given)
    assert s.score == 1.0
    assert s.nuances == {"label:car": (2.0, 2.0)}


def test_matching_prefers_true_positives_over_overlap() -> None:
    params = params_of("imageannotation", IMAGE)
    # The truck box overlaps the expected car most, but the car box (IoU 0.6) is the match.
    expected = {"annotations": [box("car", 0, 0, 10, 10)]}
    given = {"annotations": [box("truck", 0, 0, 10, 10), box("car", 0, 0, 10, 6)]}
    s = score_response("imageannotation", params, expected, given)
    assert s.score == pytest.approx(2 / 3)
    assert s.mistakes == ("extra 'truck' box",)


def test_attributes_of_true_positives() -> None:
    params = params_of("imageannotation", IMAGE)
    attrs = {"occluded": True, "colour": ["red", "blue"], "speed": 1.0, "plate": "AB"}
    expected = {"annotations": [box("car", 0, 0, 10, 10, attributes=attrs)]}
    close = {"occluded": False, "colour": ["blue", "red"], "speed": 1.0 + 1e-12}
    given = {"annotations": [box("car", 0, 0, 10, 9, attributes=close)]}
    s = score_response("imageannotation", params, expected, given)
    assert s.score == 1.0  # attributes do not change the overall score
    assert s.nuances == {
        "label:car": (1.0, 1.0),
        "attribute:colour": (1.0, 1.0),  # lists compare as sets
        "attribute:occluded": (0.0, 1.0),
        "attribute:plate": (0.0, 1.0),
        "attribute:speed": (1.0, 1.0),  # equal within 1e-9 relative
    }
    assert s.mistakes == (
        "attribute 'occluded' of a 'car' box: expected true, got false",
        "attribute 'plate' of a 'car' box: expected 'AB', got nothing",
    )
    # A boolean is not the number 1.
    one = {"annotations": [box("car", 0, 0, 10, 10, attributes={"speed": 1})]}
    true = {"annotations": [box("car", 0, 0, 10, 10, attributes={"speed": True})]}
    assert score_response("imageannotation", params, one, true).nuances["attribute:speed"] == (
        0.0,
        1.0,
    )
    assert nuances_of("imageannotation", params, expected) == [
        "attribute:colour",
        "attribute:occluded",
        "attribute:plate",
        "attribute:speed",
        "label:car",
    ]


def test_polygons_by_iou() -> None:
    params = params_of("imageannotation", IMAGE)
    square = polygon("road", (0, 0), (100, 0), (100, 100), (0, 100))
    half = polygon("road", (50, 0), (150, 0), (150, 100), (50, 100))
    s = score_response(
        "imageannotation", params, {"annotations": [square]}, {"annotations": [half]}
    )
    assert s.mistakes == ("the 'road' polygon is off (IoU 0.33, needs 0.50)",)
    low = score_response(
        "imageannotation",
        params,
        {"annotations": [square]},
        {"annotations": [half]},
        iou_threshold=0.3,
    )
    assert low.score == 1.0
    # A small polygon is rasterized finely: a 4-unit square shifted by 1 has IoU 3/5.
    small = polygon("car", (0, 0), (4, 0), (4, 4), (0, 4))
    moved = polygon("car", (1, 0), (5, 0), (5, 4), (1, 4))
    tiny = score_response(
        "imageannotation", params, {"annotations": [small]}, {"annotations": [moved]}
    )
    assert tiny.score == 1.0
    far = polygon("car", (10, 10), (14, 10), (14, 14))
    apart = score_response(
        "imageannotation", params, {"annotations": [small]}, {"annotations": [far]}
    )
    assert apart.mistakes == ("missed a 'car' polygon", "extra 'car' polygon")


def test_rotated_box_is_compared_as_its_corners() -> None:
    params = params_of("imageannotation", IMAGE)
    # A 100 x 20 box turned a quarter about its centre (50, 10) covers x 40..60, y -40..60.
    turned = {"annotations": [box("car", 0, 0, 100, 20, rotation=math.pi / 2)]}
    upright = {"annotations": [box("car", 40, -40, 20, 100)]}
    flat = {"annotations": [box("car", 0, 0, 100, 20)]}
    assert score_response("imageannotation", params, turned, upright).score == 1.0
    s = score_response("imageannotation", params, turned, flat)
    # The cross: overlap 20 x 20 of two 2000 areas.
    assert s.mistakes == ("the 'car' box is off (IoU 0.11, needs 0.50)",)


def test_points_within_the_radius() -> None:
    params = params_of("imageannotation", IMAGE)
    expected = {"annotations": [point("nose", 0, 0)]}

    def score(x: float, y: float, **kw: Any) -> Score:
        return score_response(
            "imageannotation", params, expected, {"annotations": [point("nose", x, y)]}, **kw
        )

    # Closeness 1 - 5 / 10 = 0.5 is just enough.
    assert score(3, 4).score == 1.0
    assert score(6, 8).mistakes == ("missed a 'nose' point", "extra 'nose' point")
    assert score(4.8, 3.6).mistakes == ("the 'nose' point is off (6.0 px away, needs 5.0 or less)",)
    assert score(4.8, 3.6, point_radius=20).score == 1.0


def test_lines_by_mean_distance() -> None:
    params = params_of("imageannotation", IMAGE)
    expected = {"annotations": [line("lane", (0, 0), (100, 0))]}

    def score(*xy: tuple[float, float]) -> Score:
        return score_response(
            "imageannotation", params, expected, {"annotations": [line("lane", *xy)]}
        )

    assert score((100, 0), (0, 0)).score == 1.0  # drawn backwards
    assert score((0, 0), (30, 0), (100, 0)).score == 1.0  # an extra vertex on the line
    assert score((0, 3), (100, 3)).score == 1.0  # closeness 0.7
    assert score((0, 8), (100, 8)).mistakes == (
        "the 'lane' line is off (8.0 px from the expected line on average, needs 5.0 or less)",
    )


def random_objects(rng: np.random.Generator) -> dict:
    out: list[dict] = []
    for _ in range(rng.integers(0, 6)):
        kind = rng.choice(["box", "polygon", "line", "point"])
        label = str(rng.choice(["car", "person"] if kind == "box" else ["car", "road"]))
        x, y = rng.uniform(0, 40, 2)
        if kind == "box":
            out.append(box(label, x, y, *rng.uniform(2, 20, 2)))
        elif kind == "polygon":
            out.append(polygon(label, (x, y), (x + rng.uniform(3, 20), y), (x, y + 10)))
        elif kind == "line":
            out.append(line("lane", (x, y), (x + rng.uniform(-9, 9), y + 15)))
        else:
            out.append(point("eye", x, y))
    return {"annotations": out}


def test_random_image_scores_are_bounded_symmetric_and_f1() -> None:
    params = params_of("imageannotation", IMAGE)
    rng = np.random.default_rng(3)
    for _ in range(100):
        a = response_of("imageannotation", params, random_objects(rng))
        b = response_of("imageannotation", params, random_objects(rng))
        s = score_response("imageannotation", params, a, b)
        check_bounds(s)
        assert score_response("imageannotation", params, b, a).score == pytest.approx(s.score)
        labels = [v for k, v in s.nuances.items() if k.startswith("label:")]
        if labels:  # the overall score is the pooled per-label F1
            credit = sum(c for c, _ in labels)
            assert s.score == pytest.approx(credit / sum(w for _, w in labels))


# namedentityrecognition


def test_entities_by_hand() -> None:
    params = params_of("namedentityrecognition", NER)
    expected = {"annotations": [span(0, 5, "PER"), span(10, 13, "PER"), span(17, 25, "LOC")]}
    given = {
        "annotations": [
            span(0, 5, "PER"),  # right
            span(10, 13, "ORG"),  # wrong label
            span(21, 25, "LOC"),  # wrong boundaries
            span(6, 9, "ORG"),  # extra
        ]
    }
    e = response_of("namedentityrecognition", params, expected)
    g = response_of("namedentityrecognition", params, given)
    s = score_response("namedentityrecognition", params, e, g)
    assert s.score == pytest.approx(2 * 1 / (3 + 4))
    assert s.nuances == {
        "label:LOC": (0.0, 1.0),
        "label:ORG": (0.0, 1.0),
        "label:PER": (1.0, 1.5),
    }
    assert s.mistakes == (
        "labelled 'Bob' as 'ORG' where 'PER' was expected",
        "marked 'York' as 'LOC' where 'New York' was expected (wrong boundaries)",
        "extra 'ORG' span 'met'",
    )
    missed = score_response("namedentityrecognition", params, e, {"annotations": []})
    assert missed.mistakes == (
        "missed the 'PER' span 'Alice'",
        "missed the 'PER' span 'Bob'",
        "missed the 'LOC' span 'New York'",
    )
    assert nuances_of("namedentityrecognition", params, e) == ["label:LOC", "label:PER"]


def test_random_entity_scores_are_bounded_and_symmetric() -> None:
    params = params_of("namedentityrecognition", NER)
    rng = np.random.default_rng(5)
    for _ in range(100):
        responses = []
        for _ in range(2):
            spans = {
                (int(s), int(s + rng.integers(1, 5)), str(rng.choice(["PER", "LOC"])))
                for s in rng.integers(0, 20, rng.integers(0, 6))
            }
            raw = {"annotations": [span(*t) for t in spans]}
            responses.append(response_of("namedentityrecognition", params, raw))
        a, b = responses
        s = score_response("namedentityrecognition", params, a, b)
        check_bounds(s)
        assert score_response("namedentityrecognition", params, b, a).score == pytest.approx(
            s.score
        )


# textcollection


def test_form_fields_by_hand() -> None:
    params = params_of("textcollection", FORM)
    expected = response_of(
        "textcollection",
        params,
        form(
            colour=["red", "blue"],
            name="Café  au lait",
            count=3,
            when="2024-01-01T00:00:00",
            note="hot",
        ),
    )
    given = response_of(
        "textcollection",
        params,
        form(colour=["red"], name="café au LAIT", count=3.0, when="2024-01-01T00:00"),
    )
    s = score_response("textcollection", params, expected, given)
    # colour 1/2 (Jaccard), name, count and when equal, note left out: (0.5 + 3) / 5.
    assert s.score == pytest.approx(0.7)
    assert s.nuances == {
        "field:colour": (0.5, 1.0),
        "field:count": (1.0, 1.0),
        "field:name": (1.0, 1.0),
        "field:note": (0.0, 1.0),
        "field:when": (1.0, 1.0),
    }
    assert s.mistakes == (
        "'Colour': expected 'red', 'blue', got 'red'",
        "'Note': expected 'hot', got no answer",
    )
    # Fields only the given response has are not scored.
    assert score_response("textcollection", params, given, expected).score == pytest.approx(
        (0.5 + 3) / 4
    )
    other = response_of(
        "textcollection",
        params,
        form(colour=["brown"], name="tea", count=4, when="2024-01-02"),
    )
    assert score_response("textcollection", params, given, other).score == 0.0
    assert nuances_of("textcollection", params, given) == [
        "field:colour",
        "field:count",
        "field:name",
        "field:when",
    ]


def test_form_needs_one_respondent() -> None:
    params = params_of("textcollection", FORM)
    two = {
        "annotations": {"name": {"type": "text", "field_id": "name", "response": [["a"], ["b"]]}}
    }
    with pytest.raises(Invalid, match="one respondent"):
        score_response("textcollection", params, two, two)


# comparison


def test_choice_and_pairwise() -> None:
    params = params_of("comparison", CHOICE)
    s = score_response("comparison", params, {"choice": "A"}, {"choice": "neither"})
    assert s == Score(0.0, {"label:A": (0.0, 1.0)}, ("chose 'neither' where 'A' was expected",))
    assert nuances_of("comparison", params, {"choice": "A"}) == ["label:A"]
    params = params_of("comparison", PAIRWISE)
    a_strong = {"preferred": 0, "strength": 3}
    a_weak = {"preferred": 0, "strength": 1}
    assert score_response("comparison", params, a_strong, a_weak) == Score(1.0, {}, ())
    b = score_response("comparison", params, a_strong, {"preferred": 1, "strength": 1})
    assert b == Score(0.0, {}, ("preferred output B where output A was expected",))
    tie = score_response("comparison", params, {"tie": True}, a_weak)
    assert tie.mistakes == ("preferred output A where a tie was expected",)
    called = score_response("comparison", params, a_weak, {"tie": True})
    assert called.mistakes == ("called a tie where output A was expected",)
    assert nuances_of("comparison", params, a_weak) == []


def test_ranking_concordant_pairs() -> None:
    params = params_of("comparison", RANKING)

    def score(want: list[int], got: list[int]) -> Score:
        return score_response("comparison", params, {"ranking": want}, {"ranking": got})

    assert score([0, 1, 2, 3], [1, 0, 2, 3]).score == pytest.approx(5 / 6)
    assert score([0, 1, 2, 3], [3, 2, 1, 0]).score == 0.0
    assert score([0, 1, 2, 3], [0, 2, 3, 1]).mistakes == (
        "ordered 2 of 6 pairs of outputs the other way (e.g. output C above output B)",
    )
    with pytest.raises(Invalid, match="same outputs"):
        score([0, 1, 2, 3], [0, 1, 2])


def test_ratings_per_criterion() -> None:
    params = params_of("comparison", RATING)
    expected = {"ratings": [{"helpful": 5, "safe": 2}, {"helpful": 1, "safe": 2}]}
    given = {"ratings": [{"helpful": 4, "safe": 2}, {"helpful": 1, "safe": 1}]}
    s = score_response("comparison", params, expected, given)
    # helpful (scale 1..5): 1 - 1/4 and 1; safe (scale 0..2): 1 and 1 - 1/2.
    assert s.nuances == {"criterion:helpful": (0.875, 1.0), "criterion:safe": (0.75, 1.0)}
    assert s.score == pytest.approx(0.8125)
    assert s.mistakes == (
        "rated 'Helpfulness' of output A 4 where 5 was expected",
        "rated 'Safety' of output B 1 where 2 was expected",
    )
    assert nuances_of("comparison", params, expected) == ["criterion:helpful", "criterion:safe"]


def test_nuances_of_categorization() -> None:
    one = params_of("categorization", CATEGORIZATION)
    assert nuances_of("categorization", one, {"category": "cat"}) == ["label:cat"]
    many = params_of("categorization", MULTI)
    assert nuances_of("categorization", many, {"category": ["dog", "cat"]}) == [
        "label:cat",
        "label:dog",
    ]
    tax = params_of("categorization", TAXONOMIES)
    assert nuances_of(
        "categorization", tax, {"taxonomies": {"size": ["small"], "color": ["red"]}}
    ) == ["taxonomy:color", "taxonomy:size"]
