"""Where one build's time goes: run ``build_site.py`` in this process with its steps timed.

    python bench/build_phases.py --site SITE_DIR --content DIR --output DIR

Prints one JSON object ``{"phase": seconds, ...}``. Steps are the driver's functions and the
generators' ``generate_context``/``generate_output``; a step the driver no longer has is simply
absent. Used by ``bench_build.py`` for a breakdown of the one-edit rebuild.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

DRIVER_STEPS = ("prepare_staging", "run_pelican", "check_output", "postprocess", "swap_into_place")
POSTPROCESS_STEPS = {
    "ra_assets": ("fingerprint", "rename_assets", "precompress", "write_headers"),
    "ra_manifests": ("write_manifests",),
    "ra_seo": ("write_site_files",),
}
FINISH_STEPS = ("wait",)  # ra_assets.FinishPass: waiting for the rewrite/compress workers
SESSION_STEPS = ("begin", "link_reused", "finish", "commit")


def _timed(label: str, func: Callable[..., Any], times: dict[str, float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            times[label] += time.perf_counter() - started

    return wrapper


def _wrap(owner: Any, names: tuple[str, ...], prefix: str, times: dict[str, float]) -> None:
    for name in names:
        func = getattr(owner, name, None)
        if func is not None:
            setattr(owner, name, _timed(f"{prefix}{name}", func, times))


def measure(site: Path, content: Path, output: Path) -> dict[str, float]:
    times: dict[str, float] = defaultdict(float)
    started = time.perf_counter()
    # the snapshot's own code first (before the installed ra_* packages of this checkout)
    folders = [site, site / "plugins", site / "postprocess", site / "lib"]
    sys.path[:0] = [str(folder) for folder in folders if folder.is_dir()]
    import build_site  # the snapshot's driver

    times["imports"] = time.perf_counter() - started
    _wrap(build_site, DRIVER_STEPS, "", times)
    for module, names in POSTPROCESS_STEPS.items():
        with contextlib.suppress(ImportError):
            _wrap(__import__(module), names, "  postprocess: ", times)
    with contextlib.suppress(ImportError, AttributeError):
        _wrap(__import__("ra_assets").FinishPass, FINISH_STEPS, "  postprocess: finish ", times)
    with contextlib.suppress(ImportError, AttributeError):
        session_class = __import__("ra_incremental").Session
        begin = session_class.begin
        session_class.begin = classmethod(_timed("incremental: begin", begin.__func__, times))
        _wrap(session_class, SESSION_STEPS[1:], "incremental: ", times)

    import pelican

    original = pelican.Pelican._get_generator_classes

    def generator_classes(self: Any) -> list[type]:
        classes = original(self)
        for cls in classes:
            if not getattr(cls, "_bench_timed", False):
                names = ("generate_context", "generate_output")
                _wrap(cls, names, f"  pelican: {cls.__name__}.", times)
                cls._bench_timed = True
        return classes

    pelican.Pelican._get_generator_classes = generator_classes
    with contextlib.redirect_stdout(io.StringIO()):
        status = build_site.main(["--content", str(content), "--output", str(output)])
    times["total"] = time.perf_counter() - started
    if status:
        raise SystemExit(f"build failed with status {status}")
    return dict(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    print(json.dumps(measure(args.site, args.content, args.output)))


if __name__ == "__main__":
    main()
