# syntax=docker/dockerfile:1
# Caja production image: gunicorn (gthread workers) serving Django; static files collected at build.

# ---- builder: compile every dependency into wheels ---------------------------------------------
FROM python:3.11-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /build
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

# ---- final: slim runtime, non-root ------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=caja.settings \
    STATICFILES_BACKEND=core.storage.CajaStaticFilesStorage \
    LOG_FORMAT=json \
    GUNICORN_BIND=0.0.0.0:8000

RUN groupadd --system caja && useradd --system --gid caja --home-dir /app --shell /usr/sbin/nologin caja
WORKDIR /app

COPY --from=builder /wheels /wheels
RUN pip install --no-index --find-links=/wheels /wheels/* && rm -rf /wheels

COPY --chown=caja:caja . .
# collectstatic needs settings but no database or secret: a throwaway key for the build only.
RUN SECRET_KEY=build-only-not-a-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        python manage.py collectstatic --no-input \
    && rm -f /tmp/build.sqlite3 \
    && mkdir -p /app/media \
    && chown -R caja:caja /app/staticfiles /app/media

USER caja
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status == 200 else 1)"]

CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "caja.wsgi"]
