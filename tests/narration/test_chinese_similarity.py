"""Why Chinese sentence similarity blends TF-IDF (jieba terms) into the MiniLM cosine: measured here.

all-MiniLM-L6-v2 is trained on English. On Chinese it rates everything alike, so the planted reworded
duplicate of the test article is not even its most similar pair; TF-IDF over jieba terms separates it.
The numbers are recorded in docs/narration.md. The default text model is now the multilingual USE, so this
module asks for MiniLM explicitly (text_model="minilm"): it measures MiniLM.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from montage.article.model import Article
from montage.embedding.protocol import TextEmbedder
from montage.embedding.text_encoder import load_text_encoder
from montage.narration.similarity import blend_similarity, lexical_weight_for
from montage.options.embedding import EmbeddingOptions
from montage.options.narration import NarrationOptions
from montage.relevance.tfidf import tfidf_similarity

PARAPHRASES = [
    ("长江水位持续上涨，武汉防汛形势严峻。", "武汉段长江水位不断升高，防洪压力很大。"),
    ("政府投入十五亿元加固堤坝。", "当局拨款15亿元用于堤防加固工程。"),
    ("专家认为极端降雨越来越频繁。", "学者指出强降雨天气明显增多。"),
    ("市民被提醒暴雨期间不要去江边。", "官方提醒居民下大雨时远离江滩。"),
    ("三峡水库开始降低水位迎接汛期。", "为应对洪水，三峡水库提前腾出库容。"),
    ("上海正在加固长江口海堤。", "长江入海口附近的海堤在上海进行加固施工。"),
    ("1998年的洪水给武汉留下深刻记忆。", "武汉人至今记得1998年那场特大洪灾。"),
    ("施工要避开江豚繁殖期。", "工程应避免在江豚繁殖季节进行。"),
    ("气象部门预测夏季降雨偏多。", "气象局预计今年夏天雨水比往年多。"),
    ("新堤防采用生态护坡设计。", "新建堤坝将使用生态化的护坡方案。"),
]
OFF_TOPIC = [
    "我喜欢在周末去咖啡馆看书。",
    "这家餐厅的火锅非常好吃。",
    "足球比赛在晚上八点开始。",
    "新款手机的电池续航更长了。",
    "孩子们在公园里放风筝。",
]


@pytest.fixture(scope="module")
def embedder() -> TextEmbedder:
    """all-MiniLM-L6-v2 (the bundled English model), offline: what the measurements here are about."""
    return load_text_encoder(EmbeddingOptions(text_model="minilm"))


def _similarities(
    texts: list[str], embedder: TextEmbedder
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    vectors = embedder.embed_texts(texts)
    return (vectors @ vectors.T).astype(np.float32), tfidf_similarity(texts)


def _auc(similarity: NDArray[np.float32]) -> float:
    """How often a paraphrase pair scores above a non-paraphrase pair (in-topic and off-topic)."""
    n = len(PARAPHRASES)
    positives = [similarity[i, n + i] for i in range(n)]
    negatives = [similarity[i, n + (i + 5) % n] for i in range(n)]
    negatives += [similarity[i, 2 * n + k] for k in range(len(OFF_TOPIC)) for i in (k, k + 5)]
    return float(np.mean([p > q for p in positives for q in negatives]))


def _duplicate_margin(similarity: NDArray[np.float32], pair: tuple[int, int]) -> float:
    """Similarity of the planted duplicate pair minus the highest similarity of any other pair."""
    others = similarity.copy()
    np.fill_diagonal(others, -1.0)
    others[pair] = others[pair[::-1]] = -1.0
    return float(similarity[pair] - others.max())


def test_chinese_uses_the_blend_and_english_does_not() -> None:
    options = NarrationOptions()
    assert lexical_weight_for("zh", options) == 0.5
    assert lexical_weight_for("en", options) == 0.0


def test_blend_ranks_chinese_paraphrases_at_least_as_well(embedder: TextEmbedder) -> None:
    texts = [a for a, _ in PARAPHRASES] + [b for _, b in PARAPHRASES] + OFF_TOPIC
    embedding, lexical = _similarities(texts, embedder)
    weight = lexical_weight_for("zh", NarrationOptions())
    embedding_auc = _auc(embedding)
    blend_auc = _auc(blend_similarity(embedding, lexical, weight))
    assert blend_auc >= embedding_auc
    assert blend_auc >= 0.95


def test_blend_singles_out_the_duplicate_the_model_misses(
    embedder: TextEmbedder, article_zh: Article
) -> None:
    texts = [s.text for s in article_zh.sentences]
    embedding, lexical = _similarities(texts, embedder)
    blended = blend_similarity(embedding, lexical, lexical_weight_for("zh", NarrationOptions()))
    pair = (3, 6)
    assert _duplicate_margin(embedding, pair) < 0.0  # the model finds an unrelated pair more alike
    assert _duplicate_margin(blended, pair) > 0.2
    off_diagonal = ~np.eye(len(texts), dtype=bool)
    assert embedding[off_diagonal].mean() > 0.5  # everything looks alike to MiniLM in Chinese
    assert blended[off_diagonal].mean() < embedding[off_diagonal].mean() - 0.2
