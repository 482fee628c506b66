"""``assay demo``: a demo organization, users, keys, projects and real tasks."""

from __future__ import annotations

import io
import json
from typing import Any

import imageio.v3 as iio
import numpy as np
from skimage import data as skdata

from assay.accounts import service as accounts
from assay.accounts.model import Environment, Role, Scope
from assay.context import Context
from assay.errors import Conflict
from assay.files import service as files
from assay.projects import service as projects
from assay.qa import gold
from assay.tasks import service as tasks

ORG = "demo"
# Web app logins (dev data only): each user's password is their name + "-password".
USERS = {
    "demo-admin": Role.ADMIN,
    "demo-reviewer": Role.REVIEWER,
    "demo-annotator": Role.ANNOTATOR,
}
# Real photographs that ship inside scikit-image (no download).
IMAGES = ["astronaut", "chelsea", "coffee", "rocket", "camera", "coins"]

SENTENCES = [
    "Ada Lovelace wrote the first published algorithm for Charles Babbage's engine in London.",
    "In 1969 NASA landed Apollo 11 on the Moon; Neil Armstrong stepped out first.",
    "Marie Curie won Nobel Prizes in Physics and Chemistry while working in Paris.",
]

PAIRS = [
    (
        "Explain photosynthesis to a child.",
        "Plants catch sunlight with their leaves and use it to turn air and water into food.",
        "Photosynthesis is the process by which autotrophs convert photons into chemical "
        "energy via the Calvin cycle.",
    ),
    (
        "Give one tip for sleeping better.",
        "Keep the same bedtime every day, even at weekends.",
        "Sleep is important.",
    ),
]


def password_of(username: str) -> str:
    return f"{username}-password"


def _png(name: str) -> bytes:
    image: Any = getattr(skdata, name)()
    if image.dtype != np.uint8:
        image = (255 * (image.astype(float) / max(float(image.max()), 1.0))).astype(np.uint8)
    return bytes(iio.imwrite("<bytes>", image, extension=".png"))


# Boxes are checked by a reviewer before they complete: the demo shows the review stage.
REVIEWED = [{"name": "label", "kind": "label"}, {"name": "review", "kind": "review"}]


def _project(
    ctx: Context,
    scope: Scope,
    name: str,
    task_type: str,
    params: dict[str, Any],
    workflow: list[dict[str, Any]] | None = None,
) -> bool:
    try:
        projects.create_project(
            ctx.db, scope=scope, name=name, task_type=task_type, params=params, workflow=workflow
        )
    except Conflict:
        return False
    return True


