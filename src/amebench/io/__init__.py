"""Reading exports into the canonical model: profiles, manifest, readers, rejects.

Public entry points: :func:`read_network`, :func:`read_export`, :func:`write_template`,
:func:`load_sample`, :func:`sample_path`, :func:`load_profile`, :func:`load_manifest`.
The profile and manifest format is documented in docs/profiles.md.
"""

from .manifest import load_manifest
from .profile import load_profile
from .read import read_export, read_network
from .sample import load_sample, sample_path
from .template import write_template

__all__ = [
    "read_network",
    "read_export",
    "write_template",
    "load_sample",
    "sample_path",
    "load_profile",
    "load_manifest",
]
