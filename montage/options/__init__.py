"""Every option group of :class:`montage.config.Settings`, one leaf module per group (pydantic only).

``montage.options.<group>`` holds the options read from ``MONTAGE_<GROUP>__*`` (``article``, ``embedding``,
``narration``, ``relevance``, ``search``, ``speech``, ``alignment``, ``render`` with its ``fallback``, and
``index``). The modules import nothing but pydantic and each other, so ``import montage.config`` loads no
stage code; the stages import their group from here and get the values passed in by the entry points.
"""
