r"""Rendering the blocks of a ticket: Markdown (GitHub, GitLab), plain text (Zendesk, Roundup, files), Jira wiki markup.

Markdown and wiki markup escape every piece of text, so no formatting, HTML, links, macros or
@mentions can come out of customer words; plain text is sent as it is.

Example:
    >>> blocks = [Heading("What customers say"), Quotes(("so *slow*",))]
    >>> print(render_markdown(blocks))
    ### What customers say
    <BLANKLINE>
    > so \*slow\*
    >>> print(render_plain(blocks))
    What customers say:
    - "so *slow*"
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analyzer.export.blocks import Block, Facts, Heading, Marker, Paragraph, Quotes

__all__ = ["md_escape", "render_markdown", "render_plain", "render_wiki", "wiki_escape"]


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~])")


def md_escape(text: str) -> str:
    r"""Escape text for Markdown: no formatting, HTML, links or @mentions can come out of customer words.

    Example:
        >>> md_escape("<b>@team</b> *now*")
        '\\<b\\>@\u2060team\\</b\\> \\*now\\*'
    """
    return _MD_SPECIAL.sub(r"\\\1", text).replace("@", "@\u2060")


def render_markdown(blocks: Iterable[Block]) -> str:
    """Markdown for GitHub and GitLab; every piece of text is escaped.

    Example:
        >>> print(render_markdown([Facts((("Trend", "growing"),)), Quotes(("so *slow*",)), Marker("cfp-1")]))
        - **Trend:** growing
        <BLANKLINE>
        > so \\*slow\\*
        <BLANKLINE>
        <!-- complaint-analyzer fingerprint: cfp-1 -->
    """
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(md_escape(block.text))
        elif isinstance(block, Heading):
            parts.append(f"### {md_escape(block.text)}")
        elif isinstance(block, Facts):
            parts.append("\n".join(f"- **{md_escape(label)}:** {md_escape(value)}" for label, value in block.items))
        elif isinstance(block, Quotes):
            parts.append("\n>\n".join(f"> {md_escape(q)}" for q in block.items))
        elif isinstance(block, Marker):
            parts.append(f"<!-- complaint-analyzer fingerprint: {block.fingerprint} -->")
    return "\n\n".join(parts)


def render_plain(blocks: Iterable[Block]) -> str:
    """Plain text, for Zendesk, Roundup and generic files.

    Example:
        >>> print(render_plain([Heading("What customers say"), Quotes(("slow",))]))
        What customers say:
        - "slow"
    """
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Heading):
            parts.append(f"{block.text}:")
        elif isinstance(block, Facts):
            parts.append("\n".join(f"{label}: {value}" for label, value in block.items))
        elif isinstance(block, Quotes):
            quotes = "\n".join(f'- "{q}"' for q in block.items)
            if parts and parts[-1].endswith(":") and quotes:  # a list follows its heading without a blank line
                parts[-1] += "\n" + quotes
            else:
                parts.append(quotes)
    return "\n\n".join(parts)


_WIKI_SPECIAL = re.compile(r"([\\{}\[\]|*_^~+!#])")


def wiki_escape(text: str) -> str:
    r"""Escape text for Jira wiki markup (Jira v2 and the CSV importer): no macros, links, mentions or formatting.

    Example:
        >>> wiki_escape("[~admin] {code}")
        '\\[\\~admin\\] \\{code\\}'
    """
    return _WIKI_SPECIAL.sub(r"\\\1", text)


def render_wiki(blocks: Iterable[Block]) -> str:
    """Jira wiki markup (the description format of Jira v2 and of the CSV importer).

    Example:
        >>> print(render_wiki([Facts((("Trend", "growing"),)), Quotes(("so *slow*",))]))
        * *Trend:* growing
        <BLANKLINE>
        bq. so \\*slow\\*
    """
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(wiki_escape(block.text))
        elif isinstance(block, Heading):
            parts.append(f"h3. {wiki_escape(block.text)}")
        elif isinstance(block, Facts):
            parts.append("\n".join(f"* *{wiki_escape(label)}:* {wiki_escape(value)}" for label, value in block.items))
        elif isinstance(block, Quotes):
            parts.append("\n".join(f"bq. {wiki_escape(q)}" for q in block.items))
    return "\n\n".join(parts)
