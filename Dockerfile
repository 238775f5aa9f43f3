# ceutrack image: web (gunicorn), Celery worker and Celery beat all run from it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    CEUTRACK_VAR_DIR=/app/var

RUN useradd --create-home --uid 1000 --user-group ceutrack
# tesseract reads photographed certificates (the worker runs it in a limited child process).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Dependencies first, so code edits do not reinstall them.
# Dependencies from the lock file only (exact versions, hashes checked); the code runs from /app.
COPY requirements/app.txt requirements/app.txt
RUN pip install --require-hashes --no-deps -r requirements/app.txt
ENV PYTHONPATH=/app

COPY manage.py ./
COPY ceutrack ceutrack
COPY templates templates
COPY static static

# Hashed, compressed static files baked into the image (WhiteNoise serves them). The values
# below only let settings load for this step; the real ones come from the environment.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && mkdir -p /app/var/private /app/var/beat \
    && chown -R ceutrack:ceutrack /app/var

USER ceutrack
EXPOSE 8000
CMD ["gunicorn", "ceutrack.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
