"""What the pack's HTML and its printing share and need nothing else for: the templates folder,
and embedded images taken out of a page and put back (a page parses many times faster without
its megabytes of base64). Kept free of heavy imports: the PDF's own process imports it, and
should spend its start-up loading WeasyPrint, not pandas or nbformat."""

from __future__ import annotations

import re
from pathlib import Path

#: the pack's templates and style sheets (nbconvert's board page, the index, house.css, print.css)
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

_DATA_URI = re.compile(r'(src=")(data:image/[a-z+]+;base64,[^"]*)(")', re.I)


def without_images(markup: str) -> tuple[str, list[str]]:
    """``markup`` with every embedded image's data replaced by a short placeholder (``hwb-image:N``),
    and the data taken out, in order: a page parses many times faster without its megabytes of
    base64. :func:`with_images` puts them back."""
    images: list[str] = []

    def take(match: re.Match) -> str:
        images.append(match.group(2))
        return f"{match.group(1)}hwb-image:{len(images) - 1}{match.group(3)}"

    return _DATA_URI.sub(take, markup), images


def with_images(markup: str, images: list[str]) -> str:
    """Undo :func:`without_images`."""
    return re.sub(r'src="hwb-image:(\d+)"', lambda m: f'src="{images[int(m.group(1))]}"', markup)
