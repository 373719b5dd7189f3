"""The software bill of materials (`make sbom`, run by `make test` and so by CI): CycloneDX JSON
that names every package pinned in requirements/base.txt, at its version, with its hashes."""

import json
import re
import subprocess
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def pinned(requirements: Path) -> dict[str, tuple[str, set[str]]]:
    """name -> (version, its sha256 hashes), from a `uv pip compile --generate-hashes` file."""
    found: dict[str, tuple[str, set[str]]] = {}
    name = ""
    for line in requirements.read_text().splitlines():
        match = PIN.match(line)
        if match:
            name = canonicalize_name(match.group(1))
            found[name] = (match.group(2), set())
        if name:
            found[name][1].update(HASH.findall(line))
    return found


def test_make_sbom_lists_every_pinned_package_with_its_hashes(tmp_path):
    out = tmp_path / "sbom.json"
    made = subprocess.run(  # noqa: S603 - the project's own Makefile
        ["make", "--no-print-directory", "-s", "sbom", f"SBOM={out}"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    text = out.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    assert bom["bomFormat"] == "CycloneDX"
    assert bom["metadata"]["component"]["name"] == "alongside"
    components = {canonicalize_name(c["name"]): c for c in bom["components"]}
    expected = pinned(ROOT / "requirements" / "base.txt")
    assert len(expected) > 30 and "django" in expected  # the file was read
    assert set(components) == set(expected)
    for name, (version, hashes) in expected.items():
        component = components[name]
        assert component["version"] == version, name
        assert component["purl"] == f"pkg:pypi/{name}@{version}", name
        listed = {
            h["content"]
            for reference in component.get("externalReferences", [])
            for h in reference.get("hashes", [])
        }
        assert hashes and listed == hashes, name
