"""The import commands as an operator types them."""

from __future__ import annotations

from tests.factories import make_site
from tests.importers.helpers import DATA, total_rows


def test_import_disqus_command_prints_a_summary_on_stderr(app, runner):
    make_site("quiet")
    result = runner.invoke(args=["import", "disqus", str(DATA / "disqus.xml"), "--site", "quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # no progress bar off a terminal, and the summary is not data
    assert result.stderr.splitlines() == [
        "Articles: 2 created, 0 already there.",
        "Comments imported: 6 (3 approved, 1 deleted, 1 pending, 1 spam).",
        "Skipped as already present: 0.",
        "Replies linked to their parent: 2.",
    ]
    again = runner.invoke(args=["import", "disqus", str(DATA / "disqus.xml"), "--site", "quiet"])
    assert "Skipped as already present: 6." in again.stderr and "Comments imported: 0 (none)." in again.stderr


def test_import_wordpress_command_takes_a_key_scheme_and_reports_pingbacks(app, runner):
    make_site("garden")
    result = runner.invoke(args=["import", "wordpress", str(DATA / "wordpress.xml"), "--site", "garden",
                                 "--key", "slug"])
    assert result.exit_code == 0, result.output
    assert "Skipped pingbacks, trackbacks and other entries that are not comments: 1." in result.stderr


def test_import_command_refuses_a_bad_file_with_the_reason_and_imports_nothing(app, runner, tmp_path):
    make_site("quiet")
    bad = tmp_path / "bad.xml"
    bad.write_text('<disqus xmlns="http://disqus.com">\n<thread>\n</disqus>\n', encoding="utf-8")
    result = runner.invoke(args=["import", "disqus", str(bad), "--site", "quiet"])
    assert result.exit_code == 1
    assert "Error: line 3: the XML is malformed (mismatched tag) (nothing was imported)" in result.stderr
    assert total_rows() == (0, 0, 0)


def test_import_command_names_a_missing_file(app, runner, tmp_path):
    make_site("quiet")
    result = runner.invoke(args=["import", "wordpress", str(tmp_path / "nope.xml"), "--site", "quiet"])
    assert result.exit_code == 1 and "cannot read" in result.stderr and "No such file" in result.stderr


def test_import_command_rejects_an_unknown_key_scheme(app, runner):
    result = runner.invoke(args=["import", "disqus", str(DATA / "disqus.xml"), "--site", "quiet", "--key", "slug"])
    assert result.exit_code == 2 and "'slug' is not one of 'path', 'url', 'identifier'" in result.stderr
