"""The few numerical pieces suggested groupings need, on NumPy and SciPy alone.

They were scikit-learn's (``TfidfVectorizer``, ``normalize``, ``NearestNeighbors``, ``NMF``,
``cluster_qr``), and they compute what it computes (tests/unit/test_grouping_math.py checks
each against scikit-learn). Importing scikit-learn took 1–2 s on a 2-core machine (it
imports ``scipy.stats``, whose docstrings it formats), longer than the grouping of 1,000
cards; NumPy and SciPy's sparse and linear-algebra modules load in 0.3 s. Everything else
stays in scikit-learn where it is better kept: the bench compares with it and scores
with its metrics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
from scipy.sparse import csr_matrix, diags

_WHITE_SPACES = re.compile(r"\s\s+")
EPSILON = np.finfo(np.float32).eps  # as scikit-learn's NMF


def char_wb_ngrams(text: str, n: int) -> list[str]:
    """The character ``n``-grams of each word of ``text`` padded with a space on each side
    (a word shorter than ``n`` counts once): scikit-learn's ``char_wb`` analyzer."""
    out: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        if len(padded) <= n:
            out.append(padded)
            continue
        out.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return out


def tfidf(documents: Sequence[str], analyzer: Callable[[str], list[str]], *,
          min_df: int = 1) -> tuple[csr_matrix, np.ndarray]:
    """Sublinear TF-IDF of ``documents`` (1 + ln tf, smoothed idf, rows of unit length),
    features sorted, those in fewer than ``min_df`` documents dropped; as
    ``TfidfVectorizer(analyzer=…, sublinear_tf=True, min_df=…)``. Raises ValueError when
    no feature is left."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    for row, document in enumerate(documents):
        for feature in analyzer(document):
            rows.append(row)
            columns.append(vocabulary.setdefault(feature, len(vocabulary)))
    if not vocabulary:
        raise ValueError("empty vocabulary")
    counts = csr_matrix((np.ones(len(rows)), (rows, columns)),
                        shape=(len(documents), len(vocabulary)))
    counts.sum_duplicates()
    names = np.array(list(vocabulary), dtype=object)
    document_frequency = np.bincount(counts.indices, minlength=len(vocabulary))
    order = np.argsort(names, kind="stable")
    order = order[document_frequency[order] >= min_df]
    if not len(order):
        raise ValueError("no feature left after min_df")
    counts = counts[:, order].tocsr()
    names, document_frequency = names[order], document_frequency[order]
    counts.data = 1.0 + np.log(counts.data)
    idf = np.log((1 + len(documents)) / (1 + document_frequency)) + 1.0
    return l2_rows(csr_matrix(counts @ diags(idf))), names


def l2_rows(matrix: csr_matrix) -> csr_matrix:
    """``matrix`` with each non-zero row scaled to unit length (``normalize``)."""
    matrix = csr_matrix(matrix, dtype=float, copy=True)
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    lengths[lengths == 0] = 1.0
    matrix.data /= np.repeat(lengths, np.diff(matrix.indptr))
    return matrix


def nearest_neighbours(unit: csr_matrix, neighbours: int, *,
                       chunk: int = 512) -> csr_matrix:
    """The ``neighbours`` nearest rows of each row of ``unit`` (rows of unit length) by
    cosine, itself included, as a 0/1 matrix (``NearestNeighbors(metric="cosine")
    .kneighbors_graph``). Computed by blocks of rows: 5,000 cards never hold a dense
    5,000 × 5,000 matrix."""
    n = unit.shape[0]
    transposed = unit.T.tocsc()
    rows, columns = [], []
    for start in range(0, n, chunk):
        block = (unit[start:start + chunk] @ transposed).toarray()
        block[np.arange(block.shape[0]), np.arange(start, start + block.shape[0])] = np.inf
        nearest = np.argpartition(-block, neighbours - 1, axis=1)[:, :neighbours]
        rows.append(np.repeat(np.arange(start, start + block.shape[0]), neighbours))
        columns.append(nearest.ravel())
    row_index, column_index = np.concatenate(rows), np.concatenate(columns)
    return csr_matrix((np.ones(len(row_index)), (row_index, column_index)), shape=(n, n))


def _truncated_svd(matrix: csr_matrix, rank: int,
                   seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``rank`` leading singular triplets, largest first (randomised, as scikit-learn
    does for NMF's initialisation: 10 extra directions, 7 or 4 power iterations, here
    normalised by QR: on the shared sets' words, closer to the exact values than
    scikit-learn's LU-normalised iterations, so a factorisation may start elsewhere)."""
    rng = np.random.default_rng(seed)
    n_rows, n_columns = matrix.shape
    width = min(rank + 10, min(n_rows, n_columns))
    power = 7 if rank < 0.1 * min(matrix.shape) else 4
    basis = np.linalg.qr(matrix @ rng.standard_normal((n_columns, width)))[0]
    for _ in range(power):
        basis = np.linalg.qr(matrix.T @ basis)[0]
        basis = np.linalg.qr(matrix @ basis)[0]
    small = np.asarray((matrix.T @ basis).T)
    u_small, singular, v = np.linalg.svd(small, full_matrices=False)
    u = basis @ u_small
    # scikit-learn's sign convention: the largest entry of each column of u is positive
    signs = np.sign(u[np.abs(u).argmax(axis=0), np.arange(u.shape[1])])
    signs[signs == 0] = 1.0
    return u[:, :rank] * signs[:rank], singular[:rank], v[:rank] * signs[:rank, None]


