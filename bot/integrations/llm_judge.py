"""The LLM judge's client: any OpenAI-compatible `/v1/chat/completions` server.

An outbound integration behind the core's `GradeRefiner` protocol: it sends the core's prompt,
reads the reply through the core's parser and scorer, and on any failure (timeout, HTTP error,
prose, invalid JSON) returns None so the offline grade stands. The API key is sent, never
logged or shown.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Annotated

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from bot.core.grading.judge import (
    FINAL_GUARDS,
    JUDGE_NAME,
    JUDGE_VERSION,
    JudgeFailed,
    JudgeVerdict,
    build_messages,
    parse_reply,
    score_verdict,
)
from bot.core.grading.types import GradeResult
from content.schema import Question

_log = structlog.get_logger(__name__)


class JudgeConfig(BaseModel):
    """Where the judge lives. `api_key` is a secret: it is sent, never logged or shown."""

    model_config = ConfigDict(frozen=True)

    base_url: str
    model: str
    api_key: SecretStr | None = None
    connect_timeout: Annotated[float, Field(gt=0)] = 3.0
    total_timeout: Annotated[float, Field(gt=0)] = 20.0
    max_tokens: Annotated[int, Field(gt=0)] = 1000

    def endpoint(self) -> str:
        base = self.base_url.rstrip("/")
        if base.endswith("/chat/completions"):
            return base
        if base.endswith("/v1"):
            return f"{base}/chat/completions"
        return f"{base}/v1/chat/completions"


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")

    content: str


class _Choice(BaseModel):
    model_config = ConfigDict(extra="ignore")

    message: _Message


class _Completion(BaseModel):
    model_config = ConfigDict(extra="ignore")

    choices: Annotated[list[_Choice], Field(min_length=1)]


class LLMJudge:
    """Refines an offline grade; `grade` returns None whenever the offline grade should stand."""

    name = JUDGE_NAME
    version = JUDGE_VERSION

    def __init__(self, config: JudgeConfig, client: httpx.AsyncClient | None = None) -> None:
        self._config = config
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(config.total_timeout, connect=config.connect_timeout)
        )

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def grade(
        self, question: Question, answer: str, offline: GradeResult | None = None
    ) -> GradeResult | None:
        if offline is not None and FINAL_GUARDS.intersection(offline.guards):
            return None
        try:
            # httpx has no overall deadline (its timeouts are per phase), so bound the whole call.
            async with asyncio.timeout(self._config.total_timeout):
                verdict = await self._ask(question, answer)
            return score_verdict(question, answer, verdict, offline)
        except (JudgeFailed, httpx.HTTPError, TimeoutError, ValidationError, ValueError) as exc:
            _log.warning(
                "llm judge gave no usable grade; the offline grade stands",
                question=question.id,
                reason=type(exc).__name__,
                detail=str(exc)[:200],
            )
            return None

    async def _ask(self, question: Question, answer: str) -> JudgeVerdict:
        config = self._config
        headers = {"Content-Type": "application/json"}
        if config.api_key is not None:
            headers["Authorization"] = f"Bearer {config.api_key.get_secret_value()}"
        body = {
            "model": config.model,
            "messages": build_messages(question, answer, secrets.token_hex(6)),
            "temperature": 0,
            "max_tokens": config.max_tokens,
        }
        response = await self._client.post(config.endpoint(), json=body, headers=headers)
        if response.status_code != 200:
            raise JudgeFailed(f"HTTP {response.status_code}")
        completion = _Completion.model_validate(response.json())
        return parse_reply(completion.choices[0].message.content)


def build_judge(
    base_url: str | None,
    model: str | None,
    api_key: SecretStr | None = None,
    *,
    connect_timeout: float = 3.0,
    total_timeout: float = 20.0,
    client: httpx.AsyncClient | None = None,
) -> LLMJudge | None:
    """A judge when both the base URL and the model are set, else None (offline only)."""
    if not base_url or not model:
        return None
    config = JudgeConfig(
        base_url=base_url,
        model=model,
        api_key=api_key,
        connect_timeout=connect_timeout,
        total_timeout=total_timeout,
    )
    return LLMJudge(config, client)
