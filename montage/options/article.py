"""Options of the article stage (``MONTAGE_ARTICLE__*``)."""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ArticleOptions(BaseModel):
    """How an article is read: size and time limits, network policy, language policy, sentence length."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_text_bytes: int = Field(
        default=1_000_000,
        gt=0,
        description="Largest article text accepted, in UTF-8 bytes (after HTML/Markdown extraction).",
    )
    max_download_bytes: int = Field(
        default=5_000_000,
        gt=0,
        description="Largest raw body accepted: a download (after decompression) or an HTML file.",
    )
    connect_timeout_s: float = Field(
        default=5.0, gt=0, description="Time limit to resolve the host and open the connection, per hop."
    )
    total_timeout_s: float = Field(
        default=20.0, gt=0, description="Time limit of the whole download, redirects included."
    )
    max_redirects: int = Field(default=5, ge=0, le=20, description="Redirects followed before giving up.")
    allow_private_hosts: bool = Field(
        default=False,
        description="Allow URLs whose host resolves to loopback, private, link-local or other non-public "
        "addresses. Off by default so a service cannot be used to reach internal machines.",
    )
    allowed_private_networks: tuple[str, ...] = Field(
        default=(),
        description="Networks (CIDR, e.g. '10.1.2.0/24') allowed even though they are not public, for an "
        "intranet wiki; everything else stays refused. Ignored when allow_private_hosts is true.",
    )
    require_supported_language: bool = Field(
        default=True,
        description="Refuse articles whose detected language is not in SUPPORTED_LANGUAGES (en, zh).",
    )
    language: str | None = Field(
        default=None,
        description="Language code to use instead of detecting it (e.g. 'en', 'zh'); None detects.",
    )
    max_sentence_chars: int = Field(
        default=300,
        ge=20,
        description="Sentences longer than this are split at commas or semicolons (then at spaces).",
    )
    user_agent: str = Field(
        default="montage/0.1 (+https://github.com/montage; article fetcher)",
        description="User-Agent header sent when downloading an article.",
    )

    @field_validator("allowed_private_networks")
    @classmethod
    def _networks_parse(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for network in value:
            ipaddress.ip_network(network, strict=False)  # raises ValueError with a clear message
        return value
