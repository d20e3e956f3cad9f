"""Anchors: topic, keyphrases, people, organisations, places and numbers of a narration (no NER model)."""

from montage.anchors.extract import extract_anchors
from montage.anchors.model import Anchors, Keyphrase, NumberMention, SentenceAnchors

__all__ = ["Anchors", "Keyphrase", "NumberMention", "SentenceAnchors", "extract_anchors"]
