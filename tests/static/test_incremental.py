"""Incremental builds, checked by which output files were rewritten.

Each test builds a small synthetic corpus (``bench/make_corpus.py``) with the real command
line, changes something, builds again and compares the output before and after. A file that
was not rewritten keeps its inode (the build links it from the previous output); a rewritten
one gets a new inode. The cache lives beside the output in the test's temporary folder.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import REPO_ROOT
from tests.static.conftest import SITE_URL, BuildRun, run_build

_CORPUS = REPO_ROOT / "bench" / "make_corpus.py"
_spec = importlib.util.spec_from_file_location("make_corpus", _CORPUS)
assert _spec and _spec.loader
make_corpus = importlib.util.module_from_spec(_spec)
sys.modules["make_corpus"] = make_corpus
_spec.loader.exec_module(make_corpus)

SUMMARY = re.compile(r"(\d+) pages written, (\d+) unchanged, (\d+) errors")
#: Files every build writes afresh (site-wide lists made after rendering), not pages.
SITE_FILES = re.compile(r"^(_data/|_headers|robots\.txt|sitemap\.xml|events/.*\.ics)")
Snapshot = dict[str, tuple[int, str]]


def snapshot(root: Path) -> Snapshot:
    """relative path -> (inode, sha256) of every file under ``root``."""
    found: Snapshot = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[path.relative_to(root).as_posix()] = (path.stat().st_ino, digest)
    return found


def rewritten(before: Snapshot, after: Snapshot) -> set[str]:
    """Pages and feeds written by the later build (new files or new inodes)."""
    return {
        path
        for path, (inode, _) in after.items()
        if (path not in before or before[path][0] != inode)
        and path.endswith((".html", ".xml"))
        and not SITE_FILES.match(path)
    }


def summary(run: BuildRun) -> tuple[int, int, int]:
    assert run.returncode == 0, run.stderr
    match = SUMMARY.search(run.stdout)
    assert match, run.stdout
    written, unchanged, errors = (int(g) for g in match.groups())
    return written, unchanged, errors


def linking_to(root: Path, url: str) -> set[str]:
    """HTML pages and feeds whose text contains ``url``."""
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.suffix in {".html", ".xml"} and url in p.read_text(encoding="utf-8")
    } - {"sitemap.xml"}


@pytest.fixture
def corpus(tmp_path: Path) -> make_corpus.Corpus:
    return make_corpus.generate(tmp_path / "src", posts=9, events=2, products=2)


@pytest.fixture
def built(corpus: make_corpus.Corpus, tmp_path: Path) -> Path:
    output = tmp_path / "out" / "build"
    written, unchanged, errors = summary(run_build(corpus.content, output))
    assert written > 0 and unchanged == 0 and errors == 0
    return output


def post_url(output: Path, corpus: make_corpus.Corpus, index: int) -> str:
    """The page a post was written to, found by its slug (the file name)."""
    slug = corpus.post_path(index).stem
    [page] = output.glob(f"blog/*/{slug}/index.html")
    return page.parent.relative_to(output).as_posix() + "/"


def set_title(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^Title: .*$", f"Title: {title}", text, count=1, flags=re.M))


def test_rebuild_with_nothing_changed_rewrites_nothing(
    corpus: make_corpus.Corpus, built: Path
) -> None:
    before = snapshot(built)
    run = run_build(corpus.content, built)
    written, unchanged, _ = summary(run)
    assert written == 0
    assert unchanged == len([p for p in before if p.endswith((".html", ".atom.xml"))])
    assert snapshot(built) == before


def test_title_edit_rewrites_the_post_and_the_pages_that_show_it(
    corpus: make_corpus.Corpus, built: Path
) -> None:
    url = post_url(built, corpus, 4)
    showing = linking_to(built, url)
    unrelated = post_url(built, corpus, 0)
    assert f"{unrelated}index.html" not in showing  # not a neighbour of post 4
    before = snapshot(built)

    set_title(corpus.post_path(4), "Quince harvest beats every record")
    run = run_build(corpus.content, built)
    written, unchanged, _ = summary(run)

    after = snapshot(built)
    changed = rewritten(before, after)
    # its page, every listing, tag/category/author page and feed that links to it
    assert changed == showing | {f"{url}index.html"}
    assert written == len(changed)
    assert unchanged == len([p for p in after if p.endswith((".html", ".atom.xml"))]) - written
    assert any(p.startswith("tag/") for p in changed)
    assert any(p.startswith("feeds/") for p in changed)
    assert f"{unrelated}index.html" not in changed
    for page in changed:
        assert "Quince harvest beats every record" in (built / page).read_text(encoding="utf-8")


def test_body_edit_rewrites_its_page_and_feeds_but_not_listings(
    corpus: make_corpus.Corpus, built: Path
) -> None:
    url = post_url(built, corpus, 4)
    listings = {p for p in linking_to(built, url) if p.endswith(".html")} - {f"{url}index.html"}
    before = snapshot(built)

    make_corpus.edit_post(corpus.post_path(4), "A sentence only the post page shows.")
    summary(run_build(corpus.content, built))

    changed = rewritten(before, snapshot(built))
    assert f"{url}index.html" in changed
    assert "feeds/all.atom.xml" in changed
    assert listings and not (listings & changed)  # summaries unchanged: listings reused
    page = (built / url / "index.html").read_text(encoding="utf-8")
    assert "A sentence only the post page shows." in page


def test_deleting_a_post_removes_its_page_and_every_link_to_it(
    corpus: make_corpus.Corpus, built: Path
) -> None:
    url = post_url(built, corpus, 4)
    assert linking_to(built, url)
    corpus.post_path(4).unlink()
    summary(run_build(corpus.content, built))
    assert not (built / url).exists()
    assert not linking_to(built, url)
    assert f"{SITE_URL}/{url}" not in (built / "sitemap.xml").read_text(encoding="utf-8")


def test_template_and_settings_changes_rewrite_the_pages_that_use_them(
    corpus: make_corpus.Corpus, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(
        REPO_ROOT / "site", site, ignore=shutil.ignore_patterns("__pycache__", ".cache")
    )
    script = site / "build_site.py"
    output = tmp_path / "out" / "build"

    def build() -> BuildRun:
        return _run_copy(script, corpus.content, output)

    summary(build())
    before = snapshot(output)
    posts = {p for p in before if re.match(r"blog/\d{4}/[^/]+/index\.html$", p)}

    article = site / "theme" / "templates" / "article.html"
    article.write_text(
        article.read_text(encoding="utf-8").replace("</article>", "<p>Template v2</p></article>")
    )
    summary(build())
    after = snapshot(output)
    assert rewritten(before, after) == posts  # only pages made with article.html
    assert all("Template v2" in (output / p).read_text(encoding="utf-8") for p in posts)

    settings = site / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + '\nSITESUBTITLE = "Settings v2"\n')
    summary(build())
    pages = {p for p in after if p.endswith(".html")}
    assert pages <= rewritten(after, snapshot(output))  # settings reach every page


def _run_copy(script: Path, content: Path, output: Path) -> BuildRun:
    """run_build, but with a copy of site/ (so a test may edit templates and settings)."""
    import os
    import subprocess

    env = {**os.environ, "SITE_URL": SITE_URL}
    env.pop("RA_DISABLE_PLUGINS", None)
    proc = subprocess.run(
        [sys.executable, str(script), "--content", str(content), "--output", str(output)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return BuildRun(proc.returncode, proc.stdout, proc.stderr, output)


def failing_build_changes_nothing(corpus: make_corpus.Corpus, built: Path) -> None:
    """A post with a bad date (and another edited): exit 1, the output exactly as it was."""
    before = snapshot(built)
    broken = corpus.post_path(5)
    original = broken.read_text(encoding="utf-8")
    broken.write_text(original.replace("Date: ", "Date: not-a-"), encoding="utf-8")
    make_corpus.edit_post(corpus.post_path(3), "Edited in the failing build.")
    run = run_build(corpus.content, built)

    assert run.returncode == 1
    assert f"{broken.name}: date:" in run.stderr
    assert snapshot(built) == before  # same files, bytes and inodes
    assert not [p for p in built.parent.iterdir() if p.name not in ("build", ".cache")]
    broken.write_text(original, encoding="utf-8")


def test_failed_build_leaves_the_previous_output_byte_identical(
    corpus: make_corpus.Corpus, built: Path
) -> None:
    failing_build_changes_nothing(corpus, built)  # first rebuild: a fresh staging tree
    make_corpus.edit_post(corpus.post_path(2), "Edited before the failing build.")
    summary(run_build(corpus.content, built))
    failing_build_changes_nothing(corpus, built)  # later: the recycled staging tree
    written, _, _ = summary(run_build(corpus.content, built))
    assert written > 0


def same_as_full_build(corpus: make_corpus.Corpus, built: Path, fresh: Path) -> None:
    """Every page and feed of ``built`` equals what a cold build of the content gives."""
    summary(run_build(corpus.content, fresh))
    pages = {p: d for p, (_, d) in snapshot(built).items() if p.endswith((".html", ".xml"))}
    full = {p: d for p, (_, d) in snapshot(fresh).items() if p.endswith((".html", ".xml"))}
    assert pages == full
    shutil.rmtree(fresh.parent)


def test_incremental_output_matches_a_full_build(
    corpus: make_corpus.Corpus, built: Path, tmp_path: Path
) -> None:
    # A new slug moves the event's page: calendar pages link to it through a plugin's
    # Python property (occurrence.url), not a template read of the event.
    event = corpus.content / "events" / "event-0000.md"
    event.write_text("Slug: moved-event\n" + event.read_text(encoding="utf-8"))
    summary(run_build(corpus.content, built))
    same_as_full_build(corpus, built, tmp_path / "fresh1" / "build")

    set_title(corpus.post_path(6), "A new title for the sixth post")
    make_corpus.edit_post(corpus.post_path(1), "More words.")
    corpus.post_path(7).unlink()
    set_title(corpus.content / "events" / "event-0001.md", "Renamed fair")
    set_title(corpus.content / "market" / "product-0000.md", "Renamed honey")
    (corpus.content / "images" / "picture-03.png").write_bytes(make_corpus.png(99))
    summary(run_build(corpus.content, built))
    same_as_full_build(corpus, built, tmp_path / "fresh2" / "build")


def test_a_scheduled_post_appears_once_due_though_no_file_changed(
    corpus: make_corpus.Corpus, tmp_path: Path
) -> None:
    post = corpus.content / "blog" / "scheduled.md"
    # The first build must finish before the post is due; on a loaded machine it may not, so
    # the margin grows until it does (the assertions below are the same whatever the margin).
    for attempt, margin in enumerate((4, 15, 45)):
        due = (datetime.now(ZoneInfo("Europe/London")) + timedelta(seconds=margin)).replace(
            microsecond=0
        )
        post.write_text(
            f"Title: Scheduled news\nDate: {due:%Y-%m-%d %H:%M:%S}\nTags: news\n"
            "Category: news\nSummary: Written ahead.\n\nNot yet.\n",
            encoding="utf-8",
        )
        output = tmp_path / f"out{attempt}" / "build"
        summary(run_build(corpus.content, output))
        if datetime.now(ZoneInfo("Europe/London")) < due:
            break
    assert not list(output.glob("blog/*/scheduled/index.html"))

    time.sleep(max(0.0, (due - datetime.now(ZoneInfo("Europe/London"))).total_seconds()) + 1)
    written, _, _ = summary(run_build(corpus.content, output))
    assert written > 0  # nothing changed on disk, yet the build was not skipped
    assert list(output.glob("blog/*/scheduled/index.html"))
    assert "Scheduled news" in (output / "blog" / "index.html").read_text(encoding="utf-8")


def test_incremental_output_matches_a_full_build_for_long_posts_with_code(
    tmp_path: Path,
) -> None:
    """The second benchmark corpus (long posts, fenced code, tables, footnotes)."""
    corpus = make_corpus.generate(tmp_path / "src", posts=6, events=1, products=1, flavour="code")
    built = tmp_path / "out" / "build"
    summary(run_build(corpus.content, built))
    post = corpus.post_path(2)
    post.write_text(
        post.read_text(encoding="utf-8") + '\n```python\nprint("edited")\n```\n', encoding="utf-8"
    )
    set_title(corpus.post_path(4), "A long post renamed")
    corpus.post_path(5).unlink()
    written, _, _ = summary(run_build(corpus.content, built))
    assert written > 0
    page = (built / post_url(built, corpus, 2) / "index.html").read_text(encoding="utf-8")
    assert re.search(r"print\((&quot;|\")edited(&quot;|\")\)", page)
    same_as_full_build(corpus, built, tmp_path / "fresh" / "build")
