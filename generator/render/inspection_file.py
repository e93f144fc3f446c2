"""The inspection report as an HTML file of its own (`disclosure check --report --html FILE`):
the staff read it in a browser without a staff build, and it never enters the public site.

The same partial as the staff page ``report/`` (theme/partials/inspection-report.html), in a
page without the site's theme; here the report is whole, scheduled and undated items counted,
as in the text of ``disclosure check --report``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import jinja2

from generator.site.inspection import Inspection

THEME_DIR = Path(__file__).parent / "theme"
TITLE = "网站检查报告"
NOTE = "本报告供网站工作人员自查，由 disclosure check --report --html 生成，不在网站上发布；"


def inspection_html(inspection: Inspection, site_name: str, site_url: str) -> str:
    """The whole page; links to the site's pages absolute under ``site_url`` when it is set."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(THEME_DIR), undefined=jinja2.StrictUndefined
    )
    base = site_url if site_url.endswith("/") or not site_url else site_url + "/"
    environment.filters["url"] = lambda path: urljoin(base, path) if base else path
    template = environment.get_template("report-file.html")
    return template.render(report=inspection, title=TITLE, note=NOTE, site_name=site_name)
