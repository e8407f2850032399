"""A listing's photo gallery as a person sees it once the page has loaded.

Sites lazy-load photos (`data-src`, `data-lazy`, `data-original`, `srcset`, a `<noscript>`
copy), keep the gallery in a script array, or link a thumbnail to the full photo. The real
address is taken, the largest `srcset` candidate, the largest of several size variants of
one photo (`s-l64.jpg` / `s-l1600.jpg`, `_105.jpg` / `_355.jpg`). Placeholders (spacers,
1x1 pixels, `data:` URIs, "loading" and "no image" pictures, an empty `src` that resolves
to the page itself) and page chrome (logos, icons, badges, images of related ads linking
elsewhere) are never photos.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from registry.listings.store import MAX_PHOTOS

LAZY_ATTRIBUTES = ("data-zoom-image", "data-large", "data-full", "data-original", "data-lazy-src", "data-lazy",
                   "data-src", "data-img", "data-image")
_PLACEHOLDER_STEM = re.compile(r"^(s|spacer|blank|pixel|clear|trans|transparent|1x1|loading|loader|placeholder|lazy"
                               r"|lazyload|grey|gray|empty|dummy|pix|default|px)$", re.I)
_PLACEHOLDER_WORD = re.compile(r"placeholder|spacer|no[-_]?image|no[-_]?photo|noimg|loading|blank\.|1x1|pixel\.gif"
                               r"|transparent\.", re.I)
CHROME_WORDS = re.compile(r"logo|icon|sprite|badge|avatar|flag|banner|button|btn|emoji|rating|social|share|payment"
                     r"|arrow|captcha|qr[-_]?code|tracking|beacon|advert", re.I)
IMAGE_PATH = re.compile(r"\.(jpe?g|png|webp|avif|gif|bmp|heic)$", re.I)
_SIZE_PARAMS = {"w", "h", "width", "height", "size", "quality", "q", "fit", "resize", "auto", "format", "dpr", "crop"}


def is_placeholder(url: str | None, page_url: str = "") -> bool:
    """True for addresses that are never a photo of the listing (see the module's docstring)."""
    if not url or url.strip().lower().startswith(("data:", "javascript:", "about:", "blob:")):
        return True
    parts = urlsplit(url)
    if page_url and urlunsplit(parts._replace(fragment="")) == urlunsplit(urlsplit(page_url)._replace(fragment="")):
        return True
    name = parts.path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    return (name.lower().endswith(".svg") or bool(_PLACEHOLDER_STEM.match(stem)) or bool(_PLACEHOLDER_WORD.search(name))
            or not parts.path.strip("/"))


_SIZE_SEGMENT = re.compile(r"^(?:(?P<w1>\d{2,4})[wh]|[wh](?P<w2>\d{2,4})|(?P<w3>\d{2,4})x\d{2,4}(?:\.\w{3,4})?"
                           r"|thumbs?(?P<w4>\d{2,4})?(?:x\d{2,4})?|thumbnails?|small|medium|large|big|full|original|orig"
                           r"|preview|images?|(?:(?:w|h|c|f|q|g|e|ar|dpr|fl|t)_[\w:.-]+)(?:,[a-z]{1,3}_[\w:.-]+)*)$", re.I)
_TRANSFORM_WIDTH = re.compile(r"(?:^|,)w_(\d{2,5})(?:,|$)")
_NAME_SIZE = re.compile(r"[-_@.](?:(?P<w>\d{2,4})x\d{2,4}|\d(?:\.\d)?x|thumb|thumbnail|small|medium|large|sm|md|lg|xl)$", re.I)
# a name ending in a size after an id or a short prefix (1_800, 5520-3_1024, s-l1600, $_35); a
# camera counter after a word (IMG_2041, DSC-0042) is the picture's own number, not a size
_SHORT_SIZE = re.compile(r"^(?P<stem>s-l|\$_|.*\d.*[_-])(?P<size>\d{2,4})$")
_WORD_SIZES = {"thumb": 100, "thumbs": 100, "thumbnail": 100, "thumbnails": 100, "small": 200, "sm": 200, "preview": 300,
               "medium": 600, "md": 600, "large": 1200, "lg": 1200, "big": 1200, "xl": 1600}
ORIGINAL = 100_000  # an address naming no size is the photo as uploaded, larger than any resized copy


def photo_key(url: str) -> tuple[str, int]:
    """(what identifies the picture whatever its size and format, the width the address names).

    Sameness is judged by address pattern: size folders and segments (`/960w/`, `/1280x960.webp`,
    `/thumbs500x500/`, `/images/`, `/small/`, an image service's `w_500,h_500` transforms), size
    suffixes of the name (`-300x200`, `_thumb`, `@2x`), a short name that is only a size
    (`s-l500` / `s-l1600`, `$_35`), size parameters (`?w=`, `?width=`, `?h=`...) and the format
    (`.jpg` / `.webp`) are set aside. The width is the one the address names; an address naming
    none is the original upload (ORIGINAL), larger than every resized copy."""
    parts = urlsplit(url)
    segments = [seg for seg in parts.path.split("/") if seg]
    name = segments.pop() if segments else ""
    sizes: list[int] = []
    kept = []
    for seg in segments:
        match = _SIZE_SEGMENT.match(seg)
        if not match:
            kept.append(seg)
            continue
        width = next((match[g] for g in ("w1", "w2", "w3", "w4") if match[g]), None)
        transform = _TRANSFORM_WIDTH.search(seg)
        sizes.append(int(width) if width else int(transform[1]) if transform else _WORD_SIZES.get(seg.lower(), 0))
    stem = name.rsplit(".", 1)[0] if "." in name else name
    match = _SIZE_SEGMENT.match(name)
    if match and (match["w3"] or match["w1"]) and kept:  # the size is the name: the picture is the folder
        sizes.append(int(match["w3"] or match["w1"]))
        stem = kept.pop()
        stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    while (suffix := _NAME_SIZE.search(stem)) is not None:
        token = suffix[0][1:].lower()
        density = int(float(token[:-1]) * 1000) if token.endswith("x") and token[:-1].replace(".", "").isdigit() else 0
        sizes.append(int(suffix["w"]) if suffix["w"] else _WORD_SIZES.get(token, density))
        stem = stem[:suffix.start()]
    short = _SHORT_SIZE.match(stem)
    if short:
        stem, size = f"{short['stem']}#", int(short["size"])
        sizes.append(size)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _SIZE_PARAMS]
    for k, v in parse_qsl(parts.query):
        if k.lower() in ("w", "width", "resize", "fit") and re.match(r"^\d+", v):
            sizes.append(int(re.match(r"^\d+", v)[0]))
    sizes = [s for s in sizes if s]
    key = f"{parts.netloc.lower()}/{'/'.join(kept).lower()}/{stem.lower()}?{urlencode(query)}"
    return key, max(sizes) if sizes else ORIGINAL


