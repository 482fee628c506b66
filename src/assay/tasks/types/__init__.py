"""The registry of task types. Adding one: a module here and a line in ``TASK_TYPES``."""

from __future__ import annotations

from typing import Any

from assay.errors import Invalid
from assay.tasks.types.base import TaskType
from assay.tasks.types.categorization import Categorization
from assay.tasks.types.comparison import Comparison
from assay.tasks.types.imageannotation import ImageAnnotation
from assay.tasks.types.namedentityrecognition import NamedEntityRecognition
from assay.tasks.types.textcollection import TextCollection

TASK_TYPES: dict[str, TaskType[Any, Any]] = {
    t.name: t
    for t in (
        Categorization(),
        ImageAnnotation(),
        TextCollection(),
        NamedEntityRecognition(),
        Comparison(),
    )
}


def get_type(name: str) -> TaskType[Any, Any]:
    try:
        return TASK_TYPES[name]
    except KeyError:
        known = ", ".join(sorted(TASK_TYPES))
        raise Invalid(
            f"unknown task type {name!r}; this server supports: {known}",
            details=[{"field": "type", "message": "unknown task type"}],
        ) from None


__all__ = ["TASK_TYPES", "TaskType", "get_type"]
