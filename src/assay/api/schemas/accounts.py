"""Web sessions, users and API keys (/api/v1/auth, /api/v1/users, /api/v1/keys)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assay.accounts.model import Environment, Role
from assay.api.schemas.common import Open

# Letters, digits and a few separators: names show up in URLs, logs and listings.
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"
# Argon2 takes any length; the cap only bounds the work one request can ask for.
MAX_PASSWORD = 1024


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD)
    organization: str | None = Field(
        default=None, min_length=1, max_length=200, description="Default: the oldest one."
    )


class EnvironmentSwitch(BaseModel):
    environment: Environment


class UserRef(Open):
    id: int
    username: str


class MeUser(UserRef):
    email: str | None


class OrganizationRef(Open):
    id: int
    name: str


class MeOrganization(OrganizationRef):
    role: Role


class MeRead(Open):
    user: MeUser
    organization: OrganizationRef
    role: Role
    environment: Environment
    csrf_token: str | None = Field(
        description="Send it as X-CSRF-Token on requests that change state (null for API keys)."
    )
    organizations: list[MeOrganization]


class LogoutRead(BaseModel):
    ok: bool


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=150, pattern=USERNAME_PATTERN)
    password: str = Field(min_length=8, max_length=MAX_PASSWORD)
    role: Role
    email: str | None = Field(default=None, max_length=320, pattern=EMAIL_PATTERN)


class UserUpdate(BaseModel):
    role: Role | None = None
    is_active: bool | None = None
    password: str | None = Field(default=None, min_length=8, max_length=MAX_PASSWORD)
    email: str | None = Field(
        default=None, max_length=320, pattern=EMAIL_PATTERN, description="null clears it."
    )


class UserRead(Open):
    id: int
    username: str
    email: str | None
    role: Role
    is_active: bool
    created_at: str


class UserPage(BaseModel):
    items: list[UserRead]


class KeyCreate(BaseModel):
    name: str = Field(default="", max_length=200)
    environment: Environment


class KeyRead(Open):
    id: int
    name: str
    environment: Environment
    prefix: str
    user: UserRef
    created_at: str
    revoked_at: str | None


class KeyCreated(Open):
    id: int
    name: str
    environment: Environment
    prefix: str
    key: str = Field(description="The key itself: shown in this answer only, never again.")
    created_at: str


class KeyPage(BaseModel):
    items: list[KeyRead]
