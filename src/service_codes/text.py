"""Name normalization: the identity key of a matter's name.

``normalize_name`` folds what does not change a name's meaning, so that the same
matter typed on different keyboards gets the same code.

>>> normalize_name("（ 新办 ）食品经营许可") == normalize_name("(新办)食品经营许可")
True
>>> normalize_name("ＩＣＰ 备案")
'icp备案'
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Final

# Bracket and punctuation variants that NFKC leaves apart, folded to one ASCII form.
_VARIANTS: Final = {
    "(": "【〔［｛〖〘〚[{「『《〈﴾",
    ")": "】〕］｝〗〙〛]}」』》〉﴿",
    ",": "、，﹐﹑､",
    ".": "。｡．",
    ":": "：﹕",
    ";": "；﹔",
    "-": "‐‑‒–—―−－﹣",
    "·": "・･•‧∙⋅",
    '"': "“”„‟〝〞＂′″'‘’‚‛",
}
_FOLD: Final = str.maketrans({ch: canon for canon, chars in _VARIANTS.items() for ch in chars})


def _fold_once(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold().translate(_FOLD)
    # Format characters (soft hyphens, zero-width spaces, BOMs) ride along with copy and paste.
    return "".join(ch for ch in "".join(text.split()) if unicodedata.category(ch) != "Cf")


# A catalogue repeats the same few thousand matter and material names over and over.
@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Fold width, whitespace, bracket and punctuation variants and Latin case.

    Idempotent: ``normalize_name(normalize_name(x)) == normalize_name(x)``.
    """
    # Dropping whitespace can bring a combining mark next to a letter that NFKC then
    # composes, so fold until nothing changes (one or two passes in practice).
    folded = _fold_once(name)
    while (again := _fold_once(folded)) != folded:
        folded = again
    return folded
