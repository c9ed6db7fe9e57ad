"""Open the report in a real browser (headless Chromium): it loads cleanly and shows every figure."""

import os
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

import amebench
from amebench.report import benchmark_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags for a closed network: no background connections, no first-run work.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
HARNESS = """<!DOCTYPE html><html><body><iframe id="r" src="report.html" width="1200" height="900"></iframe>
<pre id="out">pending</pre><script>
document.getElementById('r').addEventListener('load', function () {
  var imgs = Array.from(this.contentDocument.images);
  var shown = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.getElementById('out').textContent = 'IMAGES ' + imgs.length + ' SHOWN ' + shown;
});
</script></body></html>"""

if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("chromium is missing on CI: .ci/run installs Debian's chromium package")
    pytestmark = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)")


def _chromium(tmp_path, *args):
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser")
    benchmark_report(amebench.load_sample(), out)
    (out / "harness.html").write_text(HARNESS, encoding="utf-8")
    return out


def test_report_loads_without_console_messages_and_shows_every_figure(report_dir, tmp_path):
    run = _chromium(
        tmp_path, "--allow-file-access-from-files", "--enable-logging=stderr", "--v=0",
        "--virtual-time-budget=5000", "--dump-dom", (report_dir / "harness.html").as_uri(),
    )
    figures = len(list((report_dir / "figures").glob("*.png")))
    assert f"IMAGES {figures} SHOWN {figures}" in run.stdout, run.stdout[-500:]
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line and "report.html" in line]
    assert console == []  # the report has no script: any console line is an error


def test_screenshot_is_not_blank(report_dir, tmp_path):
    shot = tmp_path / "report.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", (report_dir / "report.html").as_uri())
    pixels = np.asarray(Image.open(shot).convert("RGB"))
    assert pixels.shape[:2] == (2000, 1200)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50  # text, tables and a figure, not a blank page
