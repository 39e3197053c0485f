"""Pelican settings for the Rose Ash site.

The build driver (``site/build_site.py``) reads this file and overrides ``PATH`` and
``OUTPUT_PATH`` from its command line; ``SITE_URL`` in the environment overrides ``SITEURL``.
Every ``ra_*`` package in ``site/plugins/`` is loaded, so a new plugin only has to exist to
take part in the build. Plugins connect to the build through Pelican's signals only; the steps
that run on the written site (``site/postprocess/``: hashed assets, manifests, SEO files) are
called by the build driver, and ``site/lib/ra_core`` is the library both use.
"""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLUGIN_DIR = HERE / "plugins"


def _discover_plugins() -> list[str]:
    """Every ``ra_<name>`` package in ``site/plugins/``, in name order.

    ``RA_DISABLE_PLUGINS=ra_x,ra_y`` in the environment leaves some out (for debugging).
    """
    disabled = set(filter(None, os.environ.get("RA_DISABLE_PLUGINS", "").split(",")))
    return sorted(
        p.name
        for p in PLUGIN_DIR.iterdir()
        if p.is_dir()
        and p.name.startswith("ra_")
        and (p / "__init__.py").exists()
        and p.name not in disabled
    )


# --- identity ---------------------------------------------------------------------------
SITENAME = "Rose Ash"
SITESUBTITLE = "A cooperative orchard, bakery and workshop"
SITEURL = os.environ.get("SITE_URL", "https://rose-ash.example.coop").rstrip("/")
RELATIVE_URLS = False
AUTHOR = "Rose Ash Cooperative"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# --- where things are ---------------------------------------------------------------------
PATH = "content"
OUTPUT_PATH = "build"
THEME = str(HERE / "theme")
PLUGIN_PATHS = [str(PLUGIN_DIR)]
PLUGINS = _discover_plugins()
ARTICLE_PATHS = ["blog"]
ARTICLE_EXCLUDES = ["events", "market", "pages"]
PAGE_PATHS = ["pages"]
PAGE_EXCLUDES = ["events", "market", "blog"]
STATIC_PATHS = ["images"]
IGNORE_FILES = [".#*", "*~", "README*"]
#: Every template escapes what it prints; only sanitised bodies are marked safe (ra_theme).
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}
DELETE_OUTPUT_DIRECTORY = False  # the driver always builds into a fresh staging folder
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# --- content rules ------------------------------------------------------------------------
# Slugs (and so stable ids, see docs/manifests.md) come from the file name, never the title.
SLUGIFY_SOURCE = "basename"
WITH_FUTURE_DATES = False  # scheduled posts stay out until a build runs after their date
DEFAULT_DATE = None  # a post without a date is a content error, not "now"
DEFAULT_CATEGORY = "news"
USE_FOLDER_AS_CATEGORY = False
SUMMARY_MAX_LENGTH = 40
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.smarty": {},
    },
    "output_format": "html5",
}

