"""Fixtures of the payer's portal tests (test_portal_*): a logged-in payer and positions
listed in the account."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from positions.models import PositionClaim
from positions.services import OptionSpec


def claim(user, position, source=PositionClaim.Source.CREATED):
    PositionClaim.objects.create(user=user, position=position, source=source)
    return position


def main_html(response) -> str:
    page = response.content.decode()
    return page[page.index("<main"):page.index("</main>")]


def text_of(response) -> str:
    """The main content as text, tags removed and spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main_html(response))).split())


@pytest.fixture
def logged_in(client, payer):
    client.force_login(payer)
    return client


@pytest.fixture
def own_position(make_position, payer):
    """The manual's example, listed in the payer's account."""
    return claim(payer, make_position())


@pytest.fixture
def many_positions(make_position, payer):
    """``many_positions(n)``: n claimed positions of the payer, due on different days."""

    def make(count: int, start: int = 0):
        for i in range(start, start + count):
            claim(payer, make_position(
                causale=f"Retta {i}", reference=f"R-{i}", amount_cents=1000 + i,
                installments=[OptionSpec(1000 + i, date.today() + timedelta(days=i + 1))]))

    return make
