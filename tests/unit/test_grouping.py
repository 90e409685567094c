"""Suggested groupings on small French examples whose right answer is obvious."""

from sklearn.metrics import adjusted_rand_score

from core.grouping import similar, suggest_groups, terms, words

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


def test_cards_without_content_words_are_kept_apart():
    suggestion = suggest_groups([*WASTE, "et le la", ""], k=1)
    misc = [g for g in suggestion.groups if not g.keywords]
    assert misc and set(misc[0].members) == {5, 6}


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
