"""Real photographs available offline, for the matcher's real-photo evaluation set and benchmarks.

Generated scenes are textured everywhere; real photographs are not (a horse on grass, a misty
sky, a blurred clock), and that is where the photo stages lose recall. The photographs here ship
inside installed packages, so nothing is downloaded: scikit-image's `skimage/data` and
scikit-learn's `sklearn/datasets/images` (both in the `test` extra), matplotlib's sample data
when it is installed, and, for the benchmarks, Debian's `mate-backgrounds` nature photos when
that package is installed (`apt-get install mate-backgrounds`). The files are read, the packages
are never imported.

Each photo has a subject and the category it stands for in the evaluation set (a cat stands for
a horse: the matcher compares points, not animals). `TEXTURES` (brick, grass, gravel) are never
registered: they are the unrelated photos that fool naive local-feature matching.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

MAX_SIDE = 1280  # photos are loaded at most this large (Debian's wallpapers are 2560 pixels wide)
DEBIAN_NATURE = Path("/usr/share/backgrounds/mate/nature")


@dataclass(frozen=True)
class RealPhoto:
    name: str
    path: Path
    subject: str
    category: str
    low_texture: bool = False  # few sharp corners at ORB's usual contrast
    pair: str | None = None  # another photo of the same scene from another viewpoint


# (package, folder, file, subject, category, low texture, other view)
_CATALOGUE = [
    ("skimage", "data", "astronaut.png", "an astronaut with a helmet", "other", False, None),
    ("skimage", "data", "camera.png", "a cameraman with a tripod", "gps", False, None),
    ("skimage", "data", "chelsea.png", "an animal's head (a cat)", "horse", False, None),
    ("skimage", "data", "coffee.png", "a cup and saucer on a table", "power_tool", False, None),
    ("skimage", "data", "coins.png", "coins on a tray", "other", False, None),
    ("skimage", "data", "motorcycle_left.png", "a motorcycle in a garage", "quad", False, "motorcycle_right.png"),
    ("skimage", "data", "rocket.jpg", "a rocket on its launch pad at dusk", "plant", False, None),
    ("skimage", "data", "clock_motion.png", "a wall clock, blurred by motion", "gps", True, None),
    ("skimage", "data", "hubble_deep_field.jpg", "galaxies (a starry sky)", "other", False, None),
    ("skimage", "data", "ihc.png", "a stained tissue slide", "other", False, None),
    ("skimage", "data", "retina.jpg", "a retina on black", "cattle", True, None),
    ("skimage", "data", "moon.png", "the moon's surface", "other", False, None),
    ("sklearn", "datasets/images", "china.jpg", "a pagoda above a lake", "trailer", False, None),
    ("sklearn", "datasets/images", "flower.jpg", "a dahlia on dark leaves", "sheep", False, None),
    ("matplotlib", "mpl-data/sample_data", "grace_hopper.jpg", "a portrait in uniform", "other", False, None),
]
_DEBIAN = [
    ("Aqua.jpg", "a water drop", "other", False), ("Blinds.jpg", "a leaf close up", "sheep", True),
    ("Dune.jpg", "dune grass by the sea", "cattle", False), ("FreshFlower.jpg", "an orange flower", "goat", False),
    ("Garden.jpg", "a marigold", "other", False), ("GreenMeadow.jpg", "young grass", "cattle", False),
    ("LadyBird.jpg", "a ladybird on a stem (an animal)", "horse", False),
    ("RainDrops.jpg", "rain drops on leaves", "sheep", False), ("Storm.jpg", "a storm over a road", "vehicle", True),
    ("TwoWings.jpg", "dandelion seeds", "other", False), ("Wood.jpg", "a wooden deck", "trailer", False),
    ("YellowFlower.jpg", "a yellow flower", "goat", False),
]
_TEXTURES = [("skimage", "data", "brick.png", "a brick wall"), ("skimage", "data", "grass.png", "grass"),
             ("skimage", "data", "gravel.png", "gravel")]


def _package_folder(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _existing(package: str, folder: str, file: str) -> Path | None:
    root = _package_folder(package)
    path = root / folder / file if root else None
    return path if path and path.is_file() else None


def real_photos(include_debian: bool = True) -> list[RealPhoto]:
    """The real photographs installed here (Debian's only with include_debian), in a fixed order."""
    out = []
    for package, folder, file, subject, category, low, pair in _CATALOGUE:
        path = _existing(package, folder, file)
        if path:
            other = _existing(package, folder, pair) if pair else None
            out.append(RealPhoto(Path(file).stem, path, subject, category, low, str(other) if other else None))
    if include_debian and DEBIAN_NATURE.is_dir():
        for file, subject, category, low in _DEBIAN:
            if (DEBIAN_NATURE / file).is_file():
                out.append(RealPhoto("mate-" + Path(file).stem, DEBIAN_NATURE / file, subject, category, low))
    return out


def texture_photos() -> list[RealPhoto]:
    """Real photographs of repetitive texture (brick, grass, gravel): unrelated photos, never registered."""
    return [RealPhoto(Path(file).stem, path, subject, "other")
            for package, folder, file, subject in _TEXTURES if (path := _existing(package, folder, file))]


def load_photo(path: Path | str, max_side: int = MAX_SIDE) -> Image.Image:
    """The photo as RGB, at most max_side pixels on its long side (JPEG decoded reduced for speed)."""
    img = Image.open(path)
    if img.format == "JPEG":
        img.draft("RGB", (max_side, max_side))
    img = img.convert("RGB")
    img.thumbnail((max_side, max_side))
    return img
