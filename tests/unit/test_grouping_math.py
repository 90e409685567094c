"""The grouping's numerical pieces, on NumPy and SciPy alone, compute what scikit-learn's
do (scikit-learn is a test dependency: the reference here, no longer loaded by the app)."""

import subprocess
import sys

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.cluster._spectral import cluster_qr as sk_cluster_qr
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

from core.analysis import grouping, grouping_math
from tests.unit.test_grouping import sample

TEXTS = ["L'école  du bourg ferme trop tôt", "Un café associatif, une épicerie",
         "Covoiturage vers la gare", "gare", "À", "", "Le ramassage des déchets verts"]


def test_character_grams_are_scikit_learns():
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4)).build_analyzer()
    for text in TEXTS + sample()[0][:50]:
        assert grouping_math.char_wb_ngrams(text.lower(), 4) == reference(text.lower())


@pytest.mark.parametrize("min_df", [1, 2, 3])
def test_tfidf_is_scikit_learns(min_df):
    texts = sample()[0]
    for analyzer in (grouping.terms, grouping._char_grams):
        ours, names = grouping_math.tfidf(texts, analyzer, min_df=min_df)
        vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=min_df)
        expected = vectorizer.fit_transform(texts)
        assert list(names) == list(vectorizer.get_feature_names_out())
        assert np.allclose(ours.toarray(), expected.toarray())
    with pytest.raises(ValueError):
        grouping_math.tfidf(["", "  "], grouping.terms)


def test_rows_of_unit_length_and_nearest_neighbours_are_scikit_learns():
    matrix = grouping.features(sample()[0])[0]
    unit = grouping_math.l2_rows(matrix)
    assert np.allclose(unit.toarray(), normalize(matrix).toarray())
    zero = grouping_math.l2_rows(csr_matrix(np.array([[0.0, 0.0], [3.0, 4.0]])))
    assert np.allclose(zero.toarray(), [[0, 0], [0.6, 0.8]])

    ours = grouping_math.nearest_neighbours(unit, 8, chunk=50)
    expected = NearestNeighbors(n_neighbors=8, metric="cosine").fit(unit).kneighbors_graph(unit)
    differing = [row for row in range(unit.shape[0])
                 if set(ours[row].indices) != set(expected[row].indices)]
    assert (ours.sum(axis=1) == 8).all() and len(differing) <= 5  # ties at the 8th only


def test_kl_nmf_fits_as_well_as_scikit_learns():
    """The same updates from the same kind of start: a fit at least as close (the
    divergence reached within 1 %) and topics that agree. The start is a randomised SVD on
    both sides; ours is within 1e-3 of the exact singular values, scikit-learn's trailing
    ones are looser, so a factorisation of many topics may settle elsewhere (at 7 topics
    ours reaches a lower divergence)."""
    from scipy.sparse.linalg import svds

    words = grouping.features(sample()[0])
    matrix = words[0][:, :len(words[1])]
    exact = np.sort(svds(matrix, k=7)[1])[::-1]
    assert np.allclose(grouping_math._truncated_svd(matrix, 7, 0)[1], exact, rtol=1e-3)
    for rank, agreement in ((3, 0.95), (4, 0.9), (7, 0.75)):
        ours, components = grouping_math.nmf_kl(matrix, rank, iterations=200, seed=0)
        model = NMF(rank, init="nndsvda", beta_loss="kullback-leibler", solver="mu",
                    max_iter=200, random_state=0)
        expected = model.fit_transform(matrix)
        assert ours.shape == expected.shape and (ours >= 0).all()
        ours_error = _kl(matrix.toarray(), ours @ components)
        theirs_error = _kl(matrix.toarray(), expected @ model.components_)
        assert ours_error <= 1.01 * theirs_error
        assert adjusted_rand_score(expected.argmax(1), ours.argmax(1)) > agreement, rank


def _kl(x: np.ndarray, y: np.ndarray) -> float:
    y = np.maximum(y, 1e-12)
    keep = x > 0
    return float((x[keep] * np.log(x[keep] / y[keep])).sum() - x.sum() + y.sum())


def test_cluster_qr_is_scikit_learns():
    rng = np.random.default_rng(3)
    for k in (2, 5, 9):
        vectors = rng.standard_normal((200, k))
        assert (grouping_math.cluster_qr(vectors) == sk_cluster_qr(vectors)).all()


def test_the_grouping_does_not_load_scikit_learn():
    code = ("import sys; from core.analysis import grouping; "
            "grouping.suggest_groups(['déchets verts', 'tri des déchets', 'la gare', "
            "'covoiturage vers la gare', 'un café', 'café associatif'], 3); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
