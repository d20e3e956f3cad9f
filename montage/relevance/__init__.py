"""Text tools shared by narration, anchors and retrieval: tokenizer, stemming, stopwords, TF-IDF.

Import names from the modules that define them: this file stays empty, so importing one module of the
package loads no other.
"""
