# 双随机一公开监管平台 — everything a fresh machine needs is behind `make run` and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run demo test lint typecheck check ci bench clean browser-deps bench-deps

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

demo: install
	DEMO_MODE=1 $(BIN)/python manage.py migrate --noinput
	DEMO_MODE=1 $(BIN)/python manage.py load_demo

run: demo
	@echo "在浏览器打开 http://$(HOST):$(PORT)/  （按 Ctrl+C 停止）"
	DEMO_MODE=1 $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

# The whole suite: on SQLite, or on PostgreSQL when DATABASE_URL is set.
test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check suiji
	$(BIN)/mypy .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_PRODUCTION=1 DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets;print(secrets.token_urlsafe(64))') \
	  DJANGO_ALLOWED_HOSTS=jianguan.example.gov.cn FIELD_ENCRYPTION_KEY=00112233445566778899aabbccddeeff \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

ci:
	bash .ci/run

bench: install
	@ls bench/*.py | while read f; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Debian's chromium for the browser tests (they are skipped when it is missing).
browser-deps:
	command -v chromium >/dev/null && fc-list | grep -qi wqy || (apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei)

# wrk, the HTTP load generator of bench/portal_load.py (Debian package).
bench-deps:
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache .pytest_cache
