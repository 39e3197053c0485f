"""Build messages an editor can act on: Pelican's reason, misspelt keys, missing images, no
knock-on errors against another file, and "1 error"."""

from __future__ import annotations

from pathlib import Path

from tests.editor.conftest import edit
from tests.static.conftest import run_build


def test_each_mistake_is_one_line_with_file_and_field(content: Path, tmp_path: Path) -> None:
    blog = content / "blog"
    edit(blog / "bees-arrive.md", "Summary:", "Status: drafft\nSumary:")
    edit(blog / "cider-pressing.md", "Tags:", "Tgas:")
    edit(blog / "spring-open-day.md", "Image: images/", "Image: images/missing-")
    (blog / "summer-pruning.md").write_text(
        (blog / "summer-pruning.md").read_text()
        + "\nBuy [the spoon]({filename}/market/cherry-spoon.md).\n"
        "![Gone]({static}/images/nothere.png) ![Absent](/images/absent.png)\n"
    )
    edit(content / "market" / "cherry-spoon.md", "Price: 2400", "Price: -420")
    out = tmp_path / "out"
    run = run_build(content, out)
    assert run.returncode == 1
    c = str(content)
    assert run.error_lines == [
        f"{c}/blog/bees-arrive.md: status: 'drafft' is not one of published, draft, hidden, skip",
        f"{c}/blog/bees-arrive.md: sumary: unknown key; did you mean 'summary'?",
        f"{c}/blog/cider-pressing.md: tgas: unknown key; did you mean 'tags'?",
        f"{c}/blog/spring-open-day.md: image: images/missing-orchard-blossom.png not found",
        f"{c}/blog/summer-pruning.md: image: /images/absent.png not found",
        f"{c}/blog/summer-pruning.md: image: https://rose-ash.example.coop/images/nothere.png "
        "not found",
        f"{c}/market/cherry-spoon.md: price: -420 is negative",
        f"Build failed: 7 errors; {out} was left unchanged",
    ]  # no "could not be read", no link error in summer-pruning.md for the invalid product
    assert not out.exists()


def test_one_error_is_one_error(content: Path, tmp_path: Path) -> None:
    edit(content / "blog" / "cider-pressing.md", "Tags:", "Tgas:")
    run = run_build(content, tmp_path / "out")
    assert run.returncode == 1
    assert run.error_lines[-1] == f"Build failed: 1 error; {tmp_path / 'out'} was left unchanged"
