"""Suggested groupings of cards, computed on this machine from their French text.

Method (its choices made by leaving one labelled French set out at a time, one idea wall never
used to choose; see ``bench/grouping.py`` and docs/features.md):

1. Words: lower case, elisions removed (l', d', qu', jusqu'…), French function words
   dropped, Snowball French stemmer (``déchets``/``déchet``, ``covoiturer``/``covoiturage``
   fall together), accents folded.
2. TF-IDF with sublinear term frequency on those stems, side by side with TF-IDF on the
   character 4-grams of the accent-folded text (half weight): they link what the stemmer
   keeps apart ("déchetterie"/"déchets") and survive typos. Beyond 100 cards, rare
   features are dropped (stems seen once, 4-grams seen in fewer than three cards).
3. The cards' nearest-neighbour graph (cosine), faintly joined where a Kullback-Leibler
   NMF on the words puts cards in the same topic, cut into exactly K groups by spectral
   clustering, then polished by a few k-means steps (each card moves to the group whose
   centre it is closest to); an empty group (rare) takes the least typical card of the
   largest.
4. Unless the facilitator sets it, K is the cut of the graph's spectral embedding into 2
   to 20 groups with the best modularity (resolution 0.75); the three best K are returned
   to choose from.
5. Names: the words most of a group's cards hold and few others do, never a function
   word nor a proper name; named by the run of words its cards most often write around
   the first of them ("transports en commun", "pôle emploi"), else by three of them
   ("santé · services · soins"); the typical card is the closest to the group's centre.

"Cartes proches" compares one card with the others by the cosine similarity of the same
features, so a typo or a plural does not hide a duplicate.

The numerical pieces are in ``core.analysis.grouping_math`` (NumPy and SciPy: loaded in 0.2 s, where
scikit-learn took 1-2 s). Measured and left aside (``bench/grouping.py --models``): spaCy's
French lemmas (no better than the stems, 5-10 times slower), its ``fr_core_news_md`` word
vectors (much worse: "femmes"/"hommes" or "enfants"/"parents" are near-synonyms there), and
the ``all-MiniLM-L6-v2`` sentence embeddings packaged on PyPI (better by 12 % ARI beside
these features, but about 4 ms a card on two cores and a gigabyte of dependencies).
"""

from __future__ import annotations

import itertools
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

from core.analysis.grouping_math import (
    char_wb_ngrams,
    cluster_qr,
    l2_rows,
    nearest_neighbours,
    nmf_kl,
    tfidf,
)

normalize = l2_rows  # rows of unit length

MIN_GROUPS = 2
MAX_GROUPS = 20  # the most groups a number chosen automatically may reach
MAX_ASKED = 48  # the most groups one may ask for
SAMPLE_FOR_K = 1500
# Below 1, modularity favours fewer, broader groups; 0.75 was chosen by the mean error over
# the shared sets (bench/grouping.py), not per set.
MODULARITY_RESOLUTION = 0.75
KEYWORDS_PER_GROUP = 3

