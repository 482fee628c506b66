"""Logging in and out of the web app."""

from __future__ import annotations

from tests.web.conftest import Web, login


def test_login_logout_and_bad_password(web: Web) -> None:
    page = web.page()
    page.goto("/queue")
    # Not logged in: sent to the login form, and back to where they were going afterwards.
    page.get_by_label("Username").fill(f"{web.tenant.name}-annotator")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text()
    login(page, f"{web.tenant.name}-annotator")
    assert "annotator" in page.get_by_test_id("whoami").inner_text()
    page.reload()  # the session survives a reload
    page.get_by_test_id("whoami").wait_for()
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").wait_for()
    page.goto("/queue")
    page.get_by_label("Username").wait_for()
