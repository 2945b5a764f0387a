"""Search over the merged product: questions, answers and discussions indexed through the outbox
when Q&A, threads and statistics change them; private threads never reach outsiders (results,
API, autocomplete, facets, "did you mean"); the ask form's similar questions; query counts."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from community import discussion_services as threads
from community.models import Answer, Question
from community.qa import services as qa
from search import selectors
from search.models import SearchDocument, SearchOutbox
from search.services import _ProcessAfterCommit
from taxonomy.models import SalesStage, SkillTag
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_after_commit(django_capture_on_commit_callbacks):
    """`with run_after_commit(): ...` runs what the block schedules after commit (the outbox).

    The test's transaction never commits: a processing callback registered outside such a block
    (a page view that created a thread) would stay pending forever and make `schedule()` believe
    processing is already arranged for this transaction, so it is marked as run first.
    """

    @contextmanager
    def run():
        for _, callback, _ in transaction.get_connection().run_on_commit:
            if isinstance(callback, _ProcessAfterCommit):
                callback.done = True
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return run


@pytest.fixture
def asker(db):
    from datetime import timedelta

    from django.utils import timezone

    user = make_user("asker", display_name="Ari Asker", roles=("new_hire",))
    user.date_joined = timezone.now() - timedelta(days=90)  # past the new-account rate limit
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def reader(db):
    return make_user("reader", roles=("new_hire",), display_name="Rae Reader")


@pytest.fixture
def question(asker, run_after_commit):
    with run_after_commit():
        return qa.question_create(
            author=asker,
            title="Procurement wants 20% off before signature",
            body="Procurement joined late and opened with a 20% discount ask. What do I say?",
            stage=SalesStage.objects.get(slug="negotiation"),
            tags=[SkillTag.objects.get(name="Negotiation")],
            labels=["discount ask"],
            route=False,
        )


def doc(doc_type: str, object_id: int) -> SearchDocument:
    return SearchDocument.objects.get(doc_type=doc_type, object_id=object_id)


def keys(user, text: str, **kwargs) -> list[str]:
    return [h.key for h in selectors.search(user=user, text=text, **kwargs).hits]


# --- Questions and answers ---------------------------------------------------------------------


def test_a_question_is_indexed_with_its_facets_and_signal(question, reader):
    row = doc("question", question.pk)
    data = row.data
    assert row.url == f"/questions/{question.pk}/"
    assert row.stage == "negotiation" and row.visibility == "members"
    assert {t["label"] for t in data["tags"]} == {"Negotiation", "discount ask"}
    assert row.signal == "0 votes · 0 answers"
    assert keys(reader, "procurement discount") == [f"question:{question.pk}"]
    assert not SearchOutbox.objects.exists()


def test_answers_follow_their_question_and_the_question_counts_them(
    question, rainmaker, mentor, reader, asker, run_after_commit, client_for
):
    with run_after_commit():
        first = qa.answer_create(question=question, author=rainmaker, body="Trade the discount for a longer term.")
        second = qa.answer_create(question=question, author=mentor, body="Ask what procurement must report as saving.")
    answer = doc("answer", first.pk)
    assert answer.url == f"/questions/{question.pk}/#post-{first.pk}"
    assert answer.parent_type == "question" and answer.parent_id == question.pk
    # Shown with the question's title and filtered by its facets; matched by its own words only.
    assert answer.data["title"] == question.title and answer.stage == "negotiation"
    assert answer.title == "" and answer.tags_text == ""
    # The anchor is the one the question page really renders.
    assert f'id="post-{first.pk}"' in client_for(reader).get(f"/questions/{question.pk}/").content.decode()
    assert doc("question", question.pk).answers == 2

    # Votes and accepting change the documents through the outbox (queryset updates send no signal).
    with run_after_commit():
        qa.vote_cast(post_id=first.pk, user=reader, value=1)
        qa.vote_cast(post_id=question.pk, user=reader, value=1)
    assert doc("answer", first.pk).votes == 1
    # A question's quality counts its own votes and its best answer's; it shows its own.
    assert doc("question", question.pk).votes == 2 and doc("question", question.pk).signal.startswith("1 vote ·")
    with run_after_commit():
        qa.answer_accept(answer=first, user=asker)
    assert doc("answer", first.pk).accepted and doc("question", question.pk).accepted
    with run_after_commit():
        qa.answer_accept(answer=Answer.objects.get(pk=second.pk), user=asker)  # the mark moves
    assert not doc("answer", first.pk).accepted and doc("answer", second.pk).accepted
    assert "accepted answer" in doc("question", question.pk).signal

    # An answer that matches shows within its question, even when the question does not match.
    hits = selectors.search(user=reader, text="longer term").hits
    assert [h.key for h in hits] == [f"question:{question.pk}"]
    assert [c.key for c in hits[0].children] == [f"answer:{first.pk}"]


def test_a_questions_deal_size_narrows_for_my_deal(asker, rainmaker, reader, run_after_commit, settings):
    """A question (and its answers) is about the size bands its deal size overlaps; "for my deal"
    keeps those of the deal's band and those that name no size."""
    from search.registry import DealContext

    negotiation = SalesStage.objects.get(slug="negotiation")
    with run_after_commit():
        mid = qa.question_create(
            author=asker,
            title="Multi-year discount ask",
            body="Procurement asks for 15% off a 60k deal.",
            stage=negotiation,
            deal_size="25k-100k",
            route=False,
        )
        answer = qa.answer_create(question=mid, author=rainmaker, body="Trade the discount for a longer term.")
        large = qa.question_create(
            author=asker,
            title="Discount ask on an enterprise renewal",
            body="They want 15% off at renewal.",
            stage=negotiation,
            deal_size="gt1m",
            route=False,
        )
        unsized = qa.question_create(
            author=asker,
            title="Discount ask with no budget",
            body="How do I answer a 15% discount ask?",
            stage=negotiation,
            route=False,
        )
    assert doc("question", mid.pk).data["deal_sizes"] == ["mid"]
    assert doc("answer", answer.pk).data["deal_sizes"] == ["mid"]  # an answer shares its question's deal
    assert doc("question", large.pk).data["deal_sizes"] == ["large"]
    assert doc("question", unsized.pk).data["deal_sizes"] == []

    deal = DealContext(key="1", label="Acme", stage="negotiation", size="mid")
    assert set(keys(reader, "discount ask", deal=deal, deal_only=True)) == {
        f"question:{mid.pk}",
        f"question:{unsized.pk}",
    }
    assert set(keys(reader, "longer term", deal=deal, deal_only=True)) == {f"question:{mid.pk}"}
    assert keys(reader, "longer term", deal=DealContext(key="2", label="Big", size="large"), deal_only=True) == []
    assert len(keys(reader, "discount ask", deal=deal)) == 3  # without deal_only the size only boosts

    # Bands are settings: a range that overlaps two bands is about both.
    from community.search_sources import deal_size_bands

    settings.SEARCH = {**settings.SEARCH, "DEAL_SIZE_BANDS": [(50_000, "small"), (None, "large")]}
    assert deal_size_bands("25k-100k") == ("small", "large")
    assert deal_size_bands("lt25k") == ("small",)
    assert deal_size_bands("") == ()


