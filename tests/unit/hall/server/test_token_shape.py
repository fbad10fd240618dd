"""API tokens can be given on a command line: none starts with "-" (argparse would read an option)."""

from __future__ import annotations

from hall.server.core.security import new_token


def test_no_token_starts_like_an_option() -> None:
    tokens = [new_token() for _ in range(3000)]  # about 47 of 3,000 raw tokens would start with "-"
    assert not [t for t in tokens if t.startswith("-")]
    assert len(set(tokens)) == len(tokens) and all(len(t) == 43 for t in tokens)
