"""Settings shared by every environment.

Every value that differs between machines is read from the environment (django-environ).
With nothing set, the embedded defaults serve: SQLite in WAL mode, Channels' in-memory
layer, the local-memory cache, database search and e-mail printed to the console.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[3]
PLATFORM_DIR = BASE_DIR / "platform"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(str(BASE_DIR / ".env"))

# --- Core -------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Demo sign-ins (`newhire`, `rainmaker`, ...) may exist only where this is true.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=False)
# `manage.py seed_demo` runs these in order (each app adds its own seeder).
DEMO_SEEDERS = [
    "accounts.demo.seed",
    # --- Techniques and outcomes ---
    "community.techniques.demo.seed",
    # --- Questions and answers ---
    "community.demo_qa.seed",
    # --- Discussion threads ---
    "community.demo_threads.seed",
    # --- Mentoring ---
    "mentoring.demo.seed",
    # --- Search (index everything last) ---
    "search.demo.seed",
]

# --- Applications -----------------------------------------------------------------------
INSTALLED_APPS = [
    "daphne",
    # Rainmaker, bottom layer first (imports run one way: platform -> search -> community
    # -> mentoring -> config).
    "core",
    "accounts",
    "taxonomy",
    "notifications",
    "search",
    "community",
    "mentoring",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Third party
    "channels",
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    # Django
    "config.apps.SuperuserAdminConfig",  # django.contrib.admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    # Last: site-wide wiring that needs every other app ready.
    "config.apps.SiteConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "core.forms.RainmakerFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.notifications",
            ],
            "builtins": ["core.templatetags.rainmaker"],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# An empty DATABASE_URL counts as unset (production refuses both, see production.py). Not kept
# as a setting of its own: it holds the password (DATABASES' PASSWORD is masked on debug pages).
DATABASES = {
    "default": env.db_url_config(env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker read while the other writes; IMMEDIATE
    # transactions take the write lock up front so concurrent writers wait instead of
    # failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer ------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rainmaker",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # A consumer waits for messages with BZPOPMIN for 5 s; redis-py >= 7 gives every
            # read a 5 s socket timeout by default, so an idle socket's wait could time out,
            # crash the consumer and drop the WebSocket (and whatever was pushed meanwhile).
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}], "capacity": 1500, "expiry": 30},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Background tasks (django-tasks, durable in the database) ---------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Search -----------------------------------------------------------------------------
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
# Defaults and the meaning of each key: search/conf.py; the ranking formula: search/ranking.py.
SEARCH = {
    "BACKEND": env("SEARCH_BACKEND", default="elasticsearch" if ELASTICSEARCH_URL else "database"),
    "ELASTICSEARCH_INDEX": env("SEARCH_INDEX", default="rainmaker-search"),
    "ELASTICSEARCH_TIMEOUT": env.float("SEARCH_TIMEOUT", default=3.0),
    "CANDIDATES": env.int("SEARCH_CANDIDATES", default=400),  # scored per query (plus title matches)
    # score = relevance x (1 + quality) x (1 + deal)
    "RANKING": {
        "votes": 0.20,
        "votes_saturation": 25,
        "accepted": 0.45,
        "answers": 0.05,
        "answers_saturation": 5,
        "evidence": 0.50,
        "recency": 0.05,
        "recency_days": 365,
        "deal": 0.50,
        "types": {"technique": 1.2, "answer": 0.7, "thread": 0.6},  # text-match weight per type
    },
}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=7)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# --- E-mail -----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Rainmaker <rainmaker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Wagtail ----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Rainmaker"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "pptx", "txt", "xlsx"]
# Documents are always streamed by /documents/<id>/<filename> (collection privacy applies),
# never from /media/; image renditions are served from /media/images/ (core/media.py).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_USER_EDIT_FORM = "accounts.forms.WagtailUserEditForm"
WAGTAIL_USER_CREATION_FORM = "accounts.forms.WagtailUserCreationForm"
WAGTAIL_USER_CUSTOM_FIELDS = ["display_name"]

# --- API --------------------------------------------------------------------------------
# Lists answer {"count", "items"} with ?page= (1-based) and a bounded ?page_size=.
NINJA_PAGINATION_CLASS = "core.api.Pagination"  # page numbers bounded (see core/api.py)
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 100

# --- Questions and answers --------------------------------------------------------------
# How many rainmakers and mentors a new question is routed to.
QA_ROUTING_LIMIT = env.int("QA_ROUTING_LIMIT", default=3)
# New accounts (younger than this, with no rainmaker/mentor/manager role and little
# reputation) may post only so many questions and answers (and comments) an hour.
QA_NEW_ACCOUNT_DAYS = env.int("QA_NEW_ACCOUNT_DAYS", default=7)
QA_NEW_ACCOUNT_POSTS_PER_HOUR = env.int("QA_NEW_ACCOUNT_POSTS_PER_HOUR", default=5)
QA_NEW_ACCOUNT_COMMENTS_PER_HOUR = env.int("QA_NEW_ACCOUNT_COMMENTS_PER_HOUR", default=15)
# Reputation that makes a flagger trusted; open trusted flags that hide a post until review.
QA_TRUSTED_REPUTATION = env.int("QA_TRUSTED_REPUTATION", default=50)
QA_AUTO_HIDE_FLAGS = env.int("QA_AUTO_HIDE_FLAGS", default=3)
# "Top contributors this month": prior strength (in posts) of the Bayesian average.
QA_TOP_PRIOR_POSTS = env.int("QA_TOP_PRIOR_POSTS", default=5)

# --- Security defaults that hold everywhere ---------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the progressive-enhancement JS reads it for fetch()
X_FRAME_OPTIONS = "DENY"  # Wagtail previews opt in to SAMEORIGIN per view
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Content-Security-Policy (django-csp) -------------------------------------------------
# Scripts, styles, images and connections (fetch and WebSockets) come from this site only; no
# inline script runs. Inline style attributes stay allowed (small layout hints and the
# server-rendered SVG charts). Wagtail's and Django's admins and the API's interactive docs
# manage their own scripts and are left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/cms/", "/django-admin/", "/api/v1/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

# --- Logging: structured JSON lines on stdout -------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}

# --- Mentoring (the Mentoring section of README.md; other knobs in mentoring/conf.py) --
# Matching score = sum(weight * part) / sum(weights), each part in [0, 1]; shown as 0-100.
#   coverage         how much of the mentee's goals (skills) and inferred gaps (stages) the
#                    mentor coaches, weighted by the mentor's level in each skill
#   techniques       the mentor's techniques in those skills/stages, proven = 1, promising = 0.5
#   answers          the mentor's accepted answers in those skills/stages (Q&A provider)
#   results          the mentor's own success rate above the team's at the stages that matter
#   timezone         hours of overlap between the mentor's working day and the mentee's
#                    preferred coaching time (full marks at MENTORING_TZ_FULL_HOURS)
#   region_language  same region (half), speaks the mentee's preferred language (half)
#   diversity        a new connection (1), same team (0.5), mentored them before (0)
#   style            offers the mentee's preferred coaching style (1), no preference (0.5)
MENTORING_MATCH_WEIGHTS = {
    "coverage": env.float("MENTORING_W_COVERAGE", default=0.35),
    "techniques": env.float("MENTORING_W_TECHNIQUES", default=0.12),
    "answers": env.float("MENTORING_W_ANSWERS", default=0.08),
    "results": env.float("MENTORING_W_RESULTS", default=0.10),
    "timezone": env.float("MENTORING_W_TIMEZONE", default=0.15),
    "region_language": env.float("MENTORING_W_REGION_LANGUAGE", default=0.07),
    "diversity": env.float("MENTORING_W_DIVERSITY", default=0.08),
    "style": env.float("MENTORING_W_STYLE", default=0.05),
}
# Ramp time: days from start date to the first "won_deal" or "stage_advance".
MENTORING_RAMP_EVENT = env("MENTORING_RAMP_EVENT", default="won_deal")
