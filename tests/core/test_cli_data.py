"""The CLI shell: help without frameworks, `data info`, errors without tracebacks."""

import json
import subprocess
import sys

import pytest

from alexnet_cifar.cli import main

from cifar_fixtures import make_image_folder

BLOCK_FRAMEWORKS = (
    "import sys\n"
    "class Block:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0] in ('torch', 'torchvision', 'tensorflow', 'keras'):\n"
    "            raise ImportError('blocked: ' + name)\n"
    "sys.meta_path.insert(0, Block())\n"
)


def run_without_frameworks(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_FRAMEWORKS + code], capture_output=True, text=True
    )


def test_help_and_data_info_need_no_framework(tmp_path):
    root, _ = make_image_folder(tmp_path / "d")
    r = run_without_frameworks(
        "from alexnet_cifar.cli import main\n"
        f"rc = main(['data', 'info', '--data-dir', {str(root)!r}, '--cache-dir', "
        f"{str(tmp_path / 'c')!r}, '--json'])\n"
        "assert rc == 0\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('torch', 'tensorflow')]\n"
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["splits"] == {"train": 9, "test": 6}
    r = run_without_frameworks("from alexnet_cifar.cli import main\nmain(['--help'])")
    assert "usage: alexnet-cifar" in r.stdout


def test_data_info_table(tmp_path, capsys):
    root, _ = make_image_folder(tmp_path / "d")
    assert main(["data", "info", "--data-dir", str(root)]) == 0
    out = capsys.readouterr().out
    assert "images:        9 train, 6 test" in out
    assert "automobile" in out and "image-folder" in out


def test_bad_data_dir_is_a_clean_error(tmp_path, capsys):
    assert main(["data", "info", "--data-dir", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert "alexnet-cifar: error:" in err and "missing: no such file" in err
    assert "Traceback" not in err


def test_module_entry_point(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "alexnet_cifar", "--version"], capture_output=True, text=True
    )
    assert r.returncode == 0 and r.stdout.startswith("alexnet-cifar ")


def test_a_cache_that_cannot_be_written_is_a_warning_not_a_failure(tmp_path, capsys):
    root, _ = make_image_folder(tmp_path / "d")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    with pytest.warns(UserWarning, match="cannot write the data cache.*going on without it"):
        rc = main(["data", "info", "--data-dir", str(root), "--cache-dir", str(blocked)])
    assert rc == 0 and "images:        9 train, 6 test" in capsys.readouterr().out


def test_a_study_with_no_data_writes_nothing(tmp_path, capsys):
    not_cifar = tmp_path / "photos"
    not_cifar.mkdir()
    (not_cifar / "holiday.txt").write_text("not an image folder")
    out = tmp_path / "study"
    rc = main(["study", "--preset", "smoke", "--out", str(out), "--data-dir", str(not_cifar)])
    err = capsys.readouterr().err
    assert rc == 2 and "photos: not a CIFAR-10 source" in err and "Traceback" not in err
    assert not out.exists()  # the same command works once the path is right, no --resume