def test_editing_a_question_reaches_its_answers(question, rainmaker, asker, run_after_commit):
    with run_after_commit():
        answer = qa.answer_create(question=question, author=rainmaker, body="Trade the discount for a longer term.")
    with run_after_commit():
        qa.question_edit(
            question=Question.objects.get(pk=question.pk),
            editor=asker,
            title="Procurement asks for a 20% discount at signature",
            body=question.body,
            stage=SalesStage.objects.get(slug="closing"),
        )
    assert doc("answer", answer.pk).data["title"] == "Procurement asks for a 20% discount at signature"
    assert doc("answer", answer.pk).stage == "closing"


def test_hidden_posts_are_for_their_author_and_managers_only(
    question, rainmaker, asker, reader, manager, run_after_commit
):
    with run_after_commit():
        answer = qa.answer_create(question=question, author=rainmaker, body="Trade the discount for a longer term.")
    with run_after_commit():
        qa.post_moderate(post=Question.objects.get(pk=question.pk), moderator=manager, action="hide")
    assert keys(reader, "procurement discount") == []
    assert keys(asker, "procurement discount") == [f"question:{question.pk}"]
    assert keys(manager, "procurement discount") == [f"question:{question.pk}"]
    # Its answers hide with it: the answer's author may not see the hidden question either.
    assert keys(rainmaker, "longer term") == []
    assert keys(manager, "longer term") == [f"question:{question.pk}"]
    assert doc("answer", answer.pk).visibility == "restricted"

    with run_after_commit():
        qa.post_moderate(post=Question.objects.get(pk=question.pk), moderator=manager, action="unhide")
        qa.post_moderate(post=answer.post_ptr, moderator=manager, action="hide")
    assert keys(reader, "procurement discount") == [f"question:{question.pk}"]
    assert keys(reader, "longer term") == []  # the hidden answer: its author and managers
    assert keys(rainmaker, "longer term") == [f"question:{question.pk}"]
    assert doc("question", question.pk).answers == 0  # hidden answers do not count


