# Wegwijzer API image: slim Python, non-root, health check on /healthz.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/wegwijzer
COPY pyproject.toml README.md ./
COPY app ./app
COPY routing_rules ./routing_rules
COPY migrations ./migrations

# Editable install: the service reads routing_rules/ and pyproject.toml (Alembic) next to app/.
RUN pip install -e . \
 && useradd --system --uid 10001 --no-create-home wegwijzer \
 && mkdir -p var && chown wegwijzer var

USER wegwijzer
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"

# DATABASE_URL selects the database (default: SQLite under var/). Migrate, then serve.
CMD ["sh", "-c", "python -m app migrate && exec uvicorn app.main:app --host 0.0.0.0 --port 8000 --proxy-headers"]
