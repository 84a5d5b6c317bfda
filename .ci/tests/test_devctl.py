"""devctl.py finds Odoo 18 in both layouts and clones it when there is none (synthetic trees)."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
import devctl  # noqa: E402


def make_odoo(root, layout, version="18, 0"):
    """A minimal Odoo source tree: odoo-bin, odoo/release.py, base and web where layout puts them.

    "git": a checkout of odoo/odoo (base in odoo/addons/, web in addons/); "packaged": a nightly
    or packaged tree (both in odoo/addons/); "stale": packaged, beside an old addons/ with web.
    """
    (root / "odoo" / "addons" / "base").mkdir(parents=True)
    (root / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    (root / "odoo" / "release.py").write_text(f"version_info = ({version}, 0, FINAL, 0, '')\n")
    (root / "odoo" / "addons" / "base" / "__manifest__.py").write_text("{'name': 'Base'}\n")
    web_dirs = {"git": ["addons"], "packaged": ["odoo/addons"],
                "stale": ["odoo/addons", "addons"]}[layout]
    for web in web_dirs:
        (root / web / "web").mkdir(parents=True)
        (root / web / "web" / "__manifest__.py").write_text("{'name': 'Web'}\n")
    return root


def git(*args, cwd):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd,
                   check=True, capture_output=True)


def make_repo(root, branch="main", version="18, 0"):
    """A git repository of an Odoo tree with two commits on branch."""
    make_odoo(root, "git", version)
    git("init", "-q", f"--initial-branch={branch}", cwd=root)
    git("add", ".", cwd=root)
    git("commit", "-q", "-m", "one", cwd=root)
    (root / "README.md").write_text("Odoo\n")
    git("add", ".", cwd=root)
    git("commit", "-q", "-m", "two", cwd=root)
    return root


@pytest.fixture
def env(monkeypatch, tmp_path):
    """No ODOO_* variables, the cache in tmp_path, no Odoo installed by hand."""
    for name in ("ODOO_SRC", "ODOO_GIT_URL", "ODOO_GIT_BRANCH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(devctl, "ODOO_INSTALLED", tmp_path / "opt-odoo")
    devctl.odoo_src.cache_clear()
    yield monkeypatch
    devctl.odoo_src.cache_clear()


def test_git_checkout_puts_addons_before_odoo_addons(tmp_path):
    src = make_odoo(tmp_path, "git")
    assert devctl.odoo_addons_paths(src) == [src / "addons", src / "odoo" / "addons"]


def test_packaged_tree_has_odoo_addons_only(tmp_path):
    src = make_odoo(tmp_path, "packaged")
    assert devctl.odoo_addons_paths(src) == [src / "odoo" / "addons"]


def test_packaged_tree_leaves_a_stale_addons_folder_out(tmp_path):
    src = make_odoo(tmp_path, "stale")
    assert devctl.odoo_addons_paths(src) == [src / "odoo" / "addons"]


def test_tree_without_web_is_refused(tmp_path):
    src = make_odoo(tmp_path, "git")
    (src / "addons" / "web" / "__manifest__.py").unlink()
    with pytest.raises(devctl.Failure, match="no web addon"):
        devctl.odoo_addons_paths(src)


def test_only_18_0_counts_as_odoo_18(tmp_path):
    assert devctl.is_odoo18(make_odoo(tmp_path / "a", "git"))
    assert not devctl.is_odoo18(make_odoo(tmp_path / "b", "git", version="17, 0"))
    assert not devctl.is_odoo18(tmp_path / "missing")


def test_addons_path_of_a_git_checkout_given_as_odoo_src(env, tmp_path):
    src = make_odoo(tmp_path / "odoo", "git")
    env.setenv("ODOO_SRC", str(src))
    assert devctl.addons_path() == f"{src / 'addons'},{src / 'odoo' / 'addons'},{devctl.ADDONS_DIR}"


def test_odoo_installed_by_hand_is_used_without_cloning(env):
    make_odoo(devctl.ODOO_INSTALLED, "packaged")
    assert devctl.odoo_src() == devctl.ODOO_INSTALLED


def test_clones_odoo_into_the_cache_when_there_is_none(env, tmp_path, capfd):
    make_odoo(devctl.ODOO_INSTALLED, "packaged")  # not looked at: ODOO_GIT_URL is set
    env.setenv("ODOO_GIT_URL", str(make_repo(tmp_path / "upstream")))
    env.setenv("ODOO_GIT_BRANCH", "main")
    src = devctl.odoo_src()
    assert src == tmp_path / "cache" / "whatsapp_inbox" / "odoo-18.0"
    assert devctl.odoo_addons_paths(src) == [src / "addons", src / "odoo" / "addons"]
    shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=src,
                             capture_output=True, text=True, check=True).stdout
    assert shallow.strip() == "true"
    assert "cloning" in capfd.readouterr().out
    devctl.odoo_src.cache_clear()
    assert devctl.odoo_src() == src  # the second time from the cache
    assert "cloning" not in capfd.readouterr().out


def test_clones_into_an_empty_odoo_src(env, tmp_path):
    (tmp_path / "empty").mkdir()
    env.setenv("ODOO_SRC", str(tmp_path / "empty"))
    env.setenv("ODOO_GIT_URL", str(make_repo(tmp_path / "upstream", branch="18.0")))
    assert devctl.odoo_src() == tmp_path / "empty"
    assert devctl.is_odoo18(tmp_path / "empty")


def test_a_refused_clone_says_what_to_do_and_leaves_nothing(env, tmp_path):
    env.setenv("ODOO_GIT_URL", str(tmp_path / "no-such-repository.git"))
    with pytest.raises(devctl.Failure, match="could not clone .* Set ODOO_GIT_URL"):
        devctl.odoo_src()
    cache = tmp_path / "cache" / "whatsapp_inbox"
    assert not cache.exists() or not any(cache.iterdir())


def test_a_branch_that_is_not_odoo_18_is_refused(env, tmp_path):
    env.setenv("ODOO_GIT_URL", str(make_repo(tmp_path / "upstream", version="17, 0")))
    env.setenv("ODOO_GIT_BRANCH", "main")
    with pytest.raises(devctl.Failure, match="is not Odoo 18.0"):
        devctl.odoo_src()
    assert not (tmp_path / "cache" / "whatsapp_inbox" / "odoo-18.0").exists()


def test_an_odoo_src_holding_something_else_is_not_overwritten(env, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me\n")
    env.setenv("ODOO_SRC", str(tmp_path / "mine"))
    with pytest.raises(devctl.Failure, match="is not an Odoo 18.0 source tree"):
        devctl.odoo_src()
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me\n"


HARNESS_RACE = [
    "2026-12-02 01:00:28,714 14445 ERROR db odoo.tests.common: While processing message "
    '{"method":"Fetch.requestPaused","params":{}}\n',
    "Traceback (most recent call last):\n",
    "websocket._exceptions.WebSocketConnectionClosedException: socket is already closed.\n",
    "2026-12-02 01:00:28,784 14445 INFO db odoo.addons.x: Removing chrome user profile\n",
]


def test_harness_race_after_a_finished_tour_is_not_an_error():
    assert devctl.error_lines(HARNESS_RACE) == []


def test_other_errors_and_other_harness_failures_still_count():
    other = [HARNESS_RACE[0], "Traceback (most recent call last):\n",
             "KeyError: 'requestId'\n",
             "2026-12-02 01:00:29,000 14445 ERROR db odoo.addons.x: FAIL: TestX.test_y\n"]
    assert len(devctl.error_lines(other)) == 2
    assert len(devctl.error_lines(HARNESS_RACE + other[3:])) == 1