_STOPWORDS_FILE = Path(__file__).parents[1] / "text" / "lang" / "fr_stopwords.txt"
_ELISION = re.compile(r"\b(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_JOINING = re.compile(r"[\s'-]*")  # what may stand between two words of one phrase
_COORDINATING = frozenset({"et", "ou", "ni", "mais", "donc", "car", "puis"})  # two ideas
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
    """A proposed group: the positions of its cards in the input, its telling words, and
    the position of its most typical card (the closest to the group's centre)."""

    keywords: tuple[str, ...]
    members: tuple[int, ...]
    typical: int = -1
    phrase: str = ""  # the words its cards most often write around the first keyword

    @property
    def name(self) -> str:
        """Return the group's idea in a few words taken from its cards ("transports en
        commun", "vote obligatoire"), or its keywords ("santé · services · soins")."""
        if " " in self.phrase:
            return self.phrase
        return " · ".join(self.keywords)


@dataclass(frozen=True)
class Suggestion:
    """Suggested groups for a list of texts."""

    groups: tuple[SuggestedGroup, ...]
    k: int
    k_was_chosen: bool
    likely_k: tuple[int, ...] = ()  # the most likely numbers of groups, best first

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


def _char_grams(text: str) -> list[str]:
    return char_wb_ngrams(_lower_folded(text), 4)


def features(texts: Sequence[str]) -> tuple[csr_matrix, np.ndarray]:
    """Return the cards' feature matrix and the stems of its first (word) columns."""
    large = len(texts) > 100
    try:
        word_matrix, vocabulary = tfidf(texts, lambda text: terms(text),
                                        min_df=2 if large else 1)
    except ValueError:  # not a single content word
        word_matrix, vocabulary = csr_matrix((len(texts), 0)), np.array([], dtype=object)
    try:
        char_matrix, _grams = tfidf(texts, _char_grams, min_df=3 if large else 1)
    except ValueError:
        char_matrix = csr_matrix((len(texts), 0))
    matrix = hstack([word_matrix, CHAR_WEIGHT * char_matrix]).tocsr()
    return matrix, vocabulary


GRAPH_NEIGHBOURS = 25
NMF_NUDGE = 0.01  # weight of "the same topic" beside the neighbours' graph
NMF_ITERATIONS = 200
POLISH_ITERATIONS = 10  # k-means steps after the graph's cut (0: none)


def neighbour_graph(matrix: csr_matrix, neighbours: int = GRAPH_NEIGHBOURS) -> csr_matrix:
    """Return the cards' symmetric nearest-neighbour graph (edges of 1 or ½: one card is
    among the other's nearest by cosine, or both are)."""
    n = matrix.shape[0]
    # A few neighbours for a few cards (a complete graph says nothing), 25 from 625 cards.
    neighbours = min(neighbours, max(3, round(n ** 0.5)), n - 1)
    graph = nearest_neighbours(normalize(matrix), neighbours + 1).tolil()
    graph.setdiag(0)
    graph = graph.tocsr()
    graph.eliminate_zeros()
    return (0.5 * (graph + graph.T)).tocsr()


def _modularity(graph: csr_matrix, labels: np.ndarray, resolution: float) -> float:
    """Newman's modularity of a partition of ``graph`` at ``resolution``."""
    total = graph.sum()
    degrees = np.asarray(graph.sum(axis=1)).ravel()
    members = csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))))
    inside = (members @ graph @ members.T).diagonal()
    volume = members @ degrees
    return float((inside / total - resolution * (volume / total) ** 2).sum())


def likely_ks(graph: csr_matrix, *, seed: int = 0, count: int = 3) -> list[int]:
    """Return the ``count`` most likely numbers of groups, most likely first: the cuts of
    the graph's spectral embedding into 2…``MAX_GROUPS`` groups, ranked by their modularity
    at ``MODULARITY_RESOLUTION`` (on a sample of the cards beyond ``SAMPLE_FOR_K``)."""
    n = graph.shape[0]
    if n <= MIN_GROUPS + 1:
        return [max(1, min(n, MIN_GROUPS))]
    if n > SAMPLE_FOR_K:
        rows = np.sort(np.random.default_rng(seed).choice(n, SAMPLE_FOR_K, replace=False))
        graph = graph[rows][:, rows]
    top = min(MAX_GROUPS, graph.shape[0] - 2)
    embedding = spectral_embedding(graph, top + 1, seed=seed)
    scores = {k: _modularity(graph, cluster_qr(embedding[:, :k]), MODULARITY_RESOLUTION)
              for k in range(MIN_GROUPS, top + 1)}
    return sorted(scores, key=lambda k: -scores[k])[:count]


DENSE_BELOW = 300  # cards: below, the eigenvectors are computed on the dense matrix


