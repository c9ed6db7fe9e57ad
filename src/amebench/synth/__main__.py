"""Regenerate the KNUT sample: ``python -m amebench.synth data/sample``."""

import sys

from . import write_sample

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m amebench.synth FOLDER")
    print(write_sample(sys.argv[1]))
