"""The JSON API under /api/v1/: one NinjaAPI, one router per capability.

django-ninja because it is already a Wagtail 8 dependency, builds the OpenAPI 3 document
from the typed schemas it validates with (so the docs cannot drift from the code), and its
interactive docs ship with the package (no CDN).
"""

from ninja import NinjaAPI

from accounts.api import router as accounts_router
from accounts.auth import API_AUTH
from community.techniques.api import router as techniques_router
from core.api import install_exception_handlers
from core.routers import router as markdown_router
from notifications.api import router as notifications_router

api = NinjaAPI(
    title="Rainmaker API",
    version="1",
    description=(
        "Everything Rainmaker does, for CRMs, chat bots and scripts. Authenticate with the "
        "browser session (CSRF token on unsafe methods) or `Authorization: Bearer <token>` "
        "(`python manage.py create_api_token USERNAME`). Lists answer `{count, items}` with "
        "`?page=` and `?page_size=` (max 100). Errors answer `{detail}` (and `errors` for "
        "validation, status 422)."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=API_AUTH,
)
install_exception_handlers(api)

api.add_router("", accounts_router)
api.add_router("/notifications", notifications_router)
api.add_router("/markdown", markdown_router)
# --- Taxonomy (the vocabulary other endpoints accept) ------------------------------------------
from taxonomy.api import router as taxonomy_router  # noqa: E402

api.add_router("/taxonomy", taxonomy_router)
# --- Techniques and outcomes ----------------------------------------------------------------
api.add_router("", techniques_router)
# --- Questions and answers ------------------------------------------------------------------
from community.qa.api import router as qa_router  # noqa: E402

api.add_router("", qa_router)
# --- Search ---------------------------------------------------------------------------------
from search.api import router as search_router  # noqa: E402

api.add_router("/search", search_router)
# --- Discussion threads ---------------------------------------------------------------------
from community.discussion_api import router as discussion_router  # noqa: E402

api.add_router("/threads", discussion_router)
# --- Mentoring ------------------------------------------------------------------------------
from mentoring.api import router as mentoring_router  # noqa: E402

api.add_router("/mentoring", mentoring_router)
