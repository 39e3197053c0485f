"""Site-wide files for crawlers: sitemap.xml and robots.txt.

A post-processing step, not a Pelican plugin: the build driver calls ``write_site_files``.
"""

from ra_seo.files import write_site_files

__all__ = ["write_site_files"]
