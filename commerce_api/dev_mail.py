"""Development only: the mail outbox as a web page, so ``make serve`` users can read the
verification, reset and receipt mails the API "sent" (with ``MAIL_BACKEND=outbox`` they stay
in the ``mail_outbox`` table) and follow their links.

Mounted only when ``DEV_MAILBOX=1`` *and* the secret key is the development default: with
production settings (a real ``SECRET_KEY``) the routes do not exist at all (404).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from markupsafe import Markup, escape
from sqlalchemy import select

from commerce_api.db.models import OutboxMessage
from commerce_api.pages import render
from commerce_api.settings import DEV_SECRET_KEY, Settings

__all__ = ["PATH", "enabled", "handlers"]

PATH = "/_dev/mail"
_URL = re.compile(r"https?://[^\s<>\"')]+")


def linkify(text: str) -> Markup:
    """The text, escaped, with every http(s) URL a link."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:")
        parts += [escape(text[last : match.start()]), Markup('<a href="{0}">{0}</a>').format(url)]
        last = match.start() + len(url)
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def enabled(settings: Settings) -> bool:
    return settings.dev_mailbox and settings.secret_key == DEV_SECRET_KEY


@get(PATH, include_in_schema=False)
async def mailbox(state: State) -> Response[str]:
    async with state.db.reading() as session:
        rows = await session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)
        )
        messages: list[Any] = list(rows)
    return render("mail.html", title="Local mail", messages=messages, linkify=linkify)


def handlers(settings: Settings) -> list[Any]:
    """The routes to mount: none unless this is a development setup."""
    return [mailbox] if enabled(settings) else []