def photo_folder(url: str) -> str:
    """Where a photo is kept: its host and the first folder of its path (a gallery's photos share it)."""
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}/{parts.path.strip('/').split('/')[0].lower() if '/' in parts.path.strip('/') else ''}"


def is_chrome_address(url: str) -> bool:
    """True for an image address naming page furniture (a logo, an icon, a share picture)."""
    return bool(CHROME_WORDS.search(urlsplit(url).path.rsplit("/", 1)[-1]))


def srcset_candidates(srcset: str | None) -> list[tuple[str, float]]:
    """(address, width) of each candidate of a srcset attribute, parsed as the HTML standard does: an
    address is a run without spaces (it may hold commas, as image services' `w_300,h_200` do), its
    descriptor follows; `2x` counts as twice the widest width-less candidate (1000 per x)."""
    found: list[tuple[str, float]] = []
    text = srcset or ""
    position = 0
    while position < len(text):
        while position < len(text) and (text[position].isspace() or text[position] == ","):
            position += 1
        start = position
        while position < len(text) and not text[position].isspace():
            position += 1
        url = text[start:position]
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            end = text.find(",", position)
            end = len(text) if end < 0 else end
            descriptor, position = text[position:end].strip(), end
        if not url:
            continue
        match = re.match(r"^([\d.]+)([wx])$", descriptor.split()[0]) if descriptor else None
        width = 0.0
        if match:
            width = float(match[1]) * (1000 if match[2] == "x" else 1)
        found.append((url, width))
    return found


def largest_srcset(srcset: str | None) -> str | None:
    """The widest (or densest) candidate of a srcset attribute."""
    candidates = srcset_candidates(srcset)
    return max(candidates, key=lambda c: c[1])[0] if candidates else None


class Gallery:
    """Photo addresses in order, once per photo, keeping the largest size variant."""

    def __init__(self, page_url: str, base: str | None = None):
        self.page_url = page_url
        self.base = base or page_url  # relative addresses resolve against the page's <base href>
        self.urls: list[str] = []
        self._index: dict[str, tuple[int, int]] = {}

    def add(self, raw: str | None, *, join: bool = True) -> bool:
        """Add a photo address; a size variant of a known photo replaces it when larger. With
        join=False only known photos are replaced (a declared gallery is complete). True when added."""
        if not raw or not isinstance(raw, str):
            return False
        url = urljoin(self.base, raw.strip())
        if not url.startswith(("http://", "https://")) or is_placeholder(url, self.page_url):
            return False
        key, size = photo_key(url)
        if key in self._index:
            position, known = self._index[key]
            if size > known:
                self.urls[position] = url
                self._index[key] = (position, size)
            return False
        if not join or len(self.urls) >= MAX_PHOTOS:
            return False
        self._index[key] = (len(self.urls), size)
        self.urls.append(url)
        return True
