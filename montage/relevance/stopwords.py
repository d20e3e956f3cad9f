"""Function words that carry no topic: left out of keyword matching and keyphrase candidates."""

from __future__ import annotations

_ENGLISH = """
a about above after again against all almost also although am among an and another any anyone are
around as at be became because become been before being below between both but by can cannot could
did do does doing done down during each either else enough etc even ever every few for from further
had has have having he her here hers herself him himself his how however i if in into is it its itself
just least less let like many may me might mine more most much must my myself neither no nor not now
of off often on once one only onto or other others our ours ourselves out over own per perhaps quite
rather really same she should since so some still such than that the their theirs them themselves then
there these they this those though through thus to too toward towards under until up upon us very via
was we were what whatever when where whether which while who whom whose why will with within without
would yet you your yours yourself yourselves s t don didn doesn isn wasn weren won wouldn shouldn couldn
ll re ve d m o y
"""

_CHINESE = """
的 了 在 是 和 与 及 或 也 都 就 而 并 又 还 把 被 让 给 对 从 向 到 于 以 为 之 其
这 那 这些 那些 这个 那个 一个 一些 我 你 他 她 它 我们 你们 他们 她们 它们 自己
有 没有 不 没 很 更 最 已 已经 将 会 能 可以 要 就是 但 但是 因为 所以 如果 虽然 而且
以及 通过 根据 对于 关于 由于 其中 此外 同时 目前 表示 认为 称 说 等 等等
个 着 过 吗 呢 吧 啊 地 得 所 之后 之前 以来 上 下 中 里 后 前 时 年 月 日
"""

ENGLISH_STOPWORDS: frozenset[str] = frozenset(_ENGLISH.split())
"""Closed-class English words (articles, pronouns, auxiliaries, prepositions, conjunctions)."""

CHINESE_STOPWORDS: frozenset[str] = frozenset(_CHINESE.split())
"""Chinese function words and reporting verbs that jieba keeps as separate tokens."""
