# One image for the Slack app and the workers: `python bot.py` or `python bot.py worker`.
FROM python:3.11-slim-bookworm

# Chromium renders charts through Kaleido; bubblewrap isolates the chart code.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium bubblewrap fonts-dejavu-core ca-certificates \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 chartroom
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot.py ./
COPY core core
COPY handlers handlers
COPY ingest ingest
COPY planner planner
COPY post post
COPY providers providers
COPY render render
COPY sandbox sandbox
COPY workers workers
RUN pip install --no-cache-dir .

USER chartroom
ENV WORKSPACE_DIR=/tmp/chartroom \
    LOG_FORMAT=json \
    PYTHONUNBUFFERED=1
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:3000/health', timeout=4)" || exit 1
CMD ["python", "bot.py"]
