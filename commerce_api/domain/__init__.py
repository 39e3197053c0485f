"""Bounded contexts of the shop: ``catalog``, ``cart``, ``checkout``, ``orders``, ``tickets``,
``payments`` (confirmation), ``system`` (health). Each has plain service modules tests call
directly and a thin ``controllers`` module of Litestar handlers."""
