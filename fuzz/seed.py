#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/corpus/TARGET/) from the repository's fixtures and test data.

Usage (from the repository root or fuzz/): python3 fuzz/seed.py
"""
import hashlib
import os
import pathlib

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
SEPARATOR = b"\xff"


def add(target, data):
    folder = FUZZ / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    fixtures = sorted(p for p in (ROOT / "fixtures").iterdir() if p.is_dir())
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if not path.is_file():
            continue
        name = path.name.lower()
        data = path.read_bytes()
        if name.endswith(".cs"):
            add("csharp", data)
        elif name.startswith("appsettings") and name.endswith(".json"):
            add("appsettings", data)
        elif name == "policy.xml":
            add("policy", data)
        elif name.endswith(".csproj") or name.endswith(".props"):
            add("msbuild", data)
    for path in sorted((ROOT / "tests" / "data" / "policy").glob("*.xml")):
        add("policy", path.read_bytes())
    # One app per fixture: its start-up file, appsettings.json and policy.xml.
    for fixture in fixtures:
        def first(pattern):
            found = sorted(fixture.rglob(pattern))
            return found[0].read_bytes() if found else b""
        cs = [p for p in sorted(fixture.rglob("*.cs")) if b"Maskinporten" in p.read_bytes()]
        program = cs[0].read_bytes() if cs else first("Program.cs")
        add("pipeline", program + SEPARATOR + first("appsettings.json") + SEPARATOR + first("policy.xml"))
    for target in ["csharp", "appsettings", "policy", "msbuild", "pipeline"]:
        count = len(os.listdir(FUZZ / "corpus" / target))
        print(f"{target}: {count} seeds")


if __name__ == "__main__":
    main()
