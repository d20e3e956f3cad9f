# montage: the REST API (`montage serve`) and job workers (`montage worker`) share this image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    MONTAGE_DATA_DIR=/data

RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg espeak-ng sox fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first (cached while only the code changes); torch pinned by constraints.txt.
COPY pyproject.toml constraints.txt README.md LICENSE ./
RUN pip install -c constraints.txt torch torchvision
COPY alembic.ini ./
COPY migrations migrations
COPY montage montage
COPY indexer indexer
COPY api api
# Editable install: the migrations folder is found next to the code (montage/db/migrate.py).
RUN pip install -c constraints.txt -e . \
 && useradd --create-home --uid 1000 montage \
 && mkdir -p /data/artifacts /footage \
 && chown -R montage:montage /data

USER montage
VOLUME ["/data", "/data/artifacts"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)" || exit 1
CMD ["montage", "serve", "--host", "0.0.0.0", "--port", "8000"]
