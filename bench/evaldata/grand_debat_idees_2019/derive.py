"""Derive the idea-labelled walls of this folder from Entendre la France's tagged sample.

    python bench/evaldata/grand_debat_idees_2019/derive.py PATH/TO/elf_tags_sample_v2.csv

The source file (``raw/elf_tags_sample_v2.csv`` of github.com/dataforgoodfr/Entendre-la-France,
commit b463ebc, 13 March 2019) holds one row per (answer, idea tag): answers to the Grand
Débat's open questions, each tagged by volunteers with one or more ideas. A wall here is one
question's answers that carry exactly one idea, for the ideas that people wrote at least
``MIN_CARDS`` times (at most ``MAX_IDEAS`` of them, the most frequent), without the tags
that are not an idea ("Autre / Passer", "Sans réponse / Hors sujet / Inclassable"). The
text is the answer as written; where Entendre la France joined several messages of one
person with "&&", they are joined with a space, a message repeated word for word kept once.
The rule is fixed here and applied to every question alike: no card chosen by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
QUESTIONS = {
    "DC11": "Comment inciter les citoyens à participer davantage aux élections ? Que faudrait-il "
            "faire pour mieux associer les citoyens aux grandes orientations et à la décision "
            "publique ?",
    "DC12": "Quelles sont les discriminations les plus répandues dont vous êtes témoin ou "
            "victime, et que faudrait-il faire pour lutter contre celles-ci ?",
    "FI8": "Que faudrait-il faire pour rendre la fiscalité plus juste et plus efficace ?",
    "OE10": "Quels types de services publics vous manquent dans votre territoire ? Quelles "
            "améliorations suggérez-vous ?",
}
NOT_AN_IDEA = {"Autre / Passer", "Sans réponse / Hors sujet / Inclassable"}
MIN_CARDS = 8
MAX_IDEAS = 10


def card_text(corpus: str) -> str:
    seen: list[str] = []
    for part in str(corpus).split("&&"):
        part = " ".join(part.split())
        if part and part not in seen:
            seen.append(part)
    return " ".join(seen)


def wall(source: pd.DataFrame, question: str) -> pd.DataFrame:
    rows = source[source.question == question]
    tags = rows.groupby("contribution").tag.agg(lambda t: sorted(set(t)))
    single = tags[tags.map(len) == 1].map(lambda t: t[0])
    single = single[~single.isin(NOT_AN_IDEA)]
    counts = single.value_counts()
    ideas = counts[counts >= MIN_CARDS].index[:MAX_IDEAS]
    kept = single[single.isin(ideas)]
    texts = rows.drop_duplicates("contribution").set_index("contribution").corpus
    out = pd.DataFrame({"answer_id": kept.index.astype(str).str.replace(r"\s", "", regex=True),
                        "text": [card_text(texts[c]) for c in kept.index],
                        "idea": kept.to_numpy()})
    out = out[out.text.str.strip() != ""]
    return out.sort_values("answer_id", key=lambda s: s.astype(int)).reset_index(drop=True)


def main(path: str) -> None:
    source = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str)
    for question in QUESTIONS:
        frame = wall(source, question)
        frame.to_csv(HERE / f"{question}.csv", index=False)
        print(question, len(frame), "cards,", frame.idea.nunique(), "ideas, median",
              int(frame.text.str.len().median()), "characters")


if __name__ == "__main__":
    main(sys.argv[1])
