"""The README's commands and chapter table stay true."""

import re
import subprocess

import tomllib

from course_tools.chapters import chapters, colab_url
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text()


def readme_command(name: str) -> str:
    match = re.search(rf"<!-- command:{name} -->\n```bash\n(.+?)\n```", README, re.DOTALL)
    assert match, f"README has no command:{name} block"
    return match.group(1)


def test_two_setup_commands_use_extras_that_exist():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    course, tests = readme_command("course"), readme_command("tests")
    assert '".[lab]"' in course and "jupyter lab notebooks/" in course
    assert '".[test]"' in tests and tests.endswith("-m pytest")
    assert "jupyterlab" in " ".join(extras["lab"])
    assert {"pytest", "nbval", "pytest-xdist"} <= {re.split("[<>=]", r)[0] for r in extras["test"]}


def test_the_readme_test_command_cannot_hang():
    """Every test has a time limit (pytest-timeout), enforced from a thread so that a test
    stuck in native code ends too, and every notebook cell its own, shorter one."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = {re.split("[<>=]", r)[0] for r in project["project"]["optional-dependencies"]["test"]}
    options = project["tool"]["pytest"]["ini_options"]
    assert "pytest-timeout" in extras
    assert options["timeout_method"] == "thread" and 0 < options["timeout"] <= 1800
    cell_limit = next(a for a in options["addopts"] if a.startswith("--nbval-cell-timeout="))
    assert int(cell_limit.split("=")[1]) < options["timeout"]


def test_ci_runs_the_readme_test_command():
    # .ci/run extracts the block itself; check its extraction gives the same text.
    script = (ROOT / ".ci" / "run").read_text()
    awk = script.split("command=$(awk '", 1)[1].split("' README.md)", 1)[0]
    extracted = subprocess.run(
        ["awk", awk, "README.md"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert extracted == readme_command("tests")
    assert "export PYTHONHASHSEED=0" in script


def test_chapter_table_lists_every_chapter_with_its_badge():
    for chapter in chapters(ROOT):
        relative = f"notebooks/{chapter.notebook.name}"
        row = next(line for line in README.splitlines() if line.startswith(f"| {chapter.number} |"))
        assert f"[{chapter.title}]({relative})" in row
        assert colab_url(relative) in row
        assert re.search(r"\| ~\d+ (s|min) \|", row), "the row states a CPU time"


def test_the_instructor_section_uses_only_commands_and_options_the_cli_has():
    import shlex

    from course_tools.cli import parser

    section = README.split("## For instructors", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.+?)\n```", section, re.DOTALL)
    commands = re.findall(r"`(course [^`]+)`", section) + [
        line.strip() for block in blocks for line in block.splitlines()
    ]
    full = [shlex.split(command)[1:] for command in commands if len(command.split()) > 2]
    assert {args[0] for args in full} >= {"new", "build", "grade"}
    for args in full:
        parser().parse_args(args)  # exits on an unknown command or option
    assert "--feedback" in section and "gradebook.csv" in section
