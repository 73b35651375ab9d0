"""LibreOffice itself accepts or rejects every tracked change of a document and exports its text.

Run by the system Python that has LibreOffice's ``uno`` module (Debian's python3-uno), not by the
project's environment:

    /usr/bin/python3 tests/lo_revisions.py OUT_DIR accept:REDLINE.docx reject:REDLINE.docx text:CONTRACT.docx …

For each ``how:file`` it loads the file in a headless LibreOffice, runs ``.uno:AcceptAllTrackedChanges``
or ``.uno:RejectAllTrackedChanges`` (``text`` runs neither), and stores the text as UTF-8 into OUT_DIR as
``<n>.txt`` (n counts from 0 in argument order). It also writes ``<n>.redlines`` with the number of tracked
changes left, which must be 0 after accepting or rejecting.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]  # LibreOffice's own bridge, in the system Python only
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

COMMANDS = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges", "text": ""}


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe: str) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # not listening yet
            time.sleep(0.1)
    raise SystemExit("LibreOffice did not start")


def main() -> None:
    out = Path(sys.argv[1])
    jobs = [arg.split(":", 1) for arg in sys.argv[2:]]
    pipe = f"hcg_revisions_{os.getpid()}"
    with tempfile.TemporaryDirectory() as profile:
        office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                                   f"-env:UserInstallation={Path(profile).as_uri()}", f"--accept=pipe,name={pipe};urp;"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            context = _connect(pipe)
            manager = context.ServiceManager
            desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
            dispatcher = manager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
            for number, (how, name) in enumerate(jobs):
                document = desktop.loadComponentFromURL(Path(name).resolve().as_uri(), "_blank", 0,
                                                        (_prop("Hidden", True),))
                if COMMANDS[how]:
                    frame = document.getCurrentController().getFrame()
                    dispatcher.executeDispatch(frame, COMMANDS[how], "", 0, ())
                left = document.getRedlines().createEnumeration()
                count = 0
                while left.hasMoreElements():
                    left.nextElement()
                    count += 1
                (out / f"{number}.redlines").write_text(str(count), "utf-8")
                target = (out / f"{number}.txt").resolve().as_uri()
                document.storeToURL(target, (_prop("FilterName", "Text (encoded)"), _prop("FilterOptions", "UTF8")))
                document.close(True)
            desktop.terminate()
        finally:
            try:
                office.wait(timeout=30)
            except subprocess.TimeoutExpired:
                office.kill()


if __name__ == "__main__":
    main()
