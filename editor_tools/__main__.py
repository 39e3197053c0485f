"""``python -m editor_tools [--content DIR] COMMAND ...``: the editors' Makefile targets."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from editor_tools._errors import EditorError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m editor_tools", description=__doc__)
    parser.add_argument("--content", default="content", type=Path, help="the content folder")
    sub = parser.add_subparsers(dest="command", required=True)

    new = sub.add_parser("new", help="start a new post, event or product")
    new.add_argument("kind", choices=["post", "event", "product"])
    new.add_argument("--title", default="")

    check = sub.add_parser("check", help="what must be fixed before publishing")
    check.add_argument("--output", default="build", type=Path, help="the built site to check")
    check.add_argument("--no-build", action="store_true", help="check OUTPUT as it is")

    ghost = sub.add_parser("import-ghost", help="import a Ghost JSON export")
    ghost.add_argument("file", type=Path)
    ghost.add_argument("--images", type=Path, help="Ghost's content/images folder")
    ghost.add_argument("--ghost-url", default="", help="the old blog's URL, for images kept")

    preview = sub.add_parser("preview", help="serve the site and rebuild on every change")
    preview.add_argument("--output", default="var/preview", type=Path)
    preview.add_argument("--host", default="127.0.0.1")
    preview.add_argument("--port", default=8000, type=int)

    publish = sub.add_parser("publish", help="build, check, upload, sync, federate")
    publish.add_argument("--output", default="build", type=Path)
    publish.add_argument("--from", dest="start", help="resume at this step")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "new":
            from editor_tools.new import new_content

            print(new_content(args.content, args.kind, args.title))
            return 0
        if args.command == "check":
            from editor_tools.check import run as check

            return check(args.content, args.output, build_first=not args.no_build)
        if args.command == "import-ghost":
            from editor_tools.ghost import run as import_ghost

            return import_ghost(args.file, args.content, args.images, args.ghost_url)
        if args.command == "preview":
            from editor_tools.preview import run as preview

            return preview(args.content, args.output, args.host, args.port)
        if args.command == "publish":
            from editor_tools.publish import run as publish

            return publish(args.content, args.output, args.start)
    except EditorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
