"""``imageannotation``: boxes, polygons, lines and points with labels and attributes."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field

from assay.tasks.types.attributes import AttributeSpecs, check_specs, check_values
from assay.tasks.types.base import Strict, TaskType, invalid
from assay.tasks.types.choices import ChoiceSpec, NonEmpty, check_unique

Coord = Annotated[float, Field(allow_inf_nan=False)]


class GeometrySpec(Strict):
    objects_to_annotate: Annotated[list[ChoiceSpec], Field(min_length=1)]
    min_width: Annotated[float, Field(ge=0)] = 0
    min_height: Annotated[float, Field(ge=0)] = 0
    can_rotate: bool = False
    integer_pixels: bool = False
    min_vertices: Annotated[int, Field(ge=1)] | None = None
    max_vertices: Annotated[int, Field(ge=1)] | None = None


class Geometries(Strict):
    box: GeometrySpec | None = None
    polygon: GeometrySpec | None = None
    line: GeometrySpec | None = None
    point: GeometrySpec | None = None


class ContextAttachment(Strict):
    attachment: NonEmpty


class Vertex(Strict):
    x: Coord
    y: Coord


class Annotation(Strict):
    uuid: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    type: Literal["box", "polygon", "line", "point"]
    label: NonEmpty
    attributes: dict[str, Any] | None = None
    left: Coord | None = None
    top: Coord | None = None
    width: Coord | None = None
    height: Coord | None = None
    rotation: Coord | None = None
    vertices: list[Vertex] | None = None
    x: Coord | None = None
    y: Coord | None = None


class ImageAnnotationResponse(Strict):
    annotations: list[Annotation]


class ImageAnnotationParams(Strict):
    attachment: NonEmpty
    attachment_type: Literal["image"] = "image"
    geometries: Geometries
    annotation_attributes: AttributeSpecs = Field(default_factory=dict)
    context_attachments: list[ContextAttachment] | None = None
    # Pre-labels (a model's proposals), shown to the annotator as editable objects.
    hypothesis: ImageAnnotationResponse | None = None


_MIN_VERTICES = {"polygon": 3, "line": 2}


class ImageAnnotation(TaskType[ImageAnnotationParams, ImageAnnotationResponse]):
    name = "imageannotation"
    description = "Draw boxes, polygons, lines and points on an image, with labels and attributes."
    params_model = ImageAnnotationParams
    response_model = ImageAnnotationResponse

    def check_params(self, params: ImageAnnotationParams) -> None:
        kinds = _declared(params)
        if not kinds:
            raise invalid("geometries", "declare at least one of box, polygon, line, point")
        for kind, spec in kinds.items():
            check_unique(spec.objects_to_annotate, f"geometries.{kind}.objects_to_annotate")
            floor = _MIN_VERTICES.get(kind)
            if floor is not None and spec.min_vertices is not None and spec.min_vertices < floor:
                raise invalid(f"geometries.{kind}.min_vertices", f"must be at least {floor}")
            if (
                spec.min_vertices is not None
                and spec.max_vertices is not None
                and spec.min_vertices > spec.max_vertices
            ):
                raise invalid(f"geometries.{kind}.max_vertices", "is less than min_vertices")
        check_specs(params.annotation_attributes, "annotation_attributes")
        if params.hypothesis is not None:
            self.check_response(params, params.hypothesis, field="hypothesis")

    def check_response(
        self,
        params: ImageAnnotationParams,
        response: ImageAnnotationResponse,
        field: str = "response",
    ) -> dict[str, Any]:
        kinds = _declared(params)
        seen: set[str] = set()
        out = []
        for i, ann in enumerate(response.annotations):
            where = f"{field}.annotations.{i}"
            spec = kinds.get(ann.type)
            if spec is None:
                raise invalid(f"{where}.type", f"{ann.type!r} is not a geometry of this task")
            if ann.label not in check_unique(spec.objects_to_annotate, "objects_to_annotate"):
                raise invalid(f"{where}.label", f"{ann.label!r} is not an object to annotate")
            uid = ann.uuid or f"{field}-{i}"
            if uid in seen:
                raise invalid(f"{where}.uuid", "duplicate uuid")
            seen.add(uid)
            _check_shape(ann, spec, where)
            check_values(
                params.annotation_attributes, ann.attributes, ann.label, f"{where}.attributes"
            )
            body = ann.model_dump(mode="json", exclude_none=True)
            body["uuid"] = uid
            out.append(body)
        return {"annotations": out}


def _declared(params: ImageAnnotationParams) -> dict[str, GeometrySpec]:
    g = params.geometries
    pairs = {"box": g.box, "polygon": g.polygon, "line": g.line, "point": g.point}
    return {k: v for k, v in pairs.items() if v is not None}


_FIELDS = {
    "box": ("left", "top", "width", "height"),
    "point": ("x", "y"),
    "polygon": ("vertices",),
    "line": ("vertices",),
}
_ALL_FIELDS = {"left", "top", "width", "height", "rotation", "vertices", "x", "y"}


def _check_shape(ann: Annotation, spec: GeometrySpec, where: str) -> None:
    fields = _FIELDS[ann.type]
    for name in fields:
        if getattr(ann, name) is None:
            raise invalid(f"{where}.{name}", f"required for a {ann.type}")
    others = _ALL_FIELDS - set(fields) - ({"rotation"} if ann.type == "box" else set())
    for name in sorted(others):
        if getattr(ann, name) is not None:
            raise invalid(f"{where}.{name}", f"not a field of a {ann.type}")
    if ann.type == "box":
        _check_box(ann, spec, where)
    elif ann.type in ("polygon", "line"):
        _check_path(ann, spec, where)


def _check_box(ann: Annotation, spec: GeometrySpec, where: str) -> None:
    for name, low in (("width", spec.min_width), ("height", spec.min_height)):
        value = getattr(ann, name)
        if value <= 0 or value < low:
            raise invalid(f"{where}.{name}", f"must be positive and >= {low:g}")
    if ann.rotation and not spec.can_rotate:
        raise invalid(f"{where}.rotation", "this task's boxes cannot rotate")
    coords = (ann.left, ann.top, ann.width, ann.height)
    if spec.integer_pixels and not all(float(v or 0).is_integer() for v in coords):
        raise invalid(where, "box coordinates must be whole pixels")


def _check_path(ann: Annotation, spec: GeometrySpec, where: str) -> None:
    vertices = ann.vertices or []
    low = max(spec.min_vertices or 0, _MIN_VERTICES[ann.type])
    if len(vertices) < low:
        raise invalid(f"{where}.vertices", f"needs at least {low} vertices")
    if spec.max_vertices is not None and len(vertices) > spec.max_vertices:
        raise invalid(f"{where}.vertices", f"allows at most {spec.max_vertices} vertices")
    if ann.type == "polygon" and _area(vertices) == 0:
        raise invalid(f"{where}.vertices", "polygon has zero area")


def _area(vertices: list[Vertex]) -> float:
    s = 0.0
    for a, b in zip(vertices, vertices[1:] + vertices[:1], strict=True):
        s += a.x * b.y - b.x * a.y
    return math.fabs(s) / 2
