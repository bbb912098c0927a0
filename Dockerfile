FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --create-home --uid 1000 advisor

COPY pyproject.toml ./
COPY advisor ./advisor
COPY memory ./memory
COPY market ./market
RUN pip install --upgrade pip && pip install .
COPY . .
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    DJANGO_ALLOWED_HOSTS=build DATABASE_URL=postgres://build@build/build \
    python manage.py collectstatic --no-input -v 0

USER advisor
EXPOSE 8000
CMD ["gunicorn", "advisor.config.wsgi:application", "-c", "python:advisor.config.gunicorn", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