def test_flags_that_hide_a_post_hide_it_from_search(question, run_after_commit, settings, reader):
    settings.QA_AUTO_HIDE_FLAGS = 2
    with run_after_commit():
        for name in ("flagger1", "flagger2"):
            qa.flag_create(
                post=question.post_ptr, user=make_user(name, roles=("rainmaker",)), reason="spam", note="Spam!"
            )
    assert keys(reader, "procurement discount") == []


# --- Discussion threads ------------------------------------------------------------------------


@pytest.fixture
def private_room(manager, rainmaker, run_after_commit):
    with run_after_commit():
        room = threads.thread_create_room(
            title="Rainmaker council", created_by=manager, is_private=True, members=[rainmaker]
        )
        threads.message_post(thread=room, author=rainmaker, body="Zanzibar pricing: never below the floor.")
    return room


@pytest.fixture
def coaching(mentor, newhire, run_after_commit):
    from tests.mentoring.helpers import activate

    mentorship = activate(newhire, mentor)
    with run_after_commit():
        thread = threads.thread_create_private(
            title="Coaching: Nina & Sofia", members=[mentor, newhire], parent=mentorship
        )
        threads.message_post(
            thread=thread, author=mentor, body="Your Quixotic discovery calls need one budget question."
        )
    return thread


def test_team_room_messages_are_searchable_by_every_member(manager, reader, run_after_commit):
    with run_after_commit():
        room = threads.thread_create_room(title="deal-desk", topic="Deal strategy, live.", created_by=manager)
        threads.message_post(thread=room, author=manager, body="Who has a reference customer in logistics?")
    hit = selectors.search(user=reader, text="logistics reference").hits[0]
    assert (hit.key, hit.type_label, hit.url) == (f"thread:{room.pk}", "Discussion", f"/discussions/{room.pk}/")


def test_private_threads_never_reach_outsiders(
    private_room, coaching, rainmaker, manager, mentor, newhire, reader, api_for, client_for
):
    # Members find their private threads; nobody else does, not even managers who are not members.
    assert keys(rainmaker, "zanzibar") == [f"thread:{private_room.pk}"]
    assert keys(mentor, "quixotic") == [f"thread:{coaching.pk}"] and keys(newhire, "quixotic") == [
        f"thread:{coaching.pk}"
    ]
    for outsider in (reader, mentor, newhire):
        assert keys(outsider, "zanzibar") == []
    for outsider in (reader, rainmaker, manager):
        assert keys(outsider, "quixotic") == []

    # The API, the page, autocomplete and the facet counts agree.
    api = api_for(reader)
    body = api.get("/api/v1/search", {"q": "zanzibar pricing"}).json()
    assert body["total"] == 0 and body["results"] == []
    assert all(v["count"] == 0 for values in body["facets"].values() for v in values if v["value"] == "thread")
    assert api.get("/api/v1/search/suggest", {"q": "rainmaker coun"}).json() == {"suggestions": []}
    assert api.get("/api/v1/search/suggest", {"q": "coaching"}).json() == {"suggestions": []}
    assert api_for(rainmaker).get("/api/v1/search/suggest", {"q": "rainmaker coun"}).json()["suggestions"][0]["id"] == (
        private_room.pk
    )
    facets = api.get("/api/v1/search", {"q": "pricing"}).json()["facets"]
    assert "thread" not in {v["value"] for v in facets["type"]}
    html = client_for(reader).get("/search/", {"q": "zanzibar"}).content.decode()
    assert "Rainmaker council" not in html and "Zanzibar" not in html

    # Nor do similar documents (any type), for a text or for the thread itself.
    assert selectors.similar(user=reader, text="zanzibar pricing floor") == []
    assert selectors.similar(user=reader, key=f"thread:{private_room.pk}") == []
    assert [h.key for h in selectors.similar(user=rainmaker, text="zanzibar pricing floor")] == [
        f"thread:{private_room.pk}"
    ]

    # "Did you mean" never offers a word that only a private thread has.
    assert selectors.search(user=reader, text="zanzibr").suggestion is None
    assert selectors.search(user=reader, text="quixotc").suggestion is None
    assert api.get("/api/v1/search", {"q": "zanzibr"}).json()["suggestion"] is None