def load(ctx: Context) -> dict[str, str]:
    """Create (once) the demo organization and its content; return fresh keys."""
    org_id = accounts.ensure_organization(ctx.db, name=ORG)
    for username, role in USERS.items():
        accounts.ensure_user(ctx.db, username=username, password=password_of(username))
        accounts.add_member(ctx.db, organization=ORG, username=username, role=role)
    keys = {
        "requester": accounts.create_api_key(
            ctx.db,
            organization=ORG,
            username="demo-admin",
            environment=Environment.LIVE,
            name="demo",
        ).key,
        "annotator": accounts.create_api_key(
            ctx.db,
            organization=ORG,
            username="demo-annotator",
            environment=Environment.LIVE,
            name="demo",
        ).key,
    }
    scope = Scope(organization_id=org_id, is_test=False)
    if not _project(
        ctx,
        scope,
        "demo-boxes",
        "imageannotation",
        {
            "instruction": "Draw a box around every person, animal and object of interest.",
            "geometries": {
                "box": {"objects_to_annotate": ["person", "animal", "food", "vehicle", "object"]},
                "polygon": {"objects_to_annotate": ["person", "animal", "object"]},
            },
            "annotation_attributes": {"occluded": {"type": "boolean"}},
        },
        workflow=REVIEWED,
    ):
        return keys  # already loaded by an earlier run
    _project(
        ctx,
        scope,
        "demo-categories",
        "categorization",
        {
            "instruction": "What is the main subject of the photo?",
            "categories": ["person", "animal", "food", "vehicle", "other"],
            "examples": [
                {"title": "Two subjects", "text": "Pick the one that fills more of the frame."},
                {"title": "A statue", "text": "A statue of a person is 'other', not 'person'."},
            ],
        },
    )
    _project(
        ctx,
        scope,
        "demo-entities",
        "namedentityrecognition",
        {
            "instruction": "Mark people, organizations, places and dates.",
            "labels": [{"name": n} for n in ("PERSON", "ORG", "PLACE", "DATE")],
        },
    )
    _project(
        ctx,
        scope,
        "demo-preference",
        "comparison",
        {
            "instruction": "Which answer is more helpful? Say how strongly, and why.",
            "require_rationale": True,
        },
    )
    _project(
        ctx,
        scope,
        "demo-survey",
        "textcollection",
        {
            "instruction": "Describe the image.",
            "fields": [
                {
                    "type": "text",
                    "field_id": "caption",
                    "title": "One-sentence caption",
                    "min_characters": 5,
                },
                {
                    "type": "category",
                    "field_id": "indoor",
                    "title": "Indoor or outdoor?",
                    "choices": [
                        {"label": "Indoor", "value": "indoor"},
                        {"label": "Outdoor", "value": "outdoor"},
                    ],
                },
            ],
        },
    )
    items: list[tuple[str, dict[str, Any]]] = []
    urls: dict[str, str] = {}
    for name in IMAGES:
        f = files.upload(
            ctx,
            scope=scope,
            stream=io.BytesIO(_png(name)),
            filename=f"{name}.png",
            content_type="image/png",
            fields={"display_name": name, "reference_id": name, "project_name": None},
        )
        url = urls[name] = f["attachment_url"]
        meta = {"source": f"skimage.data.{name}"}
        items.append(
            ("imageannotation", {"project": "demo-boxes", "attachment": url, "metadata": meta})
        )
        items.append(
            ("categorization", {"project": "demo-categories", "attachment": url, "metadata": meta})
        )
        items.append(
            (
                "textcollection",
                {
                    "project": "demo-survey",
                    "metadata": meta,
                    "attachments": [{"type": "image", "content": url}],
                },
            )
        )
    items += [
        ("namedentityrecognition", {"project": "demo-entities", "text": s}) for s in SENTENCES
    ]
    items += [
        ("comparison", {"project": "demo-preference", "prompt": p, "attachments": [a, b]})
        for p, a, b in PAIRS
    ]
    tasks.create_tasks(ctx, scope=scope, items=items)
    _quality(ctx, scope, urls)
    return keys


# The subject of each demo image, for the categories project's training and gold tasks.
SUBJECTS = {"astronaut": "person", "chelsea": "animal", "coffee": "food", "rocket": "vehicle"}


def _quality(ctx: Context, scope: Scope, urls: dict[str, str]) -> None:
    """The categories project asks newcomers for a two-task qualification (with feedback) and
    hides gold tasks among the work."""
    explain = {
        "astronaut": "A person in a spacesuit is still a person.",
        "chelsea": "A cat: an animal.",
    }
    for name, purpose in (("astronaut", "training"), ("chelsea", "training")):
        gold.create(
            ctx,
            scope=scope,
            task_type="categorization",
            payload={
                "project": "demo-categories",
                "attachment": urls[name],
                "expected_response": {"category": SUBJECTS[name]},
                "explanation": explain[name],
            },
            purpose=purpose,
        )
    for name in ("coffee", "rocket"):
        gold.create(
            ctx,
            scope=scope,
            task_type="categorization",
            payload={
                "project": "demo-categories",
                "attachment": urls[name],
                "expected_response": {"category": SUBJECTS[name]},
            },
            purpose="gold",
        )
    projects.update(
        ctx.db,
        scope=scope,
        name="demo-categories",
        quality={"gold_rate": 0.2, "qualification_tasks": 2, "qualification_pass": 0.5},
    )


def usage(base_url: str, keys: dict[str, str]) -> str:
    key = json.dumps(keys["requester"])
    logins = "\n".join(
        f"  {name:<15} {role.value:<10} password: {password_of(name)}"
        for name, role in USERS.items()
    )
    return f"""
Demo organization "demo" is loaded. Server: {base_url}  (API docs: {base_url}/docs)

Log in to the web app at {base_url}/ as:

{logins}

  requester key:  {keys["requester"]}
  annotator key:  {keys["annotator"]}

With the official Scale client:

  import scaleapi
  client = scaleapi.ScaleClient({key}, api_instance_url="{base_url}/v1")
  print([p.name for p in client.projects()])
  print(client.get_tasks_count(project_name="demo-boxes"))

Work the queue as the annotator:

  curl -s -u {keys["annotator"]}: -X POST {base_url}/api/v1/queue/lease \\
       -H 'content-type: application/json' -d '{{"project": "demo-categories"}}'
"""
