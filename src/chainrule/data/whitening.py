"""PCA whitening (seed 003, section 3.3.2, "Whitening"): rotate the centred data onto the
eigenvectors of its covariance matrix and scale each new feature to unit variance.
"""

from __future__ import annotations

import numpy as np

from chainrule.data.preprocessing import Preprocessor
from chainrule.data.seeding import Seed, as_generator


class PCAWhitener(Preprocessor):
    """De-correlate the features and scale them to unit variance, following the seed's recipe.

    ``fit`` centres the training data ``D`` and takes the eigenvectors of its covariance
    ``C = D^T D / n`` (seed 003, eq. 3.36). Directions whose eigenvalue is not above
    ``threshold`` (absolute, in squared data units; the seed suggests 1e-5) are dropped,
    because their variance is rounding noise that whitening would blow up; ``n_components``
    optionally keeps at most that many of the largest. ``epsilon`` is the seed's alternative
    regularizer: each kept eigenvalue gets ``epsilon`` added before scaling, so set
    ``threshold=None`` (keep every direction with a positive ``eigenvalue + epsilon``) and
    ``epsilon=1e-5`` to whiten without dropping. ``transform`` is ``U = (X - mean) P`` (eq.
    3.37) divided column-wise by ``sqrt(eigenvalue + epsilon)``; the output has k <= d columns.

    ``sample=m`` estimates the mean and covariance from m rows drawn without replacement
    (seeded by ``seed``), for data too large for one pass, as the seed describes.

    Each eigenvector's sign is fixed (largest-magnitude entry positive) so the same data
    always give the same state. ``inverse_transform`` maps back through the kept directions
    (an orthogonal projection when some were dropped).

    State: ``mean`` (d,), ``components`` P (d, k), ``eigenvalues`` (k,) kept, ``spectrum``
    (d,) all eigenvalues in decreasing order, ``epsilon`` (0-d).

    Example:
        >>> import numpy as np
        >>> from chainrule.data import PCAWhitener
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(500, 2)) @ np.array([[3.0, 1.0], [0.0, 0.5]])
        >>> Z = PCAWhitener().fit_transform(X)
        >>> bool(np.allclose(Z.T @ Z / len(Z), np.eye(2)))
        True
    """

    _state_names = ("mean", "components", "eigenvalues", "spectrum", "epsilon")

    def __init__(
        self,
        threshold: float | None = 1e-5,
        epsilon: float = 0.0,
        *,
        n_components: int | None = None,
        sample: int | None = None,
        seed: Seed = None,
    ) -> None:
        super().__init__()
        if threshold is not None and not float(threshold) >= 0:
            raise ValueError(f"PCAWhitener: threshold must be >= 0 or None, got {threshold}")
        if not float(epsilon) >= 0:
            raise ValueError(f"PCAWhitener: epsilon must be >= 0, got {epsilon}")
        if n_components is not None and int(n_components) < 1:
            raise ValueError(f"PCAWhitener: n_components must be >= 1, got {n_components}")
        if sample is not None and int(sample) < 2:
            raise ValueError(f"PCAWhitener: sample must be at least 2 rows, got {sample}")
        self.threshold = None if threshold is None else float(threshold)
        self.epsilon = float(epsilon)
        self.n_components = None if n_components is None else int(n_components)
        self.sample = None if sample is None else int(sample)
        self.seed = seed

    @property
    def n_features_out(self) -> int:
        """Number of kept directions k (columns of the output)."""
        return int(self._require("n_features_out")["eigenvalues"].shape[0])

    def _fit(self, X):
        if self.sample is not None and self.sample < X.shape[0]:
            rng = as_generator(self.seed, "PCAWhitener.fit")
            X = X[np.sort(rng.choice(X.shape[0], self.sample, replace=False))]
        mean = X.mean(axis=0)
        D = X - mean
        values, vectors = np.linalg.eigh(D.T @ D / X.shape[0])
        values, vectors = values[::-1], vectors[:, ::-1]
        if self.threshold is None:
            keep = values + self.epsilon > 0
        else:
            keep = values > self.threshold
        kept = np.flatnonzero(keep)[: self.n_components]
        if kept.size == 0:
            raise ValueError(
                f"PCAWhitener.fit: no covariance eigenvalue above threshold={self.threshold} "
                f"(largest {values[0]:.3g}); the data have (almost) no variance, or lower the "
                "threshold"
            )
        P = vectors[:, kept]
        rows = np.argmax(np.abs(P), axis=0)
        P = P * np.sign(P[rows, np.arange(P.shape[1])])
        return {"mean": mean, "components": P, "eigenvalues": values[kept],
                "spectrum": values, "epsilon": np.array(self.epsilon)}

    def _check_state(self, state):
        d = state["mean"].shape
        k = state["eigenvalues"].shape
        if (len(d) != 1 or len(k) != 1 or state["components"].shape != d + k
                or state["spectrum"].shape != d or state["epsilon"].shape != ()):
            shapes = {name: v.shape for name, v in state.items()}
            raise ValueError(
                "PCAWhitener.set_state: expected mean (d,), components (d, k), eigenvalues "
                f"(k,), spectrum (d,), epsilon (); got {shapes}"
            )
        self.epsilon = float(state["epsilon"])

    def _scale(self) -> np.ndarray:
        return np.sqrt(self._state["eigenvalues"] + self._state["epsilon"])

    def _forward(self, X):
        return (X - self._state["mean"]) @ self._state["components"] / self._scale()

    def _backward(self, Z):
        return (Z * self._scale()) @ self._state["components"].T + self._state["mean"]
