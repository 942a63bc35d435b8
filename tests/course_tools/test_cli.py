import subprocess
import sys
from pathlib import Path

import pytest

from course_tools import notebooks
from course_tools.chapters import ChapterNotFound, chapters, find_chapter
from course_tools.cli import main
from tests.helpers import ROOT, tiny_notebook


def test_list_shows_every_chapter_with_its_assignment(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "00      The training loop" in out
    for chapter in chapters(ROOT):
        assert chapter.number in out


@pytest.mark.parametrize("query", ["00", "0", "loop", "training_loop", "Training Loop"])
def test_chapter_can_be_named_by_number_or_fragment(query):
    assert find_chapter(query, ROOT).number == "00"


def test_unknown_chapter_is_a_clear_error_listing_valid_ones(capsys):
    assert main(["run", "42"]) == 2
    err = capsys.readouterr().err
    assert "No chapter matches '42'" in err and "00  The training loop" in err
    with pytest.raises(ChapterNotFound):
        find_chapter("quantum", ROOT)


def _tiny_course(tmp_path):
    for folder in ("notebooks", "solutions", "exercises"):
        (tmp_path / folder).mkdir(parents=True)
    nb = tiny_notebook(
        "notebooks/99_tiny.ipynb",
        [
            ("code", "answer = 6 * 7", []),
            ("code", "print(f'measured: {answer}')", ["measured"]),
            ("code", "from course_lib import claim\nclaim('the answer is 42', answer == 42)", []),
            ("code", "print('not a result')", []),
        ],
    )
    notebooks.write(nb, tmp_path / "notebooks" / "99_tiny.ipynb")
    return tmp_path


def test_run_executes_headless_and_prints_checked_results(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_ROOT", str(_tiny_course(tmp_path / "course")))
    out_dir = tmp_path / "runs"
    assert main(["run", "99", "--out", str(out_dir)]) == 0
    printed = capsys.readouterr().out
    assert "  measured: 42" in printed and "  holds: the answer is 42" in printed
    assert "not a result" not in printed
    assert "chapter 99 (notebook) ran in" in printed
    executed = notebooks.read(out_dir / "99_tiny.ipynb")
    assert executed.cells[2].outputs[0].text == "measured: 42\n"


def test_build_check_passes_on_the_repository(capsys):
    assert main(["build", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_doctor_reports_each_check():
    result = subprocess.run(
        [sys.executable, "-m", "course_tools.cli", "doctor"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert "TensorFlow" in result.stdout and "Jupyter kernel" in result.stdout
    assert "chapters in" in result.stdout
    # The test environment is a complete install: nothing may fail (a missing bubblewrap
    # is a warning), and the exit status says so.
    assert "[FAIL]" not in result.stdout and result.returncode == 0, result.stdout


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("course")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "doctor" in result.stdout


@pytest.mark.slow
def test_verify_reruns_under_an_offset_and_reports_a_measured_cell_that_did_not_move(
    tmp_path, monkeypatch, capsys
):
    # The tiny chapter's `measured` cell prints 42 under every seed: verify says so.
    course = _tiny_course(tmp_path / "course")
    path = course / "notebooks" / "99_tiny.ipynb"
    notebooks.write(notebooks.execute(notebooks.read(path), tmp_path), path)
    monkeypatch.setenv("COURSE_ROOT", str(course))
    assert main(["verify", "99", "--seeds", "1"]) == 1
    printed = capsys.readouterr().out
    assert "99_tiny.ipynb (seed offset 1): 1 problem(s); 3 of 4 code cells compared" in printed
    assert "is tagged 'measured' but printed exactly what was recorded" in printed
    assert printed.rstrip().endswith("1 run(s) with problems")


def test_grade_refuses_without_bubblewrap_unless_told_no_sandbox(tmp_path, monkeypatch, capsys):
    from course_tools.grading.kernel import Sandbox

    monkeypatch.setattr(Sandbox, "available", staticmethod(lambda: False))
    hand_in = tmp_path / "hand-in.ipynb"
    hand_in.write_text("{not json")
    assert main(["grade", "--assignment", "00", "--out", str(tmp_path / "out"), str(hand_in)]) == 2
    error = capsys.readouterr().err
    assert "bubblewrap (bwrap) is not installed" in error and "--no-sandbox" in error
    assert not (tmp_path / "out").exists()


def test_doctor_says_grading_refuses_without_bubblewrap(monkeypatch):
    from course_tools.cli import _doctor_checks
    from course_tools.grading.kernel import Sandbox

    monkeypatch.setattr(Sandbox, "available", staticmethod(lambda: False))
    rows = {what: (status, fix) for status, what, fix in _doctor_checks()}
    status, fix = next(v for k, v in rows.items() if k.startswith("bubblewrap"))
    assert status == "warn" and "apt-get install bubblewrap" in fix
    assert any("refuses to run without --no-sandbox" in what for what in rows)


def test_verify_isa_caps_onednn_and_switches_it_on(tmp_path, monkeypatch, capsys):
    import course_tools.verify as verify

    calls = []

    def fake_verify(path, offset, onednn=False, cell_timeout=300, isa=None):
        calls.append((path.name, offset, onednn, isa))
        return verify.Report(path=path, offset=offset, onednn=onednn, isa=isa)

    monkeypatch.setattr(verify, "verify_notebook", fake_verify)
    monkeypatch.setenv("COURSE_ROOT", str(_tiny_course(tmp_path / "course")))
    assert main(["verify", "99", "--isa", "AVX2"]) == 0
    assert calls == [("99_tiny.ipynb", 1, True, "AVX2")]
    assert "oneDNN on, ONEDNN_MAX_CPU_ISA=AVX2): ok" in capsys.readouterr().out


def test_grade_passes_the_grading_defaults_it_shares_with_the_library(tmp_path, monkeypatch):
    """The CLI's defaults are `BatchOptions`' and `Limits`' own: one home for each."""
    import course_tools.grading.batch as batch
    from course_tools.grading.kernel import Limits

    seen = {}

    def fake_grade_batch(query, paths, options, stream=None):
        seen["options"] = options
        return []

    monkeypatch.setattr(batch, "grade_batch", fake_grade_batch)
    main(["grade", "--assignment", "00", "--out", str(tmp_path / "out"), str(tmp_path)])
    defaults = batch.BatchOptions(out_dir=tmp_path / "out")
    assert seen["options"] == defaults
    limits = Limits()
    assert (defaults.cell_timeout, defaults.setup_timeout, defaults.memory_mb) == (
        limits.cell_timeout,
        limits.setup_timeout,
        limits.memory_mb,
    )