def test_did_you_mean_ignores_words_of_posts_hidden_since_they_were_indexed(
    question, manager, reader, asker, run_after_commit
):
    with run_after_commit():
        qa.post_moderate(post=Question.objects.get(pk=question.pk), moderator=manager, action="hide")
    # "procurement" is still in the vocabulary, but no document the reader may see has it.
    assert selectors.search(user=reader, text="procurment").suggestion is None
    assert selectors.search(user=asker, text="procuremnet").suggestion == "procurement"
    assert selectors.search(user=reader, text="procuremnet").suggestion is None


def test_removing_a_member_removes_the_thread_from_their_results(private_room, rainmaker, run_after_commit):
    with run_after_commit():
        threads.thread_remove_member(thread=private_room, user=rainmaker)
    assert keys(rainmaker, "zanzibar") == []


def test_a_technique_discussion_follows_the_technique(technique_factory, rainmaker, reader, manager, run_after_commit):
    with run_after_commit():
        draft = technique_factory("Ladder of concessions", live=False, author=rainmaker)
        thread = threads.thread_for_object(draft)
        threads.message_post(thread=thread, author=rainmaker, body="Draft idea: the giraffe gambit.")
    assert keys(reader, "giraffe") == []
    assert keys(rainmaker, "giraffe") == [f"thread:{thread.pk}"] and keys(manager, "giraffe") == [f"thread:{thread.pk}"]
    with run_after_commit():
        draft.save_revision().publish()
    assert keys(reader, "giraffe") == [f"thread:{thread.pk}"]


def test_a_page_discussion_is_found_once_something_is_said_in_it(
    technique_factory, rainmaker, reader, manager, run_after_commit
):
    # Opened with nothing said, a discussion only repeats its page's title: it would fold under
    # that page as an empty "0 messages" row, so it is not a document until its first message.
    with run_after_commit():
        page = technique_factory("Ladder of concessions")
        thread = threads.thread_for_object(page)
    assert not SearchDocument.objects.filter(doc_type="thread", object_id=thread.pk).exists()
    with run_after_commit():
        message, _ = threads.message_post(thread=thread, author=rainmaker, body="Start the ladder at 3%.")
    assert keys(reader, "ladder") == [f"technique:{page.pk}"]  # the discussion folds under it
    assert selectors.search(user=reader, text="ladder").hits[0].children[0].key == f"thread:{thread.pk}"
    with run_after_commit():
        threads.message_delete(message=message, user=rainmaker)
    assert not SearchDocument.objects.filter(doc_type="thread", object_id=thread.pk).exists()


# --- Statistics -----------------------------------------------------------------------------------


def test_recomputed_statistics_reach_the_index(technique_factory, run_after_commit):
    from community.models import Deal, Practice, Response
    from community.techniques import stats

    rep = make_user("rep", roles=("new_hire",))
    stage = SalesStage.objects.get(slug="negotiation")
    with run_after_commit():
        page = technique_factory("Discount defence")
        other = technique_factory("Plain follow-up", slug="plain-follow-up")
    assert doc("technique", page.pk).evidence == "not_enough_data"
    rows = []
    for i in range(60):
        deal = Deal.objects.create(owner=rep, name=f"Deal {i}", stage=stage, external_id=f"d{i}")
        technique, good = (page, i % 10 < 8) if i < 30 else (other, i % 10 < 3)
        rows.append(
            Practice(
                technique=technique,
                rep=rep,
                deal=deal,
                stage=stage,
                response=Response.WON if good else Response.LOST,
                external_id=f"p{i}",
            )
        )
    Practice.objects.bulk_create(rows)  # bulk: no signals; the statistics job schedules the re-index
    with run_after_commit():
        stats.recompute()
    page.refresh_from_db()
    assert page.evidence != "not_enough_data"
    row = doc("technique", page.pk)
    assert row.evidence == page.evidence and row.data["signal"].startswith(page.get_evidence_display())
    assert "30 uses" in row.signal


# --- The ask form: similar questions and techniques ----------------------------------------------


