FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk gettext chromium \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY . .
RUN DJANGO_SECRET_KEY=build DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput
# data/media exists in the image, so the media volume starts owned by the app's user.
RUN mkdir -p /app/data/media && useradd --system --home /app courtdash && chown -R courtdash /app
USER courtdash
EXPOSE 8000
CMD ["gunicorn", "courtdash.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
