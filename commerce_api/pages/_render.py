"""Render a page: Litestar's Jinja template engine over ``templates/`` and the site's theme.

Autoescape is on for every template; the layout and the shared header are the same for the
shop's pages and the accounts' pages. Prices come as text in the views (``total_text``...),
formatted by ``manifest_contract.format_money`` like the site's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from litestar import Response
from litestar.enums import MediaType
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from commerce_api.errors import CommerceError
from commerce_api.pages._theme import THEME_TEMPLATES, theme_files
from commerce_api.settings import Settings

__all__ = ["SITE_NAME", "error_page", "render", "template_config"]

SITE_NAME = "Rose Ash"
_TEMPLATES = Path(__file__).resolve().parent / "templates"
_HEADERS = {
    "Cache-Control": "no-store",  # carts, receipts and forms with tokens are private
    "X-Frame-Options": "DENY",
    # form-action must let the checkout form's 303 reach SumUp's hosted page.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; "
    "form-action 'self' http: https:; frame-ancestors 'none'",
}
_REFUND_WORDS = {
    "owed": "we are giving your money back.",
    "done": "your money has been given back.",
    "failed": "we could not give your money back automatically and will contact you.",
}


def template_config(settings: Settings) -> TemplateConfig[JinjaTemplateEngine]:
    """The app's template engine: our templates first, then the theme's (the header macro)."""
    environment = Environment(
        loader=FileSystemLoader([_TEMPLATES, THEME_TEMPLATES]),
        autoescape=True,
        trim_blocks=True,  # as Pelican renders the theme, so the shared macro lays out alike
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.globals.update(
        site_url=settings.site_url.rstrip("/"),
        site_name=SITE_NAME,
        stylesheet=theme_files()["stylesheet"].path,
        icon=theme_files()["icon"].path,
        refund_words=_REFUND_WORDS,
    )
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


def render(
    template: str, *, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> Response[Any]:
    """An HTML page (a ``Template`` response), never cached (carts and receipts are private)
    and never framed."""
    return Template(
        template_name=template,
        context=context,
        status_code=status,
        media_type=MediaType.HTML,
        headers={**_HEADERS, **(headers or {})},
    )


def error_page(title: str, exc: CommerceError) -> Response[Any]:
    """A refused form (an expired or used link, a weak password) as a page: the problem's
    detail as an alert, with its HTTP status."""
    return render(
        "message.html", title=title, message=exc.detail, error=True, status=exc.status_code
    )
