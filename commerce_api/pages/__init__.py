"""The HTML pages a browser sees on the API's own origin: the cart, receipts, sign-in and
sign-up, password reset, OAuth consent, email links and errors.

Jinja templates in ``templates/``, rendered by Litestar's template engine (``render`` returns a
``Template`` response), autoescaped, without script. They call the static site's header macro
and link its stylesheet (served by the API, see ``_theme``), so they look like the site.
"""

from __future__ import annotations

from commerce_api.pages._render import SITE_NAME, error_page, render, template_config
from commerce_api.pages._theme import serve_theme_file

__all__ = ["SITE_NAME", "error_page", "render", "serve_theme_file", "template_config"]
