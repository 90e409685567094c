"""Suggested groupings: small French examples whose right answer is obvious, then a
sample of real citizen ideas."""

import csv
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from core.analysis.grouping import similar, stopwords, suggest_groups, terms, words

WASTE = [
    "Ramassage des déchets trop rare",
    "Le ramassage des déchets verts",
    "Des poubelles de tri pour les déchets",
    "La déchetterie ferme trop tôt",
    "Trier les déchets à l'école",
]
MOBILITY = [
    "Du covoiturage vers la gare",
    "Covoiturer pour aller au marché",
    "Un transport à la demande pour la gare",
    "Le covoiturage des parents pour l'école de musique",
    "Un transport solidaire le dimanche",
]


def test_words_drop_elisions_function_words_and_keep_meaning():
    assert words("L'école n'a plus d'ordures, qu'en dites-vous ?") == [
        "école", "ordures", "dites"]


def test_terms_merge_plural_and_verb_forms_and_accents():
    assert terms("déchet") == terms("déchets") == terms("Déchets")
    assert terms("covoiturer")[0][:7] == terms("covoiturage")[0][:7] == "covoitu"
    assert terms("écoles") == terms("ecole")


def test_two_obvious_themes_are_found():
    texts = WASTE + MOBILITY
    suggestion = suggest_groups(texts, k=2)
    truth = [0] * len(WASTE) + [1] * len(MOBILITY)
    assert adjusted_rand_score(truth, suggestion.labels(len(texts))) == 1.0
    names = {g.name.split(" · ")[0] for g in suggestion.groups}
    assert names == {"déchets", "covoiturage"} or "déchets" in names


def test_the_number_of_groups_is_chosen_when_not_given():
    texts = WASTE + MOBILITY
    suggestion = suggest_groups(texts)
    assert suggestion.k_was_chosen
    assert 2 <= suggestion.k <= 12
    assert sorted(m for g in suggestion.groups for m in g.members) == list(range(len(texts)))


def test_group_names_use_words_people_wrote():
    suggestion = suggest_groups(WASTE + MOBILITY, k=2)
    for group in suggestion.groups:
        for keyword in group.keywords:
            assert any(keyword in text.lower() for text in WASTE + MOBILITY), keyword


def test_k_means_k_and_every_card_has_a_group():
    """Cards without a content word go with the group they are nearest to (no extra
    unnamed group): K groups asked, K given."""
    texts = [*WASTE, *MOBILITY, "et le la", "", "!!!"]
    for k in (1, 2, 3, 5):
        suggestion = suggest_groups(texts, k=k)
        assert len(suggestion.groups) == k == suggestion.k
        assert sorted(m for g in suggestion.groups for m in g.members) == list(range(len(texts)))
        assert all(g.members for g in suggestion.groups)


def test_edge_cases():
    assert suggest_groups([]).groups == ()
    single = suggest_groups(["Un seul besoin"])
    assert [g.members for g in single.groups] == [(0,)]
    assert suggest_groups(WASTE, k=50).k <= len(WASTE)


def test_similar_cards_find_duplicates_despite_accents_and_punctuation():
    texts = [*WASTE, *MOBILITY, "ramassage des dechets trop rare !"]
    found = similar(texts, 0)
    assert found[0][0] == len(texts) - 1 and found[0][1] > 0.6
    assert all(index not in range(5, 10) for index, _ in found)


# --- on real text: a sample of the Égalité consultation (tests/data/README.md) ---------------

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "egalite_sample.csv"


def sample() -> tuple[list[str], list[str]]:
    with SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["synthese"] for r in rows], [r["theme_label"] for r in rows]


def test_exactly_k_groups_for_k_from_2_to_12():
    texts, _themes = sample()
    for k in range(2, 13):
        suggestion = suggest_groups(texts, k=k)
        assert len(suggestion.groups) == k, k
        assert sorted(m for g in suggestion.groups for m in g.members) == list(range(len(texts)))
        assert all(g.members and 0 <= g.typical < len(texts) and g.typical in g.members
                   for g in suggestion.groups)


