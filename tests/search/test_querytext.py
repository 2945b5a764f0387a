"""Parsing what the searcher typed (no database)."""

from __future__ import annotations

from search.querytext import parse, to_fts5, to_tsquery_sql


def alternatives(text: str) -> list[list[str]]:
    return [[a.text for a in c.alternatives] for c in parse(text).positive]


def test_words_are_lowercased_and_stop_words_dropped():
    assert alternatives("How to handle THE Pricing objection") == [["handle"], ["pricing"], ["objection"]]


def test_synonyms_become_alternatives_both_ways():
    assert alternatives("POC pricing") == [["poc", "proof of concept", "pilot"], ["pricing"]]
    assert alternatives("proof of concept") == [["poc", "proof of concept", "pilot"]]
    assert alternatives('"economic buyer"') == [["eb", "economic buyer"]]


def test_phrases_negation_and_or():
    parsed = parse('"exit criteria" -legal discount or concession')
    assert [[a.text for a in c.alternatives] for c in parsed.positive] == [
        ["exit criteria"],
        ["discount", "price reduction", "concession"],
    ]
    assert [c.alternatives[0].text for c in parsed.negative] == ["legal"]


def test_fts5_expressions_quote_everything():
    assert to_fts5(parse('pricing "bad*) NEAR(x" -legal')) == '(("pricing") AND ("bad near x")) NOT ("legal")'
    assert to_fts5(parse("a the"), mode="any") == ""  # only stop words
    assert (
        to_fts5(parse("pricing objection"), mode="any", columns=("title",))
        == '{title} : (("pricing") OR ("objection"))'
    )


def test_tsquery_sql_uses_websearch_pieces_and_parameters():
    sql, params = to_tsquery_sql(parse("poc -legal"))
    assert sql.count("websearch_to_tsquery('english', %s)") == 4
    assert params == ["poc", '"proof of concept"', "pilot", "legal"]
    assert "!!" in sql


def test_corrections_replace_words_and_keep_the_rest():
    parsed = parse("procurment discount").corrected({"procurment": "procurement"})
    assert parsed.raw == "procurement discount"
    assert parsed.words() == ["procurement", "discount"]


def test_typed_words_exclude_phrases_and_synonym_expansions():
    assert parse('poc "exit criteria" pricing').words() == ["poc", "pricing"]


def test_long_queries_are_bounded():
    assert len(parse(" ".join(f"word{i}" for i in range(50))).clauses) == 12
