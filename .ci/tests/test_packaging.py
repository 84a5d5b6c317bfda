"""The addon builds into the wheel odoo-addon-whatsapp_inbox, which Odoo finds once installed."""

import email.parser
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel pip builds from whatsapp_inbox/ (with the whool of .venv: no download)."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", f"--wheel-dir={dist}", REPO / "whatsapp_inbox"], check=True)
    [built] = dist.glob("*.whl")
    return built


def test_wheel_is_named_as_oca_names_odoo_18_addons(wheel):
    assert wheel.name.startswith("odoo_addon_whatsapp_inbox-18.0.")
    assert wheel.name.endswith("-py3-none-any.whl")


def test_wheel_declares_odoo_and_the_python_dependencies(wheel):
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        fields = email.parser.Parser().parsestr(archive.read(metadata).decode())
    assert fields["Name"] == "odoo-addon-whatsapp_inbox"
    assert set(fields.get_all("Requires-Dist")) == {"odoo==18.0.*", "lxml", "phonenumbers",
                                                     "requests"}


def test_wheel_holds_the_addon_in_the_odoo_addons_namespace(wheel):
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO / "whatsapp_inbox", check=True,
                             capture_output=True, text=True).stdout.split()
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    expected = {f"odoo/addons/whatsapp_inbox/{name}" for name in tracked} - {
        "odoo/addons/whatsapp_inbox/pyproject.toml"}
    assert expected <= names
    assert "odoo/addons/whatsapp_inbox/__manifest__.py" in names
    assert not any(name.startswith("odoo/addons/whatsapp_inbox/pyproject") for name in names)


def test_odoo_finds_the_installed_addon_without_addons_path(wheel, tmp_path):
    """Installed like pip installs it: Odoo (importable in .venv) sees it in odoo.addons."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    f"--target={target}", wheel], check=True)
    probe = ("import odoo.addons, odoo.modules.module as m; "
             "print(m.get_module_path('whatsapp_inbox')); "
             "print(m.get_manifest('whatsapp_inbox')['version'])")
    found = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                           text=True, env=dict(os.environ, PYTHONPATH=str(target))).stdout.split()
    assert found[0] == str(target / "odoo" / "addons" / "whatsapp_inbox")
    assert found[1].startswith("18.0.")
