"""``newsaudio serve``: an output folder over HTTP, to try its page and feed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsaudio.cli.options import DebugOption, handled_errors


def serve(
    folder: Annotated[
        Path, typer.Argument(help="The output folder to serve.", file_okay=False)
    ] = Path("output"),
    port: Annotated[int, typer.Option("--port", "-p", help="TCP port (0: any free one).")] = 8000,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; 0.0.0.0 opens it to the network.")
    ] = "127.0.0.1",
    debug: DebugOption = False,
) -> None:
    """Serve an output folder over HTTP to try its listening page and feed in a browser or a
    podcast app: the right MIME types, and byte ranges for seeking. Ctrl-C stops it.

    Example: newsaudio serve output --port 8000
    """
    from newsaudio.publishing.serve import make_server, server_url

    with handled_errors(debug):
        server = make_server(folder, host, port)
    with server:
        typer.echo(f"Serving {folder} at {server_url(server)} (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            typer.echo("Stopped.")
