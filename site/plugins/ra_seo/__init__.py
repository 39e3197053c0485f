"""Site-wide files for crawlers: sitemap.xml and robots.txt."""

from ra_seo.files import write_site_files

__all__ = ["register", "write_site_files"]


def register() -> None:
    """Nothing to connect: the driver calls write_site_files on the finished site."""
