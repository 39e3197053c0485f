"""make check: exit 1 with file and field for what must be fixed; warnings and links to review."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.editor.conftest import edit, editor


def test_sample_content_passes_with_progress_lines(tmp_path: Path) -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "check", f"OUTPUT={tmp_path / 'out'}"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("[1/3]") for line in lines)
    assert any(line.startswith("[3/3] checking the links") for line in lines)
    assert lines[-1] == "check: 0 errors, 0 warnings: nothing must be fixed"


def test_every_problem_is_named_with_file_and_field(content: Path, tmp_path: Path) -> None:
    blog = content / "blog"
    edit(blog / "bees-arrive.md", "Summary:", "Sumary:")
    edit(blog / "cider-pressing.md", "Tags:", "Tgas:")
    edit(blog / "spring-open-day.md", "Image: images/", "Image: images/missing-")
    edit(blog / "summer-pruning.md", "\n\n", "\nMood: sunny\n\n")
    (blog / "summer-pruning.md").write_text(
        (blog / "summer-pruning.md").read_text() + "\n![A lost picture](/images/absent.png)\n"
    )
    (content / "images" / "huge.png").write_bytes(b"\x89PNG" + b"\0" * (450 * 1024))
    edit(content / "market" / "cherry-spoon.md", "Stock: 5\n", "")
    done = editor("check", "--output", tmp_path / "out", content=content)
    assert done.returncode == 1
    c = str(content)
    for line in [
        f"error   {c}/blog/bees-arrive.md: sumary: unknown key; did you mean 'summary'?",
        f"error   {c}/blog/cider-pressing.md: tgas: unknown key; did you mean 'tags'?",
        f"error   {c}/blog/spring-open-day.md: image: images/missing-orchard-blossom.png not found",
        f"error   {c}/blog/summer-pruning.md: image: /images/absent.png not found",
        f"error   {c}/images/huge.png: size: 450 KB is over the 400 KB budget; "
        "resize or compress it",
        f"warning {c}/blog/bees-arrive.md: summary: missing: listings and feeds cut the first "
        "words of the text instead",
        f"warning {c}/blog/summer-pruning.md: mood: unknown key for a post",
        f"warning {c}/market/cherry-spoon.md: stock: missing: it is sold without limit",
    ]:
        assert line in done.stdout.splitlines(), (line, done.stdout)
    assert done.stdout.splitlines()[-1].startswith("check: 5 errors, 3 warnings")
    assert "[3/3] skipped: the build failed" in done.stdout


def test_broken_links_in_the_built_pages_and_external_links(content: Path, tmp_path: Path) -> None:
    post = content / "blog" / "bees-arrive.md"
    post.write_text(post.read_text() + "\nSee [the beekeepers](https://bees.example.org/).\n")
    out = tmp_path / "out"
    first = editor("check", "--output", out, content=content)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "External links to review (1):" in first.stdout
    assert "  https://bees.example.org/  (on 1 page, e.g. blog/2026/bees-arrive/index.html)" in (
        first.stdout.splitlines()
    )
    # a page other pages link to disappears from the output: every link to it is broken
    for file in (out / "about").iterdir():
        file.unlink()
    again = editor("check", "--no-build", "--output", out, content=content)
    assert again.returncode == 1
    broken = [line for line in again.stdout.splitlines() if line.startswith("error")]
    assert broken, again.stdout
    assert all("about/ not found" in line and line.split(": ")[1] == "link" for line in broken)
    assert f"error   {out}/index.html: link: " in "\n".join(broken)