# --- URLs (pretty: slug/index.html) -----------------------------------------------------
ARTICLE_URL = "blog/{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "blog/{date:%Y}/{slug}/index.html"
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ""
DRAFT_URL = ""
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_URL = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
DRAFT_EVENT_URL = ""
DRAFT_EVENT_SAVE_AS = ""
DRAFT_EVENT_ICS_SAVE_AS = ""
DRAFT_PRODUCT_URL = ""
DRAFT_PRODUCT_SAVE_AS = ""
DRAFT_PRODUCT_LANG_URL = ""
DRAFT_PRODUCT_LANG_SAVE_AS = ""
if os.environ.get("RA_PREVIEW") == "1":  # make preview: drafts are shown, under drafts/
    DRAFT_URL = "drafts/{slug}/"
    DRAFT_SAVE_AS = "drafts/{slug}/index.html"
    DRAFT_PAGE_URL = "drafts/pages/{slug}/"
    DRAFT_PAGE_SAVE_AS = "drafts/pages/{slug}/index.html"
    DRAFT_EVENT_URL = "drafts/events/{slug}/"
    DRAFT_EVENT_SAVE_AS = "drafts/events/{slug}/index.html"
    DRAFT_EVENT_ICS_SAVE_AS = "drafts/events/{slug}.ics"
    DRAFT_PRODUCT_URL = "drafts/market/{slug}/"
    DRAFT_PRODUCT_SAVE_AS = "drafts/market/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_SAVE_AS = ""
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
CATEGORIES_URL = "category/"
CATEGORIES_SAVE_AS = "category/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tag/"
TAGS_SAVE_AS = "tag/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
AUTHORS_URL = "author/"
AUTHORS_SAVE_AS = "author/index.html"
ARCHIVES_URL = "blog/archives/"
ARCHIVES_SAVE_AS = "blog/archives/index.html"
YEAR_ARCHIVE_URL = "blog/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "blog/{date:%Y}/index.html"
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
INDEX_URL = "blog/"
INDEX_SAVE_AS = "blog/index.html"
HOME_URL = ""
HOME_SAVE_AS = "index.html"
NOT_FOUND_URL = "404.html"
NOT_FOUND_SAVE_AS = "404.html"
DIRECT_TEMPLATES = ["home", "index", "tags", "categories", "authors", "archives", "not_found"]
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
DEFAULT_PAGINATION = 6
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{url}page/{number}/", "{base_name}/page/{number}/index.html"),
)

# --- feeds (Atom) -------------------------------------------------------------------------
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = None
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = "feeds/category-{slug}.atom.xml"
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = "feeds/tag-{slug}.atom.xml"
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 20

# --- navigation and theme data -----------------------------------------------------------
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False
# The main navigation is in theme/templates/_site_header.html (the shop's pages share it).
RA_LOGO = "theme/images/logo.png"
RA_FAVICON = "theme/images/logo.svg"
#: Where the section actors (RA_ACTORS) live: the federation server's public URL.
RA_FEDIVERSE_URL = os.environ.get("FEDERATION_URL", SITEURL).rstrip("/")
RA_DEFAULT_IMAGE = "theme/images/og-default.png"

# --- manifests (docs/manifests.md) --------------------------------------------------------
RA_NEWSLETTERS = [
    {"id": "newsletter:monthly", "title": "Monthly news", "description": "One email a month."},
    {
        "id": "newsletter:market",
        "title": "Market day",
        "description": "What is fresh from the orchard and bakery, every Friday.",
    },
    {
        "id": "newsletter:workshops",
        "title": "Workshops",
        "description": "New courses in the workshop, about twice a season.",
    },
]
RA_ACTORS = [
    {
        "name": "blog",
        "display_name": "Rose Ash blog",
        "summary": "News from the cooperative.",
        "path": "blog/",
    },
    {
        "name": "events",
        "display_name": "Rose Ash events",
        "summary": "Open days, workshops and fairs at the orchard.",
        "path": "events/",
    },
    {
        "name": "market",
        "display_name": "Rose Ash market",
        "summary": "Honey, bread, preserves and crafts from the cooperative.",
        "path": "market/",
    },
]

# --- market (ra_market) -------------------------------------------------------------------
PRODUCT_URL = "market/{slug}/"
PRODUCT_SAVE_AS = "market/{slug}/index.html"
PRODUCT_LANG_URL = PRODUCT_URL
PRODUCT_LANG_SAVE_AS = ""
MARKET_URL = "market/"
MARKET_SAVE_AS = "market/index.html"
MARKET_CATEGORY_URL = "market/category/{slug}/"
MARKET_CATEGORY_SAVE_AS = "market/category/{slug}/index.html"
#: Where the add-to-cart form posts without JavaScript (the commerce API; see commerce_api/).
RA_COMMERCE_URL = os.environ.get("COMMERCE_URL", SITEURL).rstrip("/")
RA_CART_ACTION = f"{RA_COMMERCE_URL}/cart/items"
#: Shown beside "Add to cart" (a product's own `Collection:` / `Delivery:` fields win).
RA_COLLECTION = "Free from the bakery counter, Fridays 10:00-18:00; we keep it for a week."
RA_DELIVERY = "Within 10 miles of the orchard on Tuesdays, £4.50; no post for fresh food."
