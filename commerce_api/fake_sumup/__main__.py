"""``python -m commerce_api.fake_sumup --port N [--host 127.0.0.1] [--api-key KEY]``."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from ._app import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m commerce_api.fake_sumup",
        description="A fake SumUp Checkout API with a hosted payment page, for tests and dev.",
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--api-key", default=None, help="accept only this bearer token")
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    app = create_app(api_key=args.api_key)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False)


if __name__ == "__main__":
    main()
