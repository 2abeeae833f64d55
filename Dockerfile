# syntax=docker/dockerfile:1
# Wegwijzer API image (docs/operations.md). Two stages: the builder installs the dependencies
# into a virtual environment with the same pins as `make` (constraints.txt); the runtime stage
# gets that environment and the sources, runs as a non-root user and has no build tools.
#
#   docker build -t wegwijzer .
#   docker run -e DATABASE_URL=postgresql://... -e WEGWIJZER_ENVIRONMENT=production \
#              -e WEGWIJZER_HASH_SECRET=... -p 8000:8000 wegwijzer            # API (default)
#   docker run ... wegwijzer worker        # referral delivery worker
#   docker run ... wegwijzer migrate       # migrations only
#   docker run ... wegwijzer python -m app purge
#
# The base image is pinned by tag. To pin it by digest as well (the same bytes on every build),
# look the digest up with `docker buildx imagetools inspect python:3.11-slim` and write
#   ARG PYTHON_IMAGE=python:3.11-slim@sha256:<digest>
# (both stages use PYTHON_IMAGE). The venv's interpreter links to the base image's, so both
# stages must use the same image.
ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: the dependencies, in /opt/venv -------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/wegwijzer
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# Optional extras, e.g. --build-arg EXTRAS=redis for WEGWIJZER_RATE_LIMIT_STORAGE=redis://...
ARG EXTRAS=""

# The same install as the Makefile's, without the dev extra: pip install -c constraints.txt -e .
# Editable, as in development: the service reads routing_rules/, migrations/ and pyproject.toml
# next to app/ (PROJECT_ROOT), so the code stays in /srv/wegwijzer and the venv points there.
# A stub app/ lets this layer be cached until pyproject.toml, constraints.txt or README.md (the
# package's readme) change; the sources are copied over it in the runtime stage.
COPY pyproject.toml README.md constraints.txt ./
RUN mkdir app && touch app/__init__.py \
 && python -m pip install -q -c constraints.txt -e ".${EXTRAS:+[$EXTRAS]}" \
 && python -m pip check

# --- runtime ---------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000 \
    WEB_CONCURRENCY=2

# A fixed numeric uid/gid, so volume permissions and `runAsUser` policies can name it.
RUN groupadd --system --gid 10001 wegwijzer \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin wegwijzer

WORKDIR /srv/wegwijzer
COPY --from=builder /opt/venv /opt/venv
# Owned by root and read-only to the service; only var/ (SQLite, development only) is writable.
# pyproject.toml holds the Alembic configuration.
COPY pyproject.toml ./
COPY migrations ./migrations
COPY routing_rules ./routing_rules
# The golden scenarios: POST /v1/rulesets/{version}/simulate replays them (WEGWIJZER_SCENARIOS_DIR).
COPY tests/golden ./tests/golden
COPY --chmod=0755 docker/entrypoint.sh ./docker/entrypoint.sh
COPY app ./app
RUN python -m compileall -q app migrations \
 && mkdir var && chown 10001:10001 var

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request; u = 'http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'); sys.exit(0 if urllib.request.urlopen(u, timeout=2).status == 200 else 1)"]

# api (default) | worker | migrate | any command; see docker/entrypoint.sh.
ENTRYPOINT ["/srv/wegwijzer/docker/entrypoint.sh"]
CMD ["api"]
