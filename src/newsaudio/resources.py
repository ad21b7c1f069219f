"""Where newsaudio finds its data files and project-level defaults.

Language data (boilerplate phrases, phrases of the script) ships inside the package. The
project-level files a newsroom edits — voice profiles in ``voices/`` and the feed template
``podcast.xml.j2`` — are looked up in the current directory first, then in the copies the wheel
carries.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

from newsaudio.errors import ConfigError

if TYPE_CHECKING:
    import jinja2

_PACKAGE = "newsaudio"
# Where newsaudio keeps what it may lose (synthesized sentences, where episodes came from).
CACHE_ENV = "NEWSAUDIO_CACHE_DIR"
# A source checkout keeps the project files two levels above src/newsaudio/.
_CHECKOUT_ROOT = Path(__file__).resolve().parents[2]


def data_bytes(name: str) -> bytes:
    """Contents of a data file shipped in ``newsaudio/data``."""
    return resources.files(_PACKAGE).joinpath("data").joinpath(name).read_bytes()


def data_text(name: str) -> str:
    """Text of a data file shipped in ``newsaudio/data``."""
    return data_bytes(name).decode("utf-8")


def data_toml(name: str) -> dict[str, Any]:
    """A TOML data file shipped in ``newsaudio/data``."""
    data: dict[str, Any] = tomllib.loads(data_text(name))
    return data


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a user-edited TOML file, naming the file in any error."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return data
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from exc


def user_cache_folder() -> Path:
    """``$NEWSAUDIO_CACHE_DIR``, else the user's cache folder for newsaudio (not created)."""
    folder = os.environ.get(CACHE_ENV)
    if not folder:
        from platformdirs import user_cache_dir

        folder = user_cache_dir("newsaudio")
    return Path(folder)


def project_paths(name: str) -> list[Path]:
    """Every existing project-level ``name``, in the order they count: ./name, the checkout's,
    the packaged default (the same folder once)."""
    candidates = [
        Path.cwd() / name,
        _CHECKOUT_ROOT / name,
        Path(str(resources.files(_PACKAGE).joinpath("_defaults").joinpath(name))),
    ]
    found: list[Path] = []
    for candidate in candidates:
        if candidate.exists() and all(candidate.resolve() != f.resolve() for f in found):
            found.append(candidate)
    return found


def project_path(name: str) -> Path:
    """The project-level file or folder ``name``: ./name, else the packaged default."""
    found = project_paths(name)
    if not found:
        raise ConfigError(f"cannot find {name!r} in {Path.cwd()} or in the installed package")
    return found[0]


def template_environment(template: Path, finalize: Any | None = None) -> jinja2.Environment:
    """The Jinja2 environment for a project template (the feed, the listening page): values
    autoescaped, undefined names an error, ``finalize`` applied to every printed value."""
    import jinja2  # only the commands that write the feed or the page need it

    # select_autoescape() looks only at the last extension (.j2), so turn escaping on explicitly.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template.parent),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=finalize,
    )
