"""Options of the narration stage (``MONTAGE_NARRATION__*``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class LLMOptions(BaseModel):
    """An OpenAI-compatible chat endpoint for the optional abstractive rewrite. Off by default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = Field(default=False, description="Rewrite the extractive script with the LLM.")
    base_url: str = Field(
        default="",
        description="Server root or its /v1 root, e.g. http://127.0.0.1:8000/v1; /chat/completions is added.",
    )
    model: str = Field(default="", description="Model name sent in the request.")
    api_key: str | None = Field(default=None, description="Sent as a Bearer token when set.")
    timeout_s: float = Field(default=60.0, gt=0, description="Time limit of the whole request.")
    max_growth: float = Field(
        default=1.5,
        ge=1.0,
        description="A rewritten sentence longer than this factor times the original (in speech time) is "
        "refused and the extractive script is kept.",
    )


class NarrationOptions(BaseModel):
    """How an article becomes a narration script of a given length.

    The length is either ``target_duration_s`` or ``target_words`` (not both); with neither,
    ``default_duration_s``. For Chinese, ``target_words`` counts characters (字数), as Chinese word counts do.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    target_duration_s: float | None = Field(default=None, gt=0, description="Narration length in seconds.")
    target_words: int | None = Field(
        default=None, gt=0, description="Narration length in words (characters for Chinese)."
    )
    default_duration_s: float = Field(default=60.0, gt=0, description="Length when no target is given.")
    words_per_minute: float = Field(default=150.0, gt=0, description="Speaking rate of languages with words.")
    chars_per_minute: float = Field(
        default=250.0, gt=0, description="Speaking rate of Chinese and Japanese, in characters per minute."
    )
    sentence_pause_s: float = Field(
        default=0.3, ge=0, description="Pause counted after each spoken sentence."
    )
    mmr_lambda: float = Field(
        default=0.7, ge=0, le=1, description="MMR trade-off: 1 = salience only, 0 = novelty only."
    )
    duplicate_similarity: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="A sentence whose duplication score (max of blended and TF-IDF cosine) with a chosen "
        "one reaches this is never chosen too.",
    )
    position_prior_weight: float = Field(
        default=0.3, ge=0, le=1, description="Share of salience from position (article and paragraph leads)."
    )
    lexical_weight_cjk: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Share of TF-IDF (jieba terms) similarity in the sentence graph of Chinese/Japanese.",
    )
    lexical_weight: float = Field(
        default=0.0, ge=0, le=1, description="Share of TF-IDF similarity in the sentence graph of other text."
    )
    keep_title: bool = Field(default=True, description="Speak the article title as the first line.")
    min_sentences: int = Field(
        default=1, ge=0, description="Sentences kept even when they exceed the target."
    )
    llm: LLMOptions = Field(default_factory=LLMOptions)

    @model_validator(mode="after")
    def _one_target(self) -> NarrationOptions:
        if self.target_duration_s is not None and self.target_words is not None:
            raise ValueError("give target_duration_s or target_words, not both")
        return self
