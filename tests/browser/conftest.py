import pytest

from tests.conftest import PASSWORD, current_totp


@pytest.fixture
def sign_in_page(live_server, page):
    """Sign in through the real pages, typing the password and the authenticator's code."""

    def sign_in(user) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("#sign-in")
        page.wait_for_url("**/accounts/two-factor/**")
        page.fill("#id_token", current_totp(user.totpdevice_set.get()))
        page.click("#verify")
        page.wait_for_url(f"{live_server.url}/")

    return sign_in


def sign_out(page) -> None:
    page.click("#nav-user")
    page.click("#logout")
    page.wait_for_url("**/accounts/login/**")
