"""A newcomer signs up, confirms their address from the email, logs in and lands at home."""

from urllib.parse import urlparse

from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from ceutrack.accounts.models import User


def test_it_signs_up_confirms_the_email_logs_in_and_shows_the_signed_in_home(
    page, new_context, login, email_link, mailoutbox
):
    page.goto("/accounts/signup/")
    page.locator('input[name="full_name"]').fill("Dana Coder")
    page.locator('input[name="email"]').fill("dana@example.com")
    page.locator('input[name="password1"]').fill("a-long-CEU-passphrase-42")
    page.locator('input[name="password2"]').fill("a-long-CEU-passphrase-42")
    page.locator("form").filter(has=page.locator('input[name="password1"]')).locator(
        '[type="submit"]'
    ).first.click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    user = User.objects.get(email="dana@example.com")
    assert user.full_name == "Dana Coder"
    assert not EmailAddress.objects.get(user=user).verified

    # Another device (no signup session): confirming must not sign anybody in by itself.
    link = email_link(to="dana@example.com", path="/accounts/confirm-email/")
    phone = new_context().new_page()
    phone.goto(link)
    phone.get_by_role("button", name="Confirm email address").click()
    phone.wait_for_load_state()
    assert EmailAddress.objects.get(user=user).verified

    login(phone, "dana@example.com", "a-long-CEU-passphrase-42")

    # Signed in: home, with the account menu named after them instead of the sign-in link.
    assert urlparse(phone.url).path == "/"
    expect(phone.get_by_role("button", name="Dana Coder")).to_be_visible()
    expect(phone.get_by_role("link", name="Sign in")).to_have_count(0)


def test_it_refuses_a_forged_confirmation_link_with_a_clear_message(page):
    page.goto("/accounts/confirm-email/not-a-real-key/")

    expect(page.get_by_role("heading", name="This confirmation link does not work")).to_be_visible()
    expect(page.get_by_role("link", name="Go to sign in")).to_be_visible()


def test_it_lets_a_signed_in_page_fixture_skip_the_login_form(signed_in_page, verified_user):
    user = verified_user(full_name="Morgan Manager")

    page = signed_in_page(user)
    page.goto("/")

    expect(page.get_by_role("button", name="Morgan Manager")).to_be_visible()
