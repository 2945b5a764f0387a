"""Choosing a correction for a word the index does not know ("did you mean").

Backends propose candidates from their vocabulary (trigram neighbours); the choice is the
same everywhere: the smallest Damerau-Levenshtein distance within a budget that grows with
the word's length, ties going to the word found in more documents.
"""

from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, transpositions)."""
    if a == b:
        return 0
    rows = len(a) + 1
    cols = len(b) + 1
    d = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        d[i][0] = i
    for j in range(cols):
        d[0][j] = j
    for i in range(1, rows):
        for j in range(1, cols):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def max_distance(word: str) -> int:
    if len(word) <= 4:
        return 1
    if len(word) <= 8:
        return 2
    return 3


def rank_corrections(word: str, candidates: list[tuple[str, int]]) -> list[str]:
    """Candidates within the edit budget, best first ([] when the word itself is a candidate)."""
    budget = max_distance(word)
    ranked: list[tuple[int, int, str]] = []
    for candidate, doc_count in candidates:
        if candidate == word:
            return []  # known after all
        if abs(len(candidate) - len(word)) > budget:
            continue
        distance = edit_distance(word, candidate)
        if distance <= budget:
            ranked.append((distance, -doc_count, candidate))
    return [c for _, _, c in sorted(set(ranked))]


def choose_correction(word: str, candidates: list[tuple[str, int]]) -> str | None:
    ranked = rank_corrections(word, candidates)
    return ranked[0] if ranked else None
