from pathlib import Path

import pytest
from playwright.sync_api import expect

from pcms.accounts.roles import Role

pytestmark = pytest.mark.browser
SCREENSHOTS = Path("test-results")


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_role_signs_in_with_totp_and_reads_arabic_right_to_left(
    role, make_user, sign_in_page, page, live_server
):
    user = make_user(f"user-{role}", role)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in_page(user)
    expect(page.locator("[data-panel=account] [data-role]")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#nav-user")).to_contain_text(f"user-{role}")

    page.click("#nav-language")
    page.click("button[data-language=ar]")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("nav")).to_contain_text("الرئيسية")
    # Bootstrap's right-to-left build puts the brand on the right edge.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"home-{role}-ar.png")
    assert not errors, errors  # no CSP violation, no script error
