"""Language stage, highlighting: a Pygments lexer for policy files (`*.cxr`), registered as the
`cxrules` entry point of `pygments.lexers`, so that `pygmentize -l cxrules`, Sphinx, MkDocs and
rich show policies in colour.

The keyword list is the grammar's (tests/language/test_highlight.py keeps them in step); a dotted
event type that contains a keyword (`ticket.closed`) is one name, as the parser reads it.

>>> from pygments.token import Keyword
>>> (Keyword, "when") in list(CxrulesLexer().get_tokens("when ticket.closed"))
True
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

#: Words that start a definition.
DECLARATIONS = ("policy", "param", "calendar", "state", "metric", "let", "use")

#: Every other keyword of the grammar (cxrules/language/grammar/policy.lark).
KEYWORDS = (
    "above",
    "after",
    "always",
    "and",
    "at",
    "before",
    "below",
    "between",
    "business",
    "by",
    "changes",
    "closed",
    "contains",
    "count",
    "counts",
    "day",
    "days",
    "description",
    "each",
    "end",
    "expect",
    "false",
    "first",
    "forbid",
    "grace",
    "holidays",
    "hour",
    "hours",
    "in",
    "is",
    "last",
    "later",
    "least",
    "matches",
    "minimum",
    "minute",
    "minutes",
    "missing",
    "month",
    "most",
    "not",
    "null",
    "of",
    "on",
    "open",
    "or",
    "owner",
    "paused",
    "per",
    "quarter",
    "ratio",
    "report",
    "require",
    "risk",
    "sample",
    "second",
    "seconds",
    "severity",
    "share",
    "source",
    "tags",
    "times",
    "trigger",
    "true",
    "unless",
    "until",
    "warn",
    "week",
    "weeks",
    "when",
    "where",
    "while",
    "within",
    "year",
    "zone",
)

#: Values with a fixed meaning that are not keywords: severities.
CONSTANTS = ("info", "low", "medium", "high", "critical")

_ALONE = dict(prefix=r"(?<![\w.:*`-])", suffix=r"(?![\w.:*`-])")
_NAME = r"[^\W\d][\w-]*(?:[.:*][\w*-]+)*\*?|\*(?:[.:][\w*-]+)*"


class CxrulesLexer(RegexLexer):
    """Pygments lexer for cxrules policy files."""

    name = "cxrules"
    aliases = ["cxrules", "cxr"]
    filenames = ["*.cxr"]
    mimetypes = ["text/x-cxrules"]
    url = "https://pypi.org/project/cxrules/"

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*?$", Comment.Single),
            (r'"(?:\\.|[^"\\])*"', String.Double),
            (r"`[^`\n]*`", Name.Variable),
            (r"(policy)(\s+)([^\s\"#]+)", bygroups(Keyword.Declaration, Whitespace, Name.Function)),
            (r"\d{4}-\d{2}-\d{2}", Number.Other),
            (r"\d{1,2}:\d{2}(?::\d{2})?", Number.Other),
            (r"\d+(?:\.\d+)?\s*(?:ms|s|min|h|d|w)(?![\w.])", Number.Other),
            (r"\d+(?:\.\d+)?%", Number.Float),
            (r"\d+(?:st|nd|rd|th)(?![\w.])", Number.Integer),
            (r"\d+\.\d+", Number.Float),
            (r"\d+", Number.Integer),
            (words(DECLARATIONS, **_ALONE), Keyword.Declaration),
            (words(KEYWORDS, **_ALONE), Keyword),
            (words(CONSTANTS, **_ALONE), Name.Constant),
            (_NAME, Name),
            (r"==|!=|<=|>=|<|>|=|\+|-|\*|/", Operator),
            (r"[\[\](),:.]", Punctuation),
            (r".", Text),
        ]
    }