def _nndsvda(matrix: csr_matrix, rank: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """NNDSVD initialisation with the zeros filled by the mean (Boutsidis & Gallopoulos)."""
    u, singular, v = _truncated_svd(matrix, rank, seed)
    w, h = np.zeros_like(u), np.zeros_like(v)
    w[:, 0] = np.sqrt(singular[0]) * np.abs(u[:, 0])
    h[0, :] = np.sqrt(singular[0]) * np.abs(v[0, :])
    for j in range(1, rank):
        x, y = u[:, j], v[j, :]
        x_p, y_p = np.maximum(x, 0), np.maximum(y, 0)
        x_n, y_n = np.abs(np.minimum(x, 0)), np.abs(np.minimum(y, 0))
        m_p = np.linalg.norm(x_p) * np.linalg.norm(y_p)
        m_n = np.linalg.norm(x_n) * np.linalg.norm(y_n)
        if m_p > m_n:
            left, right, sigma = x_p / np.linalg.norm(x_p), y_p / np.linalg.norm(y_p), m_p
        else:
            left, right, sigma = x_n / np.linalg.norm(x_n), y_n / np.linalg.norm(y_n), m_n
        scale = np.sqrt(singular[j] * sigma)
        w[:, j], h[j, :] = scale * left, scale * right
    w[w < 1e-6] = 0
    h[h < 1e-6] = 0
    average = matrix.sum() / (matrix.shape[0] * matrix.shape[1])
    w[w == 0] = average
    h[h == 0] = average
    return w, h


def _at_nonzeros(w: np.ndarray, h: np.ndarray, rows: np.ndarray,
                 columns: np.ndarray) -> np.ndarray:
    """(W H) at the given positions only."""
    out = np.empty(len(rows))
    step = max(w.shape[1], len(rows) // max(w.shape[1], 1))
    for start in range(0, len(rows), step):
        part = slice(start, start + step)
        out[part] = np.einsum("ij,ij->i", w[rows[part]], h.T[columns[part]])
    return out


def _kl_divergence(data: np.ndarray, product: np.ndarray, w: np.ndarray,
                   h: np.ndarray) -> float:
    keep = data > EPSILON
    x, wh = data[keep], np.maximum(product[keep], EPSILON)
    value = float(x @ np.log(x / wh) + w.sum(axis=0) @ h.sum(axis=1) - x.sum())
    return float(np.sqrt(2 * max(value, 0.0)))


def nmf_kl(matrix: csr_matrix, rank: int, *, iterations: int = 200, tolerance: float = 1e-4,
           seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The factors W (rows × rank) and H of a non-negative factorisation ``matrix`` ≈ W H
    minimising the generalised Kullback-Leibler divergence, by multiplicative updates
    from an NNDSVDa start (``NMF(init="nndsvda", beta_loss="kullback-leibler",
    solver="mu")``); stops when 10 iterations gain less than ``tolerance`` of the first
    error."""
    matrix = csr_matrix(matrix, dtype=float)
    matrix.sum_duplicates()
    w, h = _nndsvda(matrix, rank, seed)
    coo = matrix.tocoo()
    rows, columns, data = coo.row, coo.col, coo.data

    def ratio(w: np.ndarray, h: np.ndarray) -> csr_matrix:
        product = np.maximum(_at_nonzeros(w, h, rows, columns), EPSILON)
        return csr_matrix((data / product, (rows, columns)), shape=matrix.shape)

    first = previous = _kl_divergence(data, _at_nonzeros(w, h, rows, columns), w, h)
    for iteration in range(1, iterations + 1):
        denominator = h.sum(axis=1)[None, :]
        denominator[denominator == 0] = EPSILON
        w = w * (ratio(w, h) @ h.T) / denominator
        column_sums = w.sum(axis=0)
        column_sums[column_sums == 0] = 1.0
        h = h * np.asarray(ratio(w, h).T @ w).T / column_sums[:, None]
        h[h < np.finfo(np.float64).eps] = 0.0
        if tolerance > 0 and iteration % 10 == 0:
            error = _kl_divergence(data, _at_nonzeros(w, h, rows, columns), w, h)
            if first == 0 or (previous - error) / first < tolerance:
                break
            previous = error
    return w, h


def cluster_qr(vectors: np.ndarray) -> np.ndarray:
    """Cut a spectral embedding into as many groups as it has columns, by column-pivoted QR
    (Damle, Minden & Ying 2019; scikit-learn's ``cluster_qr``)."""
    from scipy.linalg import qr, svd

    k = vectors.shape[1]
    _q, _r, pivots = qr(vectors.T, pivoting=True)
    left, _s, right = svd(vectors[pivots[:k], :].T)
    return np.abs(vectors @ (left @ right.conj())).argmax(axis=1)
