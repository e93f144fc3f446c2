"""What the plugin gives the templates beside each page's view: compiled templates kept between
builds, fragments rendered once, and Material's interface texts."""

from __future__ import annotations

from pathlib import Path

import jinja2
import platformdirs


def keep_compiled_templates(env: jinja2.Environment) -> None:
    """Keep compiled templates between builds: compiling Material's and ours again is a
    fifth of a second of every rebuild. The cache lives in this user's cache folder of the
    system (platformdirs: ~/.cache on Linux, %LOCALAPPDATA% on Windows), not in the site
    folder, where a committed file could be run; keyed by each template's source."""
    folder = Path(platformdirs.user_cache_dir("disclosure", appauthor=False)) / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    except OSError:
        pass  # no cache folder to be had: templates are compiled every build


class RenderedFragments(dict[object, str]):
    """Template fragments rendered once and reused (see theme/partials/nav.html)."""

    def has(self, key: object) -> bool:
        return key in self

    def put(self, key: object, fragment: str) -> str:
        self[key] = fragment
        return fragment


class MaterialTranslations:
    """Material's interface texts in the theme's language, each looked up once (see
    theme/partials/language.html): the text of ``key`` in the language's file, else in the
    English one, else the key itself, as Material's own macro answers."""

    def __init__(self, env: jinja2.Environment, language: str) -> None:
        self.env = env
        self.language = language
        self._known: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        if key not in self._known:
            own = self.env.get_template(f"partials/languages/{self.language}.html").module
            english = self.env.get_template("partials/languages/en.html").module
            text = own.t(key) or english.t(key) or key  # type: ignore[attr-defined]
            if key == "language" and text == "zh":
                text = "zh-CN"  # <html lang>: Simplified Chinese as written in China
            self._known[key] = text
        return self._known[key]
