"""Server-rendered HTML for the pages a browser sees (sign-in, consent, email links, errors).

Plain forms that work without JavaScript, styled with the static site's colours. Jinja2
autoescapes everything.
"""

from __future__ import annotations

from typing import Any

from jinja2 import DictLoader, Environment, select_autoescape
from litestar import Response

from commerce_api.errors import CommerceError

__all__ = ["LAYOUT", "error_page", "render"]

LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{ title }} · Rose Ash</title>
<style>
:root{--ink:#1f1d1a;--muted:#5c574f;--paper:#fffdf8;--accent:#a3224a;--leaf:#3f6b2a;
--line:#e4ddd0;--radius:.5rem;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
line-height:1.55;color:var(--ink);background:var(--paper)}
body{margin:0}main{width:min(28rem,100% - 2rem);margin:3rem auto}
h1{font-size:1.5rem}a{color:var(--accent)}
form{display:grid;gap:.75rem;background:#fff;border:1px solid var(--line);
border-radius:var(--radius);padding:1.25rem}
label{display:grid;gap:.25rem;font-weight:600}
input{font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:var(--radius)}
button{font:inherit;padding:.6rem 1rem;border:0;border-radius:var(--radius);
background:var(--accent);color:#fff;cursor:pointer}
button.secondary{background:#fff;color:var(--ink);border:1px solid var(--line)}
.error{color:var(--accent);font-weight:600}.muted{color:var(--muted)}
:focus-visible{outline:3px solid var(--leaf);outline-offset:2px}
</style></head>
<body><main><h1>{{ title }}</h1>{% block body %}{% endblock %}</main></body></html>"""

_PAGES = {
    "base.html": LAYOUT,
    "signin.html": """{% extends "base.html" %}{% block body %}
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
<form method="post" action="/auth/signin">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<input type="hidden" name="next" value="{{ next }}">
<label>Email <input type="email" name="email" autocomplete="username" required
 value="{{ email }}"></label>
<label>Password <input type="password" name="password" autocomplete="current-password"
 required></label>
<button type="submit">Sign in</button>
</form>
<p class="muted"><a href="/auth/forgot-password">Forgot your password?</a></p>
<p><a href="/auth/register">Create an account</a></p>
{% endblock %}""",
    "register.html": """{% extends "base.html" %}{% block body %}
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
<form method="post" action="/auth/register">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<label>Email <input type="email" name="email" autocomplete="email" required
 value="{{ email }}"></label>
<label>Name (optional) <input type="text" name="display_name" autocomplete="name"
 maxlength="100" value="{{ display_name }}"></label>
<label>Password (at least 10 characters) <input type="password" name="password"
 autocomplete="new-password" minlength="10" required></label>
<button type="submit">Create account</button>
</form>
<p class="muted">We email you a link to confirm the address first.
Already have an account? <a href="/auth/signin">Sign in</a></p>
{% endblock %}""",
    "consent.html": """{% extends "base.html" %}{% block body %}
<p><strong>{{ client_name }}</strong> asks to use your Rose Ash account
({{ email }}) to see: {{ scopes | join(", ") or "nothing beyond who you are" }}.</p>
<form method="post" action="/oauth/authorize">
{% for name, value in params %}<input type="hidden" name="{{ name }}" value="{{ value }}">
{% endfor %}<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>{% endblock %}""",
    "token_form.html": """{% extends "base.html" %}{% block body %}
<p>{{ message }}</p>
<form method="post" action="{{ action }}">
{% for name, value in fields %}<input type="hidden" name="{{ name }}" value="{{ value }}">
{% endfor %}{% if password %}<label>New password <input type="password" name="password"
 autocomplete="new-password" minlength="10" required></label>{% endif %}
<button type="submit">{{ button }}</button>
</form>{% endblock %}""",
    "forgot.html": """{% extends "base.html" %}{% block body %}
<form method="post" action="/auth/forgot-password">
<label>Email <input type="email" name="email" autocomplete="username" required></label>
<button type="submit">Email me a reset link</button>
</form>{% endblock %}""",
    "message.html": """{% extends "base.html" %}{% block body %}
<p{% if error %} class="error" role="alert"{% endif %}>{{ message }}</p>
{% if link %}<p><a href="{{ link }}">{{ link_text or "Continue" }}</a></p>{% endif %}
{% endblock %}""",
    "logout.html": """{% extends "base.html" %}{% block body %}
<p>Sign out of Rose Ash{% if client_name %} (asked by {{ client_name }}){% endif %}?</p>
<form method="post" action="/oauth/logout">
{% for name, value in params %}<input type="hidden" name="{{ name }}" value="{{ value }}">
{% endfor %}<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<button type="submit">Sign out</button>
</form>{% endblock %}""",
}

_env = Environment(loader=DictLoader(_PAGES), autoescape=select_autoescape(default=True))


def render(
    template: str, *, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> Response[str]:
    html = _env.get_template(template).render(**context)
    base_headers = {
        "Cache-Control": "no-store",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
        "form-action 'self' http: https:; frame-ancestors 'none'",
    }
    base_headers.update(headers or {})
    return Response(html, status_code=status, media_type="text/html", headers=base_headers)


def error_page(title: str, exc: CommerceError) -> Response[str]:
    """A refused form (an expired or used link, a weak password) as a page: the problem's
    detail as an alert, with its HTTP status."""
    return render(
        "message.html", title=title, message=exc.detail, error=True, status=exc.status_code
    )
