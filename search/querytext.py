"""What the searcher typed, parsed once and written out for each backend.

Syntax (the same as PostgreSQL's websearch_to_tsquery): words are all required, "quoted
text" is a phrase, `-word` excludes, `or` between two words accepts either. On top of it:

- stop words are dropped (outside phrases), as PostgreSQL's english configuration does, so
  SQLite and PostgreSQL agree on what a query means;
- sales synonyms (settings.SEARCH["SYNONYMS"]) turn a word or a word sequence into a clause
  of alternatives: "poc pricing" means (poc OR "proof of concept") AND pricing;
- words can be replaced by corrections ("did you mean").

A query becomes a list of clauses; a clause is a set of alternatives (a word or a phrase),
any of which may match. Backends AND the clauses ("all" mode) or OR them ("any" mode, the
fallback when nothing matches every word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from . import conf

MAX_CLAUSES = 12
MAX_QUERY_LENGTH = 300

# PostgreSQL's english stop words (snowball), so both database backends drop the same words.
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "don",
        "should've",
        "we'll",
        "i'm",
        "i've",
        "let's",
    ]
)

WORD_RE = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*", re.UNICODE)
TOKEN_RE = re.compile(r'"[^"]*"?|-?[^\s"]+')


@dataclass(frozen=True)
class Alternative:
    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Clause:
    alternatives: tuple[Alternative, ...]
    negated: bool = False
    typed: tuple[str, ...] = ()  # what the searcher typed for it (before synonyms)


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    clauses: tuple[Clause, ...] = ()
    corrections: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]

    @property
    def negative(self) -> list[Clause]:
        return [c for c in self.clauses if c.negated]

    @property
    def is_empty(self) -> bool:
        return not self.positive

    def words(self) -> list[str]:
        """The single words the searcher typed (not phrases, not synonyms), for correction."""
        out: list[str] = []
        for clause in self.positive:
            for word in clause.typed:
                if Alternative((word,)) in clause.alternatives and word not in out:
                    out.append(word)
        return out

    def all_terms(self) -> list[str]:
        """Every word of every positive alternative (highlighting, similarity)."""
        out: list[str] = []
        for clause in self.positive:
            for alt in clause.alternatives:
                out += [w for w in alt.words if w not in out and w not in STOP_WORDS]
        return out

    def corrected(self, corrections: dict[str, str]) -> ParsedQuery:
        """The same query with words replaced (synonyms re-expanded for the new words)."""
        if not corrections:
            return self
        text = self.raw
        for wrong, right in corrections.items():
            text = re.sub(rf"(?<![\w-]){re.escape(wrong)}(?![\w-])", right, text, flags=re.IGNORECASE)
        return replace(parse(text), corrections=dict(corrections))


def normalize_word(word: str) -> str:
    return word.lower().replace("\u2019", "'")


def _words(text: str) -> list[str]:
    return [normalize_word(w) for w in WORD_RE.findall(text)]


@lru_cache(maxsize=4)
def _synonym_groups(groups: tuple[str, ...]) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """{word sequence: all sequences of its group}, e.g. ('poc',) -> (('poc',), ('proof','of','concept'))."""
    table: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for line in groups:
        members = tuple(tuple(_words(part)) for part in line.split(",") if _words(part))
        for member in members:
            table[member] = members
    return table


def synonym_table() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    return _synonym_groups(tuple(conf.get("SYNONYMS")))


def parse(text: str) -> ParsedQuery:
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    # 1. Tokens: phrases, negated words, words, and the `or` operator.
    items: list[tuple[str, tuple[str, ...], bool]] = []  # (kind, words, negated)
    for token in TOKEN_RE.findall(text):
        if token.startswith('"'):
            words = tuple(_words(token))
            if words:
                items.append(("phrase" if len(words) > 1 else "word", words, False))
            continue
        negated = token.startswith("-") and len(token) > 1
        words = _words(token[1:] if negated else token)
        if not words:
            continue
        if not negated and token.lower() == "or":
            items.append(("or", (), False))
            continue
        if negated:
            items.append(("phrase" if len(words) > 1 else "word", tuple(words), True))
        else:
            # "e-commerce" stays one word (backends treat it as a phrase of its parts);
            # "pricing/discount" is two.
            items += [("word", (word,), False) for word in words]

    # 2. Synonyms: the longest word sequence found in the table becomes one clause of
    # alternatives (before stop words go: "proof of concept" contains one).
    table = synonym_table()
    longest = max((len(k) for k in table), default=1)
    clauses: list[Clause] = []
    pending_or = False
    i = 0
    while i < len(items):
        kind, words, negated = items[i]
        if kind == "or":
            pending_or = bool(clauses)
            i += 1
            continue
        clause: Clause | None = None
        if kind == "phrase" and not negated and words in table:
            clause = Clause(tuple(Alternative(member) for member in table[words]), typed=words)
            i += 1
        elif kind == "word" and not negated:
            for size in range(min(longest, len(items) - i), 0, -1):
                window = items[i : i + size]
                if any(k != "word" or neg for k, _, neg in window):
                    continue
                seq = tuple(w for _, ws, _ in window for w in ws)
                if seq in table:
                    clause = Clause(tuple(Alternative(member) for member in table[seq]), typed=seq)
                    i += size
                    break
        if clause is None:
            i += 1
            if kind == "word" and words[0] in STOP_WORDS and not negated:
                continue
            clause = Clause((Alternative(words),), negated=negated, typed=words)
        if pending_or and not clause.negated and clauses and not clauses[-1].negated:
            previous = clauses.pop()
            merged = tuple(dict.fromkeys(previous.alternatives + clause.alternatives))
            clause = Clause(merged, typed=previous.typed + clause.typed)
        pending_or = False
        clauses.append(clause)
    return ParsedQuery(raw=text, clauses=tuple(clauses[:MAX_CLAUSES]))


# --- Writers for each backend ----------------------------------------------------------------


def _fts5_string(words: tuple[str, ...]) -> str:
    # Each alternative is an FTS5 string (a phrase when it has several words): quoting makes
    # any character safe, and the porter tokenizer stems what is inside.
    inner = " ".join(w.replace('"', "") for w in words)
    return f'"{inner}"'


def to_fts5(parsed: ParsedQuery, *, mode: str = "all", columns: tuple[str, ...] = ()) -> str:
    """An FTS5 MATCH expression ('' when nothing is left to match)."""
    positive = []
    for clause in parsed.positive:
        alts = " OR ".join(_fts5_string(a.words) for a in clause.alternatives)
        positive.append(f"({alts})")
    if not positive:
        return ""
    expr = (" AND " if mode == "all" else " OR ").join(positive)
    if columns:
        expr = "{" + " ".join(columns) + "} : (" + expr + ")"
    for clause in parsed.negative:
        alts = " OR ".join(_fts5_string(a.words) for a in clause.alternatives)
        expr = f"({expr}) NOT ({alts})"
    return expr


def to_tsquery_sql(parsed: ParsedQuery, *, mode: str = "all", config: str = "english") -> tuple[str, list[str]]:
    """A PostgreSQL tsquery expression built from websearch_to_tsquery() pieces, with params.

    Each alternative goes through websearch_to_tsquery (so stemming, stop words and phrase
    distance are PostgreSQL's own); the clause structure (synonym alternatives, all/any) is
    assembled with the tsquery operators ||, && and !!.
    """
    params: list[str] = []

    def piece(alt: Alternative) -> str:
        params.append(f'"{alt.text}"' if alt.is_phrase else alt.text)
        return f"websearch_to_tsquery('{config}', %s)"

    def clause_sql(clause: Clause) -> str:
        return "(" + " || ".join(piece(a) for a in clause.alternatives) + ")"

    positive = [clause_sql(c) for c in parsed.positive]
    if not positive:
        return "''::tsquery", []
    sql = "(" + (" && " if mode == "all" else " || ").join(positive) + ")"
    for clause in parsed.negative:
        sql = f"({sql} && !!{clause_sql(clause)})"
    return sql, params
