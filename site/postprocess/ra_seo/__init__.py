"""Site-wide files for crawlers: sitemap.xml and robots.txt.

A post-processing step, not a Pelican plugin: the build driver calls ``write_site_files``.
"""

from ra_seo.files import last_modified, write_site_files

__all__ = ["last_modified", "write_site_files"]
