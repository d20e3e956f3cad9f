"""Anchors: topic, keyphrases, people, organisations, places and numbers of a narration (no NER model).

Import names from the modules that define them: this file stays empty, so importing one module of the
package loads no other.
"""
