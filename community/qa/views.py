"""The question pages: thin views over the selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from community.models import Answer, Comment, Post, PostKind, Question
from core import sections
from taxonomy.models import BuyerPersona, SalesStage, SkillTag

from . import diffs, reputation, selectors, services
from .forms import AnswerForm, CommentForm, FlagForm, ModerationForm, QuestionForm


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = {"technique_ids": "techniques"}.get(name, name)
            if name == "tags" and "other_tags" in form.fields:
                target = "other_tags" if any("valid tag" in e or "free-form" in e for e in errors) else "tags"
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _visible_post(request: HttpRequest, pk: int) -> Post:
    try:
        return selectors.post_visible(pk=pk, user=request.user)
    except Post.DoesNotExist as exc:
        raise Http404("No such question or answer.") from exc


def _question_id(post: Post) -> int:
    return selectors.question_id_of(post)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return redirect(nxt)
    return redirect(fallback)


# --- Lists ------------------------------------------------------------------------------------


@login_required
def question_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "qa.view")
    tab = request.GET.get("tab", "newest")
    if tab not in selectors.TABS:
        tab = "newest"
    tag = request.GET.get("tag", "").strip()[:60]
    stage = request.GET.get("stage", "").strip()[:80]
    persona = request.GET.get("persona", "").strip()[:80]
    qs = selectors.questions_list(user=request.user, tab=tab, tag=tag, stage=stage, persona=persona)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    questions = list(page.object_list)
    routed = selectors.routed_names(questions)
    for q in questions:
        q.asked_to = routed.get(q.pk, [])
    follows = selectors.follows_for(user=request.user)
    tags = list(SkillTag.objects.active())
    stages = list(SalesStage.objects.active())
    top, top_meta = reputation.top_contributors(limit=5)
    current_tag = next((t for t in tags if t.slug == tag), None)
    current_stage = next((s for s in stages if s.slug == stage), None)
    return render(
        request,
        "community/qa/list.html",
        {
            "page": page,
            "questions": questions,
            "tab": tab,
            "tabs": selectors.TABS,
            "tag": tag,
            "stage": stage,
            "persona": persona,
            "tags": tags,
            "stages": stages,
            "personas": BuyerPersona.objects.active(),
            "current_tag": current_tag,
            "current_stage": current_stage,
            "follows": follows,
            "top": top,
            "top_meta": top_meta,
        },
    )


# --- Asking and editing --------------------------------------------------------------------------


def _question_kwargs(form: QuestionForm) -> dict:
    d = form.cleaned_data
    tags = list(d["tags"])
    extra_tags, labels = services.split_tags(form.labels())
    for t in extra_tags:
        if t not in tags:
            tags.append(t)
    return {
        "title": d["title"],
        "body": d["body"],
        "stage": d["stage"],
        "persona": d["persona"],
        "tags": tags,
        "labels": labels,
        "deal_industry": d["deal_industry"],
        "deal_size": d["deal_size"],
        "deal_stage": d["deal_stage"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "qa.ask")
    initial = {}
    if request.GET.get("stage"):
        initial["stage"] = SalesStage.objects.filter(slug=request.GET["stage"]).first()
    if request.GET.get("title"):
        initial["title"] = request.GET["title"][:200]
    form = QuestionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                question = services.question_create(author=request.user, **_question_kwargs(form))
            except services.RateLimited as exc:
                form.add_error(None, exc.message)
                status = 429
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                names = ", ".join(r.user.name for r in question.routings.select_related("user"))
                messages.success(request, f"Your question is posted{' and was sent to ' + names if names else ''}.")
                return redirect(question.get_absolute_url())
    return render(request, "community/qa/ask.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    policy.require(request.user, "qa.edit", post)
    status = 200
    if post.kind == PostKind.QUESTION:
        question = Question.objects.prefetch_related("tags", "labels").get(pk=post.pk)
        initial = {
            "title": question.title,
            "body": question.body,
            "stage": question.stage_id,
            "persona": question.persona_id,
            "tags": list(question.tags.all()),
            "other_tags": ", ".join(label.name for label in question.labels.all()),
            "deal_industry": question.deal_industry_id,
            "deal_size": question.deal_size,
            "deal_stage": question.deal_stage_id,
        }
        form = QuestionForm(request.POST or None, initial=initial, editing=True)
        if request.method == "POST":
            status = 422
            if form.is_valid():
                try:
                    services.question_edit(
                        question=question,
                        editor=request.user,
                        summary=form.cleaned_data.get("summary", ""),
                        **_question_kwargs(form),
                    )
                except ValidationError as exc:
                    _apply_errors(form, exc)
                else:
                    messages.success(request, "Your edit is saved; the previous version is in the history.")
                    return redirect(question.get_absolute_url())
        context = {"form": form, "post": post, "question": question}
    else:
        answer = Answer.objects.select_related("question").prefetch_related("citations").get(pk=post.pk)
        form = AnswerForm(
            request.POST or None,
            initial={"body": answer.body, "techniques": [c.technique_id for c in answer.citations.all()]},
            editing=True,
        )
        if request.method == "POST":
            status = 422
            if form.is_valid():
                try:
                    services.answer_edit(
                        answer=answer,
                        editor=request.user,
                        body=form.cleaned_data["body"],
                        techniques=list(form.cleaned_data.get("techniques") or []),
                        summary=form.cleaned_data.get("summary", ""),
                    )
                except ValidationError as exc:
                    _apply_errors(form, exc)
                else:
                    messages.success(request, "Your edit is saved; the previous version is in the history.")
                    return redirect(answer.get_absolute_url())
        context = {"form": form, "post": post, "question": answer.question}
    return render(request, "community/qa/edit.html", context, status=status)


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    policy.require(request.user, "qa.view")
    question_id = _question_id(post)
    question = Question.objects.only("title").get(pk=question_id)
    rows = diffs.revision_diffs(selectors.revisions_for(post=post))
    return render(request, "community/qa/history.html", {"post": post, "question": question, "rows": rows})


# --- The question page ------------------------------------------------------------------------


def _question_page(request: HttpRequest, pk: int, *, after: int | None = None) -> selectors.QuestionPage:
    policy.require(request.user, "qa.view")
    try:
        return selectors.question_page(pk=pk, user=request.user, after=after)
    except Question.DoesNotExist as exc:
        raise Http404("No such question.") from exc


def _annotate(user, data: selectors.QuestionPage, *, comment_post=None, comment_form=None) -> None:
    """What each post shows for this reader: their vote and flag, comments, allowed tools."""
    for p in [data.question, *data.answers]:
        p.my_vote = data.my_votes.get(p.pk, 0)
        p.my_flag = p.pk in data.my_flags
        p.comment_list = data.comments.get(p.pk, [])
        for c in p.comment_list:  # the policy reads the comment's author_id: no queries
            c.can_edit = policy.allowed(user, "qa.edit_comment", c) and not c.is_hidden and not p.is_hidden
            c.can_delete = policy.allowed(user, "qa.delete_comment", c)
            c.can_moderate = policy.allowed(user, "qa.moderate_comment", c)
        p.can_vote = policy.allowed(user, "qa.vote", p)
        p.can_edit = policy.allowed(user, "qa.edit", p)
        p.can_flag = policy.allowed(user, "qa.flag", p) and not p.my_flag
        p.comment_form = comment_form if comment_post == p.pk else None


def _answer_permissions(user, question: Question) -> dict:
    return {
        "can_accept": policy.allowed(user, "qa.accept", question) and not question.is_closed,
        "can_moderate": policy.allowed(user, "qa.moderate"),
    }


def _detail(
    request: HttpRequest,
    pk: int,
    *,
    answer_form: AnswerForm | None = None,
    comment_post: int | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    data = _question_page(request, pk)
    q = data.question
    _annotate(request.user, data, comment_post=comment_post, comment_form=comment_form)
    return render(
        request,
        "community/qa/detail.html",
        {
            "question": q,
            "answers": data.answers,
            "last_answer_id": max((a.pk for a in data.answers), default=0),
            "routings": data.routings,
            "following": data.following,
            **_answer_permissions(request.user, q),
            "answer_form": answer_form or AnswerForm(),
            "flag_form": FlagForm(),
            "question_sections": sections.render("question", request, q),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@login_required
@require_GET
def new_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """The answers an open question page has not shown yet (`?after=<last answer id>`), as the
    page renders them for this reader. The page asks when its socket says an answer arrived,
    after a reconnect, and every half minute where WebSockets cannot connect."""
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        after = 0
    data = _question_page(request, pk, after=after)
    _annotate(request.user, data)
    response = render(
        request,
        "community/qa/includes/new_answers.html",
        {"answers": data.answers, "question": data.question, **_answer_permissions(request.user, data.question)},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        question = selectors.question_get(pk=pk, user=request.user)
    except Question.DoesNotExist as exc:
        raise Http404("No such question.") from exc
    policy.require(request.user, "qa.answer", question)
    form = AnswerForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            new = services.answer_create(
                question=question,
                author=request.user,
                body=form.cleaned_data["body"],
                techniques=list(form.cleaned_data.get("techniques") or []),
            )
        except services.RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Your answer is posted. The asker has been told.")
            return redirect(new.get_absolute_url())
    return _detail(request, pk, answer_form=form, status=status)


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    policy.require(request.user, "qa.comment", post)
    question_id = _question_id(post)
    form = CommentForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            c = services.comment_create(post=post, author=request.user, body=form.cleaned_data["body"])
        except services.RateLimited as exc:
            form.add_error("body", exc.message)
            status = 429
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect(reverse("qa:detail", args=[question_id]) + f"#comment-{c.pk}")
    return _detail(request, question_id, comment_post=post.pk, comment_form=form, status=status)


def _visible_comment(request: HttpRequest, pk: int):
    try:
        return selectors.comment_visible(pk=pk, user=request.user)
    except Comment.DoesNotExist as exc:
        raise Http404("No such comment.") from exc


def _comment_url(comment) -> str:
    return reverse("qa:detail", args=[_question_id(comment.post)]) + f"#comment-{comment.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author's edit form (the question page opens it inline; this page shows its errors)."""
    c = _visible_comment(request, pk)
    policy.require(request.user, "qa.edit_comment", c)
    form = CommentForm(request.POST or None, initial={"body": c.body})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.comment_edit(comment=c, editor=request.user, body=form.cleaned_data["body"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "Your comment is saved.")
                return redirect(_comment_url(c))
    question = Question.objects.only("title").get(pk=_question_id(c.post))
    return render(
        request, "community/qa/comment_edit.html", {"form": form, "comment": c, "question": question}, status=status
    )


@login_required
@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    c = _visible_comment(request, pk)
    policy.require(request.user, "qa.delete_comment", c)
    question_id = _question_id(c.post)
    services.comment_delete(comment=c, user=request.user)
    messages.success(request, "Your comment is deleted.")
    return redirect(reverse("qa:detail", args=[question_id]) + f"#post-{c.post_id}")


@login_required
@require_POST
def comment_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    c = _visible_comment(request, pk)
    policy.require(request.user, "qa.moderate_comment", c)
    try:
        services.comment_moderate(comment=c, moderator=request.user, action=request.POST.get("action", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The comment is hidden." if c.is_hidden else "The comment is visible again.")
    return redirect(_comment_url(c))


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    question_id = _question_id(post)
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        value = 99
    try:
        services.vote_cast(post_id=post.pk, user=request.user, value=value)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("qa:detail", args=[question_id]) + f"#post-{post.pk}")
    return redirect(reverse("qa:detail", args=[question_id]) + f"#post-{post.pk}")


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    if post.kind != PostKind.ANSWER:
        raise Http404("Only answers can be accepted.")
    ans = Answer.objects.select_related("question", "author").get(pk=pk)
    try:
        services.answer_accept(answer=ans, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You accepted {ans.author.name if ans.author else 'this'}'s answer.")
    return redirect(ans.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    policy.require(request.user, "qa.flag", post)
    question_id = _question_id(post)
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.flag_create(post=post, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "Thank you: a manager will review the post.")
                return redirect("qa:detail", question_id)
    question = Question.objects.only("title").get(pk=question_id)
    return render(request, "community/qa/flag.html", {"form": form, "post": post, "question": question}, status=status)


@login_required
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "qa.follow")
    target = request.POST.get("target", "")
    on = request.POST.get("on", "1") == "1"
    model = {"tag": SkillTag, "stage": SalesStage, "question": Question}.get(target)
    obj = None
    if model is not None:
        # A question is looked up as the API does: one hidden from this person does not exist
        # for them (404), so its title cannot leak through the message below.
        qs = Question.objects.visible_to(request.user) if model is Question else model.objects.all()
        try:
            obj = qs.get(pk=int(request.POST.get("id", "")))
        except ValueError:
            obj = None
        except model.DoesNotExist as exc:
            if model is Question:
                raise Http404("No such question.") from exc
            obj = None
    if obj is None:
        messages.error(request, "Choose a tag, a stage or a question to follow.")
        return _back(request, reverse("qa:list"))
    services.follow_set(user=request.user, target=target, obj=obj, on=on)
    name = obj.title if target == "question" else obj.name
    messages.success(
        request,
        f"You follow “{name}”: new activity arrives per your notification settings."
        if on
        else f"You no longer follow “{name}”.",
    )
    return _back(request, reverse("qa:list"))


# --- Moderation -----------------------------------------------------------------------------


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "qa.moderate")
    return render(
        request,
        "community/qa/moderation.html",
        {"queue": selectors.moderation_queue(), "form": ModerationForm()},
    )


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "qa.moderate")
    try:
        post = Post.objects.get(pk=pk)
    except Post.DoesNotExist as exc:
        raise Http404("No such post.") from exc
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do: hide, close as duplicate, dismiss or show again.")
        return redirect("qa:moderation")
    original = None
    if form.cleaned_data.get("duplicate_of"):
        original = Question.objects.filter(pk=form.cleaned_data["duplicate_of"]).first()
        if original is None:
            messages.error(request, f"There is no question number {form.cleaned_data['duplicate_of']}.")
            return redirect("qa:moderation")
    try:
        services.post_moderate(
            post=post,
            moderator=request.user,
            action=form.cleaned_data["action"],
            duplicate_of=original,
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise
    else:
        messages.success(request, "Done.")
    return _back(request, reverse("qa:moderation"))
