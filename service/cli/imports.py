"""flask --app wsgi import disqus|wordpress|isso|json FILE --site SLUG"""

from __future__ import annotations

import sys
from contextlib import nullcontext

import click
from flask.cli import AppGroup

from service.importers import KINDS, ImportFailure, import_file, work_size

group = AppGroup("import", help="Bring comments in from Disqus, WordPress, Isso or an export of this service.")


def _run(kind: str, path: str, site: str, key: str | None = None) -> None:
    try:
        total = work_size(kind, path)
        bar = (click.progressbar(length=total, label=f"Importing {path}", file=sys.stderr)
               if sys.stderr.isatty() else nullcontext(None))
        with bar as progress:
            summary = import_file(kind, path, site, key=key,
                                  progress=progress.update if progress is not None else lambda n: None)
    except ImportFailure as exc:
        raise click.ClickException(f"{exc} (nothing was imported)") from None
    for line in summary.lines():
        click.echo(line, err=True)


def _command(kind: str, help_text: str, file_help: str):
    label, keys = KINDS[kind]
    options = [click.argument("file", type=click.Path(dir_okay=False)),
               click.option("--site", required=True, help="The slug of the site to import into.")]
    if keys:
        options.append(click.option("--key", type=click.Choice(keys), default=keys[0], show_default=True,
                                    help="What becomes each article's ID: it must match the data-article "
                                         "your pages give the widget."))

    def command(file: str, site: str, key: str | None = None) -> None:
        _run(kind, file, site, key)

    command.__doc__ = f"{help_text}\n\nFILE: {file_help}"
    for option in reversed(options):
        command = option(command)
    return group.command(kind)(command)


_command("disqus", "Import a Disqus XML export.", "the XML file Disqus mails you.")
_command("wordpress", "Import a WordPress export (WXR).", "the file from Tools > Export in WordPress.")
_command("isso", "Import an Isso database.", "Isso's SQLite database (comments.db).")
_command("json", "Import a file written by `flask --app wsgi export` (creates the site if it is missing).",
         "the export file.")