def test_similar_finds_questions_and_techniques_the_asker_may_see(
    question, technique_factory, asker, reader, rainmaker, run_after_commit, api_for, manager
):
    with run_after_commit():
        technique_factory("Trade every discount for a longer term", skills=("Negotiation",))
        technique_factory("Draft: discount ladder", slug="draft-ladder", live=False, author=rainmaker)
        hidden = qa.question_create(
            author=asker, title="Hidden discount question for procurement", body="x" * 30, route=False
        )
        qa.post_moderate(post=hidden.post_ptr, moderator=manager, action="hide")
    response = api_for(reader).get("/api/v1/search/similar", {"q": "How do I answer a procurement discount ask?"})
    assert response.status_code == 200
    results = response.json()["results"]
    titles = [r["title"] for r in results]
    assert question.title in titles and "Trade every discount for a longer term" in titles
    assert "Draft: discount ladder" not in titles and hidden.title not in titles
    assert {r["type"] for r in results} <= {"question", "technique"}
    assert set(results[0]) == {"type", "id", "title", "url", "snippet", "signal"}
    only = api_for(reader).get("/api/v1/search/similar", {"q": "procurement discount", "type": "technique"}).json()
    assert {r["type"] for r in only["results"]} == {"technique"}
    assert api_for(None).get("/api/v1/search/similar", {"q": "discount"}).status_code == 401


def test_the_ask_form_asks_the_similar_endpoint_and_takes_a_prefilled_title(reader, client_for):
    html = client_for(reader).get("/questions/ask/", {"title": "How do I handle a pricing objection?"}).content.decode()
    assert 'data-similar="/api/v1/search/similar"' in html
    assert 'value="How do I handle a pricing objection?"' in html
    assert "js/qa.js" in html


def test_the_zero_results_page_offers_to_ask_with_the_title_filled_in(reader, client_for):
    html = client_for(reader).get("/search/", {"q": "wombat onboarding"}).content.decode()
    assert 'href="/questions/ask/?title=wombat+onboarding"' in html
    ask = client_for(reader).get("/questions/ask/?title=wombat+onboarding").content.decode()
    assert 'value="wombat onboarding"' in ask


# --- Constant queries ---------------------------------------------------------------------------


def _count(client, path, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, params).status_code == 200
    return len(ctx.captured_queries)


def test_search_pages_and_api_keep_a_constant_number_of_queries(index, reader, api_for, client_for):
    """Each path (all words; widened to some words; answers lifted into their questions; autocomplete;
    similar) costs the same number of queries with 36 documents or 250; correcting a typo counts a
    few combinations of corrections, at most MAX_CORRECTION_TRIES, so it is bounded, not growing."""
    from search.selectors import MAX_CORRECTION_TRIES

    from .helpers import doc as make_doc

    def batch(start: int, n: int) -> list:
        documents = []
        for i in range(start, start + n):
            documents.append(
                make_doc("question", i, f"Pricing objection {i}", "From procurement.", stage="Negotiation")
            )
            documents.append(
                make_doc(
                    "answer",
                    i,
                    f"Pricing objection {i}",
                    "Reframe the renewal price as value.",
                    parent_type="question",
                    parent_id=i,
                    tags=[f"Tag {i % 7}"],
                )
            )
            documents.append(make_doc("thread", i, f"#room-{i}", "Renewal chatter about pricing."))
        return documents

    api, page = api_for(reader), client_for(reader)
    cases = [
        (api, "/api/v1/search", {"q": "pricing objection"}),
        (api, "/api/v1/search", {"q": "renewal value", "type": "answer"}),
        (api, "/api/v1/search", {"q": "renewal value"}),  # answers lifted into their questions
        (api, "/api/v1/search", {"q": "pricing zebra"}),  # widened to some of the words
        (api, "/api/v1/search/suggest", {"q": "pricing obj"}),
        (api, "/api/v1/search/similar", {"q": "How do I handle a pricing objection from procurement?"}),
        (page, "/search/", {"q": "renewal value", "stage": "negotiation"}),
        (page, "/search/", {"q": "pricing zebra"}),
    ]
    index(*batch(1, 12))
    _count(api, "/api/v1/search", {"q": "warm-up"})  # the token's first use is recorded once
    small = [_count(client, path, params) for client, path, params in cases]
    typo_small = _count(api, "/api/v1/search", {"q": "pricng objecton"})
    index(*batch(100, 70))
    assert [_count(client, path, params) for client, path, params in cases] == small
    typo_large = _count(api, "/api/v1/search", {"q": "pricng objecton"})
    bound = small[0] * 2 + 2 + MAX_CORRECTION_TRIES  # first pass, corrections, probes, corrected pass
    assert typo_small <= bound and typo_large <= bound
