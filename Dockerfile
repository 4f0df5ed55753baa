# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY content ./content
COPY storage ./storage
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/interview.db
COPY --from=build /install /usr/local
RUN useradd --create-home --uid 10001 bot && mkdir /data && chown bot:bot /data
USER bot
WORKDIR /home/bot
VOLUME ["/data"]
# The health check opens the configured database and loads the bank: what the bot needs to run.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["interview-bot", "health"]
ENTRYPOINT ["interview-bot"]
CMD ["run"]