def spectral_embedding(graph: csr_matrix, dimensions: int, *, topics: csr_matrix | None = None,
                       nudge: float = 0.0, seed: int = 0) -> np.ndarray:
    """Return the cards' spectral embedding (``dimensions`` columns): the leading
    eigenvectors of the normalised affinity D^-½ A D^-½, divided by √degree, as
    scikit-learn's ``spectral_embedding`` gives them, where A is ``graph`` plus ``nudge``
    between every two cards of the same topic (``topics``: one-hot, cards × topics).

    A is never formed: "the same topic" is a product of ``topics`` by its transpose, dense
    blocks that would make scikit-learn's shift-invert factorisation take seconds; Lanczos
    iterations on the product (scipy's ``eigsh``) need only products with it: the same
    groups, in less than half the time on large walls (bench/grouping.py)."""
    from scipy.sparse.linalg import LinearOperator, eigsh

    n = graph.shape[0]
    degree = np.asarray(graph.sum(axis=1)).ravel()
    if topics is not None and nudge:
        degree = degree + nudge * (topics @ np.asarray(topics.sum(axis=0)).ravel())
    root = np.sqrt(np.maximum(degree, 1e-12))

    def product(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        shape = x.shape
        x = x.reshape(n, -1) / root[:, None]
        y = graph @ x
        if topics is not None and nudge:
            y = y + nudge * (topics @ (topics.T @ x))
        return (y / root[:, None]).reshape(shape)

    dimensions = min(dimensions, n)
    if n < DENSE_BELOW or dimensions >= n - 1:
        values, vectors = np.linalg.eigh(product(np.eye(n)))
        vectors = vectors[:, np.argsort(values)[::-1][:dimensions]]
    else:
        operator = LinearOperator((n, n), matvec=product, matmat=product, dtype=float)
        start = np.random.default_rng(seed).uniform(-1, 1, n)
        values, vectors = eigsh(operator, k=dimensions, which="LA", v0=start, tol=1e-6)
        vectors = vectors[:, np.argsort(values)[::-1]]
    return vectors / root[:, None]


def choose_k(matrix: csr_matrix, *, seed: int = 0) -> int:
    """Estimate the number of groups (the most likely of ``likely_ks``)."""
    return likely_ks(neighbour_graph(normalize(matrix)), seed=seed, count=1)[0]


def _partition(matrix: csr_matrix, words_count: int, graph: csr_matrix, k: int,
               seed: int) -> np.ndarray:
    """Return each card's group (0…k-1): spectral clustering of the neighbours' graph,
    nudged by the topics of a Kullback-Leibler NMF on the words (cards of one topic are
    joined by a faint edge), the embedding cut by column-pivoted QR (``cluster_qr``)."""
    n = matrix.shape[0]
    words_part = matrix[:, :words_count]
    same = None
    if words_count and words_part.nnz:
        topics, _words = nmf_kl(words_part, min(k, words_count),
                                iterations=NMF_ITERATIONS, seed=seed)
        same = csr_matrix((np.ones(n), (np.arange(n), topics.argmax(axis=1))),
                          shape=(n, topics.shape[1]))
    embedding = spectral_embedding(graph, k, topics=same, nudge=NMF_NUDGE, seed=seed)
    unit = normalize(matrix)
    return _polished(_exactly(cluster_qr(embedding), k, unit), k, unit)


def _polished(labels: np.ndarray, k: int, unit: csr_matrix) -> np.ndarray:
    """Move each card to the group whose centre it is closest to (cosine), a few times
    over (spherical k-means started from the graph's groups): a card the graph's cut left
    among its neighbours' neighbours goes where its own words are."""
    for _ in range(POLISH_ITERATIONS):
        members = csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))),
                             shape=(k, len(labels)))
        closest = np.asarray((unit @ normalize(members @ unit).T).todense()).argmax(axis=1)
        if (closest == labels).all():
            break
        labels = _exactly(closest, k, unit)
    return labels


def _exactly(labels: np.ndarray, k: int, matrix: csr_matrix) -> np.ndarray:
    """Make sure there are ``k`` non-empty groups: an empty one takes, from the largest
    group, the card farthest from that group's centre."""
    labels = labels.copy()
    for missing in [g for g in range(k) if not (labels == g).any()]:
        counts = np.bincount(labels, minlength=k)
        largest = int(counts.argmax())
        members = np.flatnonzero(labels == largest)
        centre = np.asarray(matrix[members].mean(axis=0)).ravel()
        closeness = np.asarray(matrix[members] @ centre).ravel()
        labels[members[int(closeness.argmin())]] = missing
    return labels


def suggest_groups(texts: Sequence[str], k: int | None = None, *, seed: int = 0) -> Suggestion:
    """Suggest exactly ``k`` groups for ``texts`` (``k`` chosen automatically when None;
    fewer only when there are fewer texts). Every text goes to a group: one without any
    content word goes with the texts it shares letters with."""
    n = len(texts)
    if n == 0:
        return Suggestion(groups=(), k=0, k_was_chosen=k is None)
    matrix, vocabulary = features(texts)
    chosen = k is None
    if n < 3 or matrix.shape[1] == 0:
        return Suggestion(groups=(_Names(texts, matrix, vocabulary).group(tuple(range(n))),),
                          k=1, k_was_chosen=chosen)
    unit = normalize(matrix)
    graph = neighbour_graph(unit)
    likely = likely_ks(graph, seed=seed)
    if k is None:
        k = likely[0]
    k = max(1, min(int(k), n - 1))
    labels = np.zeros(n, dtype=int) if k == 1 else _partition(
        matrix, len(vocabulary), graph, k, seed)
    names = _Names(texts, matrix, vocabulary)
    groups = [names.group(tuple(int(i) for i in np.flatnonzero(labels == g)))
              for g in range(k)]
    groups.sort(key=lambda g: -len(g.members))
    return Suggestion(groups=tuple(groups), k=k, k_was_chosen=chosen,
                      likely_k=tuple(likely))


