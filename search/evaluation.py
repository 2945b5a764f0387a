"""Measuring relevance: MRR and nDCG@10 over a relevance set (`manage.py search_eval`).

A relevance set is a JSON file:

    {
      "description": "...",
      "corpus": "starter_corpus.json",        # optional: documents to evaluate on instead of the index
      "queries": [
        {"query": "pricing objection procurement", "kind": "plain",
         "relevant": {"technique:Reframe a price objection as the cost of inaction": 3,
                      "question:Procurement wants 20% off at the last minute": 2}},
        ...
      ]
    }

Documents are named "type:title" (titles are stable across demo seeds, ids are not); grades
are 3 (should be first), 2 (should be near the top), 1 (relevant). `kind` says what the
query tests: plain, misspelling, synonym, word-form, filter.

Results are judged as the page shows them: one row per result, answers within their question.
So a question and its answers are one unit ("answer:<question title>" counts as
"question:<question title>", with the better of the two grades), a row counts once (a second
row of the same unit gains nothing), and the answers or discussions folded inside a row do not
take ranks of their own.

- Reciprocal rank: 1 / rank of the first relevant row (0 if none in the top 10).
- nDCG@10: DCG of the top 10 rows (gain 2^grade - 1, discount log2(rank + 1)) divided by the
  DCG of the ideal ordering of the graded units. It cannot exceed 1.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from .backends.base import SearchBackend, SearchRequest
from .documents import Document
from .querytext import parse
from .selectors import clean_filters, run_strategy

K = 10


@dataclass
class Case:
    query: str
    relevant: dict[str, int]
    kind: str = "plain"
    filters: dict[str, list[str]] = field(default_factory=dict)
    note: str = ""


@dataclass
class RelevanceSet:
    path: Path
    cases: list[Case]
    corpus: list[Document] | None = None
    description: str = ""


@dataclass
class CaseResult:
    case: Case
    ranked: list[str]
    reciprocal_rank: float
    ndcg: float


@dataclass
class Report:
    backend: str
    results: list[CaseResult]

    @property
    def mrr(self) -> float:
        return sum(r.reciprocal_rank for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def ndcg(self) -> float:
        return sum(r.ndcg for r in self.results) / len(self.results) if self.results else 0.0

    def by_kind(self) -> dict[str, tuple[int, float]]:
        kinds: dict[str, list[float]] = {}
        for r in self.results:
            kinds.setdefault(r.case.kind, []).append(r.ndcg)
        return {k: (len(v), sum(v) / len(v)) for k, v in sorted(kinds.items())}


def _norm(label: str) -> str:
    """The unit a label names: answers are judged within their question."""
    doc_type, _, title = label.partition(":")
    doc_type = doc_type.strip().lower()
    if doc_type == "answer":
        doc_type = "question"
    return f"{doc_type}:{' '.join(title.split()).lower()}"


def _merge(relevant: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for label, grade in relevant.items():
        key = _norm(label)
        out[key] = max(out.get(key, 0), int(grade))
    return out


def load_set(path: str | Path) -> RelevanceSet:
    path = Path(path)
    data = json.loads(path.read_text())
    cases = [
        Case(
            query=q["query"],
            relevant=_merge(q["relevant"]),
            kind=q.get("kind", "plain"),
            filters=q.get("filters", {}),
            note=q.get("note", ""),
        )
        for q in data["queries"]
    ]
    corpus = None
    if data.get("corpus"):
        corpus = load_corpus(path.parent / data["corpus"])
    return RelevanceSet(path=path, cases=cases, corpus=corpus, description=data.get("description", ""))


def load_corpus(path: str | Path) -> list[Document]:
    now = timezone.now()
    documents = []
    for n, item in enumerate(json.loads(Path(path).read_text())["documents"], start=1):
        item = dict(item)
        item.setdefault("id", n)
        item.setdefault("url", f"/{item['type']}s/{item['id']}/")
        if "age_days" in item:
            item["published_at"] = now - timezone.timedelta(days=item.pop("age_days"))
        documents.append(Document.from_dict(item))
    return documents


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def _gains(ranked: list[str], relevant: dict[str, int], k: int) -> list[int]:
    """The grade of each of the top k rows; a unit already credited gains nothing again."""
    relevant = _merge(relevant)
    seen: set[str] = set()
    gains = []
    for label in ranked[:k]:
        key = _norm(label)
        gains.append(0 if key in seen else relevant.get(key, 0))
        seen.add(key)
    return gains


def ndcg_at_k(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    ideal = dcg(sorted(_merge(relevant).values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(_gains(ranked, relevant, k)) / ideal


def reciprocal_rank(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    for i, gain in enumerate(_gains(ranked, relevant, k), start=1):
        if gain > 0:
            return 1.0 / i
    return 0.0


def evaluate(cases: list[Case], ranker: Callable[[Case], list[str]], *, backend: str = "") -> Report:
    results = []
    for case in cases:
        ranked = ranker(case)
        results.append(
            CaseResult(case, ranked, reciprocal_rank(ranked, case.relevant), ndcg_at_k(ranked, case.relevant))
        )
    return Report(backend=backend, results=results)


def backend_ranker(backend: SearchBackend, principals: list[str] | None = None) -> Callable[[Case], list[str]]:
    """Rank a case's query with the product's own strategy on `backend`, as an ordinary member."""

    def rank(case: Case) -> list[str]:
        request = SearchRequest(
            parsed=parse(case.query),
            principals=principals or ["members"],
            filters=clean_filters(case.filters),
            page_size=K,
            facets=False,
            now=timezone.now(),
        )
        results = run_strategy(backend, request)
        # As the page shows them: one row per result (what is folded inside a row is part of it).
        return [f"{hit.type}:{hit.title}" for hit in results.hits]

    return rank
