# syntax=docker/dockerfile:1
# Front-end assets: GOV.UK Frontend compiled from Sass (no CDN at run time).
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY assets ./assets
COPY scripts/copy-assets.mjs ./scripts/copy-assets.mjs
RUN mkdir -p static/dist && npm run build

# The application: Debian with Pango and fonts for WeasyPrint.
FROM python:3.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=0 \
    STATIC_ROOT=/app/var/staticfiles \
    MEDIA_ROOT=/app/var/media
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo \
        fonts-dejavu-core fonts-liberation2 shared-mime-info postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 app
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY --chown=app:app . .
COPY --from=assets --chown=app:app /build/static/dist ./static/dist
RUN mkdir -p var/media var/staticfiles \
    && SECRET_KEY=build-only-not-secret-build-only-not-secret-0123456789 ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput \
    && chown -R app:app var
USER app
EXPOSE 8000
CMD ["gunicorn", "safeguarding.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
