"""Settings, read from the environment (see docs/configuration.md).

Every security number from shared/design/security.md is a setting with the assessed default.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = env_bool("DJANGO_PRODUCTION", False)
DEBUG = env_bool("DJANGO_DEBUG", False)
DEMO_MODE = env_bool("DEMO_MODE", False) and not PRODUCTION
TESTING = "pytest" in sys.modules

_DEV_SECRET = "dev-only-insecure-key-9c1f4e0b7a2d4c55b8e7f3a16d2e0c4b9f8a7e6d5c4b3a21"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("生产环境必须通过 DJANGO_SECRET_KEY 设置至少 50 个字符的随机密钥")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("SITE_NAME", "双随机一公开监管平台")
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "core",
    "audit",
    "organisations",
    "accounts",
    "items",
    "subjects",
    "inspectors",
    "workdays",
    "plans",
    "tasks",
    "inspections",
    "publication",
    "portal",
    "oversight",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Identity and sessions (security.md 1–5) ---
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
PASSWORD_MAX_LENGTH = env_int("PASSWORD_MAX_LENGTH", 64)
PASSWORD_MIN_CHARACTER_CLASSES = env_int("PASSWORD_MIN_CHARACTER_CLASSES", 3)
PASSWORD_SITE_WORDS = env_list(
    "PASSWORD_SITE_WORDS",
    ["shuangsuiji", "suiji", "jianguan", "gongkai", "admin", "password", "qwerty", "123456"],
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "accounts.validators.MaximumLengthValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.SiteWordsValidator"},
]
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30)
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "ssj_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
OTP_TOTP_ISSUER = SITE_NAME

# --- Headers (security.md 14) ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Personal data at rest (security 8, 12): SM4 key kept outside the database ---
# 32 hex characters (128 bits). Production must set it; development derives one from SECRET_KEY.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", "")
if PRODUCTION and len(FIELD_ENCRYPTION_KEY) != 32:
    raise ImproperlyConfigured(
        "生产环境必须通过 FIELD_ENCRYPTION_KEY 设置 32 位十六进制的 SM4 密钥"
    )

# --- Tasks and draws (C7, D9) ---
MIN_TEAM_SIZE = env_int("MIN_TEAM_SIZE", 2)
REPEAT_INSPECTION_DAYS = env_int("REPEAT_INSPECTION_DAYS", 30)
# Credit linkage (E5): effective adverse results of the last N years raise the draw weight.
CREDIT_LOOKBACK_YEARS = env_int("CREDIT_LOOKBACK_YEARS", 3)
CREDIT_ADVERSE_WEIGHT = env_int("CREDIT_ADVERSE_WEIGHT", 2)
if CREDIT_LOOKBACK_YEARS < 0 or CREDIT_ADVERSE_WEIGHT < 0:
    raise ImproperlyConfigured("CREDIT_LOOKBACK_YEARS 与 CREDIT_ADVERSE_WEIGHT 不能为负数")

# --- Inspection records and follow-up (D1, D4) ---
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
RECTIFICATION_DAYS = env_int("RECTIFICATION_DAYS", 15)
FOLLOW_UP_DAYS = env_int("FOLLOW_UP_DAYS", 15)

# --- Publication (E1, E4, E6); a department's PublicationPolicy row overrides the first three ---
PUBLICATION_DAYS = env_int("PUBLICATION_DAYS", 20)
CORRECTION_DAYS = env_int("CORRECTION_DAYS", 5)
PUBLICATION_DISPLAY_MONTHS = env_int("PUBLICATION_DISPLAY_MONTHS", 36)
PUBLICATION_DUE_SOON_DAYS = env_int("PUBLICATION_DUE_SOON_DAYS", 3)
OBJECTION_DAYS = env_int("OBJECTION_DAYS", 15)

# --- Oversight (F1, F2) ---
# Monthly report due on this day of the next month; summaries due on these dates (MM-DD) of the
# same year (seed 004 §五(五)); a due day that is not a working day moves to the next one.
OVERSIGHT_MONTHLY_REPORT_DAY = env_int("OVERSIGHT_MONTHLY_REPORT_DAY", 5)
OVERSIGHT_HALF_YEAR_SUMMARY_DUE = env_str("OVERSIGHT_HALF_YEAR_SUMMARY_DUE", "09-06")
OVERSIGHT_ANNUAL_SUMMARY_DUE = env_str("OVERSIGHT_ANNUAL_SUMMARY_DUE", "11-30")
OVERSIGHT_DUE_ROLLS_TO_WORKING_DAY = env_bool("OVERSIGHT_DUE_ROLLS_TO_WORKING_DAY", True)
# Home-page reminders start this many days before a summary is due.
OVERSIGHT_REMINDER_DAYS = env_int("OVERSIGHT_REMINDER_DAYS", 14)
# The dashboard's figures are kept this long per (departments, year) in the cache; 0 = always
# computed afresh. Submitted reports never use the cache.
OVERSIGHT_CACHE_SECONDS = env_int("OVERSIGHT_CACHE_SECONDS", 300)
if not 1 <= OVERSIGHT_MONTHLY_REPORT_DAY <= 28:
    raise ImproperlyConfigured("OVERSIGHT_MONTHLY_REPORT_DAY 应在 1 至 28 之间")
if not all(
    len(v) == 5
    and v[2] == "-"
    and v[:2].isdigit()
    and v[3:].isdigit()
    and 1 <= int(v[:2]) <= 12
    and 1 <= int(v[3:]) <= 31
    for v in (OVERSIGHT_HALF_YEAR_SUMMARY_DUE, OVERSIGHT_ANNUAL_SUMMARY_DUE)
):
    raise ImproperlyConfigured("OVERSIGHT_*_SUMMARY_DUE 应为 MM-DD 格式的日期，如 09-06")

# --- Plans (B1) ---
PLAN_REMINDER_DAYS = env_int("PLAN_REMINDER_DAYS", 31)

# --- Imports (A6, security 13) ---
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 50)
IMPORT_FILE_TTL_MINUTES = env_int("IMPORT_FILE_TTL_MINUTES", 60)

# --- Audit (security.md 9–11) ---
AUDIT_HASH_ALGORITHM = env_str("AUDIT_HASH_ALGORITHM", "sm3")

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded evidence and import files live outside the web root and are never served as static.
PRIVATE_FILES_ROOT = Path(env_str("PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / "private")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "双随机一公开监管平台 API",
    "DESCRIPTION": "部门、用户、审计日志、两库一单、抽查任务与公示的接口。",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AuditOutcomeEnum": "audit.choices.Outcome",
        "CorrectionSourceEnum": "publication.choices.CorrectionSource",
        "CalendarSourceEnum": "workdays.choices.Source",
    },
}
# Public portal (E2): rate limits per client address, counted in the cache below. "N/period",
# period one of s, min, hour, day (DRF's throttle syntax).
PUBLIC_API_RATE = env_str("PUBLIC_API_RATE", "60/min")
PUBLIC_OBJECTION_RATE = env_str("PUBLIC_OBJECTION_RATE", "10/hour")
for _name in ("PUBLIC_API_RATE", "PUBLIC_OBJECTION_RATE"):
    _num, _, _period = globals()[_name].partition("/")
    if not (_num.isdigit() and _period[:1] in ("s", "m", "h", "d")):
        raise ImproperlyConfigured(f"{_name} 应形如 60/min，实际为 {globals()[_name]!r}")
# The cache must be shared by every worker process for the limits to hold: in production set
# CACHE_URL=redis://127.0.0.1:6379/1; the default in-process cache suits one process only.
CACHE_URL = env_str("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "ssj",
        }
    }
elif CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL 应以 redis:// 或 locmem:// 开头，实际为 {CACHE_URL!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
