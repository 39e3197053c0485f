"""``make check``: everything that must be fixed before publishing, and what to review.

Three passes, each printing one progress line:

1. the sources: unknown front-matter keys (with "did you mean"), posts without a summary,
   events without a venue, products without stock, images over the size budget;
2. the build (``site/build_site.py`` into ``OUTPUT``, as ``make build``): its content errors
   (broken ``{filename}`` links, missing images, misspelt keys, bad fields);
3. the built pages: every link and image of this site must exist; external links are listed
   for review.

Errors must be fixed (exit 1); warnings and the external links are for review.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from editor_tools._paths import BUILD_SCRIPT, use_site_code

#: Images larger than this (bytes) slow every page they are on; ``IMAGE_BUDGET_KB`` overrides.
DEFAULT_IMAGE_BUDGET = 400 * 1024
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"}
#: What each kind needs beyond what the build insists on (field, why it matters).
RECOMMENDED = {
    "post": [("summary", "listings and feeds cut the first words of the text instead")],
    "event": [("venue", "the page, calendar and search engines have no place for it")],
    "product": [("stock", "it is sold without limit")],
}


@dataclass(frozen=True, order=True)
class Finding:
    """One line of the report: ``error``/``warning``, where, which field, what."""

    severity: str
    source: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity:<7} {self.source}: {self.field}: {self.message}"


def content_files(content: Path) -> Iterator[tuple[Path, str]]:
    """(file, kind) for every Markdown source the build reads."""
    use_site_code()
    from ra_validate.fields import kind_of

    for path in sorted(content.rglob("*.md")):
        if path.name.upper().startswith("README"):
            continue
        kind = kind_of(path.relative_to(content).as_posix())
        if kind is not None:
            yield path, kind


def label(content: Path, path: Path, content_label: str) -> str:
    return f"{content_label}/{path.relative_to(content).as_posix()}"


def check_sources(content: Path, content_label: str) -> list[Finding]:
    """Unknown keys and missing recommended fields, file by file."""
    use_site_code()
    from ra_validate.fields import unknown_keys
    from ra_validate.reading import front_matter

    findings: list[Finding] = []
    for path, kind in content_files(content):
        where = label(content, path, content_label)
        meta = front_matter(str(path))
        for key, near in unknown_keys(meta, kind):
            if near is not None:
                message = f"unknown key; did you mean {near!r}?"
                findings.append(Finding("error", where, key, message))
            else:
                findings.append(Finding("warning", where, key, f"unknown key for a {kind}"))
        if meta.get("status", "").strip().lower() == "draft":
            continue  # a draft may be unfinished
        for field, why in RECOMMENDED.get(kind, []):
            if not meta.get(field, "").strip():
                findings.append(Finding("warning", where, field, f"missing: {why}"))
    return findings


def check_image_sizes(content: Path, content_label: str, budget: int) -> list[Finding]:
    """Every picture in the content folder over ``budget`` bytes."""
    findings = []
    for path in sorted(content.rglob("*")):
        if path.suffix.lower() in _IMAGE_SUFFIXES and path.is_file():
            size = path.stat().st_size
            if size > budget:
                findings.append(
                    Finding(
                        "error",
                        label(content, path, content_label),
                        "size",
                        f"{size // 1024} KB is over the {budget // 1024} KB budget; "
                        "resize or compress it",
                    )
                )
    return findings


def run_build(content: Path, output: Path) -> tuple[bool, list[Finding], str]:
    """Build as ``make build`` does; (succeeded, its content errors, its last line)."""
    done = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--content", str(content), "--output", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = []
    lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
    for line in done.stderr.splitlines():
        source, sep, rest = line.partition(": ")
        field, sep2, message = rest.partition(": ")
        if sep and sep2 and not line.startswith("Build failed"):
            findings.append(Finding("error", source, field, message))
    return done.returncode == 0, findings, lines[-1] if lines else ""


def site_url(content: Path) -> str:
    """The site's URL as the build sees it (``SITE_URL`` or pelicanconf's default)."""
    from pelican.settings import read_settings

    from editor_tools._paths import SITE_DIR

    settings = read_settings(str(SITE_DIR / "pelicanconf.py"), override={"PATH": str(content)})
    return str(settings["SITEURL"])


def html_pages(output: Path) -> Iterable[Path]:
    return sorted(p for p in output.rglob("*.html") if not p.name.startswith("."))


def check_output(output: Path, url: str) -> tuple[list[Finding], dict[str, list[str]]]:
    """Broken links and images in the built pages; external link -> pages it is on."""
    use_site_code()
    from ra_core import html_tags
    from ra_validate.checks import link_exists, url_to_file

    findings: list[Finding] = []
    external: dict[str, list[str]] = defaultdict(list)
    for page in html_pages(output):
        relative = page.relative_to(output).as_posix()
        page_url = relative[: -len("index.html")] if relative.endswith("index.html") else relative
        tags = html_tags(page.read_text(encoding="utf-8", errors="replace"))
        targets = [("link", href) for href in tags.links] + [("image", s) for s, _ in tags.images]
        for field, href in targets:
            target = url_to_file(href, page_url, url, output)
            if target is None:
                if href.startswith(("http://", "https://")):
                    external[href].append(relative)
            elif not link_exists(target):
                where = f"{output}/{relative}"
                findings.append(Finding("error", where, field, f"{href} not found"))
    return findings, external


def report(findings: list[Finding], external: dict[str, list[str]]) -> tuple[int, int]:
    """Print the findings, errors first; return (errors, warnings)."""
    from ra_core import plural

    unique = sorted(set(findings))
    for finding in unique:
        print(finding)
    if external:
        print(f"External links to review ({len(external)}):")
        for href, pages in sorted(external.items()):
            print(f"  {href}  (on {plural(len(pages), 'page')}, e.g. {pages[0]})")
    errors = sum(1 for f in unique if f.severity == "error")
    return errors, len(unique) - errors


def run(content: Path, output: Path, *, build_first: bool = True) -> int:
    """The ``check`` command: exit 1 when something must be fixed."""
    use_site_code()
    from ra_core import plural

    if not content.is_dir():
        print(f"{content}: content folder not found", file=sys.stderr)
        return 1
    content_label = os.fspath(content).rstrip("/")
    budget = int(os.environ.get("IMAGE_BUDGET_KB", DEFAULT_IMAGE_BUDGET // 1024)) * 1024
    print(f"[1/3] checking the sources in {content_label}/", flush=True)
    findings = check_sources(content, content_label)
    findings += check_image_sizes(content, content_label, budget)
    external: dict[str, list[str]] = {}
    built = True
    if build_first:
        print(f"[2/3] building into {output}", flush=True)
        built, build_findings, last = run_build(content, output)
        findings += build_findings
        if not built and not build_findings:
            findings.append(Finding("error", str(content_label), "build", last))
    if built:
        print(f"[3/3] checking the links and images of {output}", flush=True)
        output_findings, external = check_output(output, site_url(content.resolve()))
        findings += output_findings
    else:
        print("[3/3] skipped: the build failed, so there is no output to check", flush=True)
    errors, warnings = report(findings, external)
    verdict = "must be fixed before publishing" if errors else "nothing must be fixed"
    print(f"check: {plural(errors, 'error')}, {plural(warnings, 'warning')}: {verdict}")
    return 1 if errors else 0


__all__ = ["Finding", "check_image_sizes", "check_output", "check_sources", "run"]
