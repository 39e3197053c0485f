"""Rose Ash commerce API: catalogue, carts, checkout through SumUp, orders and tickets.

The app is assembled by :func:`commerce_api.app.create_app`; ``python -m commerce_api`` is the
command line (serve, migrate, sync-catalog, expire, refund).
"""
