"""The bundled sample network (synthetic data of the fictitious KNUT network)."""

from __future__ import annotations

from pathlib import Path

from ..exceptions import AmebenchError
from ..network import Network

__all__ = ["sample_path", "load_sample"]


def sample_path() -> Path:
    """Return the folder of the bundled sample network (``<repository>/data/sample``).

    Raises
    ------
    AmebenchError
        If the folder or its ``network.toml`` is missing (e.g. an installation
        without the data folder).
    """
    folder = Path(__file__).resolve().parents[3] / "data" / "sample"
    if not (folder / "network.toml").is_file():
        raise AmebenchError(
            f"the sample network is missing: {folder / 'network.toml'} does not exist; "
            "install amebench from its source repository (pip install -e .) to get data/sample"
        )
    return folder


def load_sample() -> Network:
    """Read the bundled sample network (synthetic; it uses its documented demo key).

    Returns
    -------
    Network
        Read with :func:`amebench.io.read_network` from :func:`sample_path`, with the
        sample's own ``demo.key`` unless a key is set in the environment.
    """
    from .read import read_network

    return read_network(sample_path())