def test_the_sample_is_grouped_by_theme_and_named_with_content_words():
    texts, themes = sample()
    suggestion = suggest_groups(texts, k=4)
    assert adjusted_rand_score(themes, suggestion.labels(len(texts))) > 0.3
    stop = stopwords()
    for group in suggestion.groups:
        assert 1 <= len(group.keywords) <= 3, group
        assert not [w for w in group.keywords if w.lower() in stop], group.keywords
    automatic = suggest_groups(texts)
    assert automatic.k_was_chosen and len(automatic.likely_k) == 3
    assert automatic.k == automatic.likely_k[0]


def test_place_names_never_name_a_group():
    texts = [f"{t} à Thiviers" for t in WASTE] + [f"{t} depuis Thiviers" for t in MOBILITY]
    for group in suggest_groups(texts, k=2).groups:
        assert "thiviers" not in {w.lower() for w in group.keywords}, group.keywords
        assert "vers" not in group.keywords and "depuis" not in group.keywords


def test_five_thousand_cards_are_grouped():
    texts, _themes = sample()
    many = [f"{text} ({i // len(texts)})" for i, text in enumerate(texts * 21)][:5000]
    suggestion = suggest_groups(many, k=10)
    assert len(suggestion.groups) == 10
    assert sum(len(g.members) for g in suggestion.groups) == 5000


def test_the_spectral_embedding_as_a_product_cuts_like_scikit_learn():
    """The nudged graph is never formed (its topic blocks are dense): Lanczos on the
    product must give the groups scikit-learn gives on the formed matrix, on both paths
    (dense below ``DENSE_BELOW`` cards, iterative above)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.cluster import SpectralClustering
    from sklearn.cluster._spectral import cluster_qr
    from sklearn.preprocessing import normalize

    from core.analysis import grouping

    texts, _themes = sample()
    doubled = [f"{text} ({i // len(texts)})" for i, text in enumerate(texts * 2)]
    for many in (texts[:120], doubled):
        assert (len(many) < grouping.DENSE_BELOW) == (many is not doubled)
        matrix, _vocabulary = grouping.features(many)
        graph = grouping.neighbour_graph(normalize(matrix))
        n, k = len(many), 4
        topic = np.arange(n) % 3
        same = csr_matrix((np.ones(n), (np.arange(n), topic)), shape=(n, 3))
        formed = graph + 0.05 * (same @ same.T)
        expected = SpectralClustering(k, affinity="precomputed", random_state=0,
                                      assign_labels="cluster_qr").fit_predict(formed)
        ours = cluster_qr(grouping.spectral_embedding(graph, k, topics=same, nudge=0.05))
        assert adjusted_rand_score(expected, ours) > 0.95


def test_a_group_is_named_by_the_words_its_cards_write_together():
    transport = ["Plus de transports en commun", "Des transports en commun le soir",
                 "Les transports en commun sont trop rares", "Transports en commun gratuits",
                 "Des transports pour le marché, en commun avec Thiviers"]
    suggestion = suggest_groups(transport + WASTE, k=2)
    names = {g.name for g in suggestion.groups}
    assert "transports en commun" in names, names
    # a group without a run of words most of its cards share keeps its keywords
    assert any(" · " in name for name in names), names


def test_a_phrase_never_crosses_punctuation_a_conjunction_nor_names_a_place():
    from core.analysis.grouping import _runs

    runs = _runs("Rendre le vote obligatoire, des transports en commun et la taxe d’habitation")
    assert runs[("vot", "obligatoir")] == "vote obligatoire"
    assert runs[("transport", "commun")] == "transports en commun"
    assert runs[("tax", "habit")] == "taxe d'habitation"
    assert not [key for key in runs if {"obligatoir", "transport"} <= set(key)]
    assert not [key for key in runs if {"commun", "tax"} <= set(key)]
    market = ["Le marché de Thiviers le samedi", "Un marché de Thiviers plus grand",
              "Le marché de Thiviers couvert", "Un marché de Thiviers bio"]
    names = [g.name for g in suggest_groups(market + WASTE, k=2).groups]
    assert "marché" in " ".join(names) and "thiviers" not in " ".join(names).lower(), names
