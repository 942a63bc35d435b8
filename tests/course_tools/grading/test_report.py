"""course_tools.grading.report: the class report counts right and stands alone."""

from __future__ import annotations

from course_tools.grading import report
from tests.grading_records import RECORDS


def test_the_report_counts_pass_rates_and_lists_failures_and_problem_submissions():
    page = report.class_report_html(RECORDS, ("f", "g"))
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>")
    assert "4 submissions; mean 0.67 of 4 points." in page
    assert "<td>f</td><td>1/4</td>" in page and "<td>g</td><td>0/4</td>" in page
    assert "1 x <code>not JSON</code>" in page  # the grader's messages, for the instructor
    for name, status in [("bob", "malformed"), ("cy", "timeout"), ("dee", "kernel_died")]:
        assert f"<li>{name}: {status}</li>" in page
    assert "<li>ada:" not in page


def test_the_plots_are_embedded_so_the_file_stands_alone():
    page = report.class_report_html(RECORDS, ("f", "g"))
    assert 'src="data:image/png;base64,iVBOR' in page
    assert "http" not in page.split("<body>")[1]


def test_an_empty_batch_still_makes_a_page():
    page = report.class_report_html([], ("f",))
    assert "0 submissions" in page and "<img" not in page
