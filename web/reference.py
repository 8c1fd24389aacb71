"""Build the API reference: one static HTML page rendering spec/ with swagger-ui-dist.

    .venv/bin/python web/reference.py spec/openapi.yaml --assets node_modules/swagger-ui-dist -o docs/api

(`make docs` runs exactly this, with the project's virtualenv, where accord is installed.) The
contract is bundled by accord (all `$ref`s across files resolved) and embedded in the page, so
docs/api/index.html opens from disk, from any static host or from CI artefacts with no server and
no network. The renderer's files are copied next to it from the npm package, so the page shows
what the locked swagger-ui-dist version renders.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import sys
from pathlib import Path

from accord.errors import AccordError
from accord.loading import load_spec

#: The renderer's files the page needs, copied from the npm package.
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} {version} — API reference</title>
  <link rel="icon" type="image/png" href="favicon-32x32.png">
  <link rel="stylesheet" href="swagger-ui.css">
  <style>body {{ margin: 0; }} .accord-note {{ font: 14px sans-serif; padding: 8px 20px; background: #f0f3f8; }}</style>
</head>
<body>
  <p class="accord-note">Generated from <code>{source}</code> by <code>make docs</code>.
    To try calls, use Swagger UI on the mock (<code>/__accord/docs</code>)
    or on the service (<code>/ui</code>).</p>
  <div id="reference"></div>
  <script id="contract" type="application/json">{contract}</script>
  <script src="swagger-ui-bundle.js" charset="utf-8"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      spec: JSON.parse(document.getElementById("contract").textContent),
      dom_id: "#reference",
      deepLinking: true,
      docExpansion: "list",
      defaultModelsExpandDepth: 0,
      supportedSubmitMethods: [],
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    }});
  </script>
</body>
</html>
"""


def build_reference(spec: Path, assets: Path, out: Path) -> Path:
    """Write `out/index.html` and the renderer's files; returns the page's path."""
    missing = [name for name in ASSETS if not (assets / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{assets} lacks {', '.join(missing)}: run `make node` (npm ci) first")
    loaded = load_spec(spec)
    info = loaded.document.get("info") or {}
    # JSON inside <script>: "</" would end the element early (HTML §4.12.1.3), so it is escaped.
    contract = json.dumps(loaded.document, ensure_ascii=False).replace("</", "<\\/")
    out.mkdir(parents=True, exist_ok=True)
    for name in ASSETS:
        shutil.copyfile(assets / name, out / name)
    page = out / "index.html"
    page.write_text(PAGE.format(title=html.escape(str(info.get("title", "API"))),
                                version=html.escape(str(info.get("version", ""))),
                                source=html.escape(spec.as_posix()), contract=contract), encoding="utf-8")
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path, nargs="?", default=Path("spec/openapi.yaml"))
    parser.add_argument("--assets", type=Path, default=Path("node_modules/swagger-ui-dist"))
    parser.add_argument("-o", "--out", type=Path, default=Path("docs/api"))
    args = parser.parse_args(argv)
    try:
        page = build_reference(args.spec, args.assets, args.out)
    except (AccordError, FileNotFoundError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(f"wrote {page}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
