"""Revision diffs (difflib), as rows a template renders escaped: nothing user-typed is trusted."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass
class DiffLine:
    op: str  # "equal", "insert", "delete", "skip"
    text: str


def diff_lines(old: str, new: str, *, context: int = 2) -> list[DiffLine]:
    """Line diff of two texts; long unchanged runs collapse to a "skip" row."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    out: list[DiffLine] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        if out:
            out.append(DiffLine("skip", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(DiffLine("equal", line) for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                out.extend(DiffLine("delete", line) for line in a[i1:i2])
            if tag in ("replace", "insert"):
                out.extend(DiffLine("insert", line) for line in b[j1:j2])
    return out


def revision_diffs(revisions: list) -> list[dict]:
    """Each revision with what changed since the one before (newest first)."""
    rows = []
    previous = None
    for rev in revisions:
        if previous is None:  # the first version is shown as it was, not as one big insertion
            rows.append(
                {
                    "revision": rev,
                    "title": [DiffLine("equal", rev.title)] if rev.title else [],
                    "tags": [DiffLine("equal", rev.tags)] if rev.tags else [],
                    "context": [DiffLine("equal", line) for line in rev.context.splitlines()],
                    "body": [DiffLine("equal", line) for line in rev.body.splitlines()],
                    "first": True,
                }
            )
        else:
            rows.append(
                {
                    "revision": rev,
                    "title": diff_lines(previous.title, rev.title),
                    "tags": diff_lines(previous.tags, rev.tags),
                    "context": diff_lines(previous.context, rev.context),
                    "body": diff_lines(previous.body, rev.body),
                    "first": False,
                }
            )
        previous = rev
    return list(reversed(rows))
