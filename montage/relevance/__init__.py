"""Text tools shared by narration, anchors and retrieval: tokenizer, stemming, stopwords, TF-IDF."""

from montage.relevance.tfidf import tfidf_matrix, tfidf_similarity
from montage.relevance.tokenizer import tokenize

__all__ = ["tfidf_matrix", "tfidf_similarity", "tokenize"]
