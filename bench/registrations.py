#!/usr/bin/env python3
"""Generate one Altinn app whose start-up registers N legacy Maskinporten clients, to check that
the cost of `check` grows linearly with the number of registrations in one project.

Usage: registrations.py OUT_DIR N [--shape section|variable]

  section   services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, I, C>(
                config.GetSection("MaskinportenSettings"), cd => cd.ClientSettings.Scope = "...");
  variable  var s = config.GetSection("MaskinportenSettings").Get<MaskinportenSettings>();
            services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, I, C>(s);

Then time it, e.g. `farm-bench -- target/release/maskinporten-migrate check --format json OUT_DIR`
(see bench/README.md).
"""
import os
import sys


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    shape = "section"
    if "--shape" in sys.argv:
        shape = sys.argv[sys.argv.index("--shape") + 1]
        args.remove(shape)
    out, n = args[0], int(args[1])
    app = os.path.join(out, "App")
    os.makedirs(app, exist_ok=True)
    with open(os.path.join(app, "App.csproj"), "w") as f:
        f.write(
            '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <ItemGroup>\n'
            '    <PackageReference Include="Altinn.App.Api" Version="8.12.7" />\n'
            '    <PackageReference Include="Altinn.App.Core" Version="8.12.7" />\n'
            "  </ItemGroup>\n</Project>\n"
        )
    lines = [
        "using Altinn.ApiClients.Maskinporten.Config;",
        "using Altinn.ApiClients.Maskinporten.Extensions;",
        "using Altinn.ApiClients.Maskinporten.Services;",
        "",
        "namespace Altinn.App;",
        "",
        "public static class Registrations",
        "{",
        "    public static void Register(IServiceCollection services, IConfiguration config)",
        "    {",
    ]
    for i in range(n):
        client = f"IClient{i}, Client{i}"
        if shape == "variable":
            lines.append(
                f'        var settings{i} = config.GetSection("MaskinportenSettings").Get<MaskinportenSettings>();'
            )
            lines.append(
                f"        services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, {client}>(settings{i});"
            )
        else:
            lines.append(
                f"        services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, {client}>("
                f'config.GetSection("MaskinportenSettings"), cd => cd.ClientSettings.Scope = "altinn:scope{i}");'
            )
    lines += ["    }", "}", ""]
    with open(os.path.join(app, "Registrations.cs"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(app, "appsettings.json"), "w") as f:
        f.write('{\n  "MaskinportenSettings": {\n    "Scope": "altinn:serviceowner",\n    "ClientId": ""\n  }\n}\n')


if __name__ == "__main__":
    main()