class _Names:
    """Names and typical cards of groups of ``texts`` (what they share is computed once)."""

    def __init__(self, texts: Sequence[str], matrix: csr_matrix,
                 vocabulary: np.ndarray) -> None:
        self.matrix, self.vocabulary = matrix, vocabulary
        self.unit = normalize(matrix)
        self.words = (matrix[:, : len(vocabulary)] > 0).tocsr()
        self.everywhere = np.asarray(self.words.sum(axis=0)).ravel()
        self.surface = _surface_forms(texts)
        self.proper = _proper_names(texts)
        self.texts = texts
        self.runs: list[dict[tuple[str, ...], str]] | None = None  # computed when needed

    def group(self, members: tuple[int, ...]) -> SuggestedGroup:
        """A group of ``members``: its telling words and its most typical card."""
        rows = self.unit[list(members)]
        centre = np.asarray(rows.mean(axis=0)).ravel()
        typical = members[int(np.asarray(rows @ centre).ravel().argmax())] if members else -1
        keywords = self.keywords(members)
        return SuggestedGroup(keywords=keywords, members=members, typical=typical,
                              phrase=self.phrase(members, keywords[0]) if keywords else "")

    PHRASE_SHARE = 0.4  # of the cards holding the first keyword, at least, hold the phrase

    def phrase(self, members: tuple[int, ...], keyword: str) -> str:
        """The run of 2 to 4 words that holds ``keyword``, starts and ends with a content
        word, names no place nor person, and is held by the most of the group's cards
        ("transports en commun"), when three cards at least and ``PHRASE_SHARE`` of those
        holding the keyword hold it; else the keyword. Returned as most often written."""
        if self.runs is None:
            self.runs = [_runs(text) for text in self.texts]
        key = stem(keyword.lower())
        holding = sum(1 for i in members if any(key in run for run in self.runs[i]))
        counts: Counter[tuple[str, ...]] = Counter()
        for i in members:
            counts.update({run for run in self.runs[i]
                           if len(run) > 1 and key in run and not self.proper & set(run)})
        enough = max(3, self.PHRASE_SHARE * holding)
        held = [(n, -len(run), run) for run, n in counts.items() if n >= enough]
        if not held:
            return keyword
        best = max(held)[2]
        forms = Counter(form for i in members for run, form in self.runs[i].items()
                        if run == best)
        return forms.most_common(1)[0][0]

    def keywords(self, members: tuple[int, ...]) -> tuple[str, ...]:
        """The group's most telling content words: held by many of its cards and found
        mostly in it, never a function word nor a proper name (a place, a person)."""
        if not len(self.vocabulary) or not members:
            return ()
        inside = np.asarray(self.words[list(members)].sum(axis=0)).ravel()
        # How many of the group's cards hold the word × how much of the word is in it.
        score = (inside / len(members)) * (inside / np.maximum(self.everywhere, 1))
        order = [i for i in np.argsort(score)[::-1][: 4 * KEYWORDS_PER_GROUP + 20]
                 if inside[i] >= min(2, len(members)) and score[i] > 0
                 and self.vocabulary[i] not in self.proper]
        return tuple(self.surface.get(self.vocabulary[i], self.vocabulary[i])
                     for i in order[:KEYWORDS_PER_GROUP])


def _runs(text: str) -> dict[tuple[str, ...], str]:
    """The runs of 1 to 4 words of ``text`` that start and end with a content word, each
    as the content words' stems (its key) and as written, in lower case ("taxe
    d'habitation")."""
    lower = text.lower().replace("’", "'")
    tokens = list(_WORD.finditer(lower))
    stop = stopwords()
    content = [len(t.group(0)) > 1 and t.group(0) not in stop for t in tokens]
    # a run never crosses punctuation ("obligatoire, des transports")
    joined = [_JOINING.fullmatch(lower, a.end(), b.start()) is not None
              for a, b in itertools.pairwise(tokens)]
    out: dict[tuple[str, ...], str] = {}
    for first, token in enumerate(tokens):
        if not content[first]:
            continue
        for last in range(first, min(first + 4, len(tokens))):
            if last > first and (not joined[last - 1]
                                 or tokens[last - 1].group(0) in _COORDINATING):
                break
            if content[last]:
                key = tuple(stem(t.group(0)) for t, c in zip(tokens[first:last + 1],
                                                               content[first:last + 1],
                                                               strict=True) if c)
                out.setdefault(key, lower[token.start():tokens[last].end()])
    return out


def _proper_names(texts: Sequence[str]) -> frozenset[str]:
    """Stems of words written with a capital inside sentences most of the time: places and
    people ("Thiviers", "Miallet"), which do not say what a group is about."""
    capital: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text in texts:
        for position, match in enumerate(_WORD.finditer(_ELISION.sub(" ", text))):
            word = match.group(0)
            if len(word) < 2 or word.lower() in stopwords():
                continue
            key = stem(word.lower())
            total[key] += 1
            if position > 0 and word[0].isupper() and not word.isupper():
                capital[key] += 1
    return frozenset(key for key, n in total.items() if capital[key] >= 0.6 * n)


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
