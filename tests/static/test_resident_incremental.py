"""The resident build (``make preview``'s process): edits re-read only the edited files, and
after any sequence of edits the output equals a clean build of the same content.

The builds run in this process through the preview's ``ResidentBuilder`` (what ``make
preview`` runs between saves); the clean builds run the real command line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from editor_tools.preview._builder import ResidentBuilder
from tests.static.conftest import SAMPLE_CONTENT, SITE_URL, run_build
from tests.static.test_incremental import make_corpus, rewritten, set_title, snapshot

#: What two builds of the same content must agree on (compressed copies follow the files;
#: the manifests are checked too: they carry every post's content hash).
COMPARED = (".html", ".xml", ".json", ".ics", ".txt")


@pytest.fixture
def builder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ResidentBuilder]:
    monkeypatch.setenv("SITE_URL", SITE_URL)
    monkeypatch.delenv("RA_PREVIEW", raising=False)
    corpus = make_corpus.generate(tmp_path / "src", posts=9, events=2, products=2)
    for page in ("about.md", "contact.md"):
        assert (corpus.content / "pages" / page).is_file()
    built = ResidentBuilder(corpus.content, tmp_path / "out" / "site", "content")
    yield built
    built.close()


def build(builder: ResidentBuilder) -> str:
    result = builder.build()
    assert result.ok, result.errors
    return result.summary


def _same_file(ours: Path, clean: Path) -> bool:
    if ours.suffix != ".json":
        return ours.read_bytes() == clean.read_bytes()
    mine, theirs = json.loads(ours.read_bytes()), json.loads(clean.read_bytes())
    for manifest in (mine, theirs):  # when each build ran
        if isinstance(manifest, dict):
            manifest.pop("generated_at", None)
    return bool(mine == theirs)


def same_as_clean_build(builder: ResidentBuilder, fresh: Path, preview: bool = False) -> None:
    """The same settings: ``preview`` builds as ``make preview`` does (drafts written)."""
    run = run_build(builder.content, fresh, env={"RA_PREVIEW": "1"} if preview else None)
    assert run.returncode == 0, run.stderr
    ours, clean = set(snapshot(builder.output)), set(snapshot(fresh))
    assert sorted(ours ^ clean) == []  # the same files, compressed copies and images too
    compared = sorted(p for p in ours if p.endswith(COMPARED))
    assert [p for p in compared if not _same_file(builder.output / p, fresh / p)] == []


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{text}\n")


def test_an_edit_rereads_only_that_file_and_matches_a_clean_build(
    builder: ResidentBuilder, tmp_path: Path
) -> None:
    content = builder.content
    sources = sum(1 for p in content.rglob("*.md"))  # posts, pages, events, products
    assert build(builder).startswith(f"Built {builder.output}: {sources} files read, ")
    post = content / "blog" / "post-00004.md"
    [page] = builder.output.glob("blog/*/post-00004/index.html")

    append(post, "A sentence typed in the preview.")
    summary = build(builder)
    assert builder.resident.read_paths == [str(post)]  # one file parsed again
    assert ": 1 file read, " in summary
    assert builder.resident.partial  # and Pelican's generators were not run again
    assert "A sentence typed in the preview." in page.read_text(encoding="utf-8")
    same_as_clean_build(builder, tmp_path / "fresh1" / "site")

    about = content / "pages" / "about.md"
    append(about, "We also keep [a link to post four]({filename}/blog/post-00004.md).")
    append(post, "A second sentence.")
    build(builder)
    assert sorted(builder.resident.read_paths) == sorted([str(about), str(post)])
    assert builder.resident.partial
    same_as_clean_build(builder, tmp_path / "fresh2" / "site")


def test_a_body_edit_replaces_only_its_files_in_the_served_folder(
    builder: ResidentBuilder, tmp_path: Path
) -> None:
    """No new tree is staged and swapped in: the served folder stays, the files the edit
    changed are replaced one by one, and every other file keeps its inode."""
    build(builder)
    served, before = builder.output.stat().st_ino, snapshot(builder.output)
    entries = builder.resident.manifest_entries
    made = entries.made
    post = builder.content / "blog" / "post-00004.md"
    append(post, "Seen in place.")
    summary = build(builder)
    after = snapshot(builder.output)
    assert builder.resident.partial and builder.output.stat().st_ino == served
    assert entries.made == made + 1  # the edited post's manifest entry; the others are kept
    changed = rewritten(before, after)
    assert f": 1 file read, {len(changed)} pages written, " in summary
    assert any(path.endswith("/post-00004/index.html") for path in changed)
    same_inode = {p for p in before if p in after and before[p][0] == after[p][0]}
    assert {p for p in before if p.endswith((".html", ".xml"))} - changed <= same_inode
    for site_file in ("sitemap.xml", "robots.txt", "_headers"):  # their bytes did not change
        assert before[site_file] == after[site_file]
    assert sorted(p.name for p in builder.output.parent.iterdir()) == [".cache", "site"]
    same_as_clean_build(builder, tmp_path / "fresh" / "site")


def test_a_broken_link_in_a_body_edit_leaves_the_served_files_alone(
    builder: ResidentBuilder, tmp_path: Path
) -> None:
    build(builder)
    before = snapshot(builder.output)
    post = builder.content / "blog" / "post-00002.md"
    append(post, "See [the old page](/no/such/page/).")
    result = builder.build()
    assert not result.ok and builder.resident.partial  # a body edit: checked in place
    assert [e for e in result.errors if "post-00002.md: link: /no/such/page/" in e] != []
    assert snapshot(builder.output) == before
    assert sorted(p.name for p in builder.output.parent.iterdir()) == [".cache", "site"]

    append(post, "Fixed: [the about page](/about/).")
    post.write_text(post.read_text(encoding="utf-8").replace("/no/such/page/", "/about/"))
    build(builder)
    same_as_clean_build(builder, tmp_path / "fresh" / "site")


def test_after_a_body_edit_only_the_edited_content_is_checked_again(
    builder: ResidentBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ra_validate.checks

    checked: list[str] = []
    check_images = ra_validate.checks.check_images

    def counting(context: dict[str, object], content: object) -> None:
        checked.append(str(getattr(content, "source_path", "")))
        check_images(context, content)

    monkeypatch.setattr(ra_validate.checks, "check_images", counting)
    build(builder)
    assert len(checked) > 9  # every post, page and product
    post = builder.content / "blog" / "post-00001.md"
    checked.clear()
    append(post, "![](images/picture-02.png)")
    result = builder.build()
    assert builder.resident.partial and checked == [str(post)]
    assert not result.ok
    assert [e for e in result.errors if "post-00001.md: image: " in e and "no alt text" in e]


def test_edits_that_change_lists_run_pelican_and_match_a_clean_build(
    builder: ResidentBuilder, tmp_path: Path
) -> None:
    content = builder.content
    build(builder)
    set_title(content / "blog" / "post-00006.md", "A new title for the sixth post")
    build(builder)
    assert builder.resident.read_paths == [str(content / "blog" / "post-00006.md")]
    assert not builder.resident.partial  # the title is in listings, feeds, tag pages
    same_as_clean_build(builder, tmp_path / "fresh1" / "site")

    (content / "blog" / "post-00007.md").unlink()
    set_title(content / "events" / "event-0001.md", "Renamed fair")
    append(content / "market" / "product-0000.md", "Now in a bigger jar.")
    build(builder)
    assert not builder.resident.partial
    same_as_clean_build(builder, tmp_path / "fresh2" / "site")

    append(content / "blog" / "post-00002.md", "Back to a body edit.")
    build(builder)
    assert builder.resident.partial
    same_as_clean_build(builder, tmp_path / "fresh3" / "site")

    event, product = content / "events" / "event-0000.md", content / "market" / "product-0001.md"
    append(event, "Bring boots: the orchard is muddy.")
    append(product, "Keeps for a year unopened.")
    build(builder)
    assert builder.resident.partial  # bodies only: the event's dates, the price stay
    assert sorted(builder.resident.read_paths) == sorted([str(event), str(product)])
    same_as_clean_build(builder, tmp_path / "fresh4" / "site")


def test_a_failed_edit_keeps_the_output_and_the_next_build_starts_afresh(
    builder: ResidentBuilder, tmp_path: Path
) -> None:
    build(builder)
    post = builder.content / "blog" / "post-00003.md"
    good = post.read_text(encoding="utf-8")
    before = snapshot(builder.output)
    append(post, "See [nothing]({filename}/blog/no-such-post.md).")
    result = builder.build()
    assert not result.ok
    assert any(re.search(r"post-00003\.md: link: .*no-such-post", e) for e in result.errors)
    assert snapshot(builder.output) == before  # the last good build is still what is served

    post.write_text(good.rstrip("\n") + "\n\nFixed.\n", encoding="utf-8")
    build(builder)
    assert not builder.resident.partial  # the failed run may have changed objects in place
    same_as_clean_build(builder, tmp_path / "fresh" / "site")


def test_a_preview_started_again_reads_only_what_changed_meanwhile(
    builder: ResidentBuilder,
) -> None:
    build(builder)
    builder.close()  # the state and the parsed files go to the cache folder
    post = builder.content / "blog" / "post-00005.md"
    append(post, "Written while the preview was stopped.")
    again = ResidentBuilder(builder.content, builder.output, "content")
    try:
        assert ": 1 file read, " in build(again)
        assert again.resident.read_paths == [str(post)]
    finally:
        again.close()


@pytest.mark.parametrize("preview", [False, True], ids=["build", "preview-settings"])
def test_the_sample_content_after_body_edits_matches_a_clean_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, preview: bool
) -> None:
    """The sample has what the synthetic corpus lacks: galleries, drafts, pages with images,
    recurring events. With the preview's settings its drafts are written, and edited too."""
    import shutil

    monkeypatch.setenv("SITE_URL", SITE_URL)
    if preview:
        monkeypatch.setenv("RA_PREVIEW", "1")
    else:
        monkeypatch.delenv("RA_PREVIEW", raising=False)
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    builder = ResidentBuilder(content, tmp_path / "out" / "site", "content")
    try:
        build(builder)
        for name in ("bees-arrive.md", "cider-pressing.md"):
            append(content / "blog" / name, "An edit in the preview.")
        append(content / "pages" / "about.md", "An edit of a page.")
        append(content / "events" / "repair-cafe.md", "Bring a broken lamp.")  # recurring
        append(content / "market" / "bramble-jam.md", "Made in September.")
        append(content / "blog" / "next-years-plans.md", "A draft grows.")
        append(content / "events" / "midsummer-cider-2027.md", "A draft event grows.")
        build(builder)
        assert builder.resident.partial and len(builder.resident.read_paths) == 7
        if preview:
            page = builder.output / "drafts" / "events" / "midsummer-cider-2027" / "index.html"
            assert "A draft event grows." in page.read_text(encoding="utf-8")
        same_as_clean_build(builder, tmp_path / "fresh" / "site", preview)
    finally:
        builder.close()
