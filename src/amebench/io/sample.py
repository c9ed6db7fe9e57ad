"""The bundled sample network (synthetic data of the fictitious KNUT network)."""

from __future__ import annotations

import copy
import os
import threading
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


#: The sample as read with its demo key, under the state of its files (:func:`_files`):
#: read once a process (1.7 s), copied for each call (a few ms).
_READ: dict[tuple, Network] = {}
_LOCK = threading.Lock()


def load_sample() -> Network:
    """Read the bundled sample network (synthetic; it uses its documented demo key).

    With no key in the environment (``AMEBENCH_KEY``, ``AMEBENCH_KEY_FILE``) the sample is
    read once a process, and again when one of its files changes; each call returns a
    deep copy (changing one changes no other). Read with the demo key it gives no warnings.

    Returns
    -------
    Network
        Read with :func:`amebench.io.read_network` from :func:`sample_path`, with the
        sample's own ``demo.key`` unless a key is set in the environment.
    """
    from ..privacy import KEY_ENV, KEY_FILE_ENV
    from .read import read_network

    folder = sample_path()
    if os.environ.get(KEY_ENV) or os.environ.get(KEY_FILE_ENV):  # another key: read afresh, its warnings given
        return read_network(folder)
    state = _files(folder)
    with _LOCK:
        if state not in _READ:
            network = read_network(folder)
            _READ.clear()
            _READ[state] = network
        return copy.deepcopy(_READ[state])


def _files(folder: Path) -> tuple:
    """Each file of the sample with what changes when it is rewritten (a read depends on them)."""
    from ..network import _file_identity

    return tuple((str(p), _file_identity(p)) for p in sorted(folder.rglob("*")) if p.is_file())
