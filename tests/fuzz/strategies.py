"""JSON-shaped inputs: arbitrary documents, and real documents with one part broken (a random
value replaced or a key dropped), which reach much deeper into a validator than noise."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def broken(draw: st.DrawFn, document: Any) -> Any:
    """``document`` with the value at one path replaced by random JSON, or that key dropped."""
    doc = copy.deepcopy(document)
    paths = _paths(doc)
    path = draw(st.sampled_from(paths))
    if not path:
        return draw(json_values)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(json_values)
    return doc


def nested(depth: int) -> bytes:
    """A JSON document nested ``depth`` arrays deep (past any recursion limit when large)."""
    return b"[" * depth + b"]" * depth
