"""Errors of the article stage: every way a user's article can be refused, each with its own ``code``."""

from __future__ import annotations

from montage.errors import InputError


class ArticleError(InputError):
    """The article cannot be used. Subclasses name the reason; ``code`` is stable for each one."""

    code = "article_invalid"


class ArticleEmptyError(ArticleError):
    """The article is empty, whitespace only, or has no narratable text left after extraction."""

    code = "article_empty"


class ArticleTooLargeError(ArticleError):
    """The article text is larger than ``ArticleOptions.max_text_bytes``."""

    code = "article_too_large"


class DownloadTooLargeError(ArticleTooLargeError):
    """A downloaded (or raw file) body is larger than ``ArticleOptions.max_download_bytes``."""

    code = "download_too_large"


class BinaryContentError(ArticleError):
    """The input is binary data (NUL bytes, a known binary file signature, mostly control characters)."""

    code = "article_binary"


class UndecodableTextError(ArticleError):
    """The bytes cannot be decoded sensibly in any text encoding (or the text is full of U+FFFD)."""

    code = "article_encoding"


class UnsupportedLanguageError(ArticleError):
    """The article's language is not one montage can narrate (see ``SUPPORTED_LANGUAGES``)."""

    code = "language_unsupported"

    def __init__(self, message: str, *, language: str) -> None:
        super().__init__(message)
        self.language = language


class NoMainContentError(ArticleError):
    """An HTML page has no main text content (only navigation, scripts, boilerplate)."""

    code = "html_no_content"


class ArticleFileError(ArticleError):
    """An article file does not exist or cannot be read."""

    code = "article_file_unreadable"


class InvalidUrlError(ArticleError):
    """The URL is malformed (no host, bad port, user name or password in it, bad characters)."""

    code = "url_invalid"


class UrlSchemeNotAllowedError(ArticleError):
    """The URL's scheme is not http or https."""

    code = "url_scheme_not_allowed"


class PrivateAddressError(ArticleError):
    """The URL's host resolves to a loopback, private, link-local or otherwise non-public address."""

    code = "url_private_address"


class FetchError(ArticleError):
    """Base of the failures of a download that are not the user's URL being refused outright."""

    code = "url_fetch_failed"


class UnreachableHostError(FetchError):
    """The host name does not resolve, or the connection is refused or reset."""

    code = "url_unreachable"


class FetchTimeoutError(FetchError):
    """Connecting or downloading took longer than the configured time limit."""

    code = "url_timeout"


class HttpStatusError(FetchError):
    """The server answered with an error status (4xx, 5xx) or a status that carries no page."""

    code = "url_http_status"

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class ContentTypeError(FetchError):
    """The server answered with a content type that is not an article (not HTML, plain text or Markdown)."""

    code = "url_content_type"


class TooManyRedirectsError(FetchError):
    """The server redirected more often than ``ArticleOptions.max_redirects`` allows."""

    code = "url_too_many_redirects"
