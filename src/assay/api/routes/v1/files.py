"""/v1/files: uploads, URL imports, and serving files back to their organization."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from starlette.responses import Response, StreamingResponse

from assay.api.deps import ContextDep, PrincipalDep
from assay.api.policies import FilePolicy
from assay.api.routing import Route, ok
from assay.api.schemas.common import ERRORS
from assay.api.schemas.v1 import FileImport, FileRead
from assay.errors import Invalid
from assay.files import service

router = APIRouter(prefix="/v1", route_class=Route, tags=["files"], responses=ERRORS)

# The columns hold 255 characters (PostgreSQL refuses longer values).
OptionalForm = Annotated[str | None, Form(max_length=255)]


@router.post("/files/upload", response_model=FileRead, operation_id="upload_file")
def upload(
    ctx: ContextDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File()],
    display_name: OptionalForm = None,
    reference_id: OptionalForm = None,
    project_name: OptionalForm = None,
) -> Response:
    """Upload a file (multipart part ``file``); use its ``attachment_url`` in tasks."""
    FilePolicy.upload(principal)
    if file.content_type is not None and len(file.content_type) > 255:
        raise Invalid("file: the part's Content-Type is longer than 255 characters")
    return ok(
        service.upload(
            ctx,
            scope=principal.scope,
            stream=file.file,
            filename=file.filename or "file",
            content_type=file.content_type,
            fields={
                "display_name": display_name,
                "reference_id": reference_id,
                "project_name": project_name,
            },
        )
    )


@router.post("/files/import", response_model=FileRead, operation_id="import_file")
def import_file(body: FileImport, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Fetch a file from a URL and keep a copy (private addresses are refused)."""
    FilePolicy.upload(principal)
    return ok(
        service.import_url(
            ctx,
            scope=principal.scope,
            url=body.file_url,
            fields={
                "display_name": body.display_name,
                "reference_id": body.reference_id,
                "project_name": body.project_name,
            },
        )
    )


@router.get(
    "/files/{file_id}",
    operation_id="get_file",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The file's bytes, with the content type it was stored with.",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def get_file(file_id: str, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """The file's bytes, for callers of the organization (and environment) that owns it."""
    FilePolicy.read(principal)
    row, chunks = service.open_file(ctx, scope=principal.scope, file_id=file_id)
    return StreamingResponse(
        chunks,
        media_type=row["content_type"],
        headers={
            "content-length": str(row["size_bytes"]),
            "cache-control": "private, max-age=3600",
            "x-content-type-options": "nosniff",
        },
    )
