"""Stage 1 of the pipeline: an article (text, Markdown, HTML, file or URL) in, paragraphs of sentences out.

>>> from montage.article import ArticleOptions, load_article
>>> article = load_article("Mr. Smith arrived. He sat down.", options=ArticleOptions())
>>> [s.text for s in article.sentences]
['Mr. Smith arrived.', 'He sat down.']
"""

from montage.article.errors import (
    ArticleEmptyError,
    ArticleError,
    ArticleFileError,
    ArticleTooLargeError,
    BinaryContentError,
    ContentTypeError,
    DownloadTooLargeError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    InvalidUrlError,
    NoMainContentError,
    PrivateAddressError,
    TooManyRedirectsError,
    UndecodableTextError,
    UnreachableHostError,
    UnsupportedLanguageError,
    UrlSchemeNotAllowedError,
)
from montage.article.language import SUPPORTED_LANGUAGES, detect_language
from montage.article.loader import (
    ArticleKind,
    load_article,
    load_article_file,
    load_article_text,
    load_article_url,
)
from montage.article.model import Article, ArticleFormat, Paragraph, Sentence
from montage.article.sentences import split_sentences
from montage.options.article import ArticleOptions

__all__ = [
    "SUPPORTED_LANGUAGES",
    "Article",
    "ArticleEmptyError",
    "ArticleError",
    "ArticleFileError",
    "ArticleFormat",
    "ArticleKind",
    "ArticleOptions",
    "ArticleTooLargeError",
    "BinaryContentError",
    "ContentTypeError",
    "DownloadTooLargeError",
    "FetchError",
    "FetchTimeoutError",
    "HttpStatusError",
    "InvalidUrlError",
    "NoMainContentError",
    "Paragraph",
    "PrivateAddressError",
    "Sentence",
    "TooManyRedirectsError",
    "UndecodableTextError",
    "UnreachableHostError",
    "UnsupportedLanguageError",
    "UrlSchemeNotAllowedError",
    "detect_language",
    "load_article",
    "load_article_file",
    "load_article_text",
    "load_article_url",
    "split_sentences",
]
