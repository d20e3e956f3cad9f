"""Stage 1 of the pipeline: an article (text, Markdown, HTML, file or URL) in, paragraphs of sentences out.

>>> from montage.article.loader import load_article
>>> from montage.options.article import ArticleOptions
>>> article = load_article("Mr. Smith arrived. He sat down.", options=ArticleOptions())
>>> [s.text for s in article.sentences]
['Mr. Smith arrived.', 'He sat down.']

Import names from the modules that define them: this file stays empty, so importing one module of the
package loads no other.
"""
