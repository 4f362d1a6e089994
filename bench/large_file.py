#!/usr/bin/env python3
"""Generate one Altinn app with one large C# file, to check that the cost of `check` grows
linearly with the size of a file and that memory follows what is reported, not the input.

Usage: large_file.py OUT_DIR MEGABYTES [--shape one-mention|calls]

  one-mention  a start-up with one legacy registration, then MEGABYTES of ordinary methods
  calls        MEGABYTES of legacy registrations, one per line

Files above max-file-size (default 5 MiB) are skipped with a named problem: time the reading
with `--max-file-size 200M`, e.g.
`farm-bench -- target/release/maskinporten-migrate check --format json --max-file-size 200M OUT_DIR`
(see bench/README.md).
"""
import os
import sys

HEADER = """using Altinn.ApiClients.Maskinporten.Extensions;
using Altinn.ApiClients.Maskinporten.Services;

namespace Altinn.App;

public static class Registrations
{
    public static void Register(IServiceCollection services, IConfiguration config)
    {
"""

REGISTRATION = (
    "        services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, IClient{i}, Client{i}>("
    'config.GetSection("MaskinportenSettings"), cd => cd.ClientSettings.Scope = "altinn:scope{i}");\n'
)

FILLER = """
    public static int Sum{i}(int[] values)
    {{
        var total = 0;
        foreach (var value in values)
        {{
            total += value * {i} % 7; // ordinary code the prefilter and the queries pass over
        }}
        return total;
    }}
"""


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    shape = "one-mention"
    if "--shape" in sys.argv:
        shape = sys.argv[sys.argv.index("--shape") + 1]
        args.remove(shape)
    out, megabytes = args[0], float(args[1])
    target = int(megabytes * 1024 * 1024)
    app = os.path.join(out, "App")
    os.makedirs(app, exist_ok=True)
    with open(os.path.join(app, "App.csproj"), "w") as f:
        f.write(
            '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <ItemGroup>\n'
            '    <PackageReference Include="Altinn.App.Api" Version="8.12.7" />\n'
            '    <PackageReference Include="Altinn.App.Core" Version="8.12.7" />\n'
            '    <PackageReference Include="Altinn.ApiClients.Maskinporten" Version="9.2.1" />\n'
            "  </ItemGroup>\n</Project>\n"
        )
    parts = [HEADER]
    size = len(HEADER)
    i = 0
    if shape == "one-mention":
        parts.append(REGISTRATION.format(i=0))
        parts.append("    }\n")
        while size < target:
            part = FILLER.format(i=i)
            parts.append(part)
            size += len(part)
            i += 1
        parts.append("}\n")
    else:
        while size < target:
            part = REGISTRATION.format(i=i)
            parts.append(part)
            size += len(part)
            i += 1
        parts.append("    }\n}\n")
    with open(os.path.join(app, "Registrations.cs"), "w") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    main()
